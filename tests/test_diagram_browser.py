"""The diagram pages as a reader sees them: `verbind serve`, Debian's chromium, a 390×844 phone
and a desktop window; tests/browser/diagrams.js measures, axe-core checks accessibility."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.nodescript import run_script
from tests.test_browser import BROWSER, PNG_SIGNATURE, ROOT, SCREENS, SHIPPED, serve_page, tools

__all__ = ["tools"]  # the fixture, used by name below

ARTIFACTS = ROOT / "test-artifacts" / "diagrams"


@pytest.fixture
def server(tools: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """A server on its embedded defaults; yields its address without the trailing slash."""
    for url in serve_page(tmp_path, {}):
        yield url.rstrip("/")


def internal_ids(tree_id: str) -> list[str]:
    """The node ids of a tree that cannot be ordinary words (they hold a hyphen)."""
    return [n.id for n in SHIPPED.trees[tree_id].nodes if "-" in n.id]


def look(tools: tuple[str, str], pages: list[dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    """Let diagrams.js open ``pages`` at both screens; its JSON summary."""
    chromium, node = tools
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    plan = {"chromium": chromium, "screens": SCREENS, "pages": pages, "out": str(ARTIFACTS)}
    return run_script(node, BROWSER / "diagrams.js", plan, tmp_path)


def test_diagram_pages_read_well_on_a_phone_and_a_desktop(
    tools: tuple[str, str], server: str, tmp_path: Path
) -> None:
    """Every tree's page and the index, at 390 px and on a desktop: not wider than the screen,
    the legend and the start box on screen as opened, every box's text whole and inside its
    box, no internal node id in text, titles or descriptions, no serious axe findings."""
    pages = [{"name": "index", "url": f"{server}/diagrammen", "start": None, "ids": []}]
    pages += [
        {
            "name": tree_id,
            "url": f"{server}/diagrammen/{tree_id}",
            "start": tree.start,
            "ids": internal_ids(tree_id),
        }
        for tree_id, tree in sorted(SHIPPED.trees.items())
    ]
    summary = look(tools, pages, tmp_path)
    assert summary["errors"] == []
    assert len(summary["results"]) == len(pages) * len(SCREENS)
    problems = [
        f"{r['page']} ({r['screen']}): {p}"
        for r in summary["results"]
        for p in r["problems"]
        if r["page"] != "index" or "legend" not in p
    ]
    assert not problems, "\n".join(problems)
    serious = [
        (r["page"], r["screen"], v)
        for r in summary["results"]
        for v in r["axe"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    for result in summary["results"]:
        for screenshot in result["screenshots"]:
            assert Path(screenshot).read_bytes().startswith(PNG_SIGNATURE)
