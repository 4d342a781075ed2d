"""One recorded consultation per reference: the pick-up notice's "Overleg vastleggen: VB-…",
pressed by several people in the requester's group chat (or by one person in two windows),
records the consultation once — in memory, in SQLite (two register connections, as two
processes) and on two ``verbind serve`` instances sharing a real PostgreSQL — and everyone else
is told plainly that it was recorded already. Ordinary records, under fresh references, are
appended as before, and the register's chain verifies."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest

from bot.intake.intakes import PICKUP_PATH
from bot.storage.pgregister import PostgresRegister
from bot.storage.postgres import MIGRATIONS, Database
from bot.storage.sqliteregister import SqliteRegister
from dialogs import Conversation, MemorySessionStore, Payload
from dialogs.consultation import PICKUP_NODE
from dialogs.intake import shown_time
from dialogs.phrases import CONFLICT
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.register import (
    ConsultationRecord,
    ConsultationRegister,
    MemoryRegister,
    RecordRefusedError,
)
from knowledge import KnowledgeBase
from tests.test_consultation import KEY, Bell, ChannelChat, Desk
from tests.test_instances import KEY as SHARED_KEY
from tests.test_instances import Server, wait_ready
from tests.test_intakes import FakeConnector, FakeWebhook, card_actions
from tests.test_pickup_once import (
    PRESSES,
    ServerFactory,
    StartServers,
    ask_save,
    ask_save_over_teams,
    pg_servers,
    reply_actions,
)
from tests.test_teams import activity, expect_replies

__all__ = ["pg_servers"]  # the fixture, shared with tests/test_pickup_once.py

RECORDED = "Vastgelegd. Referentie"
ALREADY = "al vastgelegd"
CONFIRM = "Vastleggen"


def recorded(records: list[ConsultationRecord]) -> list[str]:
    """The references of the recorded consultations."""
    return [r.reference for r in records if r.status == "vastgelegd"]


def already(records: list[ConsultationRecord], reference: str) -> str:
    """What a later press is told: recorded already, when (as shown), under which reference."""
    [kept] = [r for r in records if r.reference == reference and r.status == "vastgelegd"]
    return f"{ALREADY} op {shown_time(kept.time)}, onder referentie {reference}"


def stored(register: ConsultationRegister) -> list[ConsultationRecord]:
    """Every record the register holds, oldest first."""
    if isinstance(register, MemoryRegister):
        return register.records
    assert isinstance(register, SqliteRegister)
    return register.records()


def record(reference: str, minute: str, status: str = "vastgelegd") -> ConsultationRecord:
    """A record of a consultation with SAVE at ``minute`` past ten."""
    return ConsultationRecord(
        reference, f"2026-12-07T10:{minute}Z", "save", "save", "VT20", "jgz-partner", "teams",
        "1", status,  # type: ignore[arg-type]
    )  # fmt: skip


def registers_for(backend: str, path: Path) -> list[ConsultationRegister]:
    """Two registers over one store: one memory register twice, or two SQLite connections."""
    if backend == "memory":
        return [MemoryRegister()] * 2
    return [SqliteRegister(path, key=KEY), SqliteRegister(path, key=KEY)]


async def picked_up_notice(
    cores: list[Conversation], desk: Desk, bell: Bell
) -> tuple[str, Payload]:
    """A Teams requester asks SAVE and SAVE picks it up: the request's reference and the
    notice's record button, as the requester's chat received it."""
    requester = ChannelChat(cores[0], "requester", "teams")
    await ask_save(requester, in_chat=True)
    [request] = desk.delivered
    await ChannelChat(cores[1], "save:1", "teams").press(Payload(PICKUP_NODE, request.pickup))
    [(_, notice)] = bell.sent
    [button] = notice.buttons
    assert request.reference in button.label
    return request.reference, button.payload


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
async def test_presses_at_once_in_a_group_chat_record_one_consultation(
    backend: str, tmp_path: Path, shipped: KnowledgeBase
) -> None:
    """Eight people in the requester's group chat press the notice's record button and then
    "Vastleggen" at once, on two instances: one consultation recorded under the request's
    reference, one "Vastgelegd", seven told it was recorded already; a later press is told so
    at once, with nothing to confirm; the chain verifies."""
    registers = registers_for(backend, tmp_path / "register.sqlite3")
    desk, bell, store = Desk("save"), Bell(), MemorySessionStore()
    cores = [
        Conversation(shipped, sessions=store, register=r, intakes=desk, notifier=bell, key=KEY)
        for r in registers
    ]
    reference, button = await picked_up_notice(cores, desk, bell)
    members = [ChannelChat(cores[n % 2], f"group:{n}", "teams") for n in range(PRESSES)]
    await asyncio.gather(*(member.press(button) for member in members))
    assert all(CONFIRM in member.labels for member in members)
    await asyncio.gather(*(member.click(CONFIRM) for member in members))
    texts = [member.text for member in members]
    assert sum(RECORDED in t for t in texts) == 1, texts
    assert recorded(stored(registers[0])) == [reference]
    told = already(stored(registers[0]), reference)
    assert sum(told in t for t in texts) == PRESSES - 1, texts
    late = ChannelChat(cores[1], "group:late", "teams")
    await late.press(button)
    assert told in late.text
    assert CONFIRM not in late.labels
    assert recorded(stored(registers[1])) == [reference]
    if isinstance(registers[0], SqliteRegister):
        assert registers[0].verify().ok


async def test_one_person_in_two_windows_records_once(shipped: KnowledgeBase) -> None:
    """The requester presses the record button in two windows, then "Vastleggen" in both at
    once: one record; the other window is told it was recorded (or that it was handled
    already), and its "Vastleggen" pressed again later says it was recorded already."""
    register, desk, bell, store = MemoryRegister(), Desk("save"), Bell(), MemorySessionStore()
    core = Conversation(
        shipped, sessions=store, register=register, intakes=desk, notifier=bell, key=KEY
    )
    reference, button = await picked_up_notice([core, core], desk, bell)
    windows = [ChannelChat(core, "requester", "teams") for _ in range(2)]
    for window in windows:
        await window.press(button)
    confirms = [
        next(b for r in w.replies for b in r.buttons if b.label == CONFIRM) for w in windows
    ]
    await asyncio.gather(*(w.press(c.payload) for w, c in zip(windows, confirms, strict=True)))
    texts = [w.text for w in windows]
    assert sum(RECORDED in t for t in texts) == 1, texts
    assert sum(ALREADY in t or CONFLICT in t for t in texts) == 1, texts
    other = windows[[RECORDED in t for t in texts].index(False)]
    await other.press(confirms[windows.index(other)].payload)
    assert already(register.records, reference) in other.text
    assert recorded(register.records) == [reference]


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
async def test_the_register_keeps_one_recorded_consultation_per_reference(
    backend: str, tmp_path: Path
) -> None:
    """record_once keeps a reference's first recorded consultation and answers a later one
    with it (nothing stored); ordinary records under their own references go in as before;
    another status is not for record_once; the chain verifies."""
    [register, _] = registers_for(backend, tmp_path / "register.sqlite3")
    first = await register.record_once(record("VB-AAAA-BBBB", "00"))
    later = await register.record_once(record("VB-AAAA-BBBB", "01"))
    assert first.recorded
    assert (later.recorded, later.kept.time) == (False, "2026-12-07T10:00Z")
    await register.append(record("VB-CCCC-DDDD", "02"))
    await register.append(record("VB-EEEE-FFFF", "03"))
    with pytest.raises(ValueError, match="record_once"):
        await register.record_once(record("VB-GGGG-HHHH", "04", "aangevraagd"))
    assert recorded(stored(register)) == ["VB-AAAA-BBBB", "VB-CCCC-DDDD", "VB-EEEE-FFFF"]
    if isinstance(register, SqliteRegister):
        assert register.verify().ok


async def test_sqlites_unique_index_refuses_a_second_record_by_any_path(tmp_path: Path) -> None:
    """Past record_once, the unique index refuses a second recorded consultation of a
    reference: by plain SQL, and through append (a fresh reference drawn twice is refused,
    never a second record), which nothing stores."""
    register = SqliteRegister(tmp_path / "register.sqlite3", key=KEY)
    await register.append(record("VB-AAAA-BBBB", "00"))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        register.append_now(record("VB-AAAA-BBBB", "01"))
    with pytest.raises(RecordRefusedError):
        await register.append(record("VB-AAAA-BBBB", "02"))
    assert recorded(register.records()) == ["VB-AAAA-BBBB"]
    assert register.verify().ok
    register.close()


async def test_an_older_register_with_a_double_record_still_opens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A register written before the index, holding a reference recorded twice, opens with a
    warning (the append-only chain keeps both) and record_once still refuses a third."""
    path = tmp_path / "register.sqlite3"
    old = SqliteRegister(path, key=KEY)
    old.append_now(record("VB-AAAA-BBBB", "00", "aangevraagd"))
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX consultations_one_record")
    old.append_now(record("VB-AAAA-BBBB", "01"))
    old.append_now(record("VB-AAAA-BBBB", "02"))
    old.close()
    with caplog.at_level(logging.WARNING, logger="verbind.register"):
        register = SqliteRegister(path, key=KEY)
    assert "vastgelegd twice" in caplog.text
    claim = await register.record_once(record("VB-AAAA-BBBB", "03"))
    assert (claim.recorded, claim.kept.time) == (False, "2026-12-07T10:01Z")
    assert register.verify().ok
    register.close()


# -- two `verbind serve` processes on one PostgreSQL ---------------------------------------------

GROUP = {
    "conversationType": "groupChat",
    "id": "19:scrubbedgroupchat@thread.v2",
    "tenantId": "00000000-0000-0000-0000-0000000000t1",
}


def member(n: int) -> dict[str, str]:
    """Member ``n`` of the group chat (member 0 asks)."""
    return {"id": f"29:member-{n}", "name": f"Lid {n}", "aadObjectId": f"member-{n}"}


async def test_presses_on_two_postgres_instances_record_one_consultation(
    pg_servers: StartServers, pg_dsn: str, aiohttp_server: ServerFactory
) -> None:
    """A Teams requester in a group chat asks SAVE through instance 1, SAVE picks it up, and
    eight members press the notice's record button and "Vastleggen" at once on both
    instances: one recorded consultation in PostgreSQL (a unique index backs it), one
    "Vastgelegd", seven told it was recorded already; the chain verifies."""
    webhook, connector = FakeWebhook(), FakeConnector()
    hook = await aiohttp_server(webhook.app())
    bot_connector = await aiohttp_server(connector.app())
    service_url = str(bot_connector.make_url("/"))
    servers = pg_servers(str(hook.make_url("/intake/save")))
    async with aiohttp.ClientSession() as http:
        for server in servers:
            await wait_ready(http, server)

        async def teams(server: Server, n: int, **changes: Any) -> dict[str, Any]:
            data = activity(
                "card_submit",
                serviceUrl=service_url,
                conversation=GROUP,
                **{"from": member(n)},
                **changes,
            )
            async with http.post(f"{server.url}/api/messages", json=expect_replies(data)) as r:
                assert r.status == 200, await r.text()
                reply: dict[str, Any] = await r.json()
                return reply

        await ask_save_over_teams(functools.partial(teams, n=0), servers)
        [delivered] = webhook.bodies
        reference = delivered["reference"]
        async with http.post(
            f"{servers[0].url}{PICKUP_PATH}", data={"t": delivered["pickup"]}
        ) as response:
            assert response.status == 200
        [notice] = [body for body in connector.posts if "is opgepakt" in json.dumps(body)]
        button = card_actions(notice[1])[LABEL["record-linked"].format(reference=reference)]

        confirms = await asyncio.gather(
            *(teams(servers[n % 2], n, value=button) for n in range(PRESSES))
        )
        pressed = [reply_actions(reply)[CONFIRM] for reply in confirms]
        replies = await asyncio.gather(
            *(teams(servers[n % 2], n, value=pressed[n]) for n in range(PRESSES))
        )
        texts = [json.dumps(reply, ensure_ascii=False) for reply in replies]
        late = await teams(servers[1], PRESSES, value=button)
    register = PostgresRegister(pg_dsn, key=SHARED_KEY)
    try:
        assert recorded(register.records()) == [reference]
        assert register.verify().ok
        told = already(register.records(), reference)
    finally:
        register.close()
    assert sum(RECORDED in t for t in texts) == 1, texts
    assert sum(told in t for t in texts) == PRESSES - 1, texts
    assert told in json.dumps(late, ensure_ascii=False)
    with psycopg.connect(pg_dsn) as db:
        indexes = db.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'consultations'")
        assert "consultations_one_record" in {row[0] for row in indexes.fetchall()}
    for server in servers:
        assert "Traceback" not in server.log.read_text()


# -- the PostgreSQL register itself: two instances' registers on one database --------------------


@pytest.fixture
async def pg_registers(pg_dsn: str) -> AsyncIterator[list[PostgresRegister]]:
    """Two PostgreSQL registers on one database, each with its own connection pool, as two
    ``verbind serve`` instances hold them."""
    databases = [Database(pg_dsn), Database(pg_dsn)]
    registers = []
    for database in databases:
        await database.open()
        registers.append(PostgresRegister(pg_dsn, key=KEY, database=database))
    yield registers
    for register, database in zip(registers, databases, strict=True):
        register.close()
        await database.close()


async def test_postgres_registers_racing_keep_one_recorded_consultation(
    pg_registers: list[PostgresRegister],
) -> None:
    """Eight record_once calls for one reference race over two instances' registers, between
    ordinary records under fresh references: one is recorded and the other seven are answered
    with it (nothing stored); the ordinary records all go in; kept() names the one in force;
    the chain verifies."""
    calls = [
        pg_registers[n % 2].record_once(record("VB-AAAA-BBBB", f"{n:02d}")) for n in range(PRESSES)
    ]
    ordinary = [
        pg_registers[n % 2].append(record(f"VB-CCCC-DD{n:02d}", f"{n:02d}")) for n in range(4)
    ]
    claims = (await asyncio.gather(*calls, *ordinary))[:PRESSES]
    [won] = [claim.kept for claim in claims if claim is not None and claim.recorded]
    assert all(claim is not None and claim.kept == won for claim in claims)
    stored_records = pg_registers[0].records()
    assert [r for r in stored_records if r.reference == "VB-AAAA-BBBB"] == [won]
    assert sorted(recorded(stored_records)) == [
        "VB-AAAA-BBBB",
        *(f"VB-CCCC-DD{n:02d}" for n in range(4)),
    ]
    assert await pg_registers[1].kept("VB-AAAA-BBBB", "vastgelegd") == won
    assert await pg_registers[1].kept("VB-AAAA-BBBB", "opgepakt") is None
    assert pg_registers[1].verify().ok


async def test_postgres_refuses_a_second_recorded_consultation_by_any_path(
    pg_registers: list[PostgresRegister], pg_dsn: str
) -> None:
    """Past record_once, PostgreSQL's unique index refuses a second recorded consultation of a
    reference — through append (RecordRefusedError, nothing stored, the chain still whole and
    still growing) and by plain SQL — while its pick-up and its record are each held once."""
    register = pg_registers[0]
    assert (await register.record_once(record("VB-AAAA-BBBB", "00", "opgepakt"))).recorded
    assert (await register.record_once(record("VB-AAAA-BBBB", "01"))).recorded
    with pytest.raises(RecordRefusedError):
        await pg_registers[1].append(record("VB-AAAA-BBBB", "02"))
    await pg_registers[1].append(record("VB-CCCC-DDDD", "03"))
    with psycopg.connect(pg_dsn) as db, pytest.raises(psycopg.errors.UniqueViolation):
        db.execute(
            "INSERT INTO consultations (seq, reference, time, kind, partner, region, direction, "
            "channel, content_version, status, prev_mac, mac) SELECT max(seq) + 1, "
            "'VB-AAAA-BBBB', '2026-12-07T10:04Z', 'save', 'save', 'VT20', 'jgz-partner', "
            "'teams', '1', 'vastgelegd', '', '' FROM consultations"
        )
    statuses = [(r.reference, r.status) for r in register.records()]
    assert statuses == [
        ("VB-AAAA-BBBB", "opgepakt"), ("VB-AAAA-BBBB", "vastgelegd"), ("VB-CCCC-DDDD", "vastgelegd")
    ]  # fmt: skip
    assert register.verify().ok


async def test_an_older_postgres_register_with_a_double_record_still_migrates(
    pg_dsn: str,
) -> None:
    """A PostgreSQL register from before migration 4, holding a reference recorded twice,
    migrates without the unique index (the append-only chain keeps both; schema version 4 is
    reached all the same) and record_once still refuses a third."""
    old = PostgresRegister(pg_dsn, key=KEY)
    old.append_now(record("VB-AAAA-BBBB", "00", "aangevraagd"))
    with psycopg.connect(pg_dsn) as db:
        db.execute("DROP INDEX consultations_one_record")
        db.execute("DELETE FROM schema_version WHERE version = 4")
    old.append_now(record("VB-AAAA-BBBB", "01"))
    old.append_now(record("VB-AAAA-BBBB", "02"))
    old.close()
    database = Database(pg_dsn)
    await database.open()  # migrates
    register = PostgresRegister(pg_dsn, key=KEY, database=database)
    try:
        claim = await register.record_once(record("VB-AAAA-BBBB", "03"))
        assert (claim.recorded, claim.kept.time) == (False, "2026-12-07T10:01Z")
        assert recorded(register.records()) == ["VB-AAAA-BBBB"] * 2
        assert register.verify().ok
    finally:
        register.close()
        await database.close()
    with psycopg.connect(pg_dsn) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_version")]
        indexes = {row[0] for row in db.execute("SELECT indexname FROM pg_indexes")}
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert "consultations_one_record" not in indexes
