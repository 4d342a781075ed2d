"""Every Adaptive Card Verbind sends, drawn by Microsoft's JavaScript renderer in chromium.

The cards come from the same walk as tests/test_cards.py (every node of every shipped tree, FAQ,
partners, places, forms, menus, compose-box results). tests/cards/render.js draws them with a
Teams-like host config (tests/cards/teams-host-config.json) at a phone width (actions stacked,
as Teams on a phone) and a desktop width (actions side by side), saves sheets of screenshots in
test-artifacts/ and reports horizontal overflow, cut text and actions that cannot be reached.
Block Kit has no well-kept renderer outside Slack; tests/test_slack.py keeps its structural limits.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.channels.teams.cards import contact_attachment, reply_card
from dialogs import Conversation, MemorySessionStore
from knowledge import KnowledgeBase
from tests.conftest import Chat
from tests.nodescript import run_script
from tests.test_cards import every_reply

ROOT = Path(__file__).parent.parent
CARDS = Path(__file__).parent / "cards"
BROWSER = Path(__file__).parent / "browser"
ARTIFACTS = ROOT / "test-artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTHS = [
    # A 390 px phone: the card spans the screen less Teams' margins; actions stack.
    {"name": "telefoon", "viewport": 390, "card": 358, "orientation": "Vertical"},
    # Teams on a desktop: cards are at most about 500 px wide; actions side by side.
    {"name": "desktop", "viewport": 1280, "card": 500, "orientation": "Horizontal"},
]


def draw(cards: list[dict[str, Any]], tmp_path: Path, prefix: str) -> dict[str, Any]:
    """Let render.js draw ``cards`` ({name, card}) at both widths; its JSON summary."""
    chromium, node = shutil.which("chromium"), shutil.which("node")
    if chromium is None or node is None:
        pytest.skip("chromium or node is missing: scripts/test installs them")
    if (
        not (CARDS / "node_modules" / "adaptivecards").is_dir()
        or not (BROWSER / "node_modules" / "playwright-core").is_dir()
    ):
        pytest.skip("adaptivecards or playwright-core is missing: scripts/test runs npm ci")
    out = ARTIFACTS / prefix
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    plan = {"chromium": chromium, "cards": cards, "widths": WIDTHS, "out": str(out)}
    summary = run_script(node, CARDS / "render.js", plan, tmp_path)
    for width in summary["widths"]:
        for shot in width["screenshots"]:
            assert Path(shot).read_bytes().startswith(PNG_SIGNATURE)
    return summary


def named(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct cards, each named by its number and the start of its fallback text."""
    seen: dict[str, dict[str, Any]] = {}
    for card in cards:
        seen.setdefault(json.dumps(card, sort_keys=True), card)
    return [
        {"name": f"{i:03d} {' '.join(card['fallbackText'].split())[:50]}", "card": card}
        for i, card in enumerate(seen.values(), 1)
    ]


async def test_every_card_as_drawn_fits_at_phone_and_desktop_width(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat], tmp_path: Path
) -> None:
    """Drawn by Microsoft's renderer at 358 and 500 px, no card overflows, cuts text or hides
    an action, and each width leaves screenshots."""
    replies = await every_reply(shipped, make_chat)
    cards = [reply_card(r) for r in replies]
    conversation = Conversation(shipped, sessions=MemorySessionStore())
    cards += [
        contact_attachment(c)["content"]
        for name in ("zeist", "utrecht", "LECK")
        for c in conversation.contacts_for(name)
    ]
    plan = named(cards)
    summary = draw(plan, tmp_path, "cards")
    assert summary["errors"] == []
    problems = [f"{w['name']}: {p}" for w in summary["widths"] for p in w["problems"]]
    assert not problems, "\n".join(problems)
    for width in summary["widths"]:
        assert width["drawn"] == len(plan), width["name"]
        assert width["screenshots"]


def test_the_drawn_check_finds_overflow_cut_text_and_lost_actions(tmp_path: Path) -> None:
    """A card with an unbreakable word, a long button title and seven actions is reported at
    both widths (so the test above can fail)."""
    actions = [
        {"type": "Action.Submit", "title": f"Antwoord {i} " + "heel lang " * 6, "data": {}}
        for i in range(7)
    ]
    bad = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "fallbackText": "kapot",
        "body": [
            {"type": "TextBlock", "text": "x" * 120},
            {"type": "Image", "url": "", "width": "900px"},
        ],
        "actions": actions,
    }
    summary = draw([{"name": "kapot", "card": bad}], tmp_path, "cards-check")
    for width in summary["widths"]:
        problems = "\n".join(width["problems"])
        assert "text cut" in problems, width["name"]
        assert "7 actions" in problems, width["name"]


def test_the_form_card_has_one_primary_action() -> None:
    """In the request form's card "Versturen" is the positive (primary) action and
    "Annuleren" keeps the default style."""
    from dialogs.turn import Button, Form, FormField, Payload, Reply

    reply = Reply(
        "Uw vraag",
        form=Form((FormField("vraag", "Korte vraag"),), Button("Versturen", Payload("n", "go"))),
        buttons=(Button("Annuleren", Payload("n", "stop")),),
    )
    rows = [item["actions"] for item in reply_card(reply)["body"] if item["type"] == "ActionSet"]
    actions = {a["title"]: a for row in rows for a in row}
    assert [row[0]["title"] for row in rows] == ["Versturen", "Annuleren"]
    assert actions["Versturen"]["style"] == "positive"
    assert "style" not in actions["Annuleren"]
