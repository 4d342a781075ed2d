"""The session store contract, run against the in-memory store and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest

from bot.storage.backends import ExpiringSessionStore
from bot.storage.pgsessions import PostgresSessionStore
from bot.storage.postgres import MIGRATIONS, Database, migrate
from dialogs.session import MemorySessionStore, Session, SessionConflictError

IDLE = 60.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A hand-moved clock."""
    return Clock()


@pytest.fixture(params=["memory", "postgres"])
async def store(
    request: pytest.FixtureRequest, clock: Clock
) -> AsyncIterator[ExpiringSessionStore]:
    """Each store in turn, with a 60-second idle time on the hand-moved clock."""
    if request.param == "memory":
        yield MemorySessionStore(idle_seconds=IDLE, clock=clock)
        return
    database = Database(request.getfixturevalue("pg_dsn"))
    await database.open()
    yield PostgresSessionStore(database, idle_seconds=IDLE, clock=clock)
    await database.close()


def at(tree: str, *answers: str) -> Session:
    """A session inside ``tree``."""
    return Session(tree_id=tree, answers=answers)


async def test_a_new_session_is_created_once(store: ExpiringSessionStore) -> None:
    """Create-only: the first save without an etag wins, a second one is a conflict."""
    assert await store.load("k") is None
    etag = await store.save("k", at("a"), etag=None)
    with pytest.raises(SessionConflictError):
        await store.save("k", at("b"), etag=None)
    loaded = await store.load("k")
    assert loaded is not None
    assert (loaded.session, loaded.etag) == (at("a"), etag)


async def test_saves_compare_and_set_on_the_etag(store: ExpiringSessionStore) -> None:
    """A save with a stale etag is refused; the winner's session stays."""
    first = await store.save("k", at("a"), etag=None)
    second = await store.save("k", at("a", "ja"), etag=first)
    assert second != first
    with pytest.raises(SessionConflictError):
        await store.save("k", at("a", "nee"), etag=first)
    loaded = await store.load("k")
    assert loaded is not None
    assert (loaded.session.answers, loaded.etag) == (("ja",), second)


async def test_concurrent_saves_with_one_etag_let_one_through(store: ExpiringSessionStore) -> None:
    """Ten saves racing with the same etag: exactly one wins (a burst of duplicate clicks)."""
    etag = await store.save("k", at("a"), etag=None)
    results = await asyncio.gather(
        *(store.save("k", at("a", str(n)), etag=etag) for n in range(10)), return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert all(isinstance(r, SessionConflictError) for r in results if r not in winners)
    loaded = await store.load("k")
    assert loaded is not None
    assert loaded.etag == winners[0]


async def test_idle_sessions_expire(store: ExpiringSessionStore, clock: Clock) -> None:
    """A session idle past the limit is absent; its key can be created afresh, not updated."""
    etag = await store.save("k", at("a"), etag=None)
    clock.now += IDLE - 1
    assert await store.load("k") is not None
    clock.now += 2
    assert await store.load("k") is None
    with pytest.raises(SessionConflictError):
        await store.save("k", at("b"), etag=etag)
    await store.save("k", at("c"), etag=None)
    loaded = await store.load("k")
    assert loaded is not None
    assert loaded.session == at("c")


async def test_a_save_keeps_a_session_alive(store: ExpiringSessionStore, clock: Clock) -> None:
    """Idle time counts from the last save."""
    etag = await store.save("k", at("a"), etag=None)
    clock.now += IDLE - 1
    await store.save("k", at("a", "ja"), etag=etag)
    clock.now += IDLE - 1
    assert await store.load("k") is not None


async def test_purge_drops_only_expired_sessions(store: ExpiringSessionStore, clock: Clock) -> None:
    """Purge removes idle sessions and keeps live ones."""
    await store.save("old", at("a"), etag=None)
    clock.now += IDLE / 2
    await store.save("new", at("b"), etag=None)
    clock.now += IDLE / 2 + 1
    assert await store.purge() == 1
    assert await store.purge() == 0
    assert await store.load("new") is not None


async def test_delete_forgets_and_a_later_update_conflicts(store: ExpiringSessionStore) -> None:
    """After delete the key is absent; a save with the old etag does not bring it back."""
    etag = await store.save("k", at("a"), etag=None)
    await store.delete("k")
    await store.delete("k")
    assert await store.load("k") is None
    with pytest.raises(SessionConflictError):
        await store.save("k", at("a", "ja"), etag=etag)
    assert await store.load("k") is None


async def test_keys_are_kept_apart(store: ExpiringSessionStore) -> None:
    """Sessions under different keys do not affect each other."""
    await store.save("web:1", at("a"), etag=None)
    await store.save("web:2", at("b"), etag=None)
    one, two = await store.load("web:1"), await store.load("web:2")
    assert one is not None
    assert two is not None
    assert (one.session.tree_id, two.session.tree_id) == ("a", "b")


def test_migration_is_idempotent_and_survives_a_race(pg_dsn: str) -> None:
    """Several instances migrating one empty database at once all succeed, once each step."""

    async def race() -> list[BaseException | int]:
        tasks = [asyncio.to_thread(migrate, pg_dsn) for _ in range(6)]
        return await asyncio.gather(*tasks, return_exceptions=True)

    assert asyncio.run(race()) == [len(MIGRATIONS)] * 6
    assert migrate(pg_dsn) == len(MIGRATIONS)
    with psycopg.connect(pg_dsn) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


async def test_memory_sessions_are_capped_least_recently_used_first(clock: Clock) -> None:
    """Beyond the cap the least recently used session goes; a session in use stays."""
    store = MemorySessionStore(idle_seconds=IDLE, clock=clock, max_sessions=3)
    etags = {key: await store.save(key, at("a"), etag=None) for key in ("k1", "k2", "k3")}
    assert await store.load("k1") is not None  # k1 is now the most recently used
    await store.save("k4", at("a"), etag=None)
    assert await store.load("k2") is None
    assert [await store.load(k) is not None for k in ("k1", "k3", "k4")] == [True] * 3
    assert (len(store), store.evicted) == (3, 1)
    await store.save("k3", at("b"), etag=etags["k3"])
    for key in ("k5", "k6"):
        await store.save(key, at("a"), etag=None)
    assert await store.load("k3") is not None
    assert (await store.count(), store.evicted) == (3, 3)


async def test_memory_sessions_load_the_same_with_or_without_the_recent_cache(clock: Clock) -> None:
    """A session loads equal to what was saved whether it comes from the recent-sessions cache
    or is parsed from its JSON document, and the document stays the stored truth."""
    session = at("afwegingskader", "ja", "nee").with_fact("beroep", "jeugdarts").touched(5.0)
    cached = MemorySessionStore(idle_seconds=IDLE, clock=clock)
    parsed = MemorySessionStore(idle_seconds=IDLE, clock=clock, recent_sessions=0)
    for store in (cached, parsed):
        etag = await store.save("k", session, etag=None)
        loaded = await store.load("k")
        assert loaded is not None
        assert (loaded.session, loaded.etag) == (session, etag)
        assert Session.from_json(store._items["k"][0]) == session
    assert len(cached._recent) == 1
    assert len(parsed._recent) == 0


async def test_memory_sessions_cache_no_session_that_was_replaced_or_dropped(
    clock: Clock,
) -> None:
    """After an update, a delete or an expiry, a load never returns an older session from the
    recent-sessions cache, and the cache stays within its bound."""
    store = MemorySessionStore(idle_seconds=IDLE, clock=clock, recent_sessions=2)
    etag = await store.save("k", at("a"), etag=None)
    etag = await store.save("k", at("a", "ja"), etag=etag)
    loaded = await store.load("k")
    assert loaded is not None
    assert loaded.session == at("a", "ja")
    await store.delete("k")
    assert await store.load("k") is None
    await store.save("k", at("b"), etag=None)
    clock.now += IDLE + 1
    assert await store.load("k") is None
    for key in ("k1", "k2", "k3"):
        await store.save(key, at("c"), etag=None)
    assert len(store._recent) == 2
    old = await store.load("k1")
    assert old is not None
    assert old.session == at("c")
