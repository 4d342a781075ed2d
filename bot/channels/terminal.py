"""The terminal channel: an interactive chat and a JSON-lines mode for scripts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable

from dialogs.consultation.fields import check_field
from dialogs.contacts import emergency_links
from dialogs.conversation import Conversation
from dialogs.plaintext import reply_text
from dialogs.turn import Form, FormField, Reply, Turn
from knowledge.normalise import normalise

__all__ = ["TerminalChannel", "calls", "choices", "replies_json", "replies_text"]

CHANNEL = "terminal"
_SKIP = "-"
_CANCEL = "annuleren"
"""Leaves a form, as its "Annuleren" button does; any command ("help", "menu", "stop", …)
leaves the line-by-line filling too and is answered as the chat answers it."""


def _field_prompt(field: FormField) -> Reply:
    # The label never says "optioneel" itself, so the hint is not doubled.
    if field.value:
        hint = f" (nu: {field.value}; Enter houdt dit)"
    else:
        hint = "" if field.required else " (optioneel; typ - om over te slaan)"
    return Reply(f"{field.label}{hint}:", kind="question")


def calls(reply: Reply) -> tuple[str, ...]:
    """The emergency numbers ``reply`` opens with ("Bel 112 bij direct gevaar", ...)."""
    return tuple(link.description for link in emergency_links(reply))


def choices(reply: Reply) -> list[str]:
    """What the terminal numbers for ``reply``: an emergency reply's two numbers first, then
    its answers (typing 1 or 2 names the number to call; 3 is the first answer)."""
    answers = [button.label for button in reply.buttons]
    return [*calls(reply), *answers] if answers else answers


def _text(reply: Reply) -> str:
    """The reply's text; an emergency reply without answers opens with its numbers as lines."""
    head = "" if reply.buttons else "".join(f"{call}.\n" for call in calls(reply))
    return head + reply_text(reply)


def replies_json(replies: Iterable[Reply]) -> str:
    """One JSON object for one input line: ``{"replies": [{"text", "choices"}]}``."""
    data = {"replies": [{"text": _text(r), "choices": choices(r)} for r in replies]}
    return json.dumps(data, ensure_ascii=False)


def replies_text(replies: Iterable[Reply]) -> str:
    """Replies as readable text with numbered choices (emergency numbers first)."""
    blocks = []
    for reply in replies:
        numbered = "\n".join(f"{i}. {label}" for i, label in enumerate(choices(reply), start=1))
        blocks.append(f"{_text(reply)}\n{numbered}" if numbered else _text(reply))
    return "\n\n".join(blocks)


class TerminalChannel:
    """One terminal conversation: every line is a turn with the same opaque key.

    A form is filled in line by line (one line per field, "-" skips an optional one); each field
    is checked as soon as it is entered (client data, a phone number) and asked again when it
    cannot be used. The values are sent together with the form's button and then forgotten.
    """

    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self._key = f"{CHANNEL}:{uuid.uuid4().hex}"
        self._form: Form | None = None
        self._values: dict[str, str] = {}
        self._calls: tuple[str, ...] = ()
        """The emergency numbers numbered before the answers on offer (typed 1, 2, ...)."""

    async def say(self, text: str) -> list[Reply]:
        """Send one user line; return the bot's replies."""
        leaves = normalise(text) == _CANCEL or self._conversation.is_command(text)
        if self._form is not None and not leaves:
            return await self._fill(self._form, text)
        self._form = None
        number = text.strip()
        if self._calls and number.isdigit():
            if 1 <= int(number) <= len(self._calls):
                return [Reply(f"{self._calls[int(number) - 1]}.", kind="warning")]
            text = str(int(number) - len(self._calls))  # the answers are numbered after them
        replies = await self._conversation.handle(Turn(key=self._key, channel=CHANNEL, text=text))
        return self._capture(replies)

    async def _fill(self, form: Form, text: str) -> list[Reply]:
        field = form.fields[len(self._values)]
        value = "" if text.strip() == _SKIP and not field.required else text
        if not text.strip() and field.value:
            value = field.value  # Enter keeps what the form filled in
        problem = check_field(field.name, value)
        if problem is not None:
            return [Reply(problem, kind="warning"), _field_prompt(field)]
        self._values[field.name] = value
        if len(self._values) < len(form.fields):
            return [_field_prompt(form.fields[len(self._values)])]
        values, self._form, self._values = self._values, None, {}
        turn = Turn(key=self._key, channel=CHANNEL, payload=form.submit.payload, form=values)
        return self._capture(await self._conversation.handle(turn))

    def _capture(self, replies: list[Reply]) -> list[Reply]:
        # Typed numbers answer the last reply with answers, as the conversation matches them.
        answered = [r for r in replies if r.buttons]
        self._calls = calls(answered[-1]) if answered else ()
        forms = [r.form for r in replies if r.form is not None]
        if not forms:
            return replies
        self._form, self._values = forms[-1], {}
        return [*replies, _field_prompt(forms[-1].fields[0])]

    async def run_json(self, lines: Iterable[str], write: Callable[[str], None]) -> None:
        """For each input line write exactly one JSON object line."""
        for line in lines:
            write(replies_json(await self.say(line.rstrip("\r\n"))))

    async def run_interactive(
        self, read: Callable[[str], str], write: Callable[[str], None]
    ) -> None:
        """Chat until end of input: a welcome first, then line by line."""
        write(replies_text(await self.say("menu")))
        write("(Ctrl-D sluit de chat af.)")
        while True:
            try:
                line = read("\n> ")
            except (EOFError, KeyboardInterrupt):
                write("")
                return
            write(replies_text(await self.say(line)))
