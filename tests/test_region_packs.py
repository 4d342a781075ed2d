"""Region packs: a region's chain, dossier wording and synonyms are content, and two coexist."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from dialogs import Conversation, MemorySessionStore
from dialogs.register import MemoryRegister
from knowledge import DEFAULT_CONTENT, ContentError, KnowledgeBase, load_knowledge
from tests.conftest import EXAMPLES, Chat

ROOT = Path(__file__).parent.parent
PACKAGES = ("bot", "dialogs", "knowledge")


def _chat(examples: KnowledgeBase) -> tuple[Chat, MemoryRegister]:
    register = MemoryRegister()
    conversation = Conversation(examples, sessions=MemorySessionStore(), register=register)
    return Chat(conversation), register


async def _record_advice(chat: Chat) -> str:
    await chat.say("vastleggen")
    await chat.click("Advies Veilig Thuis")
    if "Ik vroeg om overleg" not in chat.labels:
        await chat.click(chat.labels[0])
    await chat.click("Ik vroeg om overleg")
    return chat.text


async def test_each_region_answers_with_its_own_chain(examples: KnowledgeBase) -> None:
    """A place in the north shows the north's Veilig Thuis and team; the south shows its own."""
    north, _ = _chat(examples)
    await north.say("noordstad")
    north_names = [c.name for c in north.replies[-1].contacts]
    south, _ = _chat(examples)
    await south.say("zuidveen")
    south_names = [c.name for c in south.replies[-1].contacts]
    assert north_names[0] == "Example partner"
    assert south_names[0] == "Veilig Thuis Zuidregio"
    assert "JGZ Zuidveen" in south_names
    assert "Example partner" not in south_names


async def test_each_region_records_with_its_own_dossier_wording(examples: KnowledgeBase) -> None:
    """The dossier line and the record's region follow the region of the place asked about."""
    north, north_register = _chat(examples)
    await north.say("noordstad")
    north_text = await _record_advice(north)
    south, south_register = _chat(examples)
    await south.say("zuidveen")
    south_text = await _record_advice(south)
    assert "NoordDossier" in north_text
    assert "ZuidDossier" in south_text
    assert "NoordDossier" not in south_text
    assert [r.partner for r in north_register.records] == ["example-partner"]
    assert [r.partner for r in south_register.records] == ["zuid-veilig-thuis"]
    assert [r.region for r in south_register.records] == ["VT02"]


async def test_a_packs_synonyms_are_understood(examples: KnowledgeBase) -> None:
    """The north's own abbreviation ("vtn") is expanded like a national one."""
    chat, _ = _chat(examples)
    await chat.say("vtn")
    assert [c.name for c in chat.replies[-1].contacts] == ["Example partner"]


def test_every_region_has_a_pack_and_the_rest_are_national_defaults(shipped: KnowledgeBase) -> None:
    """Every region has a pack; all but Utrecht are generated national defaults: their Veilig
    Thuis, its vertrouwensarts and the GGDs as JGZ, no child-protection team, no dossier line,
    no covenant."""
    for code in shipped.regions:
        assert shipped.pack_for(code).region == code
    generated = [p for p in shipped.packs.values() if p.generated]
    assert len(generated) == 24
    assert {p.region for p in shipped.packs.values() if not p.generated} == {"VT20"}
    groningen = shipped.pack_for("VT08")
    assert groningen.veilig_thuis == "veilig-thuis-groningen"
    assert groningen.vertrouwensarts == "vertrouwensarts-groningen"
    assert groningen.jgz == ("ggd-groningen",)
    assert (groningen.protection, groningen.dossier, groningen.covenant) == ((), None, None)


def test_an_empty_region_falls_back_to_the_national_defaults(shipped: KnowledgeBase) -> None:
    """A region code without a pack (content without generated packs) gets an empty pack."""
    empty = shipped.pack_for("VT99")
    assert (empty.veilig_thuis, empty.protection, empty.dossier) == (None, (), None)


async def test_a_place_without_pack_names_the_local_team_to_confirm(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """Outside every pack, the place answer says the gemeente's local team is to be confirmed."""
    chat = make_chat(shipped)
    await chat.say("kind woont in Groningen")
    assert "Lokaal team: het wijk- of sociaal team van de gemeente (te bevestigen)" in chat.text


def test_no_region_name_in_python_code(shipped: KnowledgeBase) -> None:
    """Region policy is content: no Veilig Thuis region's name appears in the Python packages."""
    names = {r.name.casefold() for r in shipped.regions.values()} | {
        p.id for p in shipped.packs.values()
    }
    # Word-boundary match, so "drenthe" is found but "utrechtse" in a comment would be too.
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")", re.I)
    found = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in [pattern.search(line)]
        if match
    ]
    assert found == []


def test_the_region_name_check_can_fail(tmp_path: Path) -> None:
    """The pattern of the check above finds a region name in a line of code."""
    pattern = re.compile(r"\b(utrecht|drenthe)", re.I)
    assert pattern.search('_PARTNERS = ("veilig-thuis-utrecht",)')
    assert not pattern.search("partner = pack.veilig_thuis")


async def test_a_hook_adds_a_regions_line_to_a_national_node(examples: KnowledgeBase) -> None:
    """A national outcome shows the Zuidregio's own line and card for a child there, and neither
    for a child in another region or one whose region is not known; the region's own partner
    in a national node is shown only in its region."""
    south, _ = _chat(examples)
    await south.say("zuidveen")
    await south.say("basic question")
    await south.click("Ja")
    assert "In de Zuidregio belt u ook JGZ Zuidveen." in south.text
    assert [c.name for c in south.replies[-1].contacts] == ["JGZ Zuidveen"]
    north, _ = _chat(examples)
    await north.say("noordstad")
    await north.say("basic question")
    await north.click("Ja")
    assert "Zuidregio" not in north.text
    assert [c.name for c in north.replies[-1].contacts] == ["Example partner"]
    nowhere, _ = _chat(examples)
    await nowhere.say("basic question")
    await nowhere.click("Ja")
    assert "Zuidregio" not in nowhere.text
    assert nowhere.replies[-1].contacts == ()


async def test_the_acute_outcome_gets_utrechts_line_only_in_utrecht(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """The national acute outcome holds no region's words; in the Utrecht region its pack adds
    that acute cases go to Veilig Thuis Utrecht (a child's own SAVE worker is told as well)."""
    for place, said in (("kind woont in Zeist", True), ("kind woont in Zwolle", False)):
        chat = make_chat(shipped)
        await chat.say(place)
        await chat.say("meldcode")
        await chat.click("Jeugdarts")
        await chat.click("Ja")
        assert chat.replies[-1].emergency
        assert ("Veilig Thuis Utrecht" in chat.text) is said
        assert ("SAVE" in chat.text) is said
        names = [c.name for c in chat.replies[-1].contacts]
        assert ("Veilig Thuis Utrecht" in names) is said
        assert not any("SAVE" in name for name in names), "acute never goes to SAVE"


def test_national_trees_hold_no_regions_words(shipped: KnowledgeBase) -> None:
    """No national tree names a region, a region's own organisation or its dossier system: that
    is the region packs' to add, through hooks."""
    words = {r.name for r in shipped.regions.values()} | {"KIDOS", "SAVE", "buurtteam"}
    for organisation in shipped.organisations.values():
        if shipped.organisation_regions(organisation.id):
            words |= {organisation.name, *organisation.aliases}
    pattern = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in sorted(words)))
    found = {}
    for tree in shipped.trees.values():
        if shipped.tree_region(tree.id) is not None:
            continue
        for node in tree.nodes:
            texts = [node.text, getattr(node, "info", None) or "", *node.variants.values()]
            hits = {m.group(0) for t in texts for m in pattern.finditer(t)}
            if hits:
                found[f"{tree.id}/{node.id}"] = sorted(hits)
    assert found == {}


async def test_a_hook_adds_a_regions_line_to_a_national_faq_answer(examples: KnowledgeBase) -> None:
    """A national FAQ answer gets the Zuidregio's line and card for a child there, and neither
    for a child in another region or one whose region is not known."""
    for place, added in (("zuidveen", True), ("noordstad", False), (None, False)):
        chat, _ = _chat(examples)
        if place:
            await chat.say(place)
        await chat.say("example question")
        assert chat.text.startswith("The example says this.")
        assert ("In de Zuidregio noteert u het in ZuidDossier." in chat.text) is added
        assert ("JGZ Zuidveen" in [c.name for c in chat.replies[-1].contacts]) is added


async def test_a_regions_own_faq_is_answered_only_there(examples: KnowledgeBase) -> None:
    """A region's own FAQ entry: answered for a child in the region; for a child elsewhere
    "another region" and the national answer; with the region unknown the national answer and
    the question where the child lives, the gemeente typed next answering it."""
    south, _ = _chat(examples)
    await south.say("zuidveen")
    await south.say("south question")
    assert south.text.startswith("Only the south says this.")
    north, _ = _chat(examples)
    await north.say("noordstad")
    await north.say("south question")
    assert north.text.startswith("Dat geldt in een andere Veilig Thuis-regio dan regio Noordregio.")
    assert "The example says this." in north.text
    assert "Only the south" not in north.text
    assert "JGZ Zuidveen" not in [c.name for r in north.replies for c in r.contacts]
    nowhere, _ = _chat(examples)
    await nowhere.say("south question")
    assert nowhere.text.startswith("The example says this.")
    assert "Typ de gemeente waar het kind woont" in nowhere.text
    await nowhere.say("zuidveen")
    assert "Only the south says this." in nowhere.text


def _content_with(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


_SOUTH_TREE = """id: zuid-tree
title: South tree
summary: The south's own tree.
start: end
nodes:
  - id: end
    advice: Only in the south.
    outcome: contact
    sources: [example-source]
"""


def test_national_content_offers_no_regions_tree_and_names_its_counterparts(
    tmp_path: Path,
) -> None:
    """A national answer that offers a region's tree, a national entry with a ``national``
    counterpart and a region's entry whose counterpart is another region's are each refused,
    located."""
    root = _content_with(
        tmp_path,
        {
            "regions/zuid/trees/zuid-tree.yaml": _SOUTH_TREE,
            "faq/more.yaml": (
                "faq:\n"
                "  - id: offers-south\n    question: Which tree?\n    answer: This one.\n"
                "    sources: [example-source]\n    related: [zuid-tree]\n"
                "  - id: national-with-national\n    question: Which?\n    answer: This.\n"
                "    sources: [example-source]\n    national: example-question\n"
            ),
            "regions/noord/faq/noord.yaml": (
                "faq:\n"
                "  - id: north-question\n    question: North?\n    answer: North.\n"
                "    sources: [example-source]\n    national: zuid-question\n"
            ),
        },
    )
    with pytest.raises(ContentError) as caught:
        load_knowledge(root)
    assert [str(p) for p in caught.value.problems] == [
        "faq/more.yaml:6: offers-south: boom 'zuid-tree' hoort bij regio Zuidregio: het"
        " regiopakket biedt die aan met een hook ('related')",
        "faq/more.yaml:11: national-with-national: 'national' hoort bij een vraag van een"
        " regiopakket",
        "regions/noord/faq/noord.yaml:6: north-question: vraag 'zuid-question' is geen"
        " landelijke vraag",
    ]


def test_national_contact_points_stand_without_any_pack(
    shipped: KnowledgeBase, tmp_path: Path
) -> None:
    """The vertrouwensarts, the aandachtsfunctionaris, the LECK, the forensic doctors, the LKHA
    and the Centrum Seksueel Geweld are national: in the national directory, shown for a child
    in any region, and the content still loads with the Utrecht pack removed."""
    national = (
        "vertrouwensarts",
        "aandachtsfunctionaris",
        "leck",
        "forensisch-artsen",
        "knooppunt-huwelijksdwang",
        "centrum-seksueel-geweld",
    )
    for org in national:
        assert shipped.origins[("organisation", org)].document.file == "directory/national.yaml"
        assert all(shipped.shown_in(org, region) for region in (*shipped.regions, None))
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, root, ignore=shutil.ignore_patterns("tests"))
    shutil.rmtree(root / "regions" / "utrecht")
    _drop_stories_of_removed_answers(root)
    without = load_knowledge(root)
    assert set(national) <= set(without.organisations)
    assert without.pack_for("VT20").id == "landelijk"


def _drop_stories_of_removed_answers(root: Path) -> None:
    """The understanding's story signals for answers no longer in ``root`` go with them (the
    story about the covenant's training points into the removed pack)."""
    answers = {
        f"faq:{entry['id']}"
        for file in root.glob("**/faq/*.yaml")
        for entry in yaml.safe_load(file.read_text(encoding="utf-8"))["faq"]
    }
    trees = {f"tree:{file.stem}" for file in root.glob("**/trees/*.yaml")}
    stories = root / "understanding" / "stories.yaml"
    data = yaml.safe_load(stories.read_text(encoding="utf-8"))
    data["stories"] = [s for s in data["stories"] if s["target"] in answers | trees]
    stories.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


async def test_a_child_elsewhere_still_gets_the_national_experts(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """For a child in Groningen the LECK, the forensic doctors and the vertrouwensarts are
    shown as before: moving them out of the Utrecht pack hid nothing."""
    chat = make_chat(shipped)
    await chat.say("kind woont in Groningen")
    await chat.say("waar laat ik letsel duiden")
    names = [c.name for c in chat.replies[-1].contacts]
    assert names[:2] == [shipped.organisations[o].name for o in ("leck", "forensisch-artsen")]
