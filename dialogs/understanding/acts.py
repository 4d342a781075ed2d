"""What kind of message it is: a question, a request or instruction, or a story.

Actions come only from requests. "Mag ik overleggen met school?" asks a rule and is answered;
"ik wil overleggen" and "kan ik via jou een consult aanvragen?" ask for the action. A negated
request ("ik wil geen overleg") and one about what was done before ("ik heb al overleg
aangevraagd") start nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from dialogs.router import Act
from dialogs.understanding.text import NEGATIONS, Message

__all__ = ["ActReading", "read_act"]

_ASKS = frozenset(
    """wat wie wanneer waarom hoe welke welk waar hoeveel mag mogen moet moeten is zijn ben
    heb hebt heeft hebben wordt worden krijg krijgt krijgen hoor hoort zou zouden weet weten
    valt geldt gelden doet doen klopt kan kun kunt kunnen what who when why how which where
    may must should do does is are will would can could""".split()
)
"""First words of a question."""
_RULE = frozenset(
    """mag mogen moet moeten wie wat wanneer waarom welke welk waar hoeveel is zijn ben heb hebt
    heeft hebben geldt gelden valt klopt wordt worden krijg krijgt hoor hoort weet weten doet
    doen zou zouden may must should what who when why which where is are does do will""".split()
)
"""First words of a question about a rule or a fact: answered, never an action."""
_POLITE = frozenset("kan kun kunt kunnen zou hoe can could how would".split())
"""First words of a request put as a question ("kan ik via jou …", "hoe vraag ik … aan")."""
_IMPERATIVE = frozenset(
    """stuur noteer leg registreer zet maak vraag start begin plan help log record send
    please graag""".split()
)
"""First words of an instruction ("noteer …", "stuur …", "graag …")."""
_SELF = frozenset("ik i we wij".split())
_WANTS = frozenset(
    """wil willen wilde graag zou stuur noteer noteren leg registreer registreren zet maak
    vraag start begin plan please want like log record send aanvragen vastleggen versturen
    sturen inplannen verzoek aanvraag""".split()
)
"""Words of a request or instruction ("ik wil …", "noteer …", "overleg aanvragen")."""
_PAST = frozenset(
    """aangevraagd gevraagd overlegd geconsulteerd gehad gesproken gebeld gedaan gevoerd gemeld
    requested consulted""".split()
)
_HAVE = frozenset("heb hebt heeft hebben had hadden ben is was waren have has had".split())
_MARK = frozenset("al eerder gisteren vorige vanochtend net already".split())
_LABEL = 3
"""A message of at most this many words without a verb of asking names a topic or action."""


@dataclass(frozen=True)
class ActReading:
    """A message's act, and whether it may start an action."""

    act: Act
    may_act: bool
    """True for a request (not negated) or a short label ("overleg aanvragen")."""
    rule: bool
    """It asks a rule or a fact ("mag ik …", "wie …", "is … nodig"): answered, never acted on."""
    done: bool
    """It tells what was done before ("ik heb al overleg aangevraagd"): nothing new to start."""
    asks: bool = False
    """It has the shape of a question: a question word first, or a question mark."""


def read_act(message: Message, *, people: bool = True) -> ActReading:
    """The act of ``message``, judged on the part that asks (the last question, if any);
    ``people``: the message names people (a statement about people is a story)."""
    words = message.words(message.focus)
    reading = _read(message, words, people=people)
    # An indirect question asks too: "ik weet niet of ik moet melden".
    indirect = any(a == "of" and b in _SELF | {"het", "dit"} for a, b in pairwise(words))
    asks = message.question_mark or indirect or (bool(words) and words[0] in _ASKS)
    return replace(reading, asks=asks)


def _read(message: Message, words: tuple[str, ...], *, people: bool) -> ActReading:
    first = words[0] if words else ""
    second = words[1] if len(words) > 1 else ""
    negated = bool(NEGATIONS & set(words))
    done = bool(_PAST & set(words)) and bool((_HAVE | _MARK) & set(words))
    if first in _RULE and not (first in _POLITE and second in ("ik", "je", "u", "jij")):
        return ActReading("question", False, True, done)
    if first in _POLITE or first in _ASKS:
        return ActReading("question", not negated, False, done)
    wants = _wants(words)
    if message.is_story and not wants:
        return ActReading("story", False, False, done)
    if not people and not wants and not message.question_mark:
        # A statement about no one ("wel of niet melden bij veilig thuis") asks about a topic.
        return ActReading("question", len(words) <= _LABEL and not negated, False, done)
    if wants:
        return ActReading("request", not negated, False, done)
    if len(words) <= _LABEL:
        # A few words without a verb of asking: a topic or an action named ("meldcode
        # stappen", "overleg aanvragen").
        act: Act = "question" if message.question_mark else "request"
        return ActReading(act, not negated, False, done)
    # A statement that asks nothing and wants nothing: a described situation.
    return ActReading("question" if message.question_mark else "story", False, False, done)


def _wants(words: tuple[str, ...]) -> bool:
    """An instruction, or the user's own wish: "noteer …", "ik wil …", "wil ik …", "graag …",
    a named action ("overleg aanvragen") — not someone else's ("ouders willen geen hulp")."""
    if not words:
        return False
    if words[0] in _IMPERATIVE or words[0] in _WANTS or "graag" in words or "please" in words:
        return True
    for i, word in enumerate(words):
        if word in _WANTS:
            near = set(words[max(0, i - 2) : i + 3])
            if _SELF & near or word in _NAMED:
                return True
    return False


_NAMED = frozenset("aanvragen vastleggen versturen verzoek aanvraag registreren noteren".split())
"""Actions named without a subject ("overleg aanvragen", "consult vastleggen")."""
