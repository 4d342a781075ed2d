"""The web chat page in a real browser: `verbind serve`, Debian's chromium and playwright-core.

The plan the browser follows is derived from the shipped afwegingskader (labels, texts, outcomes),
so a content change does not break this test and a page change cannot hide behind fixed texts.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dialogs import phrases, profession
from dialogs.contacts import EMERGENCY_LINKS
from knowledge import AdviceNode, DecisionTree, load_knowledge
from knowledge.diagrams import STYLES
from knowledge.model import Node
from tests.nodescript import run_script
from tests.serving import FOREIGN_SETTINGS, free_port, start_serve, wait_until_healthy
from tests.test_shipped_trees import AFWEGINGSKADER

ROOT = Path(__file__).parent.parent
BROWSER = Path(__file__).parent / "browser"
SCREENSHOT = ROOT / "test-artifacts" / "web-chat.png"
FORM_SCREENSHOT = ROOT / "test-artifacts" / "web-request-form.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCREENS = {"telefoon": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
"""A 390×844 phone and a desktop window."""
SHIPPED = load_knowledge()
TREE = SHIPPED.trees["afwegingskader"]


def browser_tools() -> tuple[str, str]:
    """The chromium and node executables, or a skip saying what is missing."""
    chromium, node = shutil.which("chromium"), shutil.which("node")
    if chromium is None:
        pytest.skip("chromium is not installed: scripts/test installs Debian's package (apt-get)")
    if node is None:
        pytest.skip("node is not installed: the browser test drives chromium from Node")
    if not (BROWSER / "node_modules" / "playwright-core").is_dir():
        pytest.skip("playwright-core is missing: scripts/test runs npm ci --prefix tests/browser")
    return chromium, node


@pytest.fixture
def tools() -> tuple[str, str]:
    """The chromium and node executables, or a skip saying what is missing."""
    return browser_tools()


def serve_page(tmp_path: Path, settings: dict[str, str]) -> Iterator[str]:
    """`verbind serve --port P` with a fresh data dir and ``settings``; yields the page address
    it prints, and stops the server afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env["VERBIND_DATA_DIR"] = str(tmp_path / "data")
    env.update(settings)
    log = tmp_path / "serve.log"
    process = start_serve(port, env, log)
    try:
        wait_until_healthy(process, port, log)
        printed = log.read_text(encoding="utf-8")
        prefix = "Open de testpagina: "
        lines = [line.split(prefix, 1)[1] for line in printed.splitlines() if prefix in line]
        assert lines == [f"http://127.0.0.1:{port}/"], printed
        yield lines[0]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def served_page(tools: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """The page of a server on its embedded defaults."""
    yield from serve_page(tmp_path, {})


def shot(path: Path, screen: str) -> Path:
    """The screenshot file for ``screen`` (web-chat.png becomes web-chat-telefoon.png)."""
    return path.with_name(f"{path.stem}-{screen}{path.suffix}")


def node_after(tree: DecisionTree, answers: tuple[str, ...]) -> Node:
    """The node reached from the start by ``answers`` (choice keys)."""
    node = tree.node(tree.start)
    for key in answers:
        node = tree.node(next(o.next for o in node.options if o.key == key))
    return node


def label(node: Node, key: str) -> str:
    """The button label of the answer ``key`` at ``node``."""
    return next(o.label for o in node.options if o.key == key)


EMERGENCY_SENTENCE = re.compile(r"[^.?!]*(?<!\d)(?:112|0800-2000)(?!\d)[^.?!]*[.?!]?")
"""A sentence that names an emergency number: never folded away on the page."""


def arrival(node: Node) -> dict[str, Any]:
    """What the page must show on reaching ``node``: its text, its emergency sentences outside
    any folded part, and for an outcome its kind as the diagrams' legend names and colours it
    (walk.js always checks the focus)."""
    expected: dict[str, Any] = {"expect": node.text_for(None)}
    extra = getattr(node, "info", None) or ""
    urgent = [m.group().strip() for m in EMERGENCY_SENTENCE.finditer(extra)]
    if urgent:
        expected["unfolded"] = urgent
    if not node.options and isinstance(node, AdviceNode) and node.outcome:
        expected["outcome"] = node.outcome
        expected["outcomeStyle"] = dataclasses.asdict(STYLES[node.outcome])
    return expected


def confirmed_phone_link(node: Node) -> str | None:
    """The tel: link the page must offer for the first confirmed phone number at ``node``."""
    contacts = node.contacts if isinstance(node, AdviceNode) else ()
    for contact_id in contacts:
        organisation = SHIPPED.organisations[contact_id]
        if organisation.phone and "phone" not in organisation.unconfirmed:
            return "tel:" + "".join(c for c in organisation.phone if c.isdigit() or c == "+")
    return None


def clicks(start: tuple[str, ...], answers: tuple[str, ...]) -> list[dict[str, Any]]:
    """Steps that click ``answers`` one by one, from the node after ``start``."""
    steps = []
    for i, key in enumerate(answers):
        here = (*start, *answers[:i])
        steps.append(
            {"click": label(node_after(TREE, here), key), **arrival(node_after(TREE, (*here, key)))}
        )
    return steps


def _acute(node: Node) -> bool:
    return isinstance(node, AdviceNode) and node.acute


def walk_plan(url: str, chromium: str, screen: str) -> dict[str, Any]:
    """Open the tree by keyboard, click to an outcome with contacts, go back, type, finish,
    start again and take the acute answer (the emergency numbers first)."""
    with_contacts = min(
        (a for a, end in AFWEGINGSKADER.items() if confirmed_phone_link(TREE.node(end))), key=len
    )
    longest = max(AFWEGINGSKADER, key=len)
    fork = len(with_contacts) - 1
    assert longest[:fork] == with_contacts[:fork], "the two walks part at the last contact step"
    start = TREE.node(TREE.start)
    steps: list[dict[str, Any]] = [{"keyboard": TREE.title, **arrival(start)}]
    steps += clicks((), with_contacts)
    steps[-1]["link"] = confirmed_phone_link(TREE.node(AFWEGINGSKADER[with_contacts]))
    steps.append({"command": "terug", "expect": node_after(TREE, longest[:fork]).text_for(None)})
    fork_node = node_after(TREE, longest[:fork])
    number = [o.key for o in fork_node.options].index(longest[fork]) + 1
    typed = arrival(node_after(TREE, longest[: fork + 1]))
    steps.append({"type": str(number), **typed})
    steps += clicks(longest[: fork + 1], longest[fork + 1 :])
    steps.append({"command": "opnieuw", "expect": start.text_for(None)})
    # The acute outcome: "Bel 112" and "Bel 0800-2000" first, as big buttons.
    acute = next(a for a, end in AFWEGINGSKADER.items() if _acute(TREE.node(end)))
    steps += clicks((), acute)
    steps[-1]["emergency"] = [link.href for link in EMERGENCY_LINKS]
    return {
        "url": url,
        "chromium": chromium,
        "welcome": "Welkom bij Verbind",
        "roleGroup": {"label": phrases.ROLE_GROUP, "roles": list(profession.CHOICES.values())},
        "screenshot": str(shot(SCREENSHOT, screen)),
        "viewport": SCREENS[screen],
        "steps": steps,
    }


@pytest.mark.parametrize("screen", SCREENS)
def test_walk_the_afwegingskader_in_chromium(
    tools: tuple[str, str], served_page: str, tmp_path: Path, screen: str
) -> None:
    """On a phone and a desktop the page walks to three outcomes by mouse, keyboard and
    typing: each answer is shown from its start (focused after a tap) with the input box and
    the next step on the screen, outcomes carry the legend's name and colours, the acute one
    opens with the emergency numbers as big buttons, nothing is wider than the screen, no
    serious accessibility violations, no console errors, and a PNG screenshot."""
    chromium, _ = tools
    plan = walk_plan(served_page, chromium, screen)
    run_plan(tools, plan, Path(plan["screenshot"]), tmp_path)


class FakeWebhook(http.server.BaseHTTPRequestHandler):
    """A partner's intake for the server under test: keeps the JSON bodies it is sent."""

    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the bodies, not a log."""


@pytest.fixture
def webhook() -> Iterator[str]:
    """A local webhook in a thread; yields its URL."""
    FakeWebhook.bodies = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeWebhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/intake"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def intakes(webhook: str, tmp_path: Path) -> dict[str, str]:
    """SAVE and Veilig Thuis Utrecht take requests at the local webhook."""
    path = tmp_path / "intakes.yaml"
    path.write_text(
        f"intakes:\n  - partner: save\n    webhook: {webhook}\n"
        f"  - partner: veilig-thuis-utrecht\n    webhook: {webhook}\n",
        encoding="utf-8",
    )
    return {"VERBIND_INTAKES": str(path)}


@pytest.fixture
def request_page(tools: tuple[str, str], tmp_path: Path, intakes: dict[str, str]) -> Iterator[str]:
    """The page of a server whose partners take requests at the local webhook."""
    yield from serve_page(tmp_path, intakes)


@pytest.mark.parametrize("screen", SCREENS)
def test_request_form_in_chromium(
    tools: tuple[str, str], request_page: str, tmp_path: Path, screen: str
) -> None:
    """The request form on a phone and a desktop: a multi-line question, Versturen primary and
    Annuleren secondary, unlike the page's own send button; a guard refusal that keeps the
    form, then a request that reaches the partner's webhook; accessible throughout."""
    chromium, _ = tools
    # The child's gemeente, the question (several lines), the requester's own name and
    # organisation and the work number (one line each).
    fields = ["input", "textarea", "input", "input", "input"]
    form = {"fields": fields, "primary": "Versturen", "secondary": ["Annuleren"]}
    question = {"Korte vraag": "Hoe pakken we dit samen op?"}
    phone = {"Uw werknummer": "030 123 45 67"}
    plan = {
        "url": request_page,
        "chromium": chromium,
        "welcome": "Welkom bij Verbind",
        "screenshot": str(shot(FORM_SCREENSHOT, screen)),
        "viewport": SCREENS[screen],
        "steps": [
            {"type": "kind woont in Zeist", "expect": "Veilig Thuis-regio Utrecht"},
            {"type": "overleg aanvragen", "expect": "Bij welke organisatie"},
            {"click": "SAVE Jeugdbescherming", "expect": "Vandaag nog"},
            {"click": "Vandaag nog", "form": form},
            {
                "fill": {"Korte vraag": "BSN 111222333", **phone},
                "submit": "Versturen",
                "expect": "cliëntgegevens",
                "form": form,
            },
            {"fill": {**question, **phone}, "submit": "Versturen", "expect": "VB-"},
        ],
    }
    run_plan(tools, plan, Path(plan["screenshot"]), tmp_path)
    [body] = FakeWebhook.bodies
    assert body["question"] == question["Korte vraag"]
    assert body["callback"] == "telefoon 030 123 45 67"


def run_plan(
    tools: tuple[str, str], plan: dict[str, Any], screenshot: Path, tmp_path: Path
) -> None:
    """Let walk.js follow ``plan`` in chromium; no console errors, no serious axe findings."""
    _, node = tools
    screenshot.parent.mkdir(exist_ok=True)
    screenshot.unlink(missing_ok=True)
    summary = run_script(node, BROWSER / "walk.js", plan, tmp_path)
    assert summary["steps"] == len(plan["steps"])
    assert summary["problems"] == []
    serious = [v for v in summary["axe"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
