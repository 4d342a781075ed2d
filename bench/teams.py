"""Teams endpoint speed: Verbind on each Teams SDK (Bot Framework and Microsoft 365 Agents SDK)
vs a stock botbuilder echo bot vs a bare aiohttp handler.

Run: .venv/bin/python bench/teams.py [--conversations 16] [--turns 40] [--rounds 3]

Each server runs in its own process on 127.0.0.1; this process drives N concurrent conversations
walking the afwegingskader over POST /api/messages (no expectReplies: the real reply path) and
runs the local fake Bot Connector that receives every reply. Same machine, same run, same load.
The servers take turns: each round drives every server for conversations x turns requests, in a
rotating order, so a burst of other work on a shared machine falls on all of them alike; the
figures are over all rounds. Server CPU per turn (from /proc, Linux) is the steadier figure there.
Bounded: rounds x conversations x turns requests per server, then it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import time
from collections.abc import Callable
from typing import Any

from aiohttp import ClientSession, web

WALK = ["afwegingskader", "ja", "nee", "ja", "ja", "verder", "ja", "opnieuw"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_verbind(port: int, sdk: str = "botbuilder") -> None:
    """Verbind as `verbind serve` runs it, on the Teams adapter ``sdk`` (VERBIND_TEAMS_SDK)."""
    from bot.app import create_app
    from bot.settings import Settings

    settings = Settings.from_env({"VERBIND_TEAMS_SDK": sdk})
    web.run_app(create_app(settings), host="127.0.0.1", port=port, print=None)


def serve_stock_echo(port: int) -> None:
    """The Bot Framework sample shape: CloudAdapter.process and an ActivityHandler."""
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class EchoBot(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"Echo: {turn_context.activity.text}")

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)  # type: ignore[no-any-return]

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


def serve_bare(port: int) -> None:
    """The same HTTP work with nothing else: parse, post one reply, answer 200."""
    session: dict[str, ClientSession] = {}

    async def start(app: web.Application) -> None:
        session["s"] = ClientSession()

    async def stop(app: web.Application) -> None:
        await session["s"].close()

    async def messages(request: web.Request) -> web.Response:
        activity = await request.json()
        base = activity["serviceUrl"].rstrip("/")
        conversation = activity["conversation"]["id"]
        url = f"{base}/v3/conversations/{conversation}/activities/{activity['id']}"
        reply = {
            "type": "message",
            "text": f"Echo: {activity.get('text')}",
            "replyToId": activity["id"],
        }
        async with session["s"].post(url, json=reply) as response:
            await response.read()
        return web.Response(status=200)

    app = web.Application()
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_post("/api/messages", messages)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


async def drive(
    port: int, connector_url: str, conversations: int, turns: int
) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def user(session: ClientSession, index: int) -> None:
        for turn in range(turns):
            body = {
                "type": "message",
                "id": f"m{index}-{turn}",
                "channelId": "msteams",
                "serviceUrl": connector_url,
                "from": {"id": f"29:user{index}"},
                "recipient": {"id": "28:bot", "name": "Verbind"},
                "conversation": {"id": f"a:conv{index}"},
                "text": WALK[turn % len(WALK)],
            }
            started = time.perf_counter()
            async with session.post(f"http://127.0.0.1:{port}/api/messages", json=body) as response:
                await response.read()
                assert response.status < 300, response.status
            latencies.append((time.perf_counter() - started) * 1000)

    async with ClientSession() as session:
        started = time.perf_counter()
        await asyncio.gather(*(user(session, i) for i in range(conversations)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed


async def wait_until_up(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU time of process ``pid`` so far (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SERVERS: tuple[tuple[str, Callable[..., None], tuple[str, ...]], ...] = (
    ("verbind botbuilder", serve_verbind, ("botbuilder",)),
    ("verbind agents", serve_verbind, ("agents",)),
    ("stock echo", serve_stock_echo, ()),
    ("bare aiohttp", serve_bare, ()),
)


async def main(conversations: int, turns: int, rounds: int) -> None:
    received = {"count": 0}

    async def connector(request: web.Request) -> web.Response:
        await request.read()
        received["count"] += 1
        return web.json_response({"id": str(received["count"])})

    fake = web.Application()
    fake.router.add_post("/v3/conversations/{conversation}/activities/{activity}", connector)
    runner = web.AppRunner(fake, access_log=None)
    await runner.setup()
    connector_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", connector_port).start()
    connector_url = f"http://127.0.0.1:{connector_port}/"

    ports: dict[str, int] = {}
    processes: dict[str, Any] = {}
    latencies: dict[str, list[float]] = {name: [] for name, _, _ in SERVERS}
    elapsed = dict.fromkeys(latencies, 0.0)
    cpu: dict[str, float | None] = dict.fromkeys(latencies, 0.0)
    try:
        for name, target, extra in SERVERS:
            ports[name] = free_port()
            processes[name] = multiprocessing.get_context("spawn").Process(
                target=target, args=(ports[name], *extra), daemon=True
            )
            processes[name].start()
        for name in ports:
            await wait_until_up(ports[name])
            await drive(ports[name], connector_url, conversations, 2)  # warm-up
        names = list(ports)
        for round_ in range(rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                before = cpu_seconds(processes[name].pid)
                measured, seconds = await drive(ports[name], connector_url, conversations, turns)
                after = cpu_seconds(processes[name].pid)
                latencies[name] += measured
                elapsed[name] += seconds
                used = cpu[name]
                cpu[name] = (
                    used + after - before
                    if used is not None and before is not None and after is not None
                    else None
                )
    finally:
        for process in processes.values():
            process.terminate()
            process.join(10)
        await runner.cleanup()

    print(
        f"{conversations} concurrent conversations x {turns} turns each x {rounds} rounds; "
        "replies go to a local fake connector"
    )
    print(f"{'':20}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'CPU ms/turn':>13}")
    rates = {}
    for name, measured in latencies.items():
        rates[name] = len(measured) / elapsed[name]
        ordered = sorted(measured)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        used = cpu[name]
        per_turn = f"{1000 * used / len(measured):.2f}" if used is not None else "-"
        print(
            f"{name:20}{rates[name]:>10.0f}{statistics.median(measured):>10.1f}{p99:>10.1f}"
            f"{per_turn:>13}"
        )
    stock, bare = rates["stock echo"], rates["bare aiohttp"]
    for name in ("verbind botbuilder", "verbind agents"):
        print(f"{name} / stock echo: {rates[name] / stock:.1f}x turns/s (target >= 10x)")
        print(f"{name} / bare aiohttp ceiling: {rates[name] / bare:.2f} (target >= 0.3)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=16)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    asyncio.run(main(options.conversations, options.turns, options.rounds))
