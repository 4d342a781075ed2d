"""Handled request ids (Slack retries and replays, Teams install events): remembered for the
whole window whatever else arrives, forgotten after it; in memory and shared on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.storage.postgres import Database
from bot.storage.recent import (
    KEEP_SECONDS,
    MemoryRecentRequests,
    PostgresRecentRequests,
    RecentRequests,
)

FLOOD = 25_000
"""More ids than any count-bounded memory of the past kept (10,000)."""


class Clock:
    """A hand-moved clock."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


Stores = Callable[[], RecentRequests]


@pytest.fixture(params=["memory", "postgres"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Stores, Clock]]:
    """A factory of stores on one hand-moved clock: in memory one shared store (one process),
    on PostgreSQL a new store per call over one database (one per instance)."""
    clock = Clock()
    if request.param == "memory":
        memory = MemoryRecentRequests(clock=clock)
        yield (lambda: memory), clock
        return
    database = Database(request.getfixturevalue("pg_dsn"))
    await database.open()
    yield (lambda: PostgresRecentRequests(database, clock=clock)), clock
    await database.close()


async def test_an_id_is_handled_once_within_the_window(stores: tuple[Stores, Clock]) -> None:
    """The first sight of an id is the first time; a retry five minutes later is not."""
    make, clock = stores
    seen = make()
    assert await seen.first_time("event:Ev1")
    clock.now += 5 * 60
    assert not await seen.first_time("event:Ev1")
    assert await seen.first_time("event:Ev2")


async def test_an_id_is_forgotten_only_after_the_window(stores: tuple[Stores, Clock]) -> None:
    """Memory is bounded by time: an id is remembered until KEEP_SECONDS have passed, then a
    new sight counts again."""
    make, clock = stores
    seen = make()
    assert await seen.first_time("welcome:a")
    clock.now += KEEP_SECONDS - 1
    assert not await seen.first_time("welcome:a")
    clock.now += KEEP_SECONDS + 1
    assert await seen.first_time("welcome:a")


async def test_instances_share_what_they_handled(stores: tuple[Stores, Clock]) -> None:
    """Two stores of one deployment (two instances on PostgreSQL) agree: of many concurrent
    first sights of one id exactly one is the first time."""
    make, _ = stores
    first, second = make(), make()
    answers = await asyncio.gather(
        *(store.first_time("event:same") for _ in range(5) for store in (first, second))
    )
    assert answers.count(True) == 1


async def test_a_flood_of_other_ids_does_not_push_an_id_out() -> None:
    """After tens of thousands of other ids within the window, a replayed id is still known
    (bounded by time, not by count); once the window has passed, the flood is gone too."""
    clock = Clock()
    seen = MemoryRecentRequests(clock=clock)
    assert await seen.first_time("event:replayed")
    for n in range(FLOOD):
        clock.now += 0.01
        assert await seen.first_time(f"event:flood-{n}")
    assert not await seen.first_time("event:replayed")
    clock.now += KEEP_SECONDS + 1
    assert await seen.first_time("event:after")
    assert len(seen) == 1


async def test_a_flood_on_postgres_does_not_push_an_id_out(pg_dsn: str) -> None:
    """On PostgreSQL a replayed id is still known after a flood of other ids from another
    instance, and the purge removes only expired ids."""
    clock = Clock()
    database = Database(pg_dsn)
    await database.open()
    try:
        first = PostgresRecentRequests(database, clock=clock)
        other = PostgresRecentRequests(database, clock=clock)
        assert await first.first_time("event:replayed")
        for n in range(2_000):
            clock.now += 0.5
            assert await other.first_time(f"event:flood-{n}")
        assert not await first.first_time("event:replayed")
        async with database.connection() as conn:
            rows: Any = await (await conn.execute("SELECT count(*) FROM slack_requests")).fetchone()
        assert rows[0] == 2_001
    finally:
        await database.close()
