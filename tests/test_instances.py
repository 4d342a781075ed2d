"""Several ``verbind serve`` processes on one PostgreSQL database, and what happens when the
database goes away: real processes, real HTTP (the local web page's JSON endpoint), a real
PostgreSQL that the tests stop and start."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest

from bot.app import create_app
from bot.channels.web.page import COOKIE_NAME, TURN_PATH
from bot.intake.intakes import PICKUP_PATH
from bot.settings import Settings
from bot.storage.pgregister import PostgresRegister
from dialogs.phrases import CONFLICT, STALE_BUTTON
from knowledge import AdviceNode, KnowledgeBase
from tests.pgcluster import PgCluster
from tests.serving import free_port, start_serve
from tests.test_shipped_trees import AFWEGINGSKADER
from tests.test_teams import activity, both_teams_sdks

ROOT = Path(__file__).parent.parent
KEY = bytes(range(32))
REFERENCE = re.compile(r"Vastgelegd\. Referentie: (VB-[A-Z0-9]{4}-[A-Z0-9]{4})")
READY_SECONDS = 60
"""A deadline for a server to answer /healthz; never asserted as a timing."""


@dataclass
class Server:
    """One ``verbind serve`` process."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Its base address."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve_env(dsn: str, data_dir: Path) -> dict[str, str]:
    """The environment of one instance: its own data dir, the shared database and key."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VERBIND_DATABASE_URL": dsn,
        "VERBIND_DATA_DIR": str(data_dir),
        "VERBIND_REGISTER_KEY": KEY.hex(),
    }


def start_server(dsn: str, data_dir: Path) -> Server:
    """Start ``verbind serve`` on a free port (not yet waited for)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = data_dir / "serve.log"
    process = start_serve(port, serve_env(dsn, data_dir), log)
    return Server(process, port, log)


async def wait_ready(http: aiohttp.ClientSession, server: Server) -> None:
    """Wait until ``server`` answers /healthz (fail if it exits first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_SECONDS
    while loop.time() < deadline:
        assert server.process.poll() is None, server.log.read_text()
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{server.url}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    pytest.fail(f"server not ready: {server.log.read_text()}")


@pytest.fixture
def servers(pg_dsn: str, tmp_path: Path) -> Iterator[list[Server]]:
    """Two instances on one database, each with its own data dir."""
    started = [start_server(pg_dsn, tmp_path / f"instance-{n}") for n in (1, 2)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client that keeps no cookies of its own (visitors set theirs)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


@dataclass
class Visitor:
    """One person on the web page: the cookie the first answer issued, whichever instance
    answers."""

    http: aiohttp.ClientSession
    cookie: str = ""
    replies: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, server: Server, body: dict[str, Any]) -> aiohttp.ClientResponse:
        """POST one turn; keeps the replies of a 200 and a cookie the server issued."""
        headers = {"Cookie": f"{COOKIE_NAME}={self.cookie}"} if self.cookie else {}
        async with self.http.post(
            f"{server.url}{TURN_PATH}", json=body, headers=headers
        ) as response:
            if COOKIE_NAME in response.cookies:
                self.cookie = response.cookies[COOKIE_NAME].value
            if response.status == 200:
                self.replies = (await response.json())["replies"]
            else:
                await response.read()
            return response

    async def say(self, server: Server, body: dict[str, Any]) -> list[dict[str, Any]]:
        """POST one turn that must succeed; its replies."""
        response = await self.send(server, body)
        assert response.status == 200
        return self.replies

    def press(self, label: str) -> dict[str, Any]:
        """The body that clicks the last button labelled ``label``."""
        payloads = [b["payload"] for r in self.replies for b in r["buttons"] if b["label"] == label]
        assert payloads, f"no button {label!r} in {self.labels}"
        return {"payload": payloads[-1]}

    @property
    def labels(self) -> list[str]:
        """The buttons on offer."""
        return [b["label"] for r in self.replies for b in r["buttons"]]

    @property
    def text(self) -> str:
        """All reply text."""
        return "\n".join(r["text"] for r in self.replies)


def stored_session(dsn: str) -> dict[str, Any]:
    """The one session row in the database, as JSON."""
    with psycopg.connect(dsn) as db:
        rows = db.execute("SELECT document FROM sessions").fetchall()
    assert len(rows) == 1
    document: dict[str, Any] = json.loads(rows[0][0])
    return document


def stored_references(dsn: str) -> list[str]:
    """Every reference in the register, oldest first, and the chain checked."""
    register = PostgresRegister(dsn, key=KEY)
    try:
        assert register.verify().ok
        return [r.reference for r in register.records()]
    finally:
        register.close()


async def test_a_conversation_moves_between_instances(
    servers: list[Server], http: aiohttp.ClientSession, shipped: KnowledgeBase
) -> None:
    """Turns that alternate between two instances walk the afwegingskader to its outcome."""
    for server in servers:
        await wait_ready(http, server)
    tree = shipped.trees["afwegingskader"]
    visitor = Visitor(http)
    turn = iter(servers * 10)
    await visitor.say(next(turn), {"text": "menu"})
    await visitor.say(next(turn), visitor.press(tree.title))
    answers = next(a for a, end in AFWEGINGSKADER.items() if end == "melden-onveilig")
    for key in answers:
        node = tree.node(visitor.replies[-1]["buttons"][0]["payload"]["node"])
        label = next(o.label for o in node.options if o.key == key)
        await visitor.say(next(turn), visitor.press(label))
    end = tree.node("melden-onveilig")
    assert isinstance(end, AdviceNode)
    assert visitor.replies[-1]["outcome"] == end.outcome
    assert visitor.replies[-1]["text"].startswith(end.text_for(None))


async def test_duplicate_clicks_on_two_instances_advance_once(
    servers: list[Server], http: aiohttp.ClientSession, pg_dsn: str
) -> None:
    """A burst of the same click sent to both instances at once makes one step, and a burst of
    the same "Vastleggen" records one consultation."""
    for server in servers:
        await wait_ready(http, server)
    visitor = Visitor(http)
    await visitor.say(servers[0], {"text": "afwegingskader"})
    click = visitor.press("Ja")
    responses = await asyncio.gather(
        *(Visitor(http, visitor.cookie).say(servers[n % 2], click) for n in range(12))
    )
    texts = [reply[0]["text"] for reply in responses]
    advanced = [t for t in texts if t.startswith("Vraag 2 van 5")]
    assert len(advanced) == 1, texts
    assert all(t == advanced[0] or t in (CONFLICT, STALE_BUTTON) for t in texts), texts
    assert stored_session(pg_dsn)["answers"] == ["ja"]

    await visitor.say(servers[1], {"text": "veilig thuis zeist"})  # the region: no form
    await visitor.say(servers[1], {"text": "overleg vastleggen"})
    await visitor.say(servers[0], visitor.press("Collegiale consultatie"))
    confirm = visitor.press("Vastleggen")
    responses = await asyncio.gather(
        *(Visitor(http, visitor.cookie).say(servers[n % 2], confirm) for n in range(12))
    )
    recorded = [m.group(1) for r in responses if (m := REFERENCE.search(r[0]["text"]))]
    assert len(recorded) == 1
    assert stored_references(pg_dsn) == recorded


@dataclass
class Load:
    """What a client saw while it kept recording consultations."""

    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: list[str] = field(default_factory=list)
    retry_after_missing: int = 0

    def count(self, response: aiohttp.ClientResponse) -> bool:
        """Note a response; True for a 200."""
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if response.status == 503 and not response.headers.get("Retry-After"):
            self.retry_after_missing += 1
        return response.status == 200


async def record_consultations(
    http: aiohttp.ClientSession, servers: list[Server], load: Load, stop: asyncio.Event
) -> None:
    """Walk the "vastleggen" flow again and again (a fresh visitor each time) until ``stop``;
    a refused step starts over, after a short pause as Retry-After asks."""
    n = 0
    while not stop.is_set():
        visitor, n = Visitor(http), n + 1
        server = servers[n % len(servers)]
        steps = [
            {"text": "veilig thuis zeist"},  # the region is known: no gemeente form
            {"text": "overleg vastleggen"},
            "Collegiale consultatie",
            "Vastleggen",
        ]
        for step in steps:
            body = step if isinstance(step, dict) else visitor.press(step)
            if not load.count(await visitor.send(server, body)):
                await asyncio.sleep(0.05)
                break
        else:
            if match := REFERENCE.search(visitor.text):
                load.acknowledged.append(match.group(1))


async def until(condition: Any, what: str) -> None:
    """Wait for ``condition()`` (a deadline, not a timing assertion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 90
    while not condition():
        assert loop.time() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.05)


async def test_database_restart_under_load(
    servers: list[Server], http: aiohttp.ClientSession, pg_dsn: str, pg_cluster: PgCluster
) -> None:
    """Stopping PostgreSQL under load gives 503 with Retry-After (never 500), the instances
    recover by themselves once it is back, and every acknowledged record is stored once."""
    for server in servers:
        await wait_ready(http, server)
    load, stop = Load(), asyncio.Event()
    clients = [
        asyncio.create_task(record_consultations(http, servers, load, stop)) for _ in range(4)
    ]
    try:
        await until(lambda: len(load.acknowledged) >= 10, "records before the outage")
        await asyncio.to_thread(pg_cluster.stop)
        await until(lambda: load.statuses.get(503, 0) >= 20, "503 answers during the outage")
        before = len(load.acknowledged)
        await asyncio.to_thread(pg_cluster.start)
        await until(lambda: len(load.acknowledged) >= before + 10, "records after the outage")
    finally:
        stop.set()
        await asyncio.gather(*clients)
    assert set(load.statuses) == {200, 503}, load.statuses
    assert load.retry_after_missing == 0
    stored = stored_references(pg_dsn)
    assert len(stored) == len(set(stored))
    assert set(load.acknowledged) <= set(stored)
    for server in servers:
        assert "Traceback" not in server.log.read_text()


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--port", "0"],
        ["register", "verify"],
        ["report", "--from", "2026-01-01", "--to", "2026-12-31"],
    ],
    ids=["serve", "register-verify", "report"],
)
def test_unreachable_database_at_start_is_one_dutch_line(
    tmp_path: Path, command: list[str]
) -> None:
    """With nothing listening at VERBIND_DATABASE_URL the command says so in Dutch and exits
    non-zero, without a traceback."""
    dsn = f"postgresql://verbind@127.0.0.1:{free_port()}/verbind"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        env=serve_env(dsn, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 4, result.stderr
    assert "de database is niet bereikbaar" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@both_teams_sdks
async def test_every_turn_route_answers_503_while_the_database_is_down(
    aiohttp_client: Any, pg_dsn: str, pg_cluster: PgCluster, tmp_path: Path, teams_sdk: str
) -> None:
    """Teams, the web page, Slack and the pick-up link all answer 503 with Retry-After while
    PostgreSQL is stopped, and turns work again once it is back, without a restart."""
    settings = Settings(
        teams_sdk=teams_sdk,
        data_dir=tmp_path,
        database_url=pg_dsn,
        register_key=KEY.hex(),
        slack_bot_token="xoxb-test",
        slack_signing_secret="secret",
        slack_api_url="http://127.0.0.1:9/",
    )
    client = await aiohttp_client(create_app(settings))
    teams = {**activity("message"), "deliveryMode": "expectReplies"}
    assert (await client.post("/api/messages", json=teams)).status == 200
    await asyncio.to_thread(pg_cluster.stop)
    try:
        slack = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {}})
        requests = [
            ("/api/messages", {"json": teams}),  # the first finds out: through the handler
            ("/web/turn", {"json": {"text": "menu"}}),
            ("/slack/events", {"data": slack, "headers": slack_headers(slack, "secret")}),
            (PICKUP_PATH, {"data": {"t": "nep"}}),
        ]
        for path, options in requests:
            response = await client.post(path, **options)
            assert response.status == 503, path
            assert response.headers["Retry-After"]
            assert "niet bereikbaar" in (await response.json())["error"]
    finally:
        await asyncio.to_thread(pg_cluster.start)
    response = await client.post("/api/messages", json=teams)
    assert response.status == 200


def slack_headers(body: str, secret: str) -> dict[str, str]:
    """Slack's signature headers for ``body``."""
    timestamp = str(int(time.time()))
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def test_a_shared_database_needs_the_register_key(tmp_path: Path) -> None:
    """Without VERBIND_REGISTER_KEY a database deployment refuses to start: a key file per
    instance would chain each instance's records with its own key."""
    env = serve_env("postgresql://verbind@127.0.0.1:1/verbind", tmp_path)
    del env["VERBIND_REGISTER_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "VERBIND_REGISTER_KEY is nodig" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "register.key").exists()
