"""Canary client data through every channel and every flow leaves no trace.

A valid BSN, a name, a birth date and a phone number are typed at the menu, as an answer inside a
tree, into the record flow and into the request form (refused by the PII guard), and a request
carrying the name and the phone number as its callback is forwarded to a partner's intake and
picked up. Afterwards every file under the data dir, every stored session, every captured log
record (at DEBUG) and the terminal's own output are searched: zero hits.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import SESSIONS, AccessLog, create_app
from bot.channels.web.page import TURN_PATH
from bot.intake.inboxpage import INBOX_PATH
from bot.intake.intakes import PICKUP_PATH
from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.pii import find_pii
from knowledge import KnowledgeBase
from tests.test_intakes import SAVE, WORK_PHONE, FakeConnector, FakeWebhook, card_actions
from tests.test_slack import FakeSlack, button_press, signed, slack_settings
from tests.test_teams import activity, both_teams_sdks, expect_replies, shown

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]

BSN = "111222333"
NAME = "Jantje Canarius"
SURNAME = "Canarius"
"""A surname on its own: no guard can tell it from a word, so it is forwarded — and must then
leave no trace either (a full name is refused in a form, as in the chat)."""
BIRTH = "14-07-2019"
PHONE = "06-87654321"
NEEDLES = (BSN, "Canarius", BIRTH, "2019-07-14", "14072019", "87654321", "8765 4321")
"""The canaries as typed and in the shapes code might turn them into."""

TYPED = (
    f"kind met BSN {BSN} in Zeist",
    f"naam: {NAME}, geboren {BIRTH}",
    f"{NAME} {BIRTH} {PHONE}",
    f"moeder van {NAME} belt vanaf {PHONE}",
)
"""What a worried professional might type; each line holds at least one canary."""
REMINDER = "Typ liever geen cliëntgegevens"
"""The start of the reminder every typed line with client data gets (dialogs/phrases.py)."""


def test_the_canaries_are_client_data() -> None:
    """The guard recognises each typed line: a valid BSN, a name, a birth date, a phone number."""
    kinds = {hit.kind for line in TYPED for hit in find_pii(line)}
    assert {"bsn", "naam", "datum", "telefoon"} <= kinds, kinds
    assert all(find_pii(line) for line in TYPED)


class User(Protocol):
    """One professional on one channel."""

    async def say(self, text: str) -> str:
        """Type ``text``; the text of the replies."""
        ...

    async def click(self, label: str) -> str:
        """Tap the newest button ``label``; the text of the replies."""
        ...

    async def submit(self, **values: str) -> str:
        """Fill in the newest form and send it; the text of the replies."""
        ...


async def every_flow(user: User, *, reach: str | None, partner: str = SAVE) -> None:
    """Menu search, a tree answer, the record flow, a refused and a forwarded request; each
    typed line with client data gets the reminder not to type it."""
    for line in TYPED:
        assert REMINDER in await user.say(line)
    text = await user.say("afwegingskader")
    if "Jeugdarts" in text:
        await user.click("Jeugdarts")
    for line in TYPED:
        assert REMINDER in await user.say(line)
    await user.say("opnieuw")
    await user.say("leg vast dat ik overlegd heb")
    for line in TYPED:
        assert REMINDER in await user.say(line)
    if "in welke gemeente" in await user.say("vastleggen"):
        await user.submit(gemeente="Zeist")  # else Zeist, typed before, is the child's gemeente
    await user.click("Collegiale consultatie")
    await user.click("Vastleggen")
    await user.say("overleg aanvragen")
    await user.click("Ja")  # "Voor een kind in Zeist?"
    await user.click(partner)
    await user.click("Vandaag nog")
    if reach is not None:
        await user.click(reach)
    for line in TYPED[:3]:
        refused = await user.submit(vraag=line, telefoon=WORK_PHONE)
        assert "cliëntgegevens" in refused, refused
    named = await user.submit(vraag=f"Overleg over {NAME}", telefoon=WORK_PHONE)
    assert "cliëntgegevens" in named, "a full name is refused as in the chat"
    sent = await user.submit(vraag=f"Overleg over {SURNAME}", telefoon=PHONE)
    assert "verstuurd" in sent or "VB-" in sent, sent


def assert_no_canary(where: str, text: str) -> None:
    hits = [needle for needle in NEEDLES if needle in text]
    assert not hits, f"canary {hits} found in {where}"


def write_intakes(path: Path, server: TestServer) -> None:
    """SAVE and Veilig Thuis Utrecht take requests at the fake webhook."""
    path.write_text(
        "intakes:\n"
        f"  - partner: save\n    webhook: {server.make_url('/intake/save')}\n"
        f"  - partner: veilig-thuis-utrecht\n    webhook: {server.make_url('/intake/vt')}\n",
        encoding="utf-8",
    )


def search_data_dir(data_dir: Path) -> int:
    """Every byte of every file Verbind wrote; the number of files searched."""
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    for path in files:
        assert_no_canary(str(path.relative_to(data_dir)), path.read_bytes().decode("latin-1"))
    return len(files)


# -- the channels -------------------------------------------------------------------------------


class WebUser:
    """The local web page's JSON endpoint with its cookie."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.replies: list[dict[str, Any]] = []

    async def _send(self, body: dict[str, Any]) -> str:
        response = await self.client.post(TURN_PATH, json=body)
        assert response.status == 200, response.status
        self.replies = (await response.json())["replies"]
        return " ".join(r["text"] for r in self.replies)

    async def say(self, text: str) -> str:
        return await self._send({"text": text})

    async def click(self, label: str) -> str:
        [payload, *_] = [
            b["payload"]
            for r in reversed(self.replies)
            for b in r["buttons"]
            if b["label"] == label
        ]
        return await self._send({"payload": payload})

    async def submit(self, **values: str) -> str:
        [form, *_] = [r["form"] for r in reversed(self.replies) if r["form"]]
        names = {f["name"] for f in form["fields"]}
        filled = {k: v for k, v in values.items() if k in names}
        return await self._send({"payload": form["submit"]["payload"], "form": filled})


class TeamsUser:
    """Activities posted with expectReplies; card buttons are Action.Submit data."""

    def __init__(self, client: TestClient[Any, Any], service_url: str) -> None:
        self.client = client
        self.service_url = service_url
        self.actions: dict[str, dict[str, Any]] = {}

    async def _send(self, **changes: Any) -> str:
        body = expect_replies(activity("card_submit", serviceUrl=self.service_url, **changes))
        response = await self.client.post("/api/messages", json=body)
        assert response.status == 200, response.status
        activities = (await response.json())["activities"]
        self.actions = {}
        for item in activities:
            self.actions.update(card_actions(item))
        return " ".join(shown(item) for item in activities)

    async def say(self, text: str) -> str:
        return await self._send(text=text, value=None)

    async def click(self, label: str) -> str:
        return await self._send(value=self.actions[label])

    async def press(self, value: dict[str, Any], conversation: dict[str, Any]) -> str:
        """Press a card button as a member of ``conversation`` (a partner's intake channel)."""
        member = {"id": "29:intakeMember", "name": "Intake"}
        return await self._send(value=value, conversation=conversation, **{"from": member})

    async def submit(self, **values: str) -> str:
        return await self._send(value={**self.actions["Versturen"], "vraag": values["vraag"]})


class SlackUser:
    """Signed events and block actions; the bot's answers arrive at the fake Web API."""

    def __init__(self, client: TestClient[Any, Any], fake: FakeSlack, respond_url: str) -> None:
        self.client = client
        self.fake = fake
        self.respond_url = respond_url
        self.events = 0

    @staticmethod
    def buttons_of(*posts: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The buttons in ``posts``, by label (later ones win)."""
        found: dict[str, dict[str, Any]] = {}
        for post in posts:
            blocks = (
                post["blocks"] if isinstance(post["blocks"], list) else json.loads(post["blocks"])
            )
            for block in blocks:
                if block["type"] == "actions":
                    found.update({e["text"]["text"]: e for e in block["elements"]})
        return found

    def _buttons(self, since: int) -> dict[str, dict[str, Any]]:
        return self.buttons_of(*(p for p in self.fake.posts[since:] if p["channel"] == "D1"))

    async def _answers(self, before: int) -> str:
        """Bolt acks first and answers after: wait until the posts stop coming."""
        seen, quiet = before, 0
        for _ in range(400):
            await asyncio.sleep(0.02)
            now = len(self.fake.posts)
            quiet = quiet + 1 if now == seen and now > before else 0
            seen = now
            if quiet >= 4:
                break
        self.since = before
        return " ".join(p["text"] for p in self.fake.posts[before:] if p["channel"] == "D1")

    async def say(self, text: str) -> str:
        self.events += 1
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": "T1",
                "api_app_id": "A1",
                "event_id": f"EvCanary{self.events}",
                "event_time": 1,
                "event": {
                    "type": "message",
                    "user": "U1",
                    "ts": f"1700000000.{self.events:06d}",
                    "channel": "D1",
                    "channel_type": "im",
                    "text": text,
                },
            }
        )
        before = len(self.fake.posts)
        response = await self.client.post("/slack/events", data=body, headers=signed(body))
        assert response.status == 200
        return await self._answers(before)

    async def click(self, label: str, state: dict[str, Any] | None = None) -> str:
        button = self._buttons(self.since)[label]
        form, headers = button_press(button, respond_url=self.respond_url, state=state)
        before = len(self.fake.posts)
        response = await self.client.post("/slack/events", data=form, headers=headers)
        assert response.status == 200
        return await self._answers(before)

    async def submit(self, **values: str) -> str:
        state = {
            f"verbind-form-{name}": {name: {"type": "plain_text_input", "value": value}}
            for name, value in values.items()
            if name == "vraag"
        }
        return await self.click("Versturen", state)


# -- the test -----------------------------------------------------------------------------------


@both_teams_sdks
async def test_canary_client_data_leaves_no_trace(
    teams_sdk: str,
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Web page, Teams, Slack and the pick-up route on one deployment; then the terminal."""
    caplog.set_level(logging.DEBUG)
    webhook, connector, slack = FakeWebhook(), FakeConnector(), FakeSlack()
    webhook_server = await aiohttp_server(webhook.app())
    connector_server = await aiohttp_server(connector.app())
    slack_server = await aiohttp_server(slack.app())
    service_url = str(connector_server.make_url("/"))
    intakes = tmp_path / "intakes.yaml"
    intakes.write_text(
        "intakes:\n"
        f"  - partner: save\n    webhook: {webhook_server.make_url('/intake/save')}\n"
        "  - partner: veilig-thuis-utrecht\n    slack: {channel: CVT}\n"
        "  - partner: vertrouwensarts-utrecht\n"
        f"    teams: {{service_url: '{service_url}', conversation: '19:va-intake'}}\n",
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    settings = slack_settings(
        slack_server,
        data_dir=data_dir,
        intakes_file=intakes,
        public_url="https://verbind.example.nl",
        teams_sdk=teams_sdk,
    )
    app = create_app(settings, knowledge=shipped)
    # Served as `verbind serve` serves it: with Verbind's access log, which leaves out queries.
    server = TestServer(app)
    await server.start_server(access_log_class=AccessLog)
    client = await aiohttp_client(server)

    # Each channel asks another partner, so every kind of intake carries a request.
    await every_flow(WebUser(client), reach=None)
    await every_flow(
        TeamsUser(client, service_url),
        reach="Via Teams",
        partner="Vertrouwensarts van Veilig Thuis Utrecht",
    )
    slack_user = SlackUser(client, slack, str(slack_server.make_url("/respond")))
    slack_user.since = 0
    await every_flow(slack_user, reach="Via Slack", partner="Veilig Thuis Utrecht")
    [by_webhook] = webhook.bodies
    [by_slack] = [p for p in slack.posts if p["channel"] == "CVT"]
    [by_teams] = connector.into("19:va-intake")
    for delivered in (by_webhook, by_slack, by_teams):
        assert SURNAME in json.dumps(delivered, ensure_ascii=False), "the request was forwarded"
    # Each request is picked up where it arrived: the link, the Teams channel, the Slack channel.
    picked = await client.post(PICKUP_PATH, data={"t": by_webhook["pickup"]})
    assert "De aanvrager krijgt bericht" in await picked.text()
    in_channel = {"conversationType": "channel", "id": "19:va-intake"}
    teams_pickup = card_actions(by_teams)["Ik pak dit op"]
    intake = TeamsUser(client, service_url)
    assert "De aanvrager krijgt bericht" in await intake.press(teams_pickup, in_channel)
    button = SlackUser.buttons_of(by_slack)["Ik pak dit op"]
    respond = str(slack_server.make_url("/respond"))
    form, headers = button_press(button, respond_url=respond, user="U9", channel="CVT")
    assert (await client.post("/slack/events", data=form, headers=headers)).status == 200
    for _ in range(400):  # Bolt acknowledges first and answers after
        if any(p["channel"] == "CVT" and "krijgt bericht" in p["text"] for p in slack.posts):
            break
        await asyncio.sleep(0.025)
    assert (await client.get(PICKUP_PATH, params={"t": f"{BSN} {NAME}"})).status == 400
    assert (await client.post(PICKUP_PATH, data={"t": f"{NAME} {PHONE}"})).status == 400

    register = open_register(settings)
    try:
        statuses = sorted(r.status for r in register.records())
    finally:
        register.close()
    assert statuses == ["aangevraagd"] * 3 + ["opgepakt"] * 3 + ["vastgelegd"] * 3

    assert search_data_dir(data_dir) >= 2
    sessions = app[SESSIONS]
    assert len(sessions) >= 3
    for key, (document, _, _) in sessions._items.items():
        assert_no_canary(f"session {key}", document)
    assert len(caplog.records) > 10, "the log was captured"
    access = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert "GET /intake/opgepakt 400" in " ".join(access), "requests were logged, without query"
    for record in caplog.records:
        assert_no_canary(f"log {record.name}", record.getMessage())
    assert_no_canary("captured log", caplog.text)


MALFORMED = (
    f"GET /?bsn={BSN}&x={'a' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    f"GE\x01T /{BSN} HTTP/1.1\r\n\r\n".encode(),
    f"GET /{BSN} HTTP/1.1\r\nHost: x\r\nX-Naam: {NAME}\x01\r\n\r\n".encode(),
    f"GET /{BSN} HTTP/1.1\r\nHost: x\r\nX-Naam: {NAME}{'a' * 9000}\r\n\r\n".encode(),
    f"GET /{BSN}?geboren={BIRTH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
    f"POST /api/messages?tel={PHONE} HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n".encode(),
    f"GET /web/turn HTTP/9.9 {BSN}\r\n\r\n".encode(),
    f"GET /healthz HTTP/1.1\r\nHost: {BSN}\r\nTransfer-Encoding: x{NAME}\r\n\r\n".encode(),
)
"""Raw requests aiohttp cannot parse, or routes nobody serves, each carrying a canary."""


async def test_canary_in_malformed_http_leaves_no_trace(
    shipped: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    """Bad request lines, oversized lines and bad headers holding client data, sent over a raw
    socket: every log record at DEBUG (aiohttp's own loggers included) is free of them."""
    caplog.set_level(logging.DEBUG)
    server = TestServer(create_app(Settings(), knowledge=shipped))
    await server.start_server(access_log_class=AccessLog)
    try:
        for raw in MALFORMED:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(raw)
            await writer.drain()
            answer = await reader.read(64)
            assert answer.startswith(b"HTTP/1."), answer
            assert int(answer.split()[1]) < 500, answer
            writer.close()
            await writer.wait_closed()
    finally:
        await server.close()
    assert any(r.name.startswith("aiohttp") for r in caplog.records), "aiohttp's log was seen"
    for record in caplog.records:
        assert_no_canary(f"log {record.name}", record.getMessage())
        assert not record.exc_info, record.name
    assert_no_canary("captured log", caplog.text)


async def test_canary_through_the_terminal(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_server: ServerFactory
) -> None:
    """`verbind chat --json`: the same flows; data dir, stdout and stderr hold no canary."""
    webhook = FakeWebhook()
    server = await aiohttp_server(webhook.app())
    intakes = tmp_path / "intakes.yaml"
    write_intakes(intakes, server)
    data_dir = tmp_path / "data"
    lines = [
        *TYPED,
        "afwegingskader",
        "1",
        *TYPED,
        "opnieuw",
        "leg vast dat ik overlegd heb",
        *TYPED,
        "vastleggen",
        "Collegiale consultatie",
        "Vastleggen",
        "overleg aanvragen",
        "Ja",
        SAVE,
        "Vandaag nog",
        "",
        TYPED[0],
        f"Overleg over {SURNAME}",
        "-",
        "-",
        PHONE,
    ]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "chat",
        "--json",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("VERBIND_")},
            "VERBIND_DATA_DIR": str(data_dir),
            "VERBIND_INTAKES": str(intakes),
        },
    )
    stdout, stderr = await asyncio.wait_for(
        process.communicate("\n".join(lines).encode() + b"\n"), timeout=120
    )
    assert process.returncode == 0, stderr.decode()
    answers = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(answers) == len(lines)
    texts = [" ".join(r["text"] for r in a["replies"]) for a in answers]
    assert "cliëntgegevens" in texts[-5]
    assert len(webhook.bodies) == 1
    assert SURNAME in webhook.bodies[0]["question"]
    assert webhook.bodies[0]["callback"] == f"telefoon {PHONE}"
    assert search_data_dir(data_dir) >= 2
    assert_no_canary("terminal output", stdout.decode())
    assert_no_canary("terminal errors", stderr.decode())


async def test_canary_through_the_inbox_both_ways(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_client: ClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On the embedded default (no intakes file): a JGZ request and a Veilig Thuis terugkoppeling
    through the built-in inbox, client data typed into every field, a procesevaluatie; after the
    pick-ups and the closing no inbox page, file, session or log line holds a canary."""
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir)
    app = create_app(settings, knowledge=shipped)
    client = await aiohttp_client(app)
    other = TestClient(client.server)  # a second browser: its own cookie, the same server
    await other.start_server()
    jgz, vt = WebUser(client), WebUser(other)
    await every_flow(jgz, reach=None)
    await vt.say("beroep")
    await vt.click("Veilig Thuis / jeugdbescherming")
    for line in TYPED:
        await vt.say(line)
    await vt.say("overleg aanvragen")
    await vt.click("Terugkoppeling na onderzoek")
    await vt.click("Overgedragen: lokaal team")  # Zeist, typed before, is the child's gemeente
    await vt.click("SAVE Jeugdbescherming")
    await vt.click("Geen haast")
    refused = await vt.submit(gemeente="Zeist, Slotlaan 12, 3701 AB", telefoon=WORK_PHONE)
    assert "alleen de gemeente" in refused, refused
    for line in TYPED[:3]:
        assert "cliëntgegevens" in await vt.submit(vraag=line, telefoon=WORK_PHONE)
    assert "VB-" in await vt.submit(vraag=f"Vraag over {SURNAME}", naam="VT", telefoon=PHONE)
    await vt.say("overleg aanvragen")
    await vt.click("Procesevaluatie aanvragen")
    await vt.click("Andere gemeente")
    await vt.submit(gemeente="Utrecht")
    await vt.click("Geen haast")
    assert "VB-" in await vt.submit(vraag="Casus liep vast bij de overdracht", telefoon=PHONE)
    for partner in ("save", "ggd-regio-utrecht", "jgz-utrecht"):
        page = await (await client.get(f"{INBOX_PATH}/{partner}")).text()
        [reference] = set(re.findall(r'name="ref" value="([A-Z0-9-]+)"', page))
        picked = await client.post(f"{INBOX_PATH}/{partner}", data={"ref": reference})
        assert "De aanvrager krijgt bericht" in await picked.text()
        # The one who picked it up keeps the callback details (in memory) until closing it.
        closed = await client.post(f"{INBOX_PATH}/{partner}/afronden", data={"ref": reference})
        assert "afgerond" in await closed.text()
        assert_no_canary(
            f"inbox {partner}", await (await client.get(f"{INBOX_PATH}/{partner}")).text()
        )
    assert "is opgepakt" in await jgz.say("menu")
    await other.close()
    register = open_register(settings)
    try:
        records = register.records()
    finally:
        register.close()
    directions = sorted(
        (r.kind, r.direction, r.status) for r in records if r.status != "vastgelegd"
    )
    assert directions == [
        ("jeugdbescherming", "jgz-partner", "aangevraagd"),
        ("jeugdbescherming", "jgz-partner", "opgepakt"),
        ("procesevaluatie", "partner-jgz", "aangevraagd"),
        ("procesevaluatie", "partner-jgz", "opgepakt"),
        ("terugkoppeling", "partner-jgz", "aangevraagd"),
        ("terugkoppeling", "partner-jgz", "opgepakt"),
    ]
    assert all(r.region == "VT20" for r in records)
    assert search_data_dir(data_dir) >= 2
    for key, (document, _, _) in app[SESSIONS]._items.items():
        assert_no_canary(f"session {key}", document)
    for record in caplog.records:
        assert_no_canary(f"log {record.name}", record.getMessage())
