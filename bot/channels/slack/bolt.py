"""Slack through slack-bolt's AsyncApp, mounted on the aiohttp app at ``POST /slack/events``.

Bolt verifies the signature and the 5-minute window (401 otherwise), answers url_verification,
and acknowledges before our listener runs (``process_before_response`` stays False), so Slack
always gets its ack within 3 seconds. Retries are de-duplicated on ``event_id``. Nothing here
logs message text or request bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiohttp import ClientError, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.blocks import FORM_BLOCK, reply_message
from bot.intake.intakes import Intakes, IntakeTarget
from bot.settings import Settings
from bot.strictjson import valid_unicode
from dialogs.conversation import Conversation
from dialogs.intake import ConsultationRequest, IntakeUnavailableError, request_reply
from dialogs.turn import Payload, Reply, Turn

__all__ = ["SLACK_PATH", "mount_slack", "slack_manifest"]

SLACK_PATH = "/slack/events"
CHANNEL = "slack"
"""Seconds for one Slack Web API call (chat.postMessage, response_url): a slow Slack must not
hang a turn."""
_SEEN_EVENTS = 10_000
_WINDOW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded")
_SEND_ERRORS = (SlackApiError, ClientError, TimeoutError, ValueError)
"""What posting to Slack can raise: an API error, the network, a timeout, a bad address."""
_log = logging.getLogger("verbind.slack")


class _RecentEvents:
    """Event ids already handled, so Slack's retries are processed once (bounded memory)."""

    def __init__(self, size: int = _SEEN_EVENTS) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


def _key(team: str | None, channel: str | None, user: str | None) -> str:
    raw = f"{team}\x1f{channel}\x1f{user}"
    return f"{CHANNEL}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _payload(value: Any) -> Payload | None:
    if not isinstance(value, str):
        return None
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if (
        isinstance(data, dict)
        and isinstance(data.get("node"), str)
        and isinstance(data.get("choice"), str)
    ):
        return Payload(data["node"], data["choice"])
    return None


_MENTION = re.compile(r"<@[A-Z0-9]+>")


def _form(body: dict[str, Any]) -> dict[str, str] | None:
    """Values typed into the message's input blocks, sent along with a button."""
    values = _object(_object(body.get("state")).get("values"))
    form: dict[str, str] = {}
    for block_id, actions in values.items():
        if (
            isinstance(block_id, str)
            and block_id.startswith(FORM_BLOCK)
            and isinstance(actions, dict)
        ):
            for action_id, state in actions.items():
                value = state.get("value") if isinstance(state, dict) else None
                if isinstance(value, str):
                    form[str(action_id)] = value
    return form or None


def _sender(user: str | None) -> str | None:
    return f"<@{user}>" if user else None


def _object(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (payload fields can be anything)."""
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    """``value`` when it is a non-empty string (ids, channels, text), else None."""
    return value if isinstance(value, str) and value else None


def _signed(text: str, headers: Mapping[str, str], secret: str) -> bool:
    """Slack's v0 signature over the raw body, within five minutes.

    Checked before Bolt sees the request: Bolt parses the body before it verifies, and its
    verifier raises (500) on a timestamp that is not a number or a signature that is not ASCII.
    """
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not signature.isascii():
        return False
    if abs(time.time() - int(timestamp)) > _WINDOW_SECONDS:
        return False
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{text}".encode(), hashlib.sha256)
    return hmac.compare_digest(f"v0={digest.hexdigest()}", signature)


class SlackCourier:
    """Delivers requests to a partner's Slack channel and tells Slack requesters."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def deliver(self, target: IntakeTarget, request: ConsultationRequest) -> None:
        """Post the request, with its "Ik pak dit op" button, into the intake channel."""
        try:
            await self._client.chat_postMessage(
                channel=target.address["channel"], **reply_message(request_reply(request))
            )
        except (SlackApiError, ClientError, TimeoutError) as exc:
            raise IntakeUnavailableError(type(exc).__name__) from exc

    async def notify(self, address: str, text: str) -> None:
        """Post ``text`` into the requester's channel."""
        await self._client.chat_postMessage(channel=address, text=text)


def build_bolt(
    settings: Settings, conversation: Conversation, intakes: Intakes | None = None
) -> AsyncApp:
    """The Bolt app with Verbind's listeners (and, given ``intakes``, its Slack courier)."""
    # Bolt's and slack_sdk's debug logging include request bodies (message text, forwarded
    # questions); keep both to warnings, whatever the root level.
    bolt_logger = logging.getLogger("verbind.slack.bolt")
    bolt_logger.setLevel(logging.WARNING)
    client_logger = logging.getLogger("verbind.slack.web")
    client_logger.setLevel(logging.WARNING)
    client = AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=int(settings.slack_api_timeout_seconds) or 1,
        logger=client_logger,
    )
    if intakes is not None:
        intakes.add_courier("slack", SlackCourier(client))
    bolt = AsyncApp(
        signing_secret=settings.slack_signing_secret,
        client=client,
        logger=bolt_logger,
        # Bolt logs an unhandled request with its body; raised, our handler logs its kind only.
        raise_error_for_unhandled_request=True,
    )
    recent = _RecentEvents()

    @bolt.error
    async def failed(error: Exception) -> None:
        if type(error).__name__ == "BoltUnhandledRequestError":
            _log.info("slack request ignored (no listener)")
        else:
            _log.error("slack listener failed error=%s", type(error).__name__)

    async def say(channel: str, replies: list[Reply], thread_ts: str | None) -> None:
        try:
            for reply in replies:
                await client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **reply_message(reply)
                )
        except _SEND_ERRORS as exc:
            _log.warning("slack post failed error=%s", type(exc).__name__)

    async def event_turn(
        body: dict[str, Any], event: dict[str, Any], text: str, *, threaded: bool
    ) -> None:
        channel = _text(event.get("channel"))
        if channel is None or not recent.first_time(_text(body.get("event_id"))):
            return
        user = _text(event.get("user"))
        turn = Turn(
            _key(_text(body.get("team_id")), channel, user),
            CHANNEL,
            text,
            sender=_sender(user),
            address=f"{CHANNEL}:{channel}",
        )
        replies = await conversation.handle(turn)
        thread = (_text(event.get("thread_ts")) or _text(event.get("ts"))) if threaded else None
        await say(channel, replies, thread)

    @bolt.event("message")
    async def direct_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        await event_turn(body, event, _text(event.get("text")) or "", threaded=False)

    @bolt.event("app_mention")
    async def mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("bot_id"):
            return
        text = _MENTION.sub("", _text(event.get("text")) or "").strip()
        await event_turn(body, event, text, threaded=True)

    @bolt.command("/verbind")
    async def command(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        key = _key(body.get("team_id"), body.get("channel_id"), body.get("user_id"))
        replies = await conversation.handle(Turn(key, CHANNEL, _text(body.get("text")) or ""))
        try:
            for reply in replies:
                await respond(response_type="ephemeral", **reply_message(reply))
        except _SEND_ERRORS as exc:
            _log.warning("slack respond failed error=%s", type(exc).__name__)

    @bolt.action(re.compile(r"^verbind-\d+$"))
    async def button(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        payload = _payload(action.get("value"))
        channel = _text(_object(body.get("channel")).get("id")) or _text(
            _object(body.get("container")).get("channel_id")
        )
        if payload is None or not channel:
            return
        user = _text(_object(body.get("user")).get("id"))
        team = _text(_object(body.get("team")).get("id"))
        thread = _text(_object(body.get("message")).get("thread_ts"))
        turn = Turn(
            _key(team, channel, user),
            CHANNEL,
            payload=payload,
            form=_form(body),
            sender=_sender(user),
            address=f"{CHANNEL}:{channel}",
        )
        replies = await conversation.handle(turn)
        await say(channel, replies, thread)

    return bolt


def mount_slack(
    app: web.Application,
    *,
    settings: Settings,
    conversation: Conversation,
    intakes: Intakes | None = None,
) -> None:
    """Add ``POST /slack/events`` to ``app`` (only call it when Slack is configured)."""
    bolt = build_bolt(settings, conversation, intakes)
    secret = settings.slack_signing_secret

    async def events(request: web.Request) -> web.Response:
        """415 for a body Slack does not send, 401 unsigned, 400 unreadable; Bolt does the rest.
        A request no listener handles is acknowledged (200), so Slack does not retry it."""
        if request.content_type not in _CONTENT_TYPES:
            raise web.HTTPUnsupportedMediaType(text="Verwacht JSON of een formulier.")
        try:
            text = (await request.read()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise web.HTTPBadRequest(text="Ongeldige tekens.") from exc
        if not _signed(text, request.headers, secret):
            raise web.HTTPUnauthorized(text="Ongeldige handtekening.")
        bolt_request = _bolt_request(text, request)
        bolt_response = await bolt.async_dispatch(bolt_request)
        if bolt_response.status == 404:
            return web.Response(status=200)
        response: web.Response = await to_aiohttp_response(bolt_response)
        return response

    app.router.add_post(SLACK_PATH, events)


def _bolt_request(text: str, request: web.Request) -> AsyncBoltRequest:
    """Bolt's request; 400 when Bolt cannot read the (signed) body.

    Bolt parses and walks the body in the constructor, assuming Slack's shapes: a body that is
    not a JSON object, or with a "user" or "team" of another kind, raises there.
    """
    try:
        bolt_request = AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
        )
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        raise web.HTTPBadRequest(text="Ongeldig Slack-verzoek.") from exc
    body = bolt_request.body
    if not (isinstance(body, dict) and valid_unicode(body) and _slack_shaped(body)):
        raise web.HTTPBadRequest(text="Ongeldig Slack-verzoek.")
    return bolt_request


_BODY_KINDS: dict[str, type | tuple[type, ...]] = {
    "type": str,
    "event": dict,
    "actions": list,
    "view": dict,
    "command": str,
    "callback_id": str,
}
_EVENT_KINDS: dict[str, type | tuple[type, ...]] = {
    "type": str,
    "subtype": (str, type(None)),
    "message": (dict, type(None)),
    "previous_message": (dict, type(None)),
}


def _slack_shaped(body: dict[str, Any]) -> bool:
    """The fields Bolt's matching and middleware index have the kinds Slack sends (a number
    where Bolt expects a string or an object fails inside Bolt, which answers 500)."""
    if not _kinds_fit(body, _BODY_KINDS):
        return False
    event = body.get("event")
    if event is not None and not ("type" in event and _kinds_fit(event, _EVENT_KINDS)):
        return False
    actions = body.get("actions")
    return actions is None or (
        bool(actions)
        and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
    )


def _kinds_fit(data: dict[str, Any], kinds: dict[str, type | tuple[type, ...]]) -> bool:
    return all(key not in data or isinstance(data[key], kind) for key, kind in kinds.items())


def slack_manifest(url: str) -> dict[str, Any]:
    """A Slack app manifest: paste it at api.slack.com/apps → Create New App → From a manifest."""
    endpoint = url.rstrip("/") + SLACK_PATH
    return {
        "display_information": {
            "name": "Verbind",
            "description": "Meldcode, afwegingskader en de juiste Veilig Thuis-contacten.",
            "background_color": "#1f5f8b",
        },
        "features": {
            "app_home": {"messages_tab_enabled": True, "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "Verbind", "always_online": True},
            "slash_commands": [
                {
                    "command": "/verbind",
                    "url": endpoint,
                    "description": "Vraag Verbind iets: een onderwerp of een plaats",
                    "usage_hint": "[vraag of plaats]",
                    "should_escape": False,
                }
            ],
        },
        "oauth_config": {
            "scopes": {
                "bot": [
                    "app_mentions:read",
                    "chat:write",
                    "commands",
                    "im:history",
                    "im:read",
                    "im:write",
                ]
            }
        },
        "settings": {
            "event_subscriptions": {
                "request_url": endpoint,
                "bot_events": ["app_mention", "message.im"],
            },
            "interactivity": {"is_enabled": True, "request_url": endpoint},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }
