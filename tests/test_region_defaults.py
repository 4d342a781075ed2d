"""National default region packs: generated from the CBS tables, taken over by a region's authors
with `verbind region new`, validated by `verbind check`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge import ContentError, load_knowledge
from knowledge.model import Organisation, RegionPack
from tests.conftest import EXAMPLES
from tests.test_directory import generator_module

ROOT = Path(__file__).parent.parent
CONTENT = ROOT / "knowledge" / "content"


def _tables(data: Path) -> None:
    """Three gemeenten in three regions, as the CBS tables give them, with the leads."""
    data.mkdir()
    (data / "gemeente_veiligthuisregio.csv").write_text(
        "gemeentecode,gemeente,vt_code,vt_regio\n"
        "GM0001,Noordstad,VT01,Noordregio\nGM0002,Zuidveen,VT02,Zuidregio\n"
        "GM0003,Oostwolde,VT03,West-brabant\n",
        encoding="utf-8",
    )
    (data / "gemeente_ggdregio.csv").write_text(
        "gemeentecode,gemeente,ggd_code,ggd_regio\n"
        "GM0001,Noordstad,GG0001,GGD Noord\nGM0002,Zuidveen,GG0002,GGD Zuid\n"
        'GM0003,Oostwolde,GG0001,"GGD Noord"\n',
        encoding="utf-8",
    )
    (data / "veiligthuis_organisaties.csv").write_text(
        "vt_code,vt_regio,naam,website,bron,bron_datum,zekerheid\n"
        "VT01,Noordregio,Veilig Thuis Noord,,https://example.org/1,2014,re-verify\n"
        "VT03,West-brabant,Veilig Thuis Oost,,https://example.org/3,2016,re-verify\n",
        encoding="utf-8",
    )


def test_each_region_without_its_own_pack_gets_a_national_default(tmp_path: Path) -> None:
    """A pack per region that has none: a confirmed Veilig Thuis name where a page confirms it,
    else "Veilig Thuis, regio …" (the lead only as an alias); its vertrouwensarts; each
    gemeente's GGD as JGZ for 4–18, marked to confirm; the CBS attribution. A region with a pack
    of its own, and the organisations that pack defines, are left alone."""
    generator = generator_module()
    data, content = tmp_path / "data", tmp_path / "content"
    _tables(data)
    hand = content / "regions" / "zuid"
    (hand / "directory").mkdir(parents=True)
    (hand / "pack.yaml").write_text("id: zuid\nregion: VT02\n", encoding="utf-8")
    (hand / "directory" / "chain.yaml").write_text(
        "organisations:\n  - {id: ggd-zuid}\n", encoding="utf-8"
    )
    (content / "directory").mkdir()
    gemeenten = generator._rows(data / "gemeente_veiligthuisregio.csv")
    confirmed = {
        "VT01": generator.Confirmed(
            "Veilig Thuis Noord", "", "https://example.org/1", "2025", "2026-12-07", ""
        )
    }
    written = generator.national_packs(
        gemeenten,
        generator.read_ggd(data),
        generator.read_leads(data),
        content,
        confirmed,
    )
    assert written == 2
    assert sorted(p.parent.name for p in content.glob("regions/*/pack.yaml")) == [
        "noordregio",
        "west-brabant",
        "zuid",
    ]
    north = yaml.safe_load((content / "regions/noordregio/directory/chain.yaml").read_text())
    west = yaml.safe_load((content / "regions/west-brabant/directory/chain.yaml").read_text())
    assert north["organisations"][0]["name"] == "Veilig Thuis Noord"
    assert west["organisations"][0]["name"] == "Veilig Thuis, regio West-Brabant"
    assert "Veilig Thuis Oost" in west["organisations"][0]["aliases"]
    assert west["coverage"] == [
        {
            "gemeente": "GM0003",
            "jgz": "ggd-noord",
            "jgz_ages": "4-18",
            "unconfirmed": ["jgz"],
            "verified": north["coverage"][0]["verified"],
        }
    ]
    for chain in (north, west):
        for organisation in chain["organisations"]:
            Organisation.model_validate(organisation)
    pack = RegionPack.model_validate(
        yaml.safe_load((content / "regions/west-brabant/pack.yaml").read_text())
    )
    assert (pack.generated, pack.jgz, pack.vertrouwensarts) == (
        True,
        ("ggd-noord",),
        "vertrouwensarts-west-brabant",
    )
    assert pack.words == ("West-Brabant",), "its name once: the CBS spelling is the same name"
    north_pack = yaml.safe_load((content / "regions/noordregio/pack.yaml").read_text())
    assert north_pack["words"] == ["Noordregio"]
    ggd = (content / "directory" / "ggd.yaml").read_text(encoding="utf-8")
    assert "Bron: CBS" in ggd
    assert "id: ggd-noord" in ggd
    assert "id: ggd-zuid" not in ggd, "defined by the region's own pack"
    assert "Bron: CBS" in (content / "regions/noordregio/pack.yaml").read_text(encoding="utf-8")


def test_every_shipped_gemeente_has_a_jgz_and_every_region_a_pack() -> None:
    """The committed defaults cover the country: 25 packs, a JGZ for each of the 342 gemeenten,
    every generated Veilig Thuis name either confirmed by a cited page or "Veilig Thuis, regio"."""
    shipped = load_knowledge()
    assert {p.region for p in shipped.packs.values()} == set(shipped.regions)
    assert set(shipped.coverage) == set(shipped.gemeenten)
    for pack in shipped.packs.values():
        if not pack.generated:
            continue
        veilig_thuis = shipped.organisations[pack.veilig_thuis or ""]
        cited = [s for s in veilig_thuis.sources if s.startswith("vt-")]
        region = shipped.regions[pack.region].name
        assert cited or veilig_thuis.name == f"Veilig Thuis, regio {region}", veilig_thuis.id


def _verbind(content: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--content", str(content), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_region_new_takes_over_a_generated_pack(tmp_path: Path) -> None:
    """`verbind region new VT08` makes Groningen's default pack the region's own: it no longer
    says it is generated, the generator leaves it alone, and `verbind check` accepts it."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    made = _verbind(content, "region", "new", "vt08")
    assert made.returncode == 0, made.stderr
    assert "regions/groningen/" in made.stdout
    assert "verbind check" in made.stdout
    pack = (content / "regions" / "groningen" / "pack.yaml").read_text(encoding="utf-8")
    assert "generated: true" not in pack
    assert "Do not edit" not in pack
    assert "VT08" in generator_module().hand_packs(content).regions
    assert _verbind(content, "check").returncode == 0
    again = _verbind(content, "region", "new", "VT08")
    assert again.returncode == 2
    assert "heeft al een eigen regiopakket: regions/groningen/pack.yaml" in again.stderr
    unknown = _verbind(content, "region", "new", "VT99")
    assert (unknown.returncode, "geen Veilig Thuis-regio" in unknown.stderr) == (2, True)


def test_region_new_scaffolds_a_pack_that_check_then_guides(tmp_path: Path) -> None:
    """Where a region has no pack at all, a commented pack is written; `verbind check` then names
    what is missing, located in it."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLES, content)
    shutil.rmtree(content / "regions" / "zuid")
    made = _verbind(content, "region", "new", "VT02")
    assert made.returncode == 0, made.stderr
    assert (content / "regions" / "zuidregio" / "pack.yaml").is_file()
    with pytest.raises(ContentError) as caught:
        load_knowledge(content)
    assert [str(p) for p in caught.value.problems] == [
        "regions/zuidregio/pack.yaml:6: zuidregio: gemeente(n) zonder JGZ in 'coverage': GM0002"
    ]
