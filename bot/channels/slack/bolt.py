"""Slack through slack-bolt's AsyncApp, mounted on the aiohttp app at ``POST /slack/events``.

Bolt verifies the signature and the 5-minute window (401 otherwise), answers url_verification,
and acknowledges before our listener runs (``process_before_response`` stays False), so Slack
always gets its ack within 3 seconds. Nothing here logs message text or request bodies.

Answered where the user wrote: a DM in the DM (in its thread when written in one), a mention
in its thread, a slash command and a click in a private (ephemeral) message privately through
``response_url`` (which also works where the bot is not a channel member; a post that fails with
``not_in_channel`` falls back to it). Every ``message`` that carries a person's words is answered
(plain, ``file_share``, ``thread_broadcast``, ``me_message``); edits, deletions, joins and bot
messages are not. Events (``event_id``), slash commands and clicks (``trigger_id``) are handled
once, across instances when PostgreSQL is configured. Slack's unsigned ``ssl_check`` is 200.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from aiohttp import ClientError, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.blocks import LINK_ACTION, reply_message, request_message
from bot.channels.slack.listeners import REACH, SlackListeners
from bot.intake.intakes import Intakes, IntakeTarget
from bot.settings import Settings
from bot.storage.recent import MemoryRecentRequests, RecentRequests
from bot.strictjson import valid_unicode
from dialogs.conversation import Conversation
from dialogs.intake import (
    ConsultationRequest,
    IntakeUnavailableError,
)
from dialogs.turn import Reply

__all__ = ["SLACK_PATH", "mount_slack", "slack_manifest"]

SLACK_PATH = "/slack/events"
_WINDOW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded")
_log = logging.getLogger("verbind.slack")


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
                channel=target.address["channel"], **request_message(request, reach=REACH)
            )
        except (SlackApiError, ClientError, TimeoutError) as exc:
            raise IntakeUnavailableError(type(exc).__name__) from exc

    async def notify(self, address: str, notice: Reply) -> None:
        """Post ``notice`` into the requester's channel as any reply goes (Block Kit, with its
        buttons and escaped fallback text); ConnectionError when Slack refuses."""
        try:
            await self._client.chat_postMessage(channel=address, **reply_message(notice))
        except SlackApiError as exc:
            raise ConnectionError(f"slack answered {exc.response.get('error')}") from exc


def build_bolt(
    settings: Settings,
    conversation: Conversation,
    intakes: Intakes | None = None,
    *,
    recent: RecentRequests | None = None,
) -> AsyncApp:
    """The Bolt app with Verbind's listeners (and, given ``intakes``, its Slack courier);
    ``recent`` remembers handled requests."""
    # Bolt's and slack_sdk's debug logging include request bodies (message text, forwarded
    # questions): they get loggers of their own, held at warnings whatever the root level.
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
    listeners = SlackListeners(
        conversation,
        client,
        seen=recent if recent is not None else MemoryRecentRequests(),
    )
    bolt.error(listeners.failed)
    bolt.event("message")(listeners.direct_message)
    bolt.event("app_mention")(listeners.mention)
    bolt.command("/verbind")(listeners.command)
    bolt.action(re.compile(r"^verbind-\d+$"))(listeners.button)
    bolt.action(re.compile(f"^{LINK_ACTION}"))(listeners.link)
    return bolt


def mount_slack(
    app: web.Application,
    *,
    settings: Settings,
    conversation: Conversation,
    intakes: Intakes | None = None,
    recent: RecentRequests | None = None,
) -> None:
    """Add ``POST /slack/events`` to ``app`` (only call it when Slack is configured);
    ``recent`` remembers the handled requests (shared by every instance on PostgreSQL)."""
    bolt = build_bolt(settings, conversation, intakes, recent=recent)
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
        if _ssl_check(text, request.content_type):
            return web.Response(status=200)
        if not _signed(text, request.headers, secret):
            raise web.HTTPUnauthorized(text="Ongeldige handtekening.")
        bolt_request = _bolt_request(text, request)
        bolt_response = await bolt.async_dispatch(bolt_request)
        if bolt_response.status == 404:
            return web.Response(status=200)
        response: web.Response = await to_aiohttp_response(bolt_response)
        return response

    app.router.add_post(SLACK_PATH, events)


def _ssl_check(text: str, content_type: str) -> bool:
    """Slack's certificate check: an unsigned form with ``ssl_check=1``, answered 200 and
    nothing else done (it carries no user, no text and no action)."""
    if content_type != "application/x-www-form-urlencoded" or len(text) > 1000:
        return False
    return parse_qs(text).get("ssl_check") == ["1"]


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
