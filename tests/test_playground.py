"""Teams as Teams draws it: Microsoft's own Teams client, the Microsoft 365 Agents Playground
(npm @microsoft/m365agentsplayground, pinned in tests/playground), driven in Debian's chromium
against `verbind serve` in local mode, on each Teams SDK.

One Playground and one server per SDK run every scenario in one session (tests/playground/
drive.js): install in the personal chat, the menu, the afwegingskader by buttons (the acute
answer and a calm outcome), a story, a place, a request for that child (its gemeente shown as the
form's first field), "help" while the form waits, the form with two errors and a correction, the
partner's pick-up in the built-in inbox, the notice and recording the consultation from it under
the same reference, the menu for the child's region, the compose-box search and sending its
card, installs in a group chat and a channel, and an @mention in the channel. The tests below
read that session: what Verbind sent (the Playground's own log stream), what the client drew
and what the register holds. What to expect comes from the content and the code (labels,
sentences, the core's own welcome), not from copies of them.
The Playground is bound to this machine (tests/playground/loopback.js: 127.0.0.1 only, and no
connection leaves the machine), told not to report telemetry, and its page may load nothing from
elsewhere. Screenshots of every step: test-artifacts/playground/.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.channels.teams.activity import REACH
from bot.settings import TEAMS_SDKS
from dialogs import Conversation, MemorySessionStore, Reply, Turn
from dialogs.consultation import ConsultationFlows
from dialogs.consultation.fields import GEMEENTE_FIELD, check_field, find_gemeente
from dialogs.consultation.labels import URGENCIES
from dialogs.intake import NoIntakes
from dialogs.phrases import (
    CALL_112,
    CALL_VEILIG_THUIS,
    CONSULTATION,
    CONSULTATION_LABELS,
    DANGER,
    HELP,
    MENU_PROMPT,
    PICKED_UP,
    PLACE,
    RESTART_LABEL,
    WELCOME,
)
from dialogs.profession import CHOICES as ROLES
from dialogs.profession import label as role_label
from knowledge import AdviceNode, load_knowledge
from knowledge.diagrams import STYLES
from tests.nodescript import run_script
from tests.serving import FOREIGN_SETTINGS, free_port, start_serve, wait_until_healthy
from tests.test_browser import browser_tools
from tests.test_intakes import registered
from tests.test_shipped_trees import AFWEGINGSKADER
from tests.test_teams_security import _outside_address

ROOT = Path(__file__).parent.parent
PLAYGROUND = Path(__file__).parent / "playground"
CLI = PLAYGROUND / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
ARTIFACTS = ROOT / "test-artifacts" / "playground"
BOT = "Verbind"
"""The bot's name in the Playground's mock Teams (tests/playground/playground.yml)."""
START_LIMIT = 60.0
"""A deadline for the Playground to listen; never asserted as a timing."""
SHIPPED = load_knowledge()
TREE = SHIPPED.trees["afwegingskader"]
START = TREE.node(TREE.start)
FLOWS = ConsultationFlows(SHIPPED, intakes=NoIntakes(), key=b"playground" * 4)
SAVE = FLOWS.partner_name("save", short=True)
"""SAVE as the request's partner buttons name it."""
PLACE_TYPED = "vt nummer zeist"
CHILD = find_gemeente(SHIPPED, "Zeist")
assert CHILD is not None
PLACE_LINE = PLACE["gemeente"].format(name=CHILD.name, region=SHIPPED.regions[CHILD.region].name)
"""The place answer's first line for the child's gemeente."""
UNKNOWN_GEMEENTE = "Nergensdorp"
BAD_QUESTION = "Kind met BSN 111222333, wat nu?"
NAME = "Alex Wilber"
ORGANISATION = "GGD regio Utrecht"
LABEL = CONSULTATION_LABELS
SAY = CONSULTATION
STORY = (
    "Ik zag vandaag een baby van 3 maanden met een botbreuk die de ouders niet kunnen "
    "verklaren. Wat moet ik doen?"
)
CDN = re.compile(r"^res(-\d+)?\.cdn\.office\.net$")
"""Where the Playground's page takes its fonts and one animation from (blocked; it falls back
to system fonts): the only outside addresses it may ask for."""
RAW_ADDRESS = re.compile(r"https?://|www\.", re.I)
NUMBERED_LIST = re.compile(r"(?:^|\s)1\.\s+\S.*?\s2\.\s+\S", re.S)
""""1. … 2. …" drawn as text: a numbered list of choices (the old plain-text copy)."""


def answer(key: str) -> str:
    """The label of answer ``key`` at the afwegingskader's first question."""
    return next(o.label for o in START.options if o.key == key)


def acute_key() -> str:
    """The first question's answer that leads straight to acute danger."""
    [key] = [a[0] for a, end in AFWEGINGSKADER.items() if len(a) == 1 and _acute(end)]
    return key


def _acute(node_id: str) -> bool:
    node = TREE.node(node_id)
    return isinstance(node, AdviceNode) and node.acute


def outcome_label(key: str) -> str:
    """ "Uitkomst: …" of the outcome the first question's answer ``key`` leads to."""
    node = TREE.node(AFWEGINGSKADER[(key,)])
    assert isinstance(node, AdviceNode)
    assert node.outcome
    return STYLES[node.outcome].name


def welcome() -> Reply:
    """What Verbind's core answers a new user (the install's welcome, with the menu for a
    role and region not yet known)."""
    conversation = Conversation(SHIPPED, sessions=MemorySessionStore())
    [reply] = asyncio.run(conversation.handle(Turn(key="playground:new", channel="teams")))
    return reply


WELCOME_REPLY = welcome()
REGION_TREES = [
    t.title
    for t in SHIPPED.menu_trees_for(frozenset({CHILD.region}))
    if t not in SHIPPED.menu_trees_for(frozenset())
]
"""The menu items of the child's region alone (its covenant), shown once the region is known."""
COMPOSE_PICK = Conversation(SHIPPED, sessions=MemorySessionStore()).contacts_for("zeist")[0].name
"""The first contact card the compose-box search finds for "zeist"."""

STEPS: list[dict[str, Any]] = [
    {"name": "install-personal", "open": True},
    {"name": "afwegingskader", "click": TREE.title},
    {"name": "acute", "click": answer(acute_key())},
    {"name": "again", "click": RESTART_LABEL},
    {"name": "outcome", "click": answer("nee")},
    {"name": "story", "type": STORY},
    # The place is answered just before the request: the request takes the child's gemeente
    # from it and shows it as the form's first field.
    {"name": "place", "type": PLACE_TYPED},
    {"name": "request", "type": "overleg aanvragen"},
    {"name": "partner", "click": SAVE},
    {"name": "urgency", "click": URGENCIES["vandaag"]},
    {"name": "reach", "click": LABEL["by-channel"].format(reach=REACH)},
    {"name": "form-help", "type": "help"},
    {
        "name": "form-error",
        "fill": {
            LABEL["gemeente"]: UNKNOWN_GEMEENTE,
            LABEL["question"]: BAD_QUESTION,
            LABEL["name"]: NAME,
            LABEL["organisation"]: ORGANISATION,
        },
        "submit": LABEL["submit"],
    },
    {
        "name": "form-sent",
        "fill": {
            LABEL["gemeente"]: CHILD.name,
            LABEL["question"]: "Hoe pakken we dit samen op?",
            LABEL["name"]: NAME,
            LABEL["organisation"]: ORGANISATION,
        },
        "submit": LABEL["submit"],
        "reference": True,
    },
    # The notice may come at once (proactively) or only with the next message: both are looked
    # at (test_one_notice_per_pick_up).
    {"name": "pickup", "pickup": True, "least": 0},
    {"name": "record", "click": LABEL["record-linked"]},
    {"name": "recorded", "click": LABEL["confirm"]},
    {"name": "after-pickup", "type": "menu"},
    {"name": "compose", "compose": "zeist", "pick": COMPOSE_PICK, "quiet": True},
    {"name": "install-group", "chat": "Group Chat"},
    {"name": "install-channel", "chat": "My Team - General"},
    {"name": "mention", "mention": PLACE_TYPED},
]


def tools() -> tuple[str, str]:
    """The chromium and node executables, or a skip saying what is missing (the Playground
    included)."""
    chromium, node = browser_tools()
    if not CLI.is_file():
        pytest.skip(
            "the Microsoft 365 Agents Playground is missing: scripts/test runs "
            "npm ci --prefix tests/playground"
        )
    return chromium, node


def start_playground(node: str, bot_port: int, folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The Playground, bound to loopback by the preload, pointed at Verbind on ``bot_port`` and
    at itself as the Bot Connector, with telemetry off; its files stay in ``folder``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BOT_ENDPOINT"}
    env.update(
        {
            "TEAMSAPPTESTER_BROWSER": "none",
            "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(PLAYGROUND / "playground.yml"),
            "M365_AGENTS_PLAYGROUND_LOGFILE": str(folder / "playground.log"),
            "VERBIND_PLAYGROUND_REFUSED": str(folder / "refused"),
            # --disable-telemetry stops its reports, but the Application Insights client it
            # still creates asks Azure's metadata address for "statsbeat" unless told not to.
            "APPLICATION_INSIGHTS_NO_STATSBEAT": "1",
        }
    )
    output = folder / "playground.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [
                node,
                "-r",
                str(PLAYGROUND / "loopback.js"),
                str(CLI),
                "--app-endpoint",
                f"http://127.0.0.1:{bot_port}/api/messages",
                "--channel-id",
                "msteams",
                "--port",
                str(port),
                "--service-url",
                f"http://127.0.0.1:{port}/_connector",
                "--disable-telemetry",
            ],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Playground ended early:\n{output.read_text(errors='replace')}")
        listening = re.search(r"Listening on (\d+)", output.read_text(errors="replace"))
        if listening:
            assert int(listening.group(1)) == port, "the Playground took another port"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    if page.status == 200:
                        return process, port
            except (urllib.error.URLError, ConnectionError):
                pass  # it mounts its pages just after it starts listening
        time.sleep(0.2)
    process.terminate()
    pytest.fail(f"the Playground did not listen:\n{output.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_FAILED: dict[str, str] = {}
"""Why a session could not run, per SDK: every test of that SDK fails with it at once, rather
than running the whole session again."""


@pytest.fixture(scope="module", params=TEAMS_SDKS)
def session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One Playground session against `verbind serve` on the Teams SDK ``param``: the summary
    drive.js prints, plus how the Playground was reached."""
    chromium, node = tools()
    sdk = request.param
    if sdk in _FAILED:
        pytest.fail(_FAILED[sdk])
    try:
        summary = _run_session(sdk, chromium, node, tmp_path_factory)
    except (AssertionError, pytest.fail.Exception) as exc:
        _FAILED[sdk] = f"the Playground session on {sdk} failed: {exc}"
        raise
    return summary


def _run_session(
    sdk: str, chromium: str, node: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Start Verbind and the Playground, let drive.js take every step, stop both."""
    folder = tmp_path_factory.mktemp(f"playground-{sdk}")
    bot_port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env.update({"VERBIND_DATA_DIR": str(folder / "data"), "VERBIND_TEAMS_SDK": sdk})
    server = start_serve(bot_port, env, folder / "serve.log")
    try:
        wait_until_healthy(server, bot_port, folder / "serve.log")
        playground, port = start_playground(node, bot_port, folder)
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for old in ARTIFACTS.glob(f"{sdk}-*.png"):
                old.unlink()
            plan = {
                "chromium": chromium,
                "playground": f"http://127.0.0.1:{port}/",
                "inbox": f"http://127.0.0.1:{bot_port}/inbox/save",
                "bot": BOT,
                "viewport": {"width": 1400, "height": 1000},
                "screenshots": str(ARTIFACTS),
                "prefix": sdk,
                "steps": STEPS,
            }
            summary = run_script(node, PLAYGROUND / "drive.js", plan, folder)
            summary["port"] = port
            summary["records"] = [
                (r.reference, r.status) for r in registered(folder / "data") if r.reference
            ]
            summary["refused"] = (
                (folder / "refused").read_text().split() if (folder / "refused").exists() else []
            )
            summary["outside_reachable"] = _reachable_from_outside(port)
            return summary
        finally:
            stop(playground)
    finally:
        stop(server)


def _reachable_from_outside(port: int) -> bool | None:
    """Whether the Playground answers on this machine's network address (None: it has none)."""
    outside = _outside_address()
    if outside is None:
        return None
    try:
        with socket.create_connection((outside, port), timeout=2):
            return True
    except OSError:
        return False


def step(summary: dict[str, Any], name: str) -> dict[str, Any]:
    """What happened at the step ``name``."""
    [found] = [s for s in summary["steps"] if s["name"] == name]
    return found


def new_messages(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages drawn at a step (after those already in the conversation)."""
    return (
        found["drawn"][found["drawnBefore"] :]
        if found["drawnBefore"] <= len(found["drawn"])
        else found["drawn"]
    )


def card_texts(body: dict[str, Any]) -> list[str]:
    """The TextBlocks of the cards in an activity Verbind sent."""
    texts: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("type") == "TextBlock":
                texts.append(item["text"])
            walk(item.get("items", []))

    for attachment in body.get("attachments") or []:
        walk(attachment.get("content", {}).get("body", []))
    return texts


def test_one_bubble_per_reply(session: dict[str, Any]) -> None:
    """At every step the client draws exactly as many messages as Verbind sent to the
    conversation, and no message with a card carries a text copy beside it."""
    for found in session["steps"]:
        assert len(found["drawn"]) == found["inConversation"], found["name"]
        for sent in found["sent"]:
            body = sent["body"]
            if body.get("attachments"):
                assert not body.get("text"), (found["name"], body.get("text"))


@pytest.mark.parametrize("install", ["install-personal", "install-group", "install-channel"])
def test_one_welcome_per_install(session: dict[str, Any], install: str) -> None:
    """Installing in a personal chat, a group chat and a channel draws one welcome each (Teams
    sends two install events for one install), with the menu for a new user: the national
    topics, no region's own (the child's region is not known yet), and the roles to tap."""
    found = step(session, install)
    assert len(found["sent"]) == 1
    [drawn] = found["drawn"]
    assert drawn["card"]
    assert WELCOME.split(". ")[0] in drawn["text"]
    assert drawn["buttons"] == [b.label for b in WELCOME_REPLY.buttons]
    national = [t.title for t in SHIPPED.menu_trees_for(frozenset())]
    assert drawn["buttons"][: len(national)] == national
    assert not set(REGION_TREES) & set(drawn["buttons"])
    assert drawn["buttons"][-len(ROLES) :] == [role_label(r) for r in ROLES]


def test_the_menu_follows_the_childs_region(session: dict[str, Any]) -> None:
    """Once the child's gemeente is known (a place, a request), the menu adds that region's
    own items (its covenant) to the national ones."""
    assert REGION_TREES, "the child's region has items of its own"
    [menu] = [m for m in new_messages(step(session, "after-pickup")) if MENU_PROMPT in m["lines"]]
    assert [b for b in menu["buttons"] if b in REGION_TREES] == REGION_TREES


def test_nothing_drawn_raw(session: dict[str, Any]) -> None:
    """No drawn message shows a web address as text or a numbered list of answers: links
    carry names, answers are buttons."""
    for found in session["steps"]:
        for drawn in found["drawn"]:
            assert not RAW_ADDRESS.search(drawn["text"]), (found["name"], drawn["text"][:200])
            assert not NUMBERED_LIST.search(drawn["text"]), (found["name"], drawn["text"][:200])


def test_line_breaks_are_kept(session: dict[str, Any]) -> None:
    """Every line Verbind sends is drawn as a line of its own: "Waarmee kan ik helpen?" after
    the welcome, "Direct gevaar? Bel 112." in a place answer, and every line of every card."""
    [welcome] = step(session, "install-personal")["drawn"]
    assert MENU_PROMPT in welcome["lines"]
    place = new_messages(step(session, "place"))
    assert any(DANGER in m["lines"] for m in place)
    for found in session["steps"]:
        drawn_lines = {line for m in found["drawn"] for line in m["lines"]}
        for sent in found["sent"]:
            missing = [t for t in card_texts(sent["body"]) if t not in drawn_lines]
            # Markdown (a source's [title](url)) is drawn as its title: compare those by title.
            missing = [t for t in missing if "](" not in t and not t.startswith("- ")]
            assert missing == [], found["name"]


def test_emergency_numbers_come_first(session: dict[str, Any]) -> None:
    """The acute answer opens with its kind ("Uitkomst: melden") and "Bel 112" and
    "Bel 0800-2000" as its first buttons, before every other action; a calm outcome names its
    kind and has no emergency buttons."""
    acute = new_messages(step(session, "acute"))[-1]
    assert acute["lines"][0] == outcome_label(acute_key())
    assert acute["buttons"][:2] == [CALL_112, CALL_VEILIG_THUIS]
    calm = new_messages(step(session, "outcome"))[-1]
    assert calm["lines"][0] == outcome_label("nee")
    assert CALL_112 not in calm["buttons"]


def field(inputs: dict[str, str], label: str) -> str | None:
    """The value the client shows in the input labelled ``label`` (a required field's label
    may carry the client's own mark after it)."""
    found = [v for k, v in inputs.items() if k == label or k.startswith(f"{label} ")]
    return found[0] if len(found) == 1 else None


def test_the_request_form_shows_the_childs_gemeente_first(session: dict[str, Any]) -> None:
    """The request takes the child's gemeente from the place just answered: the form asks no
    gemeente first and shows it, filled in, as its first field."""
    assert not [m for m in new_messages(step(session, "request")) if m["inputs"]]
    [form] = [m for m in new_messages(step(session, "reach")) if m["inputs"]]
    first = next(iter(form["inputs"]))
    assert first.startswith(GEMEENTE_FIELD.label)
    assert field(form["inputs"], GEMEENTE_FIELD.label) == CHILD.name
    assert LABEL["submit"] in form["buttons"]


def test_a_submit_button_is_drawn_only_with_its_form(session: dict[str, Any]) -> None:
    """ "help" while the form waits answers and draws the form again, whole; in the whole
    session no message shows "Versturen" without the form's inputs."""
    found = new_messages(step(session, "form-help"))
    assert any(HELP.splitlines()[0] in m["lines"] for m in found)
    assert [m["buttons"] for m in found if m["inputs"]] == [[LABEL["submit"], LABEL["cancel"]]]
    for each in session["steps"]:
        for drawn in each["drawn"]:
            if LABEL["submit"] in drawn["buttons"]:
                assert drawn["inputs"], (each["name"], drawn["text"][:200])


def test_request_form_names_every_error_then_sends(session: dict[str, Any]) -> None:
    """The request form drawn in Teams: an unknown gemeente and a question with client data
    are refused together, each with its reason, and the form comes back; corrected, it is
    sent with a reference code."""
    refused = new_messages(step(session, "form-error"))
    [warning] = [m for m in refused if SAY["form-problems"] in m["lines"]]
    # Every problem at once, in the order of the form's fields (drawn as a list).
    problems = [SAY["unknown-gemeente"], check_field("vraag", BAD_QUESTION)]
    assert warning["lines"] == [SAY["form-problems"], *problems, SAY["question-cleared"]]
    assert refused[-1]["inputs"], "the form comes back"
    sent = step(session, "form-sent")
    assert sent["reference"]
    assert any(sent["reference"] in m["text"] for m in new_messages(sent))


def test_form_values_are_kept_after_an_error(session: dict[str, Any]) -> None:
    """After an error the form comes back with what the user typed (but the refused
    question), so a phone user does not type it all again."""
    form = new_messages(step(session, "form-error"))[-1]["inputs"]
    assert field(form, GEMEENTE_FIELD.label) == UNKNOWN_GEMEENTE
    assert field(form, LABEL["question"]) == ""
    assert field(form, LABEL["name"]) == NAME
    assert field(form, LABEL["organisation"]) == ORGANISATION


def told(messages: list[dict[str, Any]], reference: str) -> list[dict[str, Any]]:
    """The drawn notices that request ``reference`` was picked up."""
    notice = PICKED_UP.format(reference=reference, partner=SAVE).split(". ")[0]
    return [m for m in messages if notice in m["text"]]


def test_one_notice_per_pick_up(session: dict[str, Any]) -> None:
    """The partner's "Ik pak dit op" in the inbox reaches the Teams chat as one notice, at once
    (proactively), as a card with its summary and the button that records the consultation
    under the same reference — and not again with any later message."""
    pickup = step(session, "pickup")
    reference = pickup["reference"]
    [notice] = told(new_messages(pickup), reference)
    assert notice["card"]
    assert notice["buttons"] == [LABEL["record-linked"].format(reference=reference)]
    [sent] = [s["body"] for s in pickup["sent"] if reference in s["body"].get("summary", "")]
    assert sent["attachments"]
    assert not sent.get("text")
    later = session["steps"][session["steps"].index(pickup) + 1 :]
    assert [m for found in later for m in told(new_messages(found), reference)] == []


def test_the_notice_records_under_the_same_reference(session: dict[str, Any]) -> None:
    """The notice's button asks to confirm the record of that request, and confirmed, records
    the consultation under the request's own reference: request, pick-up and record count
    as one consultation in the register."""
    reference = step(session, "pickup")["reference"]
    asked = new_messages(step(session, "record"))[-1]
    assert reference in asked["text"]
    assert asked["buttons"] == [LABEL["confirm"], LABEL["cancel"]]
    recorded = new_messages(step(session, "recorded"))[-1]
    assert reference in recorded["text"]
    assert session["records"] == [
        (reference, "aangevraagd"),
        (reference, "opgepakt"),
        (reference, "vastgelegd"),
    ]


def test_a_card_from_the_compose_box_is_shared_not_answered(session: dict[str, Any]) -> None:
    """The compose-box search finds the contact cards for a place; sending one into the chat
    with Verbind gets no "geen antwoord" and no menu back."""
    assert COMPOSE_PICK in (session["composeResults"] or "")
    found = step(session, "compose")
    assert found["sent"] == []
    assert len(found["drawn"]) == found["drawnBefore"]


def test_a_mention_in_a_channel_is_answered(session: dict[str, Any]) -> None:
    """An @mention of Verbind in a channel post is answered in the post's thread, once."""
    found = step(session, "mention")
    answers = [m for m in found["drawn"] if PLACE_LINE in m["lines"]]
    assert len(answers) == 1


def test_the_playground_stays_on_this_machine(session: dict[str, Any]) -> None:
    """The Playground listens on loopback only, tries no connection off this machine (no
    telemetry), its page asks nothing of other sites but Microsoft's font CDN, and reports no
    errors of its own."""
    assert session["outside_reachable"] in (False, None)
    assert session["refused"] == []
    assert [host for host in session["outside"] if not CDN.match(host)] == []
    assert session["errors"] == []
    shots = [Path(found["screenshot"]) for found in session["steps"]]
    assert all(shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for shot in shots)
