"""Turns per second and latency: embedded defaults vs PostgreSQL, one and two instances.

Run: .venv/bin/python bench/turns.py  (as root or as a user who may run PostgreSQL's initdb)
In one run, against real ``verbind serve`` processes and a throw-away PostgreSQL cluster
(tests/pgcluster.py), it prints for each set-up the time from start to a 200 on /healthz, then
turns/s and p50/p99 latency while CONCURRENCY visitors walk the afwegingskader over
``POST /web/turn`` for SECONDS; and the memory of 10,000 idle sessions (in-memory store:
tracemalloc; PostgreSQL: the sessions table's total size on disk).
The load comes from this one process (aiohttp client), so the client may be the limit for the
fastest set-ups; the figures compare set-ups on one machine, they are not a capacity promise.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.web.page import COOKIE_NAME, TURN_PATH  # noqa: E402
from bot.storage.pgsessions import PostgresSessionStore  # noqa: E402
from bot.storage.postgres import Database  # noqa: E402
from dialogs.session import MemorySessionStore, Session  # noqa: E402
from knowledge import load_knowledge  # noqa: E402
from tests.pgcluster import PgCluster, find_bindir  # noqa: E402
from tests.serving import free_port  # noqa: E402
from tests.test_shipped_trees import AFWEGINGSKADER  # noqa: E402

CONCURRENCY = 32
SECONDS = 10.0
IDLE_SESSIONS = 10_000
KEY = secrets.token_hex(32)
TREE = load_knowledge().trees["afwegingskader"]


@dataclass
class Instance:
    process: asyncio.subprocess.Process
    url: str
    ready_seconds: float = 0.0


async def start(http: aiohttp.ClientSession, dsn: str | None) -> Instance:
    """Start ``verbind serve`` and wait for /healthz."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VERBIND_REGISTER_KEY": KEY}
    env["VERBIND_DATA_DIR"] = tempfile.mkdtemp(prefix="verbind-bench-")
    if dsn:
        env["VERBIND_DATABASE_URL"] = dsn
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.cli", "serve", "--port", str(port)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    instance = Instance(process, f"http://127.0.0.1:{port}")
    while True:
        if process.returncode is not None:
            raise SystemExit("verbind serve stopped")
        try:
            async with http.get(f"{instance.url}/healthz") as response:
                if response.status == 200:
                    instance.ready_seconds = time.perf_counter() - started
                    return instance
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.01)


async def stop(instances: list[Instance]) -> None:
    for instance in instances:
        instance.process.terminate()
        await instance.process.wait()


async def visitor(
    http: aiohttp.ClientSession, urls: list[str], deadline: float, latencies: list[float]
) -> None:
    """Walk the afwegingskader to one outcome after another, alternating instances, with the
    cookie the first answer issued."""
    cookie: dict[str, str] = {}
    paths = list(AFWEGINGSKADER)
    turn = 0

    async def send(body: dict[str, Any]) -> list[dict[str, Any]]:
        nonlocal turn
        turn += 1
        started = time.perf_counter()
        url = urls[turn % len(urls)] + TURN_PATH
        async with http.post(url, json=body, headers=cookie) as response:
            assert response.status == 200, response.status
            if COOKIE_NAME in response.cookies:
                cookie["Cookie"] = f"{COOKIE_NAME}={response.cookies[COOKIE_NAME].value}"
            replies: list[dict[str, Any]] = (await response.json())["replies"]
        latencies.append(time.perf_counter() - started)
        return replies

    while time.perf_counter() < deadline:
        replies = await send({"text": "afwegingskader"})
        for key in paths[turn % len(paths)]:
            buttons = [b for r in replies for b in r["buttons"]]
            if not buttons:
                break
            if buttons[0]["label"] == "Jeugdarts":
                replies = await send({"payload": buttons[0]["payload"]})
                buttons = [b for r in replies for b in r["buttons"]]
            node = TREE.node(buttons[0]["payload"]["node"])
            label = next(o.label for o in node.options if o.key == key)
            payload = next(b["payload"] for b in buttons if b["label"] == label)
            replies = await send({"payload": payload})


async def load(http: aiohttp.ClientSession, urls: list[str]) -> tuple[float, float, float]:
    """turns/s, p50 ms and p99 ms over SECONDS of CONCURRENCY visitors."""
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + SECONDS
    await asyncio.gather(*(visitor(http, urls, deadline, latencies) for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return len(latencies) / elapsed, statistics.median(ordered) * 1000, p99 * 1000


def idle_session() -> Session:
    """A typical session: inside the tree, a few answers, a profession."""
    return Session(
        tree_id="afwegingskader", answers=("ja", "nee", "ja"), facts={"beroep": "jeugdarts"}
    ).touched(time.time())


async def memory_store_bytes() -> int:
    store = MemorySessionStore()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(IDLE_SESSIONS):
        await store.save(f"web:{n:032x}", idle_session(), etag=None)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before


async def postgres_store_bytes(dsn: str) -> int:
    database = Database(dsn)
    await database.open()
    store = PostgresSessionStore(database)
    for n in range(IDLE_SESSIONS):
        await store.save(f"web:{n:032x}", idle_session(), etag=None)
    await database.close()
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("VACUUM ANALYZE sessions")
        row = db.execute("SELECT pg_total_relation_size('sessions')").fetchone()
    return int(row[0]) if row else 0


async def main() -> None:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    cluster = PgCluster(bindir)
    cluster.init()
    cluster.start()
    rows = []
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar()
        ) as http:
            for name, dsn, count in (
                ("embedded (memory + SQLite), 1 instance", None, 1),
                ("PostgreSQL, 1 instance", cluster.create_database(), 1),
                ("PostgreSQL, 2 instances", cluster.create_database(), 2),
            ):
                instances = [await start(http, dsn) for _ in range(count)]
                try:
                    await load(http, [i.url for i in instances])  # warm-up
                    rate, p50, p99 = await load(http, [i.url for i in instances])
                finally:
                    await stop(instances)
                ready = max(i.ready_seconds for i in instances)
                rows.append((name, rate, p50, p99, ready))
        memory = await memory_store_bytes()
        table = await postgres_store_bytes(cluster.create_database())
    finally:
        cluster.destroy()
    print(f"{CONCURRENCY} concurrent visitors, {SECONDS:.0f} s per set-up, POST /web/turn")
    print(f"{'set-up':42} {'turns/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ready s':>8}")
    for name, rate, p50, p99, ready in rows:
        print(f"{name:42} {rate:8.0f} {p50:7.1f} {p99:7.1f} {ready:8.2f}")
    print(
        f"{IDLE_SESSIONS:,} idle sessions: in memory {memory / 2**20:.1f} MiB (tracemalloc), "
        f"PostgreSQL table {table / 2**20:.1f} MiB (pg_total_relation_size)"
    )


if __name__ == "__main__":
    asyncio.run(main())
