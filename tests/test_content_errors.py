"""Broken content examples: each yields exactly the located errors it declares."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import ContentError, load_knowledge
from tests.conftest import BROKEN, EXAMPLES

_PLACE = re.compile(r"^# place: (\S+)$", re.MULTILINE)
_EXPECT = re.compile(r"^# expect: (.+)$", re.MULTILINE)


def _with_broken(tmp_path: Path, example: Path) -> Path:
    """A copy of the example content with ``example`` placed where it declares."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root)
    text = example.read_text(encoding="utf-8")
    place = _PLACE.search(text)
    assert place, f"{example.name} has no '# place:' line"
    shutil.copy(example, root / place.group(1))
    return root


@pytest.mark.parametrize("example", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_example_gives_its_located_errors(tmp_path: Path, example: Path) -> None:
    """Every broken example is refused with exactly the file:line: id: message it declares."""
    expected = _EXPECT.findall(example.read_text(encoding="utf-8"))
    assert expected, f"{example.name} declares no '# expect:' line"
    with pytest.raises(ContentError) as caught:
        load_knowledge(_with_broken(tmp_path, example))
    found = [str(p) for p in caught.value.problems]
    assert len(found) == len(expected), found
    for line, want in zip(found, expected, strict=True):
        assert line.startswith(want[:-1]) if want.endswith("*") else line == want


def test_every_error_kind_has_a_broken_example() -> None:
    """The broken examples cover each kind of problem the loader and validator report."""
    messages = " ".join(p.read_text(encoding="utf-8") for p in BROKEN.glob("*.yaml"))
    for fragment in (
        "ongeldige YAML",
        "staat er twee keer",
        "onbekende sleutel",
        "moet tekst zijn",
        "ontbreekt",
        "precies één van 'question' of 'advice'",
        "bestaat niet",
        "startknoop",
        "onbereikbaar",
        "doodlopend advies",
        "kring zonder markering",
        "maakt geen kring",
        "eindigt geen pad",
        "staat twee keer in deze boom",
        "bestaat al",
        "advies zonder bron",
        "bron '",
        "organisatie '",
        "boom '",
        "minstens 1 item",
        "ongeldig telefoonnummer",
        "geen geldig id",
        "verwacht: 'faq'",
        "regio '",
        "woonplaatscode",
        "al de naam van een gemeente",
        "regio zonder gemeenten",
        "ongeldige CBS-code",
        "staat ook bij intent",
        "doel '",
        "staat ook bij '",
        "is geen bekende plaatsnaam",
        "moet een van deze zijn",
        "zonder JGZ",
        "bestaat niet in boom",
        "staat niet in 'jgz'",
        "interne notitie 'te bevestigen'",
        "ontwikkelaarswoord",
        "interne naam",
        "geen ja/nee-vraag",
        "landelijke inhoud noemt geen regio",
        "citeer een landelijke bron",
        "zet haar in de landelijke directory",
        "een hook hoort bij een knoop",
        "hoort bij een regiopakket, niet bij de landelijke inhoud",
        "is een antwoord van regiopakket",
        "staat in geen van de bronnen",
        "ligt buiten de regio van deze organisatie",
    ):
        assert fragment in messages, fragment


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    """Problems in several files are all reported in one run, sorted by file and line."""
    root = _with_broken(tmp_path, BROKEN / "wrong-type.yaml")
    shutil.copy(BROKEN / "unknown-key.yaml", root / "trees" / "unknown-key.yaml")
    with pytest.raises(ContentError) as caught:
        load_knowledge(root)
    files = [p.location.file for p in caught.value.problems]
    assert files == ["trees/unknown-key.yaml", "trees/wrong-type.yaml"]


def test_check_command_fails_with_located_errors_and_no_traceback(tmp_path: Path) -> None:
    """`verbind check` exits non-zero and prints the located error, never a traceback."""
    root = _with_broken(tmp_path, BROKEN / "missing-target.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--content", str(root), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "trees/missing-target.yaml:14: ask: doel 'nowhere' bestaat niet" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_check_command_passes_on_shipped_content() -> None:
    """`verbind check` accepts the shipped content and prints a summary."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "in orde" in result.stdout


def test_missing_meta_file_is_reported(tmp_path: Path) -> None:
    """Content without meta.yaml is refused with a located error."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root)
    (root / "meta.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_knowledge(root)
    assert [str(p) for p in caught.value.problems] == ["meta.yaml:1: -: bestand ontbreekt"]


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    """A file that is not UTF-8 is refused with its name, not a traceback."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root)
    (root / "trees" / "latin1.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError) as caught:
        load_knowledge(root)
    assert caught.value.problems[0].location.file == "trees/latin1.yaml"
    assert "onleesbaar" in caught.value.problems[0].message
