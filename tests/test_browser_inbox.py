"""The whole consultation job in a real browser, on the embedded defaults (no intakes file):
request on the web page → the partner's built-in inbox → "Ik pak dit op" → the requester is
told; the other direction, Veilig Thuis → JGZ; and the covenant's report of what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.register import ConsultationRecord
from tests.nodescript import run_script
from tests.serving import FOREIGN_SETTINGS
from tests.test_browser import BROWSER, PNG_SIGNATURE, ROOT, serve_page, tools

__all__ = ["tools"]

ARTIFACTS = ROOT / "test-artifacts"
INBOX_SCREENSHOT = ARTIFACTS / "partner-inbox.png"
PICKED_SCREENSHOT = ARTIFACTS / "partner-inbox-opgepakt.png"
JGZ_SCREENSHOT = ARTIFACTS / "jgz-inbox.png"
JGZ_PICKED_SCREENSHOT = ARTIFACTS / "jgz-inbox-opgepakt.png"
REPORT_SCREENSHOT = ARTIFACTS / "covenant-report.png"
QUESTION = "Hoe pakken we een zorg over een peuter samen op?"


@pytest.fixture
def default_page(tools: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """A server on its embedded defaults: no intakes file, so every partner has an inbox."""
    yield from serve_page(tmp_path, {})


def both_ways(url: str, chromium: str) -> dict[str, Any]:
    """A JGZ doctor asks SAVE about a child in Zeist; SAVE picks up in its inbox; the doctor is
    told. Then Veilig Thuis sends terugkoppeling for a child in Zeist; the JGZ of Zeist picks it
    up."""
    jgz_form = {
        "Korte vraag": QUESTION,
        "Uw naam": "Jeugdarts Test",
        "Uw organisatie": "JGZ Utrecht",
        "Uw werknummer": "030 123 45 67",
    }
    vt_form = {"Korte toelichting": "Onderzoek afgerond; bel gerust.", "Uw naam": "VT Test"}
    vt_form["Uw werknummer"] = "030 765 43 21"
    return {
        "url": url,
        "chromium": chromium,
        "steps": [
            {"who": "jgz", "type": "kind woont in Zeist", "expect": "Veilig Thuis-regio Utrecht"},
            {"who": "jgz", "type": "overleg aanvragen", "expect": "Bij welke organisatie"},
            {"who": "jgz", "click": "SAVE Jeugdbescherming", "expect": "Hoe snel"},
            {"who": "jgz", "click": "Vandaag nog", "expect": "korte vraag"},
            {"who": "jgz", "fill": jgz_form, "submit": "Versturen", "reference": True},
            {
                "who": "save",
                "inbox": f"{url}inbox/save",
                "shows": [QUESTION, "Jeugdarts Test (JGZ Utrecht)", "030 123 45 67"],
                "screenshot": str(INBOX_SCREENSHOT),
                "picked_screenshot": str(PICKED_SCREENSHOT),
                "expect": "De aanvrager krijgt bericht",
            },
            {"who": "jgz", "click": "Menu", "expect": "is opgepakt"},
            {"who": "vt", "type": "beroep", "expect": "Wat is uw beroep"},
            {"who": "vt", "click": "Veilig Thuis / jeugdbescherming", "expect": "Genoteerd"},
            {"who": "vt", "type": "overleg aanvragen", "expect": "Wat wilt u de JGZ sturen"},
            {"who": "vt", "click": "Terugkoppeling na onderzoek", "expect": "Hoe staat"},
            {"who": "vt", "click": "Onderzoek afgerond", "expect": "in welke gemeente"},
            {"who": "vt", "fill": {"Gemeente van het kind": "Zeist"}, "submit": "Verder"},
            {"who": "vt", "click": "Veilig Thuis Utrecht", "expect": "Hoe snel"},
            {"who": "vt", "click": "Binnen 3 werkdagen", "expect": "korte vraag"},
            {"who": "vt", "fill": vt_form, "submit": "Versturen", "reference": True},
            {
                "who": "ggd",
                "inbox": f"{url}inbox/ggd-regio-utrecht",
                "shows": ["Terugkoppeling: Onderzoek afgerond", "Gemeente van het kind: Zeist"],
                "screenshot": str(JGZ_SCREENSHOT),
                "picked_screenshot": str(JGZ_PICKED_SCREENSHOT),
                "expect": "De aanvrager krijgt bericht",
            },
            {"who": "vt", "click": "Menu", "expect": "is opgepakt"},
        ],
    }


def run_node(tools: tuple[str, str], plan: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Run inbox.js over ``plan``; no console errors and no serious axe findings."""
    summary = run_script(tools[1], BROWSER / "inbox.js", plan, tmp_path)
    assert summary["problems"] == []
    assert [v for v in summary["axe"] if v["impact"] in ("serious", "critical")] == []
    return summary


def records(tmp_path: Path) -> list[ConsultationRecord]:
    """The server's register, read after the run."""
    register = open_register(Settings(data_dir=tmp_path / "data"))
    try:
        return register.records()
    finally:
        register.close()


def local_time(register_time: str) -> str:
    """A register time (UTC) in Dutch local time, worked out here independently of Verbind."""
    moment = datetime.strptime(register_time, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")


def report_html(tmp_path: Path) -> Path:
    """`verbind report --format html` over the server's register, for the quarter its records
    fall in (read from the register, so the test does not depend on today's date)."""
    out = tmp_path / "rapport.html"
    register = open_register(Settings(data_dir=tmp_path / "data"))
    try:
        times = sorted(r.time for r in register.records())
    finally:
        register.close()
    first = date.fromisoformat(times[0][:10])
    start = first.replace(month=(first.month - 1) // 3 * 3 + 1, day=1)
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env["VERBIND_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "bot.cli", "report", "--from", start.isoformat()]
    command += ["--to", times[-1][:10], "--format", "html", "--out", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    return out


def test_consultation_both_ways_through_the_inbox(
    tools: tuple[str, str], default_page: str, tmp_path: Path
) -> None:
    """On the defaults a request reaches the partner's inbox; after "Ik pak dit op" it stays
    under "Opgepakt door u" with a tel: link and the request time in Dutch local time, and the
    requester is told; terugkoppeling from Veilig Thuis reaches the JGZ of the child's gemeente
    the same way, and the report drawn from it is accessible (screenshots in test-artifacts/)."""
    chromium, _ = tools
    ARTIFACTS.mkdir(exist_ok=True)
    shots = (INBOX_SCREENSHOT, PICKED_SCREENSHOT, JGZ_SCREENSHOT, JGZ_PICKED_SCREENSHOT)
    for shot in (*shots, REPORT_SCREENSHOT):
        shot.unlink(missing_ok=True)
    summary = run_node(tools, both_ways(default_page, chromium), tmp_path)
    assert summary["steps"] == len(both_ways(default_page, chromium)["steps"])
    requested = {r.reference: r.time for r in records(tmp_path) if r.status == "aangevraagd"}
    calls = [(p["tel"], p["call"]) for p in summary["picked"]]
    assert calls == [
        ("tel:0301234567", "Bel 030 123 45 67"),
        ("tel:0307654321", "Bel 030 765 43 21"),
    ]
    for picked in summary["picked"]:
        assert picked["shown"] == local_time(requested[picked["reference"]])
    page = report_html(tmp_path).as_uri()
    shows = ["Per richting", "Van partner naar JGZ", "Terugkoppeling", "<5"]
    look = {"chromium": chromium, "page": page, "shows": shows}
    run_node(tools, {**look, "screenshot": str(REPORT_SCREENSHOT)}, tmp_path)
    for shot in (*shots, REPORT_SCREENSHOT):
        assert shot.read_bytes().startswith(PNG_SIGNATURE)
