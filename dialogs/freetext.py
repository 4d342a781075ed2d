"""What free text leads to, once it is understood: the answer to a reading.

In order of force: acute danger first (a reply with 112 and 0800-2000, ``Reply.emergency``),
then the one target (with what it was read as, a close runner-up as one "Bedoelde u: …" button,
a place found beside it), a real tie asked, a place we do not know, or the honest fallback. A
role the text states is kept for the conversation (the ``beroep`` fact).
"""

from __future__ import annotations

import re
from dataclasses import replace

from dialogs import phrases, profession
from dialogs.commands import Command
from dialogs.consultation.state import STATED_ORGANISATION_FACT
from dialogs.handlers import ASKED_SIDE_FACT, OTHER_PLACE, Desk, at_place
from dialogs.places import resolve_place
from dialogs.router import Danger, Reading
from dialogs.screens import CHOOSE, Here, Result, safety_line
from dialogs.session import Offer, Session
from dialogs.targets import (
    FaqTarget,
    FlowTarget,
    IntentTarget,
    PlaceTarget,
    Target,
    TreeTarget,
    decode,
    encode,
)
from dialogs.turn import Button, Payload, Reply, Turn
from knowledge.normalise import normalise

__all__ = ["RUNNER_UP_FACT", "RUNNER_UP_NODE", "FreeText"]

RUNNER_UP_NODE = "_bedoeld"
"""The node of the "Bedoelde u: …" button."""
RUNNER_UP_FACT = "bedoeld"
"""The runner-up on offer (a target id), so only that button opens it."""
_TOPICS = (FaqTarget, TreeTarget)
"""The answers a story is read as, so the reply says which reading it answers."""
_FLOW_COMMANDS = frozenset({Command.REQUEST.value, Command.RECORD.value})
"""Actions that take a place named beside them as the child's gemeente (no place card)."""
_ID = re.compile(r"^[a-z0-9][a-z0-9:_-]{0,63}$")


class FreeText:
    """Answers a reading of free text, through the handlers of one loaded content."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def answer(self, session: Session, here: Here | None, turn: Turn, reading: Reading) -> Result:
        """The replies for ``reading``: danger first, then the rest of the message."""
        session = session.with_fact(RUNNER_UP_FACT, None)
        # The role first, so what the message asks for already follows it ("ik werk bij VT, ik
        # wil overleg aanvragen" opens the request on the Veilig Thuis side).
        session, notice = self._with_role(session, reading.role)
        if reading.employer is not None:
            said = "-".join(normalise(reading.employer).split())  # a fact is an id
            session = session.with_fact(STATED_ORGANISATION_FACT, said)
        result = self._rest(session, here, turn, reading)
        if notice is not None:
            result = replace(result, replies=[notice, *result.replies])
        if reading.danger is not None:
            result = self._danger_first(result, reading.danger)
        return result

    def runner_up(self, session: Session, here: Here | None, choice: str, turn: Turn) -> Result:
        """The "Bedoelde u: …" button was pressed: open the runner-up it offered."""
        target = decode(choice)
        if target is None or session.facts.get(RUNNER_UP_FACT) != choice:
            stale = Reply(phrases.STALE_BUTTON, kind="warning")
            return Result(
                session, [stale, *self._desk.screens.prompt(session, here, turn)], "stale"
            )
        return self._desk.open(session.with_fact(RUNNER_UP_FACT, None), here, target, turn)

    # -- the rest of the message ---------------------------------------------------------------

    def _rest(self, session: Session, here: Here | None, turn: Turn, reading: Reading) -> Result:
        screens = self._desk.screens
        targets = [t for t in reading.targets if self._desk.known(t)]
        danger = reading.danger
        if not targets and danger is not None and danger.then is not None:
            targets = [danger.then] if self._desk.known(danger.then) else []
        places = [t for t in targets if isinstance(t, PlaceTarget)]
        if reading.guessed and places and len(places) == len(targets):
            return self._guessed(session, here, places)
        if reading.side is not None and places:
            session = session.with_fact(ASKED_SIDE_FACT, reading.side)
        if len(targets) == 1:
            return self._one(session, here, turn, reading, targets[0])
        if targets:
            offer = Offer(CHOOSE, tuple(encode(t) for t in targets))
            buttons = screens.offer_buttons(offer, here)
            reply = Reply(phrases.AMBIGUOUS, kind="question", buttons=buttons)
            return Result(replace(session, offer=offer), [reply], "ambiguous")
        if reading.unknown_place:
            unknown = Reply(f"{phrases.UNKNOWN_PLACE}\n{safety_line(session)}", kind="warning")
            return Result(session, [unknown, *screens.prompt(session, here, turn)], "unknown-place")
        if reading.role is not None and danger is None:
            return Result(session, screens.prompt(session, here, turn), "role")
        fallback = Reply(f"{phrases.FALLBACK}\n{safety_line(session)}", kind="warning")
        if here is not None and not here.walk.finished:
            shown = screens.show(session, here.tree, session.answers, action="not-understood")
            return Result(shown.session, [fallback, *shown.replies], "not-understood")
        menu = screens.menu(session, welcome=False)
        return Result(menu.session, [fallback, *menu.replies], "fallback")

    def _guessed(self, session: Session, here: Here | None, targets: list[PlaceTarget]) -> Result:
        """A spelling-corrected place is asked, never answered: "Bedoelde u Esch (gemeente
        Boxtel)?", each candidate a button, and "Een andere plaats"."""
        raw = (*(encode(t) for t in targets), encode(IntentTarget(OTHER_PLACE)))
        offer = Offer(CHOOSE, raw)
        buttons = self._desk.screens.offer_buttons(offer, here)
        place = resolve_place(self._desk.knowledge, targets[0]) if len(targets) == 1 else None
        if place is None:
            text = phrases.PLACE_GUESSES
        else:
            named = place.name
            if place.gemeente is not None and place.gemeente.name != place.name:
                named = phrases.PLACE_IN_GEMEENTE.format(
                    name=place.name, gemeente=place.gemeente.name
                )
            text = phrases.PLACE_GUESS.format(place=named)
        reply = Reply(text, kind="question", buttons=buttons)
        return Result(replace(session, offer=offer), [reply], "place-guess")

    def _one(
        self, session: Session, here: Here | None, turn: Turn, reading: Reading, target: Target
    ) -> Result:
        place = resolve_place(self._desk.knowledge, reading.beside) if reading.beside else None
        if place is not None:
            # Where the message says the child lives holds for what it asks: a region's own
            # answer is given for that region, an action is started for that gemeente.
            session = at_place(session, place)
        opened = self._desk.open(session, here, target, turn)
        flow = isinstance(target, FlowTarget) or (
            isinstance(target, IntentTarget) and target.intent in _FLOW_COMMANDS
        )
        if reading.beside is not None and not flow:
            opened = self._desk.place_beside(opened, reading.beside)
        runner = reading.runner_up
        if runner is not None and (not self._desk.known(runner) or runner == target):
            runner = None
        if runner is None and (reading.act != "story" or not isinstance(target, _TOPICS)):
            return opened  # a place, an action or a card says itself what it answers
        # The answer first; then what the message was read as, so a wrong reading shows at
        # once, with the close second reading as one button.
        label = self._desk.label(encode(target), here)
        understood = Reply(phrases.UNDERSTOOD.format(label=label))
        opened = replace(opened, replies=[*opened.replies, understood])
        return self._with_runner_up(opened, runner, here) if runner is not None else opened

    def _with_runner_up(self, result: Result, runner: Target, here: Here | None) -> Result:
        """``result`` with one "Bedoelde u: …" button for the close second reading."""
        raw = encode(runner)
        if result.session is None or not result.replies or not _ID.match(raw):
            return result
        label = phrases.DID_YOU_MEAN.format(label=self._desk.label(raw, here))
        button = Button(label, Payload(RUNNER_UP_NODE, raw))
        last = result.replies[-1]
        replies = [*result.replies[:-1], replace(last, buttons=(*last.buttons, button))]
        return replace(
            result, session=result.session.with_fact(RUNNER_UP_FACT, raw), replies=replies
        )

    def safety(self, result: Result, reading: Reading) -> Result:
        """``result`` with the danger line first when ``reading`` carries danger."""
        return result if reading.danger is None else self._danger_first(result, reading.danger)

    # -- role and danger -----------------------------------------------------------------------

    @staticmethod
    def _with_role(session: Session, role: str | None) -> tuple[Session, Reply | None]:
        """``session`` keeping a role the text states for the conversation, and the notice that
        says so (None when nothing changed)."""
        if role is None or role not in profession.KNOWN:
            return session, None
        if session.facts.get(profession.PROFESSION_FACT) == role:
            return session, None
        notice = Reply(profession.PROFESSION_SET.format(label=profession.label(role)))
        return session.with_fact(profession.PROFESSION_FACT, role), notice

    def _danger_first(self, result: Result, danger: Danger) -> Result:
        """The 112 / 0800-2000 line before anything else (DOMAIN.md §1)."""
        contacts = self._desk.screens.contacts(danger.contacts)
        first = Reply(phrases.DANGER_FIRST, kind="warning", contacts=contacts, emergency=True)
        # A contact shown with the danger line is not repeated by the answer below it.
        rest = [
            replace(r, contacts=tuple(c for c in r.contacts if c not in contacts))
            for r in result.replies
        ]
        return replace(result, replies=[first, *rest], action=f"danger-{result.action}")
