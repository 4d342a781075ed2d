"""Every card the bot can send passes Microsoft's own Adaptive Cards parser (npm adaptivecards)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.channels.slack.blocks import reply_blocks
from bot.channels.teams.cards import (
    MAX_CARD_BYTES,
    card_bytes,
    contact_attachment,
    reply_activity,
    reply_card,
    reply_document,
)
from dialogs import Conversation, MemorySessionStore, Reply
from dialogs.intake import PICKUP_NODE, request_reply
from dialogs.turn import Button, Form, FormField, Payload
from knowledge import KnowledgeBase
from knowledge.diagrams import STYLES
from tests.conftest import Chat
from tests.test_shipped_trees import WALKS, open_tree, walk_to

CARDS = Path(__file__).parent / "cards"


def microsoft_parser(cards: list[dict[str, Any]]) -> list[list[str]]:
    """Problems per card as reported by the adaptivecards library under Node."""
    if shutil.which("node") is None or not (CARDS / "node_modules" / "adaptivecards").is_dir():
        pytest.skip(
            "node or the adaptivecards package is missing: run scripts/test, which installs it"
        )
    result = subprocess.run(
        ["node", str(CARDS / "validate.js")],
        input=json.dumps(cards),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    problems: list[list[str]] = json.loads(result.stdout)
    return problems


async def every_reply(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> list[Reply]:
    """Replies for every node of every tree, every FAQ answer and partner, places, fixed texts."""
    replies: list[Reply] = []
    for tree_id, answers, _, profession in WALKS:
        tree = shipped.trees[tree_id]
        chat = make_chat(shipped)
        await open_tree(chat, tree, profession)
        await walk_to(chat, tree, answers)
        replies += chat.history
    chat = make_chat(shipped)
    for text in [
        "hallo",
        "help",
        "wat voor weer wordt het",
        "vianen",
        "vt nummer zeist",
        "stop",
        "",
    ]:
        replies += await chat.say(text)
    for entry in shipped.faq.values():
        replies += await chat.say(entry.question)
    for organisation in shipped.organisations.values():
        replies += await chat.say(organisation.name)
    return replies + await consultation_replies(shipped)


async def consultation_replies(shipped: KnowledgeBase) -> list[Reply]:
    """Recording a consultation, a request form, its refusal, and the card an intake gets."""
    from dialogs.register import MemoryRegister
    from tests.test_consultation import KEY, ChannelChat, Desk

    desk = Desk("save", "veilig-thuis-utrecht")
    conversation = Conversation(
        shipped, sessions=MemorySessionStore(), register=MemoryRegister(), intakes=desk, key=KEY
    )
    chat = ChannelChat(conversation, "cards:1", "teams")
    await chat.say("leg vast dat ik overlegd heb")
    await chat.submit(gemeente="Zeist")
    await chat.click("Advies Veilig Thuis")
    await chat.click("Ik vroeg om overleg")
    await chat.say("overleg aanvragen")
    await chat.click("Ja")
    await chat.click("SAVE Jeugdbescherming")
    await chat.click("Vandaag nog")
    await chat.click("Op mijn werknummer")
    await chat.submit(gemeente="Zeist", vraag="Kind met BSN 111222333", telefoon="12")
    await chat.submit(
        gemeente="Zeist", vraag="Graag overleg over een casus", telefoon="030 123 45 67"
    )
    assert [r.form for r in chat.history if r.form], "the form is among the replies"
    intake = ChannelChat(conversation, "cards:intake", "teams")
    await intake.press(Payload(PICKUP_NODE, desk.delivered[0].pickup))
    await chat.say("menu")
    assert any(desk.delivered[0].reference in r.text for r in chat.replies), "the notice"
    return [*chat.history, *intake.history, request_reply(desk.delivered[0])]


async def test_every_card_passes_the_official_parser(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """All reply cards and contact cards parse without errors, are version 1.5 and under 28 KB."""
    replies = await every_reply(shipped, make_chat)
    conversation = Conversation(shipped, sessions=MemorySessionStore())
    cards = [reply_card(r) for r in replies]
    contacts = {
        c.name: c for name in ("zeist", "utrecht", "LECK") for c in conversation.contacts_for(name)
    }
    cards += [contact_attachment(c)["content"] for c in contacts.values()]
    assert len(cards) > 50
    for card in cards:
        assert card["version"] == "1.5"
        assert card_bytes(card) < MAX_CARD_BYTES
        assert card["fallbackText"]
    problems = microsoft_parser(cards)
    assert {i: p for i, p in enumerate(problems) if p} == {}


async def test_posted_documents_are_the_cards_and_only_replies_without_a_form_are_kept(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """What is posted for a reply is its activity as JSON, for every reply; it is remembered
    for a reply without a form and drawn afresh for one with a form (whose values a user
    typed), so those are kept nowhere."""
    replies = await every_reply(shipped, make_chat)
    with_form = [r for r in replies if r.form is not None]
    assert with_form, "the request form is among the replies"
    for reply in replies:
        document = reply_document(reply)
        assert json.loads(document) == reply_activity(reply)
        assert (reply_document(reply) is document) is (reply.form is None)


def test_the_parser_check_can_fail() -> None:
    """A broken card is reported by the official parser (so the test above can fail)."""
    broken = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "NoSuchElement"}]}
    assert microsoft_parser([broken])[0]


def test_form_fields_are_one_line_except_the_question_and_show_their_values() -> None:
    """A name and an organisation are one-line inputs and only a multi-line field wraps, in an
    Adaptive Card and in Block Kit; a field's value is shown filled in on both."""
    fields = (
        FormField("vraag", "Uw vraag", kind="multiline", value="Wat nu?"),
        FormField("naam", "Uw naam", value="Sam"),
        FormField("telefoon", "Telefoon", kind="tel"),
    )
    reply = Reply("Vul in", form=Form(fields, Button("Versturen", Payload("_av", "av:versturen"))))
    inputs = {b["id"]: b for b in reply_card(reply)["body"] if b.get("type") == "Input.Text"}
    assert [inputs[n]["isMultiline"] for n in ("vraag", "naam", "telefoon")] == [True, False, False]
    assert (inputs["vraag"]["value"], inputs["naam"]["value"]) == ("Wat nu?", "Sam")
    assert "value" not in inputs["telefoon"]
    blocks = {b["block_id"]: b["element"] for b in reply_blocks(reply) if b["type"] == "input"}
    assert [e["multiline"] for e in blocks.values()] == [True, False, False]
    assert [e.get("initial_value") for e in blocks.values()] == ["Wat nu?", "Sam", None]


def text_blocks_of(items: list[dict[str, Any]]) -> list[str]:
    """The text of every TextBlock in a card body, containers included, in order."""
    texts: list[str] = []
    for item in items:
        if item.get("type") == "TextBlock":
            texts.append(item["text"])
        texts += text_blocks_of(item.get("items", []))
    return texts


async def test_every_line_of_a_reply_is_a_text_block_of_its_own(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """Adaptive Cards' markdown joins single line breaks, so every line of a reply is a
    TextBlock of its own ("Direct gevaar? Bel 112." starts its own line)."""
    replies = await every_reply(shipped, make_chat)
    for reply in replies:
        blocks = text_blocks_of(reply_card(reply)["body"])
        lines = [line.strip() for line in reply.text.splitlines() if line.strip()]
        assert [line for line in lines if line not in blocks] == []
        assert [block for block in blocks if "\n" in block] == []


async def test_cards_show_no_raw_web_addresses(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """A card names its links (a contact's "Website", a source's title): no web address is
    shown as text, in reply cards and in compose-box contact cards."""
    replies = await every_reply(shipped, make_chat)
    conversation = Conversation(shipped, sessions=MemorySessionStore())
    cards = [reply_card(r) for r in replies]
    for name in ("zeist", "utrecht", "amsterdam", "veilig thuis"):
        cards += [contact_attachment(c)["content"] for c in conversation.contacts_for(name)]
    links = re.compile(r"\[[^\]]*\]\([^)]*\)")
    raw = re.compile(r"https?://|www\.", re.I)
    shown = [links.sub("", text) for card in cards for text in text_blocks_of(card["body"])]
    assert [text for text in shown if raw.search(text)] == []


async def test_outcome_cards_name_their_kind(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """An outcome's card opens with its kind in words, as the page and the diagrams' legend
    name it ("Uitkomst: melden")."""
    replies = await every_reply(shipped, make_chat)
    outcomes = [r for r in replies if r.outcome in STYLES]
    assert {r.outcome for r in outcomes} >= {"melden", "hulp", "afsluiten"}
    for reply in outcomes:
        first = reply_card(reply)["body"][0]
        assert (first["type"], first["text"]) == ("TextBlock", STYLES[reply.outcome].name)
