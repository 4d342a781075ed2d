"""Slack answers where the user wrote, once: threads, private contexts, channels the bot is not
in, every message kind with a person's words, replays, and retries across instances."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from tests.test_slack import FakeSlack, event, signed, slack_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]
Slack = tuple[TestClient[Any, Any], FakeSlack, str]
FORM = "application/x-www-form-urlencoded"


class OutsiderSlack(FakeSlack):
    """A Web API that refuses posts into channel CNOT: the bot is not a member there."""

    async def post_message(self, request: web.Request) -> web.Response:
        body = await request.post() if request.content_type != "application/json" else {}
        if not body:
            body = await request.json()
        if body.get("channel") == "CNOT":
            return web.json_response({"ok": False, "error": "not_in_channel"})
        return await super().post_message(request)


async def app_with(
    fake: FakeSlack, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, **more: Any
) -> tuple[TestClient[Any, Any], str]:
    """The real app with Slack configured against ``fake``; the fake's response URL."""
    server = await aiohttp_server(fake.app())
    client = await aiohttp_client(create_app(slack_settings(server, **more)))
    return client, str(server.make_url("/respond"))


@pytest.fixture
async def slack(aiohttp_server: ServerFactory, aiohttp_client: ClientFactory) -> Slack:
    """The real app with Slack configured, the fake Web API, and its response URL."""
    fake = FakeSlack()
    client, respond_url = await app_with(fake, aiohttp_server, aiohttp_client)
    return client, fake, respond_url


async def post_event(client: TestClient[Any, Any], body: str) -> None:
    """Send a signed event; it must be acknowledged."""
    response = await client.post("/slack/events", data=body, headers=signed(body))
    assert response.status == 200


async def settled(fake: FakeSlack, attribute: str, at_least: int) -> list[dict[str, Any]]:
    """What arrived once at least ``at_least`` calls came and no more came for a moment (a turn
    can post several replies; bounded wait)."""
    items = await fake.wait_for(attribute, at_least)
    for _ in range(40):
        count = len(items)
        await asyncio.sleep(0.1)
        if len(items) == count:
            return items
    raise AssertionError(f"{attribute} kept arriving")


def command(respond_url: str, text: str, *, trigger: str = "1.2.3") -> str:
    """A /verbind slash command form."""
    return urlencode(
        {
            "command": "/verbind",
            "text": text,
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "response_url": respond_url,
            "trigger_id": trigger,
            "token": "t",
        }
    )


def click(
    value: str, respond_url: str, *, channel: str, ephemeral: bool, trigger: str = "t-1"
) -> str:
    """The form of a click on a Verbind button with ``value`` in ``channel``."""
    action = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral},
        "message": {"ts": "9.9"},
        "actions": [{"type": "button", "action_id": "verbind-0", "value": value}],
        "trigger_id": trigger,
        "response_url": respond_url,
        "api_app_id": "A1",
    }
    return urlencode({"payload": json.dumps(action)})


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Button label → value in a posted or responded message."""
    blocks = message["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    found = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return {e["text"]["text"]: e["value"] for e in found}


async def test_a_dm_written_in_a_thread_is_answered_in_that_thread(slack: Slack) -> None:
    """A DM inside a thread gets its answer in the thread; a top-level DM in the DM itself."""
    client, fake, _ = slack
    await post_event(
        client,
        event("message", "EvT1", channel="D1", channel_type="im", text="help", thread_ts="5.5"),
    )
    posts = await settled(fake, "posts", 1)
    in_thread = len(posts)
    assert all(p["thread_ts"] == "5.5" for p in posts)
    await post_event(client, event("message", "EvT2", channel="D1", channel_type="im", text="help"))
    posts = await settled(fake, "posts", in_thread + 1)
    assert all(not p.get("thread_ts") for p in posts[in_thread:])


async def test_every_message_with_a_persons_words_is_answered(slack: Slack) -> None:
    """file_share, thread_broadcast and me_message are answered like a plain message."""
    client, fake, _ = slack
    for n, subtype in enumerate(("file_share", "thread_broadcast", "me_message")):
        body = event(
            "message", f"EvS{n}", channel="D1", channel_type="im", text="menu", subtype=subtype
        )
        await post_event(client, body)
        posts = await settled(fake, "posts", n + 1)
        assert len(posts) == n + 1
        assert "Waarmee kan ik helpen" in posts[-1]["text"], subtype


async def test_edits_deletions_joins_and_bots_are_not_answered(slack: Slack) -> None:
    """Only the probe sent after the ignored kinds gets an answer."""
    client, fake, _ = slack
    ignored = [
        {"subtype": "message_changed", "message": {"text": "menu"}},
        {"subtype": "message_deleted"},
        {"subtype": "channel_join"},
        {"subtype": "bot_message", "bot_id": "B2"},
        {"bot_id": "BBOT"},
    ]
    for n, fields in enumerate(ignored):
        body = event("message", f"EvI{n}", channel="D1", channel_type="im", text="menu", **fields)
        await post_event(client, body)
    await post_event(client, event("message", "EvP", channel="D1", channel_type="im", text="help"))
    posts = await settled(fake, "posts", 1)
    assert posts[0]["text"].startswith("Typ uw vraag"), "the first answer is to the probe"
    assert all(not p["text"].startswith("Waarmee") for p in posts[:1])


async def test_a_click_in_a_private_answer_stays_private(slack: Slack) -> None:
    """A button in the ephemeral answer to /verbind is answered through response_url, never as
    a public message in the channel."""
    client, fake, respond_url = slack
    form = command(respond_url, "afwegingskader")
    await client.post("/slack/events", data=form, headers=signed(form, content_type=FORM))
    responses = await fake.wait_for("responses", 1)
    value = buttons(responses[-1])["Ja"]
    pressed = click(value, respond_url, channel="C1", ephemeral=True)
    response = await client.post(
        "/slack/events", data=pressed, headers=signed(pressed, content_type=FORM)
    )
    assert response.status == 200
    responses = await fake.wait_for("responses", 2)
    assert responses[-1]["response_type"] == "ephemeral"
    assert responses[-1]["replace_original"] is False
    assert responses[-1]["text"].startswith("Vraag 2 van 5")
    await asyncio.sleep(0.1)
    assert fake.posts == []


async def test_a_channel_the_bot_is_not_in_gets_the_answer_privately(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory
) -> None:
    """When posting into the channel fails with not_in_channel, the user still gets the answer,
    privately through response_url."""
    fake = OutsiderSlack()
    client, respond_url = await app_with(fake, aiohttp_server, aiohttp_client)
    value = json.dumps({"node": "_menu", "choice": "tree:afwegingskader"})
    pressed = click(value, respond_url, channel="CNOT", ephemeral=False)
    await client.post("/slack/events", data=pressed, headers=signed(pressed, content_type=FORM))
    responses = await fake.wait_for("responses", 1)
    assert responses[0]["response_type"] == "ephemeral"
    assert fake.posts == []


async def test_ssl_check_is_answered_without_a_signature(slack: Slack) -> None:
    """Slack's unsigned ssl_check form gets 200; nothing is processed."""
    client, fake, _ = slack
    form = urlencode({"ssl_check": "1", "token": "t"})
    response = await client.post("/slack/events", data=form, headers={"Content-Type": FORM})
    assert response.status == 200
    other = urlencode({"ssl_check": "0", "command": "/verbind", "text": "menu"})
    response = await client.post("/slack/events", data=other, headers={"Content-Type": FORM})
    assert response.status == 401
    await asyncio.sleep(0.1)
    assert fake.posts == fake.responses == []


async def test_replayed_commands_and_clicks_are_answered_once(slack: Slack) -> None:
    """The same signed slash command or click sent twice is acknowledged twice, answered once."""
    client, fake, respond_url = slack
    form = command(respond_url, "menu", trigger="7.7.7")
    headers = signed(form, content_type=FORM)
    for _ in range(2):
        assert (await client.post("/slack/events", data=form, headers=headers)).status == 200
    value = json.dumps({"node": "_menu", "choice": "tree:afwegingskader"})
    pressed = click(value, respond_url, channel="D1", ephemeral=False, trigger="8.8.8")
    headers = signed(pressed, content_type=FORM)
    for _ in range(2):
        assert (await client.post("/slack/events", data=pressed, headers=headers)).status == 200
    fresh = command(respond_url, "menu", trigger="9.9.9")
    await client.post("/slack/events", data=fresh, headers=signed(fresh, content_type=FORM))
    responses = await settled(fake, "responses", 2)
    assert len(responses) == 2, "one answer to the replayed command, one to the fresh one"
    posts = await settled(fake, "posts", 1)
    assert len([p for p in posts if p["text"].startswith("Vraag 1 van 5")]) == 1


async def test_a_retry_reaching_another_instance_is_answered_once(
    pg_dsn: str, tmp_path: Path, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory
) -> None:
    """Two instances on one PostgreSQL database: an event and its retry, one to each, give one
    answer."""
    fake = FakeSlack()
    server = await aiohttp_server(fake.app())
    shared = {"database_url": pg_dsn, "register_key": "ab" * 16, "data_dir": tmp_path}
    clients = [
        await aiohttp_client(create_app(replace(slack_settings(server), **shared)))
        for _ in range(2)
    ]
    body = event("message", "EvShared", channel="D1", channel_type="im", text="menu")
    await post_event(clients[0], body)
    await settled(fake, "posts", 1)
    retry = {**signed(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await clients[1].post("/slack/events", data=body, headers=retry)).status == 200
    probe = event("message", "EvProbe", channel="D1", channel_type="im", text="menu")
    await post_event(clients[1], probe)
    posts = await settled(fake, "posts", 2)
    assert len(posts) == 2, "one answer to the event, one to the probe"
