"""A region pack's own answers in the understanding: read only where they apply.

A pack's FAQ entries, trees and stories are scored for a child (or an own organisation) in the
pack's region, and while the child's region is not known (the conversation then asks for the
gemeente). For a child in another region only an entry that names a national one
(``national``) is read — the conversation says it applies elsewhere and gives the national
answer — and no other: a region's own answer never wins elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from dialogs.router import Reading
from dialogs.targets import FaqTarget, Target, TreeTarget, decode
from dialogs.understanding import Understanding
from dialogs.understanding.text import Message
from knowledge import KnowledgeBase
from knowledge.regionwords import region_words
from tests.conftest import Chat

MakeChat = Callable[[KnowledgeBase], Chat]


def _pack_phrasings(knowledge: KnowledgeBase) -> Iterator[tuple[str, Target, str]]:
    """(region, target, a phrasing of it) for every pack FAQ entry, tree and story."""
    for entry in knowledge.faq.values():
        region = knowledge.faq_region(entry.id)
        if region is not None:
            for text in (entry.question, *entry.phrasings):
                yield region, FaqTarget(entry.id), text
    for tree in knowledge.trees.values():
        region = knowledge.tree_region(tree.id)
        if region is not None:
            for text in (tree.title, *tree.triggers):
                yield region, TreeTarget(tree.id), text
    for story in knowledge.stories.values():
        target = decode(story.target)
        assert target is not None
        region = (
            knowledge.faq_region(target.faq)
            if isinstance(target, FaqTarget)
            else knowledge.tree_region(story.target.partition(":")[2])
        )
        if region is not None:
            for text in story.signals:
                yield region, target, text


def _names_a_place(index: Understanding, text: str) -> bool:
    """True when ``text`` names a place (then the place decides the region)."""
    return index.places.find(Message(text)) is not None


def _all_targets(reading: Reading) -> set[Target]:
    danger = reading.danger.then if reading.danger is not None else None
    return {*reading.targets, *((reading.runner_up,) if reading.runner_up else ())} | (
        {danger} if danger is not None else set()
    )


def _packed(knowledge: KnowledgeBase, target: Target) -> str | None:
    if isinstance(target, FaqTarget):
        return knowledge.faq_region(target.faq)
    if isinstance(target, TreeTarget):
        return knowledge.tree_region(target.tree)
    return None


def test_shipped_packs_have_own_answers(shipped: KnowledgeBase) -> None:
    """The shipped content has region packs with their own answers (the tests below test
    something)."""
    assert len(list(_pack_phrasings(shipped))) >= 20


def test_a_region_s_own_answer_never_wins_elsewhere(shipped: KnowledgeBase) -> None:
    """Every phrasing of every pack's own answer, asked for a child in each other region,
    leads to no answer of any pack outside that region (first, tied, runner-up or after
    danger) but one that names the national entry to answer instead."""
    index = Understanding(shipped)
    wrong = []
    for own, _, text in _pack_phrasings(shipped):
        if _names_a_place(index, text):
            continue  # "afspraken jgz en veilig thuis utrecht": that region's answer
        for region in shipped.regions:
            if region == own:
                continue
            for target in _all_targets(index.understand(text, region=region)):
                found = _packed(shipped, target)
                national = isinstance(target, FaqTarget) and shipped.faq[target.faq].national
                if found is not None and found != region and not national:
                    wrong.append((region, text, target))
    assert not wrong, wrong[:10]


def test_a_region_s_own_answer_is_found_in_its_region(shipped: KnowledgeBase) -> None:
    """A pack entry's own question finds it for a child in its region and while the region
    is not known (the conversation then asks for the gemeente)."""
    index = Understanding(shipped)
    for entry in shipped.faq.values():
        region = shipped.faq_region(entry.id)
        if region is None:
            continue
        assert index.understand(entry.question, region=region).targets[:1] == (
            FaqTarget(entry.id),
        ), entry.id
        assert index.understand(entry.question).targets[:1] == (FaqTarget(entry.id),), entry.id


async def test_the_national_answer_stands_in_elsewhere(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """For a child in another region, a pack entry's own question is answered with the
    national entry it names (``national``), after saying it applies elsewhere."""
    index = Understanding(shipped)
    stand_ins = [
        e
        for e in shipped.faq.values()
        if e.national and shipped.faq_region(e.id) and not _names_a_place(index, e.question)
    ]
    assert stand_ins
    conversation = make_chat(shipped).conversation
    for entry in stand_ins:
        chat = Chat(conversation, key=f"test:{entry.id}")
        await chat.say("het kind woont in Maastricht")
        await chat.say(entry.question)
        assert chat.text.startswith("Dat geldt in een andere Veilig Thuis-regio"), entry.id
        assert shipped.faq[str(entry.national)].answer in chat.text, entry.id
        assert entry.answer not in chat.text


def test_the_own_organisation_s_region_applies(shipped: KnowledgeBase) -> None:
    """A Veilig Thuis / SAVE professional whose organisation lies in the pack's region gets
    the pack's answer, also for a child whose region is not known."""
    index = Understanding(shipped)
    entry = next(e for e in shipped.faq.values() if e.national and shipped.faq_region(e.id))
    own = shipped.faq_region(entry.id)
    assert own is not None
    other = next(r for r in sorted(shipped.regions) if r != own)
    reading = index.understand(entry.question, region=other, own_regions=frozenset({own}))
    assert reading.targets[:1] == (FaqTarget(entry.id),)


@pytest.mark.parametrize(
    ("message", "region"),
    [
        # The place in the message is where the child lives: it decides, not the one before.
        ("wanneer neemt SAVE het over? het kind woont in Zeist", "VT08"),
        ("wie heeft bij een kind uit Houten de regie, SAVE of het buurtteam", None),
    ],
)
def test_the_place_in_the_message_decides_the_region(
    shipped: KnowledgeBase, message: str, region: str | None
) -> None:
    """A place the message names is where the child lives: a pack's own answer is read for
    that place's region, whatever region the conversation knew before."""
    reading = Understanding(shipped).understand(message, region=region)
    assert reading.targets[:1] == (FaqTarget("regie"),)
    assert reading.beside is not None


async def test_no_region_s_words_for_a_child_elsewhere(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Each pack answer's own question, typed in a conversation about a child in another
    region (told first), gets a reply without any word of another region but those typed (a
    card asked for by name is shown)."""
    words = region_words(shipped)
    children = {"VT08": "Groningen", "VT25": "Maastricht"}
    conversation = make_chat(shipped).conversation  # one conversation, a session per chat
    for n, (own, _, text) in enumerate(_pack_phrasings(shipped)):
        for region, gemeente in children.items():
            assert region != own
            chat = Chat(conversation, key=f"test:{n}:{region}")
            await chat.say(f"het kind woont in {gemeente}")
            await chat.say(text)
            found = words.found(chat.text + " ".join(chat.labels), outside=region)
            typed = words.found(text)
            assert not [w for w in found if w not in typed], (gemeente, text, found)
