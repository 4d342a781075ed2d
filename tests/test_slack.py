"""Slack over real HTTP: signed requests into the app; a local fake Web API records what it got."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.models.blocks import Block

from bot.app import create_app
from bot.channels.slack.blocks import reply_message
from bot.settings import Settings
from dialogs import Reply
from knowledge import KnowledgeBase
from tests.conftest import Chat
from tests.test_cards import every_reply

SECRET = "test-signing-secret"
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]


class FakeSlack:
    """What the fake Web API received: chat.postMessage calls and response_url posts."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/auth.test", self.auth_test)
        app.router.add_post("/api/chat.postMessage", self.post_message)
        app.router.add_post("/respond", self.respond)
        return app

    async def auth_test(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1"})

    async def post_message(self, request: web.Request) -> web.Response:
        body = (
            await request.post()
            if request.content_type != "application/json"
            else await request.json()
        )
        self.posts.append(dict(body))
        return web.json_response(
            {"ok": True, "ts": f"9.{len(self.posts)}", "channel": body.get("channel")}
        )

    async def respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    async def wait_for(self, attribute: str, count: int) -> list[dict[str, Any]]:
        """Bolt acks first and works after; wait (bounded) until ``count`` calls arrived."""
        for _ in range(200):
            items: list[dict[str, Any]] = getattr(self, attribute)
            if len(items) >= count:
                return items
            await asyncio.sleep(0.025)
        raise AssertionError(f"only {len(getattr(self, attribute))} {attribute} arrived")


def signed(
    body: str, *, secret: str = SECRET, age: int = 0, content_type: str = "application/json"
) -> dict[str, str]:
    """Headers Slack would send: timestamp and v0 signature over the raw body."""
    timestamp = str(int(time.time()) - age)
    digest = hmac.new(
        secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def slack_settings(api: TestServer, **changes: Any) -> Settings:
    """Settings with Slack on, talking to the fake Web API served by ``api``."""
    return replace(
        Settings(),
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=str(api.make_url("/api/")),
        **changes,
    )


def button_press(
    button: dict[str, Any],
    *,
    respond_url: str,
    user: str = "U1",
    channel: str = "D1",
    state: dict[str, Any] | None = None,
) -> tuple[str, dict[str, str]]:
    """The signed form body and headers Slack sends when ``user`` presses ``button`` in
    ``channel`` (``state``: the values typed into the message's input blocks)."""
    action = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user},
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel},
        "message": {"ts": "9.9"},
        "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"]}],
        "state": {"values": state or {}},
        "response_url": respond_url,
        "api_app_id": "A1",
    }
    form = urlencode({"payload": json.dumps(action)})
    return form, signed(form, content_type="application/x-www-form-urlencoded")


def event(kind: str, event_id: str, **fields: Any) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {"type": kind, "user": "U1", "ts": "1700000000.000100", **fields},
        }
    )


@pytest.fixture
async def slack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory
) -> tuple[TestClient[Any, Any], FakeSlack, str]:
    """The real app with Slack configured, the fake Web API, and the fake's base URL."""
    fake = FakeSlack()
    server = await aiohttp_server(fake.app())
    settings = slack_settings(server)
    client = await aiohttp_client(create_app(settings))
    return client, fake, str(server.make_url("/respond"))


async def test_url_verification(slack: tuple[TestClient[Any, Any], FakeSlack, str]) -> None:
    """Slack's URL check gets its challenge back."""
    client, _, _ = slack
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    response = await client.post("/slack/events", data=body, headers=signed(body))
    assert response.status == 200
    assert (await response.json())["challenge"] == "abc123"


async def test_direct_message_and_button_walk_a_tree(
    slack: tuple[TestClient[Any, Any], FakeSlack, str],
) -> None:
    """A DM opens the tree; clicking the "Ja" button advances it; both go to the DM channel."""
    client, fake, respond_url = slack
    body = event("message", "Ev1", channel="D1", channel_type="im", text="afwegingskader")
    response = await client.post("/slack/events", data=body, headers=signed(body))
    assert response.status == 200
    posts = await fake.wait_for("posts", 2)
    question = posts[-1]
    assert question["channel"] == "D1"
    blocks = (
        json.loads(question["blocks"])
        if isinstance(question["blocks"], str)
        else question["blocks"]
    )
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons][:2] == ["Ja", "Nee"]
    form, headers = button_press(buttons[0], respond_url=respond_url)
    response = await client.post("/slack/events", data=form, headers=headers)
    assert response.status == 200
    posts = await fake.wait_for("posts", 3)
    assert posts[-1]["text"].startswith("Vraag 2 van 5")


async def test_mention_is_answered_in_a_thread(
    slack: tuple[TestClient[Any, Any], FakeSlack, str],
) -> None:
    """An @mention in a channel is answered in that message's thread, mention removed."""
    client, fake, _ = slack
    body = event("app_mention", "Ev2", channel="C1", text="<@UBOT> vt nummer zeist")
    await client.post("/slack/events", data=body, headers=signed(body))
    posts = await fake.wait_for("posts", 1)
    assert posts[0]["channel"] == "C1"
    assert posts[0]["thread_ts"] == "1700000000.000100"
    assert "Gemeente Zeist valt onder Veilig Thuis-regio Utrecht." in posts[0]["text"]


async def test_slash_command_answers_ephemerally(
    slack: tuple[TestClient[Any, Any], FakeSlack, str],
) -> None:
    """/verbind <plaats> is acknowledged at once and answered through the response URL."""
    client, fake, respond_url = slack
    form = urlencode(
        {
            "command": "/verbind",
            "text": "driebergen",
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "response_url": respond_url,
            "trigger_id": "1.2.3",
            "token": "t",
        }
    )
    response = await client.post(
        "/slack/events",
        data=form,
        headers=signed(form, content_type="application/x-www-form-urlencoded"),
    )
    assert response.status == 200
    responses = await fake.wait_for("responses", 1)
    assert responses[0]["response_type"] == "ephemeral"
    assert "Driebergen-Rijsenburg" in responses[0]["text"]


async def test_retried_event_is_processed_once(
    slack: tuple[TestClient[Any, Any], FakeSlack, str],
) -> None:
    """The same event_id delivered again (X-Slack-Retry-Num) does not produce a second answer."""
    client, fake, _ = slack
    body = event("message", "Ev3", channel="D1", channel_type="im", text="help")
    await client.post("/slack/events", data=body, headers=signed(body))
    first = len(await fake.wait_for("posts", 1))
    retry = {**signed(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    response = await client.post("/slack/events", data=body, headers=retry)
    assert response.status == 200
    other = event("message", "Ev4", channel="D1", channel_type="im", text="menu")
    await client.post("/slack/events", data=other, headers=signed(other))
    posts = await fake.wait_for("posts", first + 1)
    assert len(posts) == first + 1, "the retry was not processed again"
    assert posts[-1]["text"].startswith("Waarmee kan ik helpen")


async def test_bot_messages_are_ignored(slack: tuple[TestClient[Any, Any], FakeSlack, str]) -> None:
    """The bot's own messages never trigger a turn."""
    client, fake, _ = slack
    body = event("message", "Ev5", channel="D1", channel_type="im", text="menu", bot_id="BBOT")
    await client.post("/slack/events", data=body, headers=signed(body))
    probe = event("message", "Ev6", channel="D1", channel_type="im", text="help")
    await client.post("/slack/events", data=probe, headers=signed(probe))
    posts = await fake.wait_for("posts", 1)
    await asyncio.sleep(0.1)
    assert posts[0]["text"].startswith("Typ uw vraag"), "the first answer is to the probe"
    assert all("Welkom" not in p["text"] for p in posts)


@pytest.mark.parametrize(
    "headers",
    [
        {"secret": "wrong-secret"},
        {"age": 600},
        {"drop": True},
    ],
    ids=["bad-signature", "stale-timestamp", "missing-headers"],
)
async def test_unsigned_or_stale_requests_are_refused(
    slack: tuple[TestClient[Any, Any], FakeSlack, str], headers: dict[str, Any]
) -> None:
    """Bad signatures, old timestamps and missing headers get 401 and nothing is processed."""
    client, fake, _ = slack
    body = event("message", "Ev7", channel="D1", channel_type="im", text="menu")
    if headers.get("drop"):
        sent = {"Content-Type": "application/json"}
    else:
        sent = signed(body, secret=headers.get("secret", SECRET), age=headers.get("age", 0))
    response = await client.post("/slack/events", data=body, headers=sent)
    assert response.status == 401
    await asyncio.sleep(0.2)
    assert fake.posts == []


async def test_slack_route_absent_without_settings(aiohttp_client: ClientFactory) -> None:
    """Without Slack settings /slack/events is not mounted."""
    client = await aiohttp_client(create_app(Settings()))
    response = await client.post("/slack/events", data="{}")
    assert response.status in (404, 405)


async def test_every_message_is_valid_block_kit(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat]
) -> None:
    """Every reply renders to blocks slack_sdk's models accept, within Block Kit limits."""
    replies: list[Reply] = await every_reply(shipped, make_chat)
    for reply in replies:
        message = reply_message(reply)
        assert message["text"]
        for block in message["blocks"]:
            Block.parse(block).validate_json()
            if block["type"] == "actions":
                assert len(block["elements"]) <= 25
                assert all(
                    len(e["text"]["text"]) <= 75
                    and len(e.get("value", "")) <= 2000
                    and len(e.get("url", "")) <= 3000
                    and ("value" in e) != ("url" in e)
                    for e in block["elements"]
                )


def test_slack_manifest_command() -> None:
    """`verbind slack-manifest --url` prints a manifest with scopes, events, command and URLs."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "slack-manifest", "--url", "https://verbind.example.nl/"],
        capture_output=True,
        text=True,
        check=True,
    )
    manifest = json.loads(result.stdout)
    endpoint = "https://verbind.example.nl/slack/events"
    assert manifest["features"]["slash_commands"][0]["command"] == "/verbind"
    assert manifest["features"]["slash_commands"][0]["url"] == endpoint
    assert manifest["settings"]["event_subscriptions"] == {
        "request_url": endpoint,
        "bot_events": ["app_mention", "message.im"],
    }
    assert manifest["settings"]["interactivity"]["request_url"] == endpoint
    assert {"chat:write", "commands", "app_mentions:read", "im:history"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


async def test_request_fields_never_reach_the_log(
    slack: tuple[TestClient[Any, Any], FakeSlack, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever a signed request puts in its fields (event type, subtype, channel, user, text,
    command, action ids, values), the log holds only kinds and statuses."""
    client, fake, respond_url = slack
    caplog.set_level(logging.DEBUG)
    mark = "Jansen-BSN-111222333"
    bodies = [
        event("message", f"Ev{mark}", channel=f"D{mark}", channel_type="im", text=mark),
        event(mark, "Ev2", channel="D1", text=mark),
        event("message", "Ev3", channel="D1", channel_type="im", subtype=mark, text=mark),
        event("app_mention", "Ev4", channel=mark, user=mark, text=f"<@U0> {mark}"),
        json.dumps({"type": mark, "token": mark}),
    ]
    for body in bodies:
        await client.post("/slack/events", data=body, headers=signed(body))
    press = {"action_id": f"verbind-{mark}", "value": json.dumps({"node": mark, "choice": mark})}
    form, headers = button_press(press, respond_url=respond_url, user=mark, channel=mark)
    await client.post("/slack/events", data=form, headers=headers)
    await fake.wait_for("posts", 1)
    logged = caplog.text + "".join(repr(r.args) + str(r.exc_info) for r in caplog.records)
    assert caplog.records
    assert mark not in logged
