"""The terminal channel: an interactive chat and a JSON-lines mode for scripts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable

from dialogs.conversation import Conversation
from dialogs.plaintext import numbered_choices, reply_text
from dialogs.turn import Reply, Turn

__all__ = ["TerminalChannel", "replies_json", "replies_text"]

CHANNEL = "terminal"


def replies_json(replies: Iterable[Reply]) -> str:
    """One JSON object for one input line: ``{"replies": [{"text", "choices"}]}``."""
    data = {
        "replies": [
            {"text": reply_text(r), "choices": [b.label for b in r.buttons]} for r in replies
        ]
    }
    return json.dumps(data, ensure_ascii=False)


def replies_text(replies: Iterable[Reply]) -> str:
    """Replies as readable text with numbered choices."""
    blocks = []
    for reply in replies:
        choices = numbered_choices(reply)
        blocks.append(f"{reply_text(reply)}\n{choices}" if choices else reply_text(reply))
    return "\n\n".join(blocks)


class TerminalChannel:
    """One terminal conversation: every line is a turn with the same opaque key."""

    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self._key = f"{CHANNEL}:{uuid.uuid4().hex}"

    async def say(self, text: str) -> list[Reply]:
        """Send one user line; return the bot's replies."""
        return await self._conversation.handle(Turn(key=self._key, channel=CHANNEL, text=text))

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
