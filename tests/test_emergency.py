"""Emergency first on every channel: every reply marked ``emergency`` opens with "Bel 112" and
"Bel 0800-2000" as its primary actions, before any request or record action — a tel: link as
Action.OpenUrl in Teams, a url button in Slack, a big button on the page, numbered first in the
terminal — and no other reply does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from bot.channels.slack.blocks import reply_blocks
from bot.channels.teams.cards import reply_card
from bot.channels.terminal import TerminalChannel, choices, replies_json, replies_text
from bot.channels.web.page import reply_json
from dialogs import Conversation, MemorySessionStore, Reply
from dialogs.phrases import CALL_112, CALL_VEILIG_THUIS
from dialogs.turn import Button, Payload
from knowledge import KnowledgeBase
from tests.conftest import Chat
from tests.test_cards import every_reply

NUMBERS = ["tel:112", "tel:08002000"]
LABELS = [CALL_112, CALL_VEILIG_THUIS]


@pytest.fixture(scope="module")
def replies(shipped: KnowledgeBase) -> list[Reply]:
    """Every reply the shipped content gives (tests/test_cards.py), and a safety answer as
    the understanding gives it (emergency, with the menu's buttons after it)."""
    import asyncio

    def make_chat(knowledge: KnowledgeBase) -> Chat:
        return Chat(Conversation(knowledge, sessions=MemorySessionStore()))

    found = asyncio.run(every_reply(shipped, make_chat))
    safety = Reply(
        "Direct gevaar? Bel 112.\nZorgen of twijfel? Bel Veilig Thuis 0800-2000.",
        kind="warning",
        buttons=(Button("Overleg aanvragen", Payload("_menu", "av:start")),),
        emergency=True,
    )
    return [*found, safety]


def emergencies(replies: list[Reply]) -> list[Reply]:
    """The emergency replies among ``replies``: at least the acute outcome and the safety
    answer with other actions after the numbers, and the understanding's danger line that
    opens a message's answer on its own (no other actions)."""
    found = [r for r in replies if r.emergency]
    assert any(r.outcome for r in found)
    assert any(not r.outcome and r.buttons for r in found)
    assert any(not r.buttons for r in found)
    return found


def card_actions(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every action of an Adaptive Card body in reading order (action sets, containers)."""
    actions: list[dict[str, Any]] = []
    for item in items:
        if item.get("type") == "ActionSet":
            actions += item["actions"]
        actions += card_actions(item.get("items", []))
    return actions


def test_teams_cards_open_with_the_emergency_numbers(replies: list[Reply]) -> None:
    """In Teams the two numbers are the card's first actions: tel: links (Action.OpenUrl) in
    the primary style, above the text, before every answer, request or record action."""
    for reply in emergencies(replies):
        body = reply_card(reply)["body"]
        first = next(i for i, item in enumerate(body) if item["type"] == "ActionSet")
        texts = [i for i, item in enumerate(body) if item["type"] == "TextBlock"]
        assert first < texts[1 if reply.outcome else 0]
        actions = card_actions(body)
        assert [(a["type"], a["url"], a["title"]) for a in actions[:2]] == [
            ("Action.OpenUrl", url, label) for url, label in zip(NUMBERS, LABELS, strict=True)
        ]
        assert {a["style"] for a in actions[:2]} == {"positive"}
        assert all(a["type"] == "Action.Submit" for a in actions[2:] if "data" in a)


def test_slack_messages_open_with_the_emergency_numbers(replies: list[Reply]) -> None:
    """In Slack the first buttons are url buttons to the two numbers, before the text and
    before every other button."""
    for reply in emergencies(replies):
        blocks = reply_blocks(reply)
        kinds = [b["type"] for b in blocks]
        first = kinds.index("actions")
        assert first < kinds.index("section")
        buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        assert [(b.get("url"), b["text"]["text"]) for b in buttons[:2]] == list(
            zip(NUMBERS, LABELS, strict=True)
        )
        assert all("url" not in b for b in buttons[2:])


def test_the_page_gets_the_emergency_numbers(replies: list[Reply]) -> None:
    """The page is sent both numbers for an emergency reply (chat.js draws them first, as big
    buttons: tests/test_browser.py measures them)."""
    for reply in emergencies(replies):
        assert [link["href"] for link in reply_json(reply)["emergency"]] == NUMBERS


def test_the_terminal_numbers_the_emergency_calls_first(replies: list[Reply]) -> None:
    """In the terminal the two numbers are choices 1 and 2, the answers follow from 3."""
    for reply in emergencies(replies):
        listed = choices(reply)
        if not reply.buttons:
            # Nothing to number: the numbers open the text as lines.
            assert replies_text([reply]).startswith("Bel 112 bij direct gevaar.\nBel 0800-2000")
            continue
        assert [c.split(" ", 2)[:2] for c in listed[:2]] == [["Bel", "112"], ["Bel", "0800-2000:"]]
        assert listed[2:] == [b.label for b in reply.buttons]
        text = replies_text([reply])
        assert f"1. {listed[0]}\n2. {listed[1]}\n3. {reply.buttons[0].label}" in text
        assert replies_json([reply]).count("Bel 112") >= 1


def test_no_other_reply_has_them(replies: list[Reply]) -> None:
    """A reply that is not an emergency shows no emergency actions on any channel."""
    calm = [r for r in replies if not r.emergency]
    assert calm
    for reply in calm:
        # A contact card may still offer its own number (the police: "Bel 112"); what an
        # emergency adds is a primary call action in the card's own head.
        body = reply_card(reply)["body"]
        head = [a for item in body if item["type"] == "ActionSet" for a in item["actions"]]
        assert [a for a in head if a["type"] == "Action.OpenUrl"] == []
        assert reply_json(reply)["emergency"] == []
        assert choices(reply) == [b.label for b in reply.buttons]


async def test_typing_a_number_in_the_terminal_after_an_emergency(
    shipped: KnowledgeBase,
) -> None:
    """In the terminal 1 and 2 name the number to call (nothing else happens), 3 is the
    first answer of the acute outcome."""
    terminal = TerminalChannel(Conversation(shipped, sessions=MemorySessionStore()))
    await terminal.say("afwegingskader")
    [acute] = [r for r in await terminal.say("Er is nu direct gevaar") if r.emergency]
    [told] = await terminal.say("1")
    assert "112" in told.text
    [told] = await terminal.say("2")
    assert "0800-2000" in told.text
    after = await terminal.say("3")
    first = acute.buttons[0]
    expected = await _first_answer(shipped, first.label)
    # The terminal follows a form with its first field's prompt ("Gemeente van het kind:").
    assert expected in [r.text for r in after]


async def _first_answer(shipped: KnowledgeBase, label: str) -> str:
    """What pressing ``label`` after the acute outcome answers (a fresh conversation)."""
    chat = Chat(Conversation(shipped, sessions=MemorySessionStore()))
    await chat.say("afwegingskader")
    await chat.click("Er is nu direct gevaar")
    await chat.click(label)
    return chat.replies[-1].text


def test_a_reply_is_an_emergency_only_when_marked() -> None:
    """The same reply without the mark has no emergency actions (the mark decides, not its
    words)."""
    reply = Reply("Direct gevaar? Bel 112.", emergency=True)
    assert reply_json(replace(reply, emergency=False))["emergency"] == []
    assert reply_json(reply)["emergency"]


MakeChat = Callable[[KnowledgeBase], Chat]


@pytest.mark.parametrize(
    "message",
    [
        "meisje 14 vertelt dat haar stiefvader haar gisteravond heeft verkracht",
        "jongen van 15 is vannacht aangerand door zijn oom",
    ],
)
async def test_a_contact_with_the_danger_line_is_not_repeated(
    shipped: KnowledgeBase, message: str
) -> None:
    """A contact card shown with the danger line appears once in the whole reply, not again
    under the answer below it."""
    replies = await Chat(Conversation(shipped, sessions=MemorySessionStore())).say(message)
    names = [card.name for reply in replies for card in reply.contacts]
    assert replies[0].emergency
    assert replies[0].contacts
    assert len(names) == len(set(names)), names
