"""The welcome's role choice is a labelled group of its own on every channel, apart from the
menu's topics (the page is pinned in chromium by tests/test_browser.py)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import Block

from bot.channels.slack.blocks import reply_message
from bot.channels.teams.cards import reply_card
from dialogs import Reply, phrases, profession
from dialogs.plaintext import numbered_choices
from knowledge import KnowledgeBase
from tests.conftest import Chat
from tests.test_cards import microsoft_parser

ROLES = list(profession.CHOICES.values())


async def welcome(shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]) -> Reply:
    """The first reply of a new conversation: the welcome with the menu."""
    chat = make_chat(shipped)
    await chat.say("hallo")
    return next(r for r in chat.replies if any(b.label in ROLES for b in r.buttons))


async def test_the_role_buttons_are_a_labelled_group(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """The welcome's role buttons carry the group label "Ik ben:"; its topics carry none."""
    reply = await welcome(shipped, make_chat)
    grouped = [b.label for b in reply.buttons if b.group == phrases.ROLE_GROUP]
    assert grouped == ROLES
    assert [b for b in reply.buttons if b.group == ""], "the topics stay ordinary answers"
    assert all(b.group in ("", phrases.ROLE_GROUP) for b in reply.buttons)


async def test_teams_shows_the_role_group_under_its_label(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """In the Adaptive Card the label is a text block right before the role actions, after
    every topic, and the card passes Microsoft's parser."""
    card = reply_card(await welcome(shipped, make_chat))
    body = card["body"]
    titles = [
        (i, b["actions"][0]["title"]) for i, b in enumerate(body) if b.get("type") == "ActionSet"
    ]
    label = next(i for i, b in enumerate(body) if b.get("text") == phrases.ROLE_GROUP)
    after = [title for i, title in titles if i > label]
    assert after == ROLES
    assert not [title for i, title in titles if i < label and title in ROLES]
    assert phrases.ROLE_GROUP in card["fallbackText"]
    assert microsoft_parser([card]) == [[]]


async def test_slack_shows_the_role_group_under_its_label(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """In Block Kit the label is a section before an actions block with the roles only."""
    blocks = reply_message(await welcome(shipped, make_chat))["blocks"]
    heading = f"*{phrases.ROLE_GROUP}*"
    label = next(i for i, b in enumerate(blocks) if b.get("text", {}).get("text") == heading)
    after = [e["text"]["text"] for b in blocks[label + 1 :] for e in b.get("elements", [])]
    assert after == ROLES
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


async def test_text_channels_show_the_role_group_under_its_label(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """The terminal's numbered list puts "Ik ben:" on its own line above the first role."""
    lines = numbered_choices(await welcome(shipped, make_chat)).splitlines()
    label = lines.index(phrases.ROLE_GROUP)
    assert [line.split(". ", 1)[1] for line in lines[label + 1 :]] == ROLES
