"""The shipped directory: CBS facts, the Utrecht chain, place answers in both directions."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dialogs import Conversation, MemorySessionStore, contact_text
from knowledge import KnowledgeBase
from tests.conftest import Chat

ROOT = Path(__file__).parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
CONTENT = ROOT / "knowledge" / "content"
DIRECTORY = CONTENT / "directory"


def test_cbs_counts(shipped: KnowledgeBase) -> None:
    """25 regions, 342 gemeenten and 2,501 woonplaatsen, each gemeente in an existing region."""
    assert len(shipped.regions) == 25
    assert len(shipped.gemeenten) == 342
    assert sum(len(g.places) for g in shipped.gemeenten.values()) == 2501
    assert all(g.region in shipped.regions for g in shipped.gemeenten.values())


def test_utrecht_region_is_the_province(shipped: KnowledgeBase) -> None:
    """All 26 Utrecht municipalities, and only they, are in VT20, each with its JGZ and a local
    team from the Utrecht pack (the hand-made one, not a generated default)."""
    utrecht = {g.code for g in shipped.gemeenten.values() if g.region == "VT20"}
    assert len(utrecht) == 26
    assert {"GM0344", "GM1961", "GM0355"} <= utrecht
    assert all(shipped.coverage[code].local_team for code in utrecht)
    pack = shipped.pack_for("VT20")
    assert (pack.veilig_thuis, pack.generated) == ("veilig-thuis-utrecht", False)


def test_cbs_attribution_is_kept() -> None:
    """The generated files carry the CBS attribution the licence asks for."""
    for name in ("regions.yaml", "gemeenten.yaml"):
        assert "Bron: CBS" in (DIRECTORY / name).read_text(encoding="utf-8")


@pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="the CBS tables (shared/data) are not beside this checkout"
)
def test_generator_reproduces_the_committed_directory(tmp_path: Path) -> None:
    """scripts/build_directory.py turns the CBS tables into exactly the committed content: the
    directory and every national default region pack, and changes nothing else."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for generated in content.glob("regions/*/pack.yaml"):
        if "generated: true" in generated.read_text(encoding="utf-8"):
            shutil.rmtree(generated.parent)  # written anew, not left over
    script = ROOT / "scripts" / "build_directory.py"
    subprocess.run([sys.executable, str(script), str(SHARED_DATA), str(content)], check=True)
    assert _files(content) == _files(CONTENT)


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.yaml"))
    }


async def test_place_answer_gives_region_number_and_chain(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """A village gives its gemeente, region, 0800-2000, what to say, and who serves it."""
    chat = make_chat(shipped)
    await chat.say("vt nummer driebergen")
    reply = chat.replies[-1]
    assert "Driebergen-Rijsenburg ligt in de gemeente Utrechtse Heuvelrug" in reply.text
    assert "Veilig Thuis-regio Utrecht" in reply.text
    assert "0800-2000" in reply.text
    assert (
        "noem de woonplaats van het kind: Driebergen-Rijsenburg".casefold() in reply.text.casefold()
    )
    assert "JGZ in Utrechtse Heuvelrug: GGD regio Utrecht (te bevestigen)" in reply.text
    names = [c.name for c in reply.contacts]
    assert names[:2] == ["Veilig Thuis Utrecht", "Vertrouwensarts van Veilig Thuis Utrecht"]
    assert "SAVE Jeugdbescherming" in names
    assert any("CBS" in s.title for s in reply.sources)


async def test_place_outside_utrecht_points_to_national_number(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """Outside Utrecht: the region's national default pack — its Veilig Thuis by the name a
    current page confirms, 0800-2000, its vertrouwensarts and the gemeente's GGD as JGZ for
    4–18, honestly marked — and no made-up team."""
    chat = make_chat(shipped)
    await chat.say("kind woont in Groningen")
    reply = chat.replies[-1]
    assert "Gemeente Groningen valt onder Veilig Thuis-regio Groningen." in reply.text
    assert [c.name for c in reply.contacts] == [
        "Veilig Thuis Groningen",
        "Vertrouwensarts van Veilig Thuis Groningen",
        "GGD Groningen",
    ]
    assert "JGZ in Groningen: GGD Groningen voor 4–18 jaar (te bevestigen)" in reply.text
    assert "JGZ 0–4 jaar kan een andere organisatie zijn" in reply.text
    assert "het wijk- of sociaal team van de gemeente (te bevestigen)" in reply.text


async def test_an_unconfirmed_veilig_thuis_name_is_not_used(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """Where no current page confirms the name of a region's Veilig Thuis, it is "Veilig
    Thuis, regio …" (the lead's name is only recognised when typed)."""
    chat = make_chat(shipped)
    await chat.say("kind woont in Assen")
    names = [c.name for c in chat.replies[-1].contacts]
    assert names[0] == "Veilig Thuis, regio Drenthe"
    assert "Veilig Thuis Drenthe" in shipped.organisations["veilig-thuis-drenthe"].aliases


async def test_same_named_places_are_asked(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """ "Vianen" exists twice: the bot asks which, and the choice gives the right region."""
    chat = make_chat(shipped)
    await chat.say("vianen")
    assert chat.replies[-1].text == "Bedoelt u een van deze?"
    assert sorted(chat.labels) == [
        "Vianen (Vijfheerenlanden) — Utrecht",
        "Vianen NB (Land van Cuijk) — Oost-Brabant",
    ]
    await chat.click("Vianen NB (Land van Cuijk) — Oost-Brabant")
    assert "Veilig Thuis-regio Oost-Brabant" in chat.replies[-1].text


async def test_former_municipality_name_is_understood(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """A merged municipality's old name leads to the current one."""
    chat = make_chat(shipped)
    await chat.say("zederik")
    text = chat.replies[-1].text
    assert "Zederik was tot 2019 een gemeente en hoort nu bij de gemeente Vijfheerenlanden" in text
    assert "Veilig Thuis-regio Utrecht." in text
    assert "Noem de woonplaats van het kind: Vijfheerenlanden (" in text


def test_partner_finds_jgz_for_a_municipality(shipped: KnowledgeBase) -> None:
    """A Veilig Thuis or SAVE professional finds the JGZ contact for a municipality."""
    conversation = Conversation(shipped, sessions=MemorySessionStore())
    city = [c.name for c in conversation.contacts_for("jgz utrecht")]
    assert city[0] == "JGZ Utrecht"
    houten = conversation.contacts_for("jgz gemeente houten")
    assert "GGD regio Utrecht" in [c.name for c in houten]
    team = next(c for c in houten if c.name == "Lokaal team Houten")
    assert "Lokaal team Houten (te bevestigen)" in contact_text(team)


def test_check_summary_counts_the_directory() -> None:
    """`verbind check` reports the directory and how many entries still need confirmation."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check"], capture_output=True, text=True, check=True
    )
    assert "25 regio's, 342 gemeenten, 2501 woonplaatsen" in result.stdout
    assert "te bevestigen" in result.stdout


def generator_module() -> Any:
    """scripts/build_directory.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "build_directory", ROOT / "scripts" / "build_directory.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_former_gemeenten_get_todays_codes(tmp_path: Path) -> None:
    """A former gemeente gets today's CBS code(s); a name still a gemeente is left out."""
    table = tmp_path / "herindelingen.tsv"
    table.write_text(
        "former\tyear\ttoday\nLingewaal\t2019\tWest Betuwe\nHaaren\t2021\tVught|Tilburg\n"
        "Tilburg\t1997\tTilburg\n",
        encoding="utf-8",
    )
    gemeenten = [
        {"gemeentecode": "GM1960", "gemeente": "West Betuwe"},
        {"gemeentecode": "GM0865", "gemeente": "Vught"},
        {"gemeentecode": "GM0855", "gemeente": "Tilburg"},
    ]
    text = generator_module().former_yaml(gemeenten, table)
    assert '{name: "Lingewaal", gemeente: GM1960, year: 2019,' in text
    assert '{name: "Haaren", gemeente: GM0865, also: [GM0855], year: 2021,' in text
    assert '"Tilburg"' not in text


def test_a_former_gemeente_with_an_unknown_successor_is_refused(tmp_path: Path) -> None:
    """A successor that is no gemeente today stops the generator with file:line."""
    table = tmp_path / "herindelingen.tsv"
    table.write_text("former\tyear\ttoday\nLingewaal\t2019\tWest Betuw\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"^herindelingen.tsv:2: "):
        generator_module().former_yaml(
            [{"gemeentecode": "GM1960", "gemeente": "West Betuwe"}], table
        )
