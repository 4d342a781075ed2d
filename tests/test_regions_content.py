"""National content holds no region's words, wherever a user can reach it.

For a child in one gemeente of each Veilig Thuis region outside Utrecht, and for a user whose
child's region is not known, every FAQ answer, every outcome of every tree (and every tree's
first screen, "Meer onderwerpen" among them) and the menu are opened through the real
conversation: no reply names Utrecht, SAVE, KIDOS, a buurtteam, Samen Veilig, Rivas, or an
organisation or word of another region's pack. A region's own FAQ entries and covenant are never
answered as if they applied there: for a child elsewhere Verbind says so and gives the national
answer; while the region is not known it gives the national answer (if any) and asks for the
gemeente. Targets are opened by their button payload, so the walk does not depend on how typed
text is understood.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from dialogs import Conversation, MemorySessionStore, Payload
from dialogs.handlers import AFTER_PLACE_FACT
from dialogs.phrases import REGION
from dialogs.profession import PROFESSION_FACT
from dialogs.register import MemoryRegister
from dialogs.screens import FAQ
from dialogs.session import Offer, Session
from dialogs.targets import FaqTarget, TreeTarget, encode
from knowledge import KnowledgeBase, load_knowledge
from knowledge.engine import outcome_paths
from knowledge.regionwords import region_words
from tests.conftest import Chat
from tests.test_regions_nationwide import GEMEENTEN, UTRECHT, everything_shown

SHIPPED = load_knowledge()
REGION_ONLY = re.compile(r"Utrecht|\bSAVE\b|KIDOS|buurtteam|Samen Veilig|Rivas", re.IGNORECASE)
"""What a reply for a child outside the Utrecht region, or of unknown region, never says."""
OUTSIDE = [code for code in GEMEENTEN if SHIPPED.gemeenten[code].region != UTRECHT]
WHERE: list[str | None] = [*OUTSIDE, None]
PROFESSIONS = ("jeugdarts", "jeugdverpleegkundige")


def _name(code: str | None) -> str:
    return SHIPPED.gemeenten[code].name if code else "regio onbekend"


class Walker:
    """One conversation about one child, opening any target as if its button was pressed."""

    def __init__(self, knowledge: KnowledgeBase, code: str | None, profession: str) -> None:
        self.knowledge = knowledge
        self.code = code
        self.profession = profession
        self.store = MemorySessionStore()
        conversation = Conversation(knowledge, sessions=self.store, register=MemoryRegister())
        self.chat = Chat(conversation, key=f"walk:{code}")
        self.shown: list[tuple[str, str]] = []
        """(where, everything a reply showed), for the leak check."""

    async def start(self) -> None:
        """Name the child's gemeente (if any), as a user types it."""
        if self.code is not None:
            await self.chat.say(f"kind woont in {_name(self.code)}")
            if self.chat.text == "Bedoelt u een van deze?":
                await self.chat.click(next(x for x in self.chat.labels if "—" in x))
            self.note("plaats")
        await self.chat.say("menu")
        self.note("menu")

    def note(self, where: str) -> str:
        text = everything_shown(self.chat.replies)
        self.shown.append((where, text))
        return text

    async def open(self, target: str) -> str:
        """Press the button of ``target`` (offered as if on the screen before) in a session
        about this child, with the profession set; everything the replies show."""
        stored = await self.store.load(self.chat.key)
        assert stored is not None
        session: Session = stored.session.with_fact(PROFESSION_FACT, self.profession)
        seeded = replace(session, tree_id=None, answers=(), offer=Offer(FAQ, (target,)))
        await self.store.save(self.chat.key, seeded, etag=stored.etag)
        await self.chat.press(Payload(FAQ, target))
        return self.note(target)

    async def walk_faq(self) -> None:
        """Every FAQ entry: a national one answered, a region's own one only in its region."""
        for entry in self.knowledge.faq.values():
            text = await self.open(encode(FaqTarget(entry.id)))
            region = self.knowledge.faq_region(entry.id)
            if region is None:
                assert entry.answer in text, (self.code, entry.id)
            else:
                assert entry.answer not in text, (self.code, entry.id)
                national = self.knowledge.faq.get(entry.national or "")
                if national is not None:
                    assert national.answer in text, (self.code, entry.id)

    async def walk_trees(self) -> None:
        """Every tree's first screen and every outcome of a tree that applies here."""
        for tree in self.knowledge.trees.values():
            national = self.knowledge.tree_region(tree.id) is None
            for answers, end in outcome_paths(tree):
                text = await self.open(encode(TreeTarget(tree.id)))
                if not national:
                    assert tree.node(tree.start).text_for(self.profession) not in text
                    break
                node = tree.node(tree.start)
                for key in answers:
                    option = next(o for o in node.options if o.key == key)
                    await self.chat.click(option.label)
                    node = tree.node(option.next)
                text = self.note(f"{tree.id}/{end}")
                assert tree.node(end).text_for(self.profession) in text, (tree.id, end)

    def leaks(self, region: str | None) -> Iterator[str]:
        """Each reply that names Utrecht's words (outside Utrecht) or another region's."""
        words = region_words(self.knowledge)
        for where, text in self.shown:
            found = [] if region == UTRECHT else REGION_ONLY.findall(text)
            found += [word for word, _ in words.found(text, outside=region)]
            if found:
                yield f"{_name(self.code)} {where}: {sorted(set(found))}"


async def walk(knowledge: KnowledgeBase, code: str | None, profession: str) -> Walker:
    """Everything a user reaches about a child in ``code`` (None: region not known)."""
    walker = Walker(knowledge, code, profession)
    await walker.start()
    await walker.walk_faq()
    await walker.walk_trees()
    return walker


@pytest.mark.parametrize("code", WHERE, ids=_name)
async def test_no_reply_outside_a_region_holds_its_words(code: str | None) -> None:
    """For a child in a region outside Utrecht (or of unknown region) every FAQ answer, tree
    outcome, first screen and the menu hold nothing of Utrecht and nothing of another region."""
    profession = PROFESSIONS[WHERE.index(code) % 2]  # both wordings, over the regions
    walker = await walk(SHIPPED, code, profession)
    region = SHIPPED.gemeenten[code].region if code else None
    assert list(walker.leaks(region)) == []


async def test_the_walk_fails_when_a_national_faq_names_utrecht() -> None:
    """Self-check: with one national answer that names Utrecht (content the loader would
    refuse, built past it), the walk reports that answer, for a child elsewhere and unknown."""
    entry = SHIPPED.faq["welk-nummer-veilig-thuis"]
    leaky = entry.model_copy(update={"answer": f"{entry.answer} In Utrecht belt u SAVE."})
    knowledge = replace(SHIPPED, faq={**SHIPPED.faq, entry.id: leaky})
    for code in (OUTSIDE[0], None):
        walker = await walk(knowledge, code, "jeugdarts")
        region = SHIPPED.gemeenten[code].region if code else None
        leaks = list(walker.leaks(region))
        assert leaks
        assert all("faq:welk-nummer-veilig-thuis" in leak for leak in leaks), leaks


async def test_a_regions_own_answer_waits_for_the_childs_gemeente() -> None:
    """While the child's region is not known, a region's own question gets the national answer
    and the question where the child lives; the gemeente typed next answers it there — in the
    region with its own answer, elsewhere with the national one."""
    save = SHIPPED.faq["wat-doet-save"]
    national = SHIPPED.faq[save.national or ""]
    for place, own in (("Zeist", True), ("Zwolle", False)):
        walker = Walker(SHIPPED, None, "jeugdarts")
        await walker.start()
        text = await walker.open(encode(FaqTarget(save.id)))
        assert national.answer in text
        assert REGION["ask-more"] in text
        assert "SAVE" not in text
        await walker.chat.say(place)
        answered = walker.chat.text
        assert (save.answer in answered) is own
        assert (national.answer in answered) is not own
        assert ("andere Veilig Thuis-regio" in answered) is not own
        stored = await walker.store.load(walker.chat.key)
        assert stored is not None
        assert AFTER_PLACE_FACT not in stored.session.facts


async def test_a_covenant_asked_without_a_region_opens_after_the_gemeente() -> None:
    """The covenant's tree asked for while the region is not known asks the gemeente and opens
    once a gemeente of its region is typed; only then."""
    walker = Walker(SHIPPED, None, "jeugdarts")
    await walker.start()
    covenant = next(t for t in SHIPPED.trees.values() if SHIPPED.tree_region(t.id))
    text = await walker.open(encode(TreeTarget(covenant.id)))
    assert text.startswith(REGION["ask"])
    await walker.chat.say("menu")
    await walker.chat.say("Zeist")  # the question no longer waits after another step
    assert covenant.node(covenant.start).text_for("jeugdarts") not in walker.chat.text
    await walker.open(encode(TreeTarget(covenant.id)))
    assert covenant.node(covenant.start).text_for("jeugdarts") in walker.chat.text


async def test_a_national_answer_gets_the_childs_regions_line() -> None:
    """A national FAQ answer holds no region's words; for a child in Utrecht the pack's hook adds
    its line, cards and source (the KIDOS wording), for a child elsewhere nothing; a partner
    that serves certain gemeenten (the city's buurtteams) only for a child there."""
    for place, added in (("Utrecht", True), ("Zeist", True), ("Zwolle", False), (None, False)):
        walker = Walker(SHIPPED, None, "jeugdarts")
        if place:
            await walker.chat.say(f"kind woont in {place}")
        await walker.chat.say("menu")
        text = await walker.open(encode(FaqTarget("vastleggen-dossier")))
        assert SHIPPED.faq["vastleggen-dossier"].answer in text
        assert ("KIDOS" in text) is added
        cited = [s.url for r in walker.chat.replies for s in r.sources]
        assert (SHIPPED.sources["handelingsprotocol-utrecht-jgz"].url in cited) is added
        teams = await walker.open(encode(FaqTarget("lokale-teams")))
        assert ("Buurtteams Utrecht" in teams) is (place == "Utrecht"), "the city's teams only"
        assert ("Convenant Utrecht: op- en afschalen" in walker.chat.labels) is added
