"""The layering rule: bot -> dialogs -> knowledge; no channel SDK below bot/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CHANNEL_SDKS = {"botbuilder", "botframework", "slack_bolt", "slack_sdk", "aiohttp"}
DATABASE_DRIVERS = {"psycopg", "psycopg_pool", "sqlite3"}
FORBIDDEN = {
    "knowledge": CHANNEL_SDKS | DATABASE_DRIVERS | {"dialogs", "bot"},
    "dialogs": CHANNEL_SDKS | DATABASE_DRIVERS | {"bot"},
}


def imported_roots(path: Path) -> set[str]:
    """The top-level package of every import in ``path``."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_down_only(package: str) -> None:
    """`dialogs` and `knowledge` import no channel SDK, no aiohttp, no database driver and no
    higher layer."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


TEAMS_SDKS = {
    "botbuilder_adapter.py": {"botbuilder", "botframework"},
    "agents_adapter.py": {"microsoft_agents"},
}
"""Each Teams SDK and the one module allowed to import it."""


@pytest.mark.parametrize("module", sorted(TEAMS_SDKS))
def test_each_teams_sdk_lives_in_one_module(module: str) -> None:
    """Every import of a Teams SDK sits in its adapter, so an SDK move touches only that one."""
    sdk = TEAMS_SDKS[module]
    paths = [
        p for package in ("bot", "dialogs", "knowledge") for p in (ROOT / package).rglob("*.py")
    ]
    users = [p.name for p in paths if sdk & imported_roots(p)]
    assert users == [module]


def test_the_rule_detects_a_forbidden_import(tmp_path: Path) -> None:
    """The import scan sees plain and from-imports (so the rule above can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text("import aiohttp.web\nfrom slack_bolt import App\nfrom . import x\n")
    assert imported_roots(sample) == {"aiohttp", "slack_bolt"}
