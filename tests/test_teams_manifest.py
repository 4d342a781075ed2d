"""`verbind teams-manifest` writes an app package Teams accepts: manifest and two icons."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.channels.teams.manifest import build_manifest
from tests.nodescript import run_script

APP_ID = "00000000-0000-0000-0000-0000000000b0"
VALIDATOR = Path(__file__).parent / "manifest"


def microsoft_validator(manifest: dict[str, Any], tmp_path: Path) -> list[str]:
    """Problems Microsoft's @microsoft/app-manifest reports for ``manifest`` (offline, under Node,
    against the schema of the manifest's version that ships in the package)."""
    node = shutil.which("node")
    if node is None or not (VALIDATOR / "node_modules" / "@microsoft" / "app-manifest").is_dir():
        pytest.skip(
            "node or @microsoft/app-manifest is missing: run scripts/test, which installs it"
        )
    problems: list[str] = run_script(node, VALIDATOR / "validate.js", manifest, tmp_path)[
        "problems"
    ]
    return problems


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "teams-manifest", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_package_has_manifest_and_icons(tmp_path: Path) -> None:
    """The zip holds a 1.22 manifest with bot, commands, compose search, and 192/32 px icons."""
    out = tmp_path / "verbind-teams.zip"
    result = run(
        "--app-id",
        APP_ID,
        "--website",
        "https://verbind.example.nl",
        "--domain",
        "verbind.example.nl",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color = Image.open(io.BytesIO(package.read("color.png")))
        outline = Image.open(io.BytesIO(package.read("outline.png")))
    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert titles == [
        "help",
        "meldcode",
        "afwegingskader",
        "contact",
        "consultatie",
        "overleg aanvragen",
        "menu",
    ]
    assert manifest["composeExtensions"][0]["commands"][0]["type"] == "query"
    assert manifest["validDomains"] == ["verbind.example.nl"]
    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    assert outline.mode == "RGBA"
    assert outline.getpixel((0, 0))[3] == 0, "the outline icon has a transparent background"


def test_bad_app_id_is_refused(tmp_path: Path) -> None:
    """An app id that is not a GUID gets a clear error and no file."""
    out = tmp_path / "x.zip"
    result = run(
        "--app-id", "not-a-guid", "--website", "https://verbind.example.nl", "--out", str(out)
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_manifest_passes_microsofts_validator(tmp_path: Path) -> None:
    """The package's manifest passes @microsoft/app-manifest's type check and 1.22 schema."""
    out = tmp_path / "verbind-teams.zip"
    result = run("--app-id", APP_ID, "--website", "https://verbind.example.nl", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
    assert microsoft_validator(manifest, tmp_path) == []


def test_microsofts_validator_finds_a_broken_manifest(tmp_path: Path) -> None:
    """A name over 30 characters and a wrong schema address are reported (the check can fail)."""
    manifest = build_manifest(app_id=APP_ID, website="https://verbind.example.nl")
    manifest["name"]["short"] = "Verbind " * 5
    manifest["$schema"] = manifest["$schema"].replace("v1.22", "v1.21")
    problems = microsoft_validator(manifest, tmp_path)
    assert any("/name/short" in p for p in problems), problems
    assert any(p.startswith("$schema") for p in problems), problems
