"""The command-line contract: `verbind chat --json` and `verbind ask`, driven as scripts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES
from tests.test_shipped_trees import AFWEGINGSKADER


def run_verbind(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )


def chat_json(lines: list[str]) -> list[dict[str, Any]]:
    """Send ``lines`` to `verbind chat --json`; one parsed JSON object per line comes back."""
    result = run_verbind("chat", "--json", stdin="".join(f"{line}\n" for line in lines))
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == len(lines), "exactly one JSON object per input line"
    return [json.loads(line) for line in out]


def test_scripted_chat_walks_every_afwegingskader_outcome() -> None:
    """One scripted session reaches each outcome, using `opnieuw` between walks."""
    typed = {"gevaar": "er is nu direct gevaar"}  # a button is typed by its label or key
    script = ["afwegingskader"]
    for answers in AFWEGINGSKADER:
        script += [*(typed.get(a, a) for a in answers), "opnieuw"]
    objects = chat_json(script)
    texts = [" ".join(r["text"] for r in o["replies"]) for o in objects]
    for phrase in (
        "Sluit de meldcode af",
        "Bij acute of structurele onveiligheid",
        "Sluit de hulp af",
    ):
        assert any(phrase in t for t in texts), phrase
    outcomes = [
        r["text"] for o in objects for r in o["replies"] if "Zo kwam u bij dit advies" in r["text"]
    ]
    assert len(outcomes) == len(AFWEGINGSKADER)
    assert sum(t.startswith("Meld") for t in outcomes) == 4
    assert all(o["replies"] and set(o) == {"replies"} for o in objects)
    assert all(set(r) == {"text", "choices"} for o in objects for r in o["replies"])


def test_scripted_chat_goes_back_with_terug() -> None:
    """`terug` after an outcome returns to the question before it."""
    objects = chat_json(["afwegingskader", "ja", "ja", "terug", "nee"])
    assert objects[2]["replies"][0]["choices"] == ["Overleg vastleggen", "Opnieuw", "Menu"]
    assert objects[3]["replies"][-1]["text"].startswith("Vraag 2 van 5")
    assert objects[3]["replies"][-1]["choices"] == [
        "Ja",
        "Nee",
        "Ik twijfel",
        "Wat is acuut of structureel?",
    ]
    assert objects[4]["replies"][-1]["text"].startswith("Vraag 3 van 5")


def test_chat_json_survives_odd_lines() -> None:
    """Empty lines, control characters and invalid UTF-8-ish text each get one JSON reply."""
    objects = chat_json(["", "\x1b[2J", "🙂" * 2000, "menu"])
    assert [len(o["replies"]) >= 1 for o in objects] == [True] * 4


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_ask_answers_one_question(flag: list[str]) -> None:
    """`verbind ask` answers a single message in a fresh conversation."""
    result = run_verbind("ask", *flag, "moet", "ik", "melden")
    assert result.returncode == 0, result.stderr
    if flag:
        replies = json.loads(result.stdout)["replies"]
        assert replies[-1]["choices"] == ["Ja", "Nee", "Ik twijfel", "Er is nu direct gevaar"]
    else:
        assert "1. Ja\n2. Nee\n3. Ik twijfel" in result.stdout


def test_interactive_chat_welcomes_and_ends_on_eof() -> None:
    """`verbind chat` greets with the menu and ends cleanly at end of input."""
    result = run_verbind("chat", stdin="afwegingskader\n")
    assert result.returncode == 0, result.stderr
    assert "Welkom bij Verbind" in result.stdout
    assert "Vraag 1 van 5" in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    """An unknown verb exits 2 with a Dutch usage message, not a traceback."""
    result = run_verbind("frobnicate")
    assert result.returncode == 2
    assert "gebruik: verbind" in result.stderr
    assert "ongeldige keuze 'frobnicate'" in result.stderr
    assert "usage" not in result.stderr
    assert "Traceback" not in result.stderr


def test_show_lists_a_tree_for_reviewers() -> None:
    """`verbind show TREE` prints every question, answer, outcome, variant and source as text."""
    result = run_verbind("show", "meldcode")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "? [bijzonder]" in out
    assert "UITKOMST CONTACT [bijzonder-direct]" in out
    assert "(jeugdarts) Stap 2 — Advies vragen (KNMG)." in out
    assert "bron: KNMG-meldcode" in out
    assert "- Nee, dan komt iemand in gevaar:" in out


def test_show_without_tree_lists_the_trees() -> None:
    """`verbind show` lists the tree ids; an unknown id exits 2 with a clear message."""
    assert "afwegingskader: Afwegingskader (stap 4/5)" in run_verbind("show").stdout
    unknown = run_verbind("show", "geen-boom")
    assert unknown.returncode == 2
    assert "bestaat niet" in unknown.stderr


def test_check_summarises_and_warns_about_overdue_content(tmp_path: Path) -> None:
    """`verbind check` counts the content and lists overdue dates and the facts kept out of the
    advice with file:line, still exit 0."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root)
    meta = root / "meta.yaml"
    meta.write_text(meta.read_text().replace("2026-11-01", "2020-01-31"), encoding="utf-8")
    sources = root / "sources.yaml"
    sources.write_text(sources.read_text().replace("2026-11-01", "2020-02-29"), encoding="utf-8")
    result = run_verbind("--content", str(root), "check", "--details", "--as-of", "2026-11-30")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Samenvatting: 3 bomen, 9 knopen, 4 uitkomsten, 2 vragen (FAQ)" in out
    assert (
        "4 adresboekregels te bevestigen, 1 feiten buiten het advies tot ze bevestigd zijn,"
        " 2 onderdelen over de herziendatum." in out
    )
    assert (
        "faq/example.yaml:11: example-question: niet in het advies tot bevestigd:"
        " Whether the example also says that." in out
    )
    assert "meta.yaml:2: meta: inhoud beoordeeld op 2020-01-31, herzien vóór 2021-01-31" in out
    assert (
        "sources.yaml:5: example-source: bron gecontroleerd op 2020-02-29, herzien vóór 2021-02-28"
        in out
    )
    assert re.search(r"directory/\S+\.yaml:\d+: \S+: te bevestigen: ", out)


def test_check_without_details_points_to_them() -> None:
    """Without --details the shipped content's open confirmations are counted, not listed."""
    result = run_verbind("check")
    assert result.returncode == 0, result.stderr
    assert not re.search(r"\.yaml:\d+: .*te bevestigen", result.stdout)
    assert "verbind check --details" in result.stdout
    assert "0 onderdelen over de herziendatum" in result.stdout


def _serve_env(**more: str) -> dict[str, str]:
    """This process's environment without settings that change `verbind serve`, plus ``more``."""
    import os

    from tests.serving import FOREIGN_SETTINGS

    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env.pop("VERBIND_ALLOW_UNAUTHENTICATED", None)
    return {**env, **more}


def test_serve_on_a_network_address_without_app_id_refuses(tmp_path: Path) -> None:
    """`serve --host 0.0.0.0` without MicrosoftAppId exits non-zero with one Dutch line."""
    from tests.serving import free_port

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        env=_serve_env(VERBIND_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "MicrosoftAppId" in lines[0]
    assert "VERBIND_ALLOW_UNAUTHENTICATED=1" in lines[0]


def test_serve_override_starts_on_a_network_address(tmp_path: Path) -> None:
    """With VERBIND_ALLOW_UNAUTHENTICATED=1 the server starts on 0.0.0.0 and answers."""
    from tests.serving import free_port, wait_until_healthy

    port = free_port()
    log = tmp_path / "serve.log"
    env = _serve_env(VERBIND_DATA_DIR=str(tmp_path), VERBIND_ALLOW_UNAUTHENTICATED="1")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "0.0.0.0", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(process, port, log)
    finally:
        process.terminate()
        process.wait(timeout=30)
