"""Every HTTP route answers client input with a deliberate status: 413 too big, 415 wrong type,
400 unreadable, 401 unsigned, 200 ignored; never 500. Slow partners time out instead of hanging."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.intake.intakes import IntakeTarget, WebhookCourier
from bot.settings import TEAMS_SDKS, Settings
from dialogs.intake import ConsultationRequest, IntakeUnavailableError
from tests.test_slack import FakeSlack, event, signed, slack_settings
from tests.test_teams import activity, both_teams_sdks, expect_replies

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]
JSON = {"Content-Type": "application/json"}
FORM = "application/x-www-form-urlencoded"
TOO_BIG = b"{" + b" " * (300 * 1024) + b"}"
DEEP = b"[" * 100_000 + b"]" * 100_000
SHORT_SECONDS = 0.2


@dataclass(frozen=True)
class Case:
    """One request and the status it must get."""

    method: str
    path: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    sign: Callable[[], dict[str, str]] | None = None
    """Builds headers when the request is sent: a Slack signature made at import time would
    be stale (older than Slack's five-minute window) by the time a long suite reaches it."""

    def request_headers(self) -> dict[str, str]:
        """The headers to send, signed now when the case is signed."""
        return {**self.headers, **(self.sign() if self.sign is not None else {})}


def jsoned(data: Any) -> bytes:
    return json.dumps(data).encode()


def slack_case(status: int, body: str, content_type: str = "application/json", **sign: Any) -> Case:
    """A request to /slack/events, signed with the test secret (unless ``sign`` says otherwise)."""
    return Case(
        "POST",
        "/slack/events",
        status,
        body.encode(),
        sign=lambda: signed(body, content_type=content_type, **sign),
    )


def slack_form(status: int, payload: Any) -> Case:
    """A signed interactive request: ``payload=<json>`` form-encoded."""
    return slack_case(status, urlencode({"payload": json.dumps(payload)}), FORM)


def mention_entity(**entity: Any) -> bytes:
    message = activity("channel_mention")
    message["entities"] = [entity]
    return jsoned(expect_replies(message))


BUTTON = {
    "type": "block_actions",
    "team": {"id": "T1"},
    "user": {"id": "U1"},
    "channel": {"id": "D1"},
    "actions": [{"type": "button", "action_id": "verbind-0", "block_id": "b", "value": 5}],
}

CASES: dict[str, Case] = {
    # -- Teams: /api/messages ------------------------------------------------------------------
    "teams-ok": Case(
        "POST", "/api/messages", 200, jsoned(expect_replies(activity("message"))), JSON
    ),
    "teams-wrong-type": Case(
        "POST", "/api/messages", 415, b"hallo", {"Content-Type": "text/plain"}
    ),
    "teams-too-large": Case("POST", "/api/messages", 413, TOO_BIG, JSON),
    "teams-malformed": Case("POST", "/api/messages", 400, b"{not json", JSON),
    "teams-not-utf8": Case("POST", "/api/messages", 400, b"\xff\xfe", JSON),
    "teams-deep-nesting": Case("POST", "/api/messages", 400, DEEP, JSON),
    "teams-not-object": Case("POST", "/api/messages", 400, b"[1, 2]", JSON),
    "teams-no-conversation": Case("POST", "/api/messages", 400, b'{"type": "message"}', JSON),
    "teams-service-url-not-http": Case(
        "POST", "/api/messages", 400, jsoned(activity("message", serviceUrl="javascript:x")), JSON
    ),
    "teams-service-url-unparsable": Case(
        "POST", "/api/messages", 400, jsoned(activity("message", serviceUrl="http://[")), JSON
    ),
    "teams-members-not-accounts": Case(
        "POST",
        "/api/messages",
        400,
        jsoned(activity("conversation_update", membersAdded=[None, 5])),
        JSON,
    ),
    "teams-unknown-activity-type": Case(
        "POST", "/api/messages", 200, jsoned(activity("message", type="messageReaction")), JSON
    ),
    "teams-mention-without-type": Case(
        "POST", "/api/messages", 200, mention_entity(text="<at>Verbind</at>"), JSON
    ),
    "teams-mention-regex-text": Case(
        "POST",
        "/api/messages",
        200,
        mention_entity(
            type="mention", text="(((", mentioned={"id": "28:00000000-0000-0000-0000-0000000000b0"}
        ),
        JSON,
    ),
    "teams-tenant-not-object": Case(
        "POST",
        "/api/messages",
        200,
        jsoned(expect_replies(activity("message", channelData={"tenant": "t1"}))),
        JSON,
    ),
    "teams-odd-value": Case(
        "POST",
        "/api/messages",
        200,
        jsoned(expect_replies(activity("card_submit", value={"node": 1, "choice": [2]}))),
        JSON,
    ),
    # -- the web page: /web/turn and its files --------------------------------------------------
    "web-page": Case("GET", "/", 200),
    "web-ok": Case("POST", "/web/turn", 200, b'{"text": "hallo"}', JSON),
    "web-wrong-type": Case("POST", "/web/turn", 415, b"text=hallo", {"Content-Type": FORM}),
    "web-too-large": Case("POST", "/web/turn", 413, b'{"text": "' + b"a" * 20_000 + b'"}', JSON),
    "web-malformed": Case("POST", "/web/turn", 400, b"{", JSON),
    "web-deep-nesting": Case("POST", "/web/turn", 400, DEEP[:16_000], JSON),
    "web-wrong-shape": Case("POST", "/web/turn", 400, b'{"text": 5}', JSON),
    "web-lone-surrogate": Case("POST", "/web/turn", 400, b'{"text": "\\ud800"}', JSON),
    "web-cross-site": Case(
        "POST", "/web/turn", 403, b'{"text": "hallo"}', {**JSON, "Origin": "https://evil.example"}
    ),
    "web-unparsable-origin": Case(
        "POST", "/web/turn", 403, b'{"text": "hallo"}', {**JSON, "Origin": "http://["}
    ),
    # -- the pick-up link: /intake/opgepakt -----------------------------------------------------
    "pickup-page": Case("GET", "/intake/opgepakt?t=abc.def", 400),
    "pickup-no-token": Case("GET", "/intake/opgepakt", 400),
    "pickup-forged": Case("POST", "/intake/opgepakt", 400, b"t=abc.def", {"Content-Type": FORM}),
    "pickup-wrong-type": Case("POST", "/intake/opgepakt", 415, b"t=abc", JSON),
    "pickup-too-large": Case(
        "POST", "/intake/opgepakt", 413, b"t=" + b"a" * 300_000, {"Content-Type": FORM}
    ),
    "pickup-token-too-long": Case(
        "POST", "/intake/opgepakt", 400, b"t=" + b"a" * 3000, {"Content-Type": FORM}
    ),
    "pickup-not-utf8": Case("POST", "/intake/opgepakt", 400, b"t=%ff%fe", {"Content-Type": FORM}),
    "pickup-raw-not-utf8": Case("POST", "/intake/opgepakt", 400, b"t=\xff", {"Content-Type": FORM}),
    "pickup-unknown-charset": Case(
        "POST", "/intake/opgepakt", 400, b"t=abc.def", {"Content-Type": f"{FORM}; charset=nope"}
    ),
    "pickup-token-twice": Case("POST", "/intake/opgepakt", 400, b"t=a&t=b", {"Content-Type": FORM}),
    # -- Slack: /slack/events -------------------------------------------------------------------
    "slack-ok": slack_case(200, event("message", "EvL1", channel="D1", channel_type="im")),
    "slack-wrong-type": slack_case(415, "hallo", "text/plain"),
    "slack-too-large": Case("POST", "/slack/events", 413, TOO_BIG, JSON),
    "slack-unsigned": slack_case(401, event("message", "EvL2"), secret="wrong"),
    "slack-stale": slack_case(401, event("message", "EvL3"), age=600),
    "slack-timestamp-not-a-number": Case(
        "POST",
        "/slack/events",
        401,
        b"{}",
        {**JSON, "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
    ),
    "slack-not-utf8": Case("POST", "/slack/events", 400, b"\xff\xfe", JSON),
    "slack-malformed": slack_case(400, "{not json"),
    "slack-not-object": slack_case(400, "[1, 2]"),
    "slack-deep-nesting": slack_case(400, DEEP.decode()),
    "slack-user-of-the-wrong-kind": slack_case(400, json.dumps({"type": "x", "user": 5})),
    "slack-payload-malformed": slack_case(400, "payload=%7Bnot", FORM),
    "slack-actions-not-a-list": slack_form(400, {**BUTTON, "actions": {"action_id": "x"}}),
    "slack-unknown-event": slack_case(200, event("reaction_added", "EvL4", reaction="+1")),
    "slack-unknown-action": slack_form(200, {**BUTTON, "actions": [{"action_id": "other"}]}),
    "slack-button-value-not-text": slack_form(200, BUTTON),
    "slack-event-not-object": slack_case(
        400, json.dumps({"type": "event_callback", "team_id": "T1", "event": "x"})
    ),
    # -- tree diagrams: /diagrammen -------------------------------------------------------------
    "diagram-index": Case("GET", "/diagrammen", 200),
    "diagram-page": Case("GET", "/diagrammen/afwegingskader", 200),
    "diagram-svg": Case("GET", "/diagrammen/afwegingskader.svg", 200),
    "diagram-unknown-tree": Case("GET", "/diagrammen/bestaat-niet", 404),
    "diagram-odd-name": Case("GET", "/diagrammen/%F0%9F%99%82%00", 404),
    # -- /healthz --------------------------------------------------------------------------------
    "healthz": Case("GET", "/healthz", 200),
    "healthz-post": Case("POST", "/healthz", 405),
}


@pytest.fixture
async def every_route(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, teams_sdk: str
) -> tuple[TestClient[Any, Any], FakeSlack]:
    """The real app with Slack configured (against a fake Web API) and the local page on."""
    fake = FakeSlack()
    server = await aiohttp_server(fake.app())
    settings = slack_settings(server, teams_sdk=teams_sdk)
    return await aiohttp_client(create_app(settings)), fake


@pytest.mark.parametrize(
    ("name", "teams_sdk"),
    [(n, sdk) for n in CASES for sdk in (TEAMS_SDKS if n.startswith("teams-") else TEAMS_SDKS[:1])],
)
async def test_each_route_answers_each_input_with_its_status(
    every_route: tuple[TestClient[Any, Any], FakeSlack],
    name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each route gives the status in the table; nothing is logged as an error."""
    client, _ = every_route
    case = CASES[name]
    response = await client.request(
        case.method, case.path, data=case.body or None, headers=case.request_headers()
    )
    assert response.status == case.status, await response.text()
    await asyncio.sleep(0)  # let Bolt's listener (run after the ack) start
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- slow partners --------------------------------------------------------------------------------


async def never_answers(request: web.Request) -> web.Response:
    """A partner that accepts the connection and then never answers."""
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


@both_teams_sdks
async def test_slow_bot_connector_gets_502_not_a_hang(
    teams_sdk: str,
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
) -> None:
    """A Bot Connector that never answers makes the turn end with 502 once the timeout passes."""
    fake = web.Application()
    fake.router.add_post("/v3/conversations/{conversation}/activities/{activity}", never_answers)
    server = await aiohttp_server(fake)
    settings = Settings(teams_sdk=teams_sdk, send_timeout_seconds=SHORT_SECONDS)
    client = await aiohttp_client(create_app(settings))
    response = await client.post(
        "/api/messages", json=activity("message", serviceUrl=str(server.make_url("/")))
    )
    assert response.status == 502


async def test_slow_webhook_is_an_unavailable_intake(aiohttp_server: ServerFactory) -> None:
    """A webhook that never answers is a failed delivery (the user is told), not a hung turn."""
    fake = web.Application()
    fake.router.add_post("/intake", never_answers)
    server = await aiohttp_server(fake)
    courier = WebhookCourier(public_url="", timeout=SHORT_SECONDS)
    target = IntakeTarget("save", "webhook", {"url": str(server.make_url("/intake"))})
    request = ConsultationRequest("VB-1", "save", "SAVE", "Geen haast", None, "x", "t", "p")
    try:
        with pytest.raises(IntakeUnavailableError):
            await courier.deliver(target, request)
    finally:
        await courier.close()


async def test_slow_slack_web_api_is_logged_not_hung(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Slack Web API that never answers ends the turn with a warning once the timeout passes."""
    fake = web.Application()
    fake.router.add_post("/api/auth.test", FakeSlack().auth_test)
    fake.router.add_post("/api/chat.postMessage", never_answers)
    server = await aiohttp_server(fake)
    settings = replace(slack_settings(server), slack_api_timeout_seconds=SHORT_SECONDS)
    client = await aiohttp_client(create_app(settings))
    body = event("message", "EvSlow", channel="D1", channel_type="im", text="help")
    response = await client.post("/slack/events", data=body, headers=signed(body))
    assert response.status == 200
    for _ in range(400):  # bounded wait for the listener, which runs after the ack
        if any("slack post failed" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.025)
    warnings = [r.getMessage() for r in caplog.records if r.name == "verbind.slack"]
    assert "slack post failed error=TimeoutError" in warnings
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
