"""Safety first, through a real conversation: every danger message of the labelled set opens
with 112 and 0800-2000 because it was read as danger (``Reply.emergency``), never because of
the fallback; the rest of the message is answered after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs import phrases
from dialogs.understanding import Understanding
from knowledge import KnowledgeBase
from tests.conftest import Chat
from tests.test_understanding import SAFETY, labelled_lines

MakeChat = Callable[[KnowledgeBase], Chat]
DANGER_LINES = [line for line in labelled_lines() if line.danger]


def test_the_danger_set_is_large_and_varied() -> None:
    """At least 100 danger messages, from more than one set of labelled lines."""
    assert len(DANGER_LINES) >= 100
    assert len({line.file for line in DANGER_LINES}) >= 2


async def test_every_danger_message_opens_with_112(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Each danger message's first reply is the emergency line (112 and 0800-2000 in its first
    line), not the fallback, and something answers the rest of the message after it."""
    wrong = []
    conversation = make_chat(shipped).conversation
    for n, line in enumerate(DANGER_LINES):
        chat = Chat(conversation, key=f"test:{n}")
        await chat.say(line.message)
        first = chat.replies[0]
        heading = first.text.splitlines()[0]
        ok = (
            first.emergency
            and "112" in heading
            and "0800-2000" in heading
            and phrases.FALLBACK not in chat.text
            and len(chat.replies) > 1
        )
        if not ok:
            wrong.append((line.message, [r.text[:60] for r in chat.replies]))
    assert wrong == [], f"{len(wrong)} of {len(DANGER_LINES)} danger messages: {wrong[:5]}"


@pytest.mark.parametrize(
    "message",
    [
        "er is geen wapen in huis",
        "vader heeft haar nooit gewurgd, het ging om een ruzie over geld",
        "wat is acute onveiligheid",
        "wanneer bel ik 112",
        "de moeder is drie jaar geleden verkracht, nu gaat het goed met haar",
        "moeder heeft een blauw oog, de baby lag in de kinderwagen",
        "kind uit Breukelen",
    ],
)
def test_no_danger_where_none_is_said(shipped: KnowledgeBase, message: str) -> None:
    """Negation, the past, a general question, an adult's injury, a place name: no danger."""
    assert Understanding(shipped).understand(message).danger is None


async def test_recent_sexual_violence_names_the_centrum_seksueel_geweld_first(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Recent sexual violence: the danger line carries the Centrum Seksueel Geweld's card, and
    the answer on sexual abuse follows."""
    chat = make_chat(shipped)
    await chat.say("een meisje van 15 is gisteravond verkracht, wat moet ik doen")
    first = chat.replies[0]
    assert first.emergency
    assert [c.name for c in first.contacts][:1] == ["Centrum Seksueel Geweld"]
    assert "Centrum Seksueel Geweld" in chat.text


async def test_danger_comes_before_the_tree_it_asks_for(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Danger and the afwegingskader in one message: 112 first, then vraag 1."""
    chat = make_chat(shipped)
    await chat.say("vader heeft mama net gewurgd, moet ik melden?")
    assert chat.replies[0].emergency
    assert "Vraag 1 van 5" in chat.text


async def test_danger_typed_into_a_form_comes_first(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Danger typed where a form waits (the request's question) still opens with 112."""
    chat = make_chat(shipped)
    await chat.say("overleg aanvragen")
    await chat.say("het kind durft niet naar huis, vader slaat haar")
    assert chat.replies[0].emergency


def test_danger_labels_are_counted_in_the_safety_class() -> None:
    """Every line labelled safety counts in the class held at 100%."""
    assert all(line.kind == SAFETY for line in DANGER_LINES)
