"""The manager's report page (/rapport) in a real browser, on a phone and a desktop window:
what it shows, that it fits the screen, its filters and downloads, and axe-core without serious
findings (screenshots in test-artifacts/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.storage.backends import open_register
from knowledge import KnowledgeBase
from knowledge.loader import load_knowledge
from tests.nodescript import run_script
from tests.report_year import generate_year, year_jgz
from tests.test_browser import BROWSER, PNG_SIGNATURE, ROOT, SCREENS, serve_page, tools

__all__ = ["tools"]

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def report_page(tools: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """A server whose register holds the generated two years; yields the report's address."""
    shipped: KnowledgeBase = load_knowledge()
    register = open_register(Settings(data_dir=tmp_path / "data"))
    for record in sorted(generate_year(year_jgz(shipped)).records, key=lambda r: r.time):
        register.append_now(record)
    register.close()
    for url in serve_page(tmp_path, {}):
        yield f"{url}rapport?van=2026-01-01&tot=2026-12-31"


def test_the_report_page_in_chromium(
    tools: tuple[str, str], report_page: str, tmp_path: Path
) -> None:
    """On a 390×844 phone and a desktop window the report shows its figures beside the previous
    period, fits the screen, filters by region, and has no serious accessibility findings."""
    chromium, node = tools
    ARTIFACTS.mkdir(exist_ok=True)
    screens = [
        {"name": name, "viewport": size, "screenshot": str(ARTIFACTS / f"rapport-{name}.png")}
        for name, size in SCREENS.items()
    ]
    for screen in screens:
        Path(screen["screenshot"]).unlink(missing_ok=True)  # type: ignore[arg-type]
    plan = {
        "chromium": chromium,
        "url": report_page,
        "screens": screens,
        "region": "Gelderland-Midden",
        "shows": [
            "Consultaties via Verbind",
            "vorige periode",
            "Per JGZ-organisatie",
            "Van partner naar JGZ",
            "Oppaktijd per kwartaal",
            "Download Excel (.xlsx)",
            "<5",
        ],
    }
    summary = run_script(node, BROWSER / "report.js", plan, tmp_path)
    assert summary["problems"] == []
    for result in summary["results"]:
        serious = [v for v in result["axe"] if v["impact"] in ("serious", "critical")]
        assert serious == [], result["screen"]
    for screen in screens:
        assert Path(screen["screenshot"]).read_bytes().startswith(PNG_SIGNATURE)  # type: ignore[arg-type]
