"""Two presses of "Ik pak dit op" at once: exactly one pick-up is recorded and the requester
is told exactly once — in memory, in SQLite (two register connections, as two processes) and
on two ``verbind serve`` instances sharing a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from aiohttp.test_utils import TestServer

from bot.intake.intakes import PICKUP_PATH
from bot.storage.pgregister import PostgresRegister
from bot.storage.sqliteregister import SqliteRegister
from dialogs import Conversation, MemorySessionStore, Payload
from dialogs.consultation import PICKUP_NODE
from dialogs.register import ConsultationRecord, ConsultationRegister, MemoryRegister
from knowledge import KnowledgeBase
from tests.serving import free_port, start_serve
from tests.test_consultation import KEY, Bell, ChannelChat, Desk
from tests.test_instances import KEY as SHARED_KEY
from tests.test_instances import Server, serve_env, wait_ready
from tests.test_intakes import FakeConnector, FakeWebhook, card_actions
from tests.test_teams import activity, expect_replies

ServerFactory = Callable[..., Awaitable[TestServer]]
PRESSES = 8
"""Colleagues pressing at once, spread over two conversation cores (instances)."""
WON = "De aanvrager krijgt bericht"
LOST = "al opgepakt"
TOLD = "is opgepakt"


def pickups(records: list[ConsultationRecord]) -> list[str]:
    """The references of the recorded pick-ups."""
    return [r.reference for r in records if r.status == "opgepakt"]


async def ask_save(requester: ChannelChat, *, in_chat: bool) -> None:
    """Ask SAVE for a consultation about a child in Zeist; to be told in the chat (Teams) or on
    the next turn."""
    await requester.say("kind woont in Zeist")
    await requester.say("overleg aanvragen")  # SAVE is the one partner with an intake
    await requester.click("Binnen 3 werkdagen")
    if in_chat:
        await requester.click("Via Teams")
        await requester.submit(vraag="Graag overleg")
    else:
        await requester.submit(telefoon="030 123 45 67")


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("channel", ["teams", "terminal"])
async def test_presses_at_once_record_one_pickup_and_one_notice(
    backend: str, channel: str, tmp_path: Path, shipped: KnowledgeBase
) -> None:
    """Eight colleagues press at once on two instances: one is told they have it, seven that it
    is taken; one pick-up in the register; the requester hears it once (in their Teams chat, or
    on the terminal with their next message) and never again."""
    registers: list[ConsultationRegister]
    if backend == "memory":
        registers = [MemoryRegister()] * 2
    else:
        path = tmp_path / "register.sqlite3"
        registers = [SqliteRegister(path, key=KEY), SqliteRegister(path, key=KEY)]
    desk, bell, store = Desk("save"), Bell(), MemorySessionStore()

    def instance(register: ConsultationRegister) -> Conversation:
        return Conversation(
            shipped, sessions=store, register=register, intakes=desk, notifier=bell, key=KEY
        )

    cores = [instance(r) for r in registers]
    requester = ChannelChat(cores[0], "requester", channel)
    await ask_save(requester, in_chat=channel == "teams")
    [request] = desk.delivered
    colleagues = [ChannelChat(cores[n % 2], f"save:{n}", "teams") for n in range(PRESSES)]
    await asyncio.gather(*(c.press(Payload(PICKUP_NODE, request.pickup)) for c in colleagues))
    texts = [c.text for c in colleagues]
    assert sum(WON in t for t in texts) == 1, texts
    assert sum(LOST in t for t in texts) == PRESSES - 1, texts
    if isinstance(registers[0], MemoryRegister):
        assert pickups(registers[0].records) == [request.reference]
    else:
        assert pickups(registers[0].records()) == [request.reference]
        assert registers[0].verify().ok
    told = [await ChannelChat(cores[n % 2], "requester", channel).say("menu") for n in (1, 2)]
    in_chat = len(bell.sent)
    on_turn = sum(TOLD in " ".join(r.text for r in replies) for replies in told)
    assert in_chat + on_turn == 1, (bell.sent, told)
    assert in_chat == (1 if channel == "teams" else 0)


async def test_the_register_refuses_a_second_pickup_of_a_reference(tmp_path: Path) -> None:
    """Whatever the path, the register holds one pick-up per reference: record_once answers
    with the earlier one, and SQLite's unique index refuses a second by plain SQL."""
    register = SqliteRegister(tmp_path / "register.sqlite3", key=KEY)
    first = ConsultationRecord(
        "VB-AAAA-BBBB", "2026-12-07T10:00Z", "save", "save", "VT20", "jgz-partner", "teams",
        "1", "opgepakt",
    )  # fmt: skip
    later = ConsultationRecord(
        "VB-AAAA-BBBB", "2026-12-07T10:01Z", "save", "save", "VT20", "jgz-partner", "teams",
        "1", "opgepakt",
    )  # fmt: skip
    assert (await register.record_once(first)).recorded
    claim = await register.record_once(later)
    assert (claim.recorded, claim.kept.time) == (False, "2026-12-07T10:00Z")
    with pytest.raises(Exception, match="UNIQUE"):
        register.append_now(later)
    assert pickups(register.records()) == ["VB-AAAA-BBBB"]
    assert register.verify().ok
    register.close()


# -- two `verbind serve` processes on one PostgreSQL ---------------------------------------------


StartServers = Callable[[str], list[Server]]
Post = Callable[..., Awaitable[dict[str, Any]]]
"""Posts a Teams activity (its fields changed as given) to an instance; the replies."""


def reply_actions(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card actions of every activity in a Teams reply, by title."""
    found: dict[str, dict[str, Any]] = {}
    for item in reply["activities"]:
        found.update(card_actions(item))
    return found


async def ask_save_over_teams(teams: Post, servers: list[Server]) -> None:
    """Ask SAVE for a consultation about a child in Zeist, in Teams, turn by turn on either
    instance, to be told in the chat."""
    await teams(servers[0], type="message", text="kind woont in Zeist", value=None)
    offered = reply_actions(
        await teams(servers[1], type="message", text="overleg aanvragen", value=None)
    )
    offered = reply_actions(await teams(servers[1], value=offered["Binnen 3 werkdagen"]))
    offered = reply_actions(await teams(servers[0], value=offered["Via Teams"]))
    await teams(servers[1], value={**offered["Versturen"], "vraag": "Graag overleg"})


@pytest.fixture
def pg_servers(pg_dsn: str, tmp_path: Path) -> Iterator[StartServers]:
    """Starts two instances on one database with SAVE's intake at the webhook address given
    (the test serves it), and stops them afterwards."""
    intakes = tmp_path / "intakes.yaml"
    started: list[Server] = []

    def start(webhook_url: str) -> list[Server]:
        intakes.write_text(
            f"intakes:\n  - partner: save\n    webhook: {webhook_url}\n", encoding="utf-8"
        )
        for n in (1, 2):
            data_dir = tmp_path / f"instance-{n}"
            data_dir.mkdir()
            env = {**serve_env(pg_dsn, data_dir), "VERBIND_INTAKES": str(intakes)}
            port, log = free_port(), data_dir / "serve.log"
            started.append(Server(start_serve(port, env, log), port, log))
        return started

    yield start
    for server in started:
        server.stop()


async def test_presses_on_two_postgres_instances_record_one_pickup_and_one_notice(
    pg_servers: StartServers, pg_dsn: str, aiohttp_server: ServerFactory
) -> None:
    """A Teams requester asks SAVE through instance 1; eight presses of the webhook's pick-up
    link arrive at both instances at once: one pick-up in PostgreSQL (a unique index backs it),
    one "krijgt bericht", one notice in the requester's chat, none with their next message."""
    webhook, connector = FakeWebhook(), FakeConnector()
    hook = await aiohttp_server(webhook.app())
    bot_connector = await aiohttp_server(connector.app())
    service_url = str(bot_connector.make_url("/"))
    servers = pg_servers(str(hook.make_url("/intake/save")))
    async with aiohttp.ClientSession() as http:
        for server in servers:
            await wait_ready(http, server)

        async def teams(server: Server, **changes: Any) -> dict[str, Any]:
            body = expect_replies(activity("card_submit", serviceUrl=service_url, **changes))
            async with http.post(f"{server.url}/api/messages", json=body) as response:
                assert response.status == 200, await response.text()
                reply: dict[str, Any] = await response.json()
                return reply

        await ask_save_over_teams(teams, servers)
        [delivered] = webhook.bodies

        async def press(server: Server) -> str:
            form = {"t": delivered["pickup"]}
            async with http.post(f"{server.url}{PICKUP_PATH}", data=form) as response:
                assert response.status == 200
                return await response.text()

        texts = await asyncio.gather(*(press(servers[n % 2]) for n in range(PRESSES)))
        assert sum(WON in t for t in texts) == 1, texts
        assert sum(LOST in t for t in texts) == PRESSES - 1
        notices = [b for b in connector.posts if TOLD in json.dumps(b[1])]
        assert len(notices) == 1, connector.posts
        later = await teams(servers[1], type="message", text="menu", value=None)
        assert TOLD not in json.dumps(later)
    register = PostgresRegister(pg_dsn, key=SHARED_KEY)
    try:
        assert pickups(register.records()) == [delivered["reference"]]
        assert register.verify().ok
    finally:
        register.close()
    with psycopg.connect(pg_dsn) as db:
        indexes = db.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'consultations'")
        assert "consultations_one_pickup" in {row[0] for row in indexes.fetchall()}
    for server in servers:
        assert "Traceback" not in server.log.read_text()
