"""Slack through slack-bolt's AsyncApp, mounted on the aiohttp app at ``POST /slack/events``.

Bolt verifies the signature and the 5-minute window (401 otherwise), answers url_verification,
and acknowledges before our listener runs (``process_before_response`` stays False), so Slack
always gets its ack within 3 seconds. Retries are de-duplicated on ``event_id``. Nothing here
logs message text or request bodies.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from typing import Any

from aiohttp import ClientError, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import FORM_BLOCK, reply_message
from bot.intakes import Intakes, IntakeTarget
from bot.settings import Settings
from dialogs.conversation import Conversation
from dialogs.intake import ConsultationRequest, IntakeUnavailableError, request_reply
from dialogs.turn import Payload, Reply, Turn

__all__ = ["SLACK_PATH", "mount_slack", "slack_manifest"]

SLACK_PATH = "/slack/events"
CHANNEL = "slack"
_SEEN_EVENTS = 10_000
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


def _payload(value: str | None) -> Payload | None:
    try:
        data = json.loads(value or "")
    except ValueError:
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
    values = ((body.get("state") or {}).get("values")) or {}
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
        token=settings.slack_bot_token, base_url=settings.slack_api_url, logger=client_logger
    )
    if intakes is not None:
        intakes.add_courier("slack", SlackCourier(client))
    bolt = AsyncApp(
        signing_secret=settings.slack_signing_secret,
        client=client,
        logger=bolt_logger,
    )
    recent = _RecentEvents()

    async def say(channel: str, replies: list[Reply], thread_ts: str | None) -> None:
        for reply in replies:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **reply_message(reply)
            )

    @bolt.event("message")
    async def direct_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        if not recent.first_time(body.get("event_id")):
            return
        turn = Turn(
            _key(body.get("team_id"), event.get("channel"), event.get("user")),
            CHANNEL,
            event.get("text") or "",
            sender=_sender(event.get("user")),
            address=f"{CHANNEL}:{event.get('channel')}",
        )
        await say(event["channel"], await conversation.handle(turn), None)

    @bolt.event("app_mention")
    async def mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("bot_id") or not recent.first_time(body.get("event_id")):
            return
        text = _MENTION.sub("", event.get("text") or "").strip()
        turn = Turn(
            _key(body.get("team_id"), event.get("channel"), event.get("user")),
            CHANNEL,
            text,
            sender=_sender(event.get("user")),
            address=f"{CHANNEL}:{event.get('channel')}",
        )
        thread = event.get("thread_ts") or event.get("ts")
        await say(event["channel"], await conversation.handle(turn), thread)

    @bolt.command("/verbind")
    async def command(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        key = _key(body.get("team_id"), body.get("channel_id"), body.get("user_id"))
        replies = await conversation.handle(Turn(key, CHANNEL, body.get("text") or ""))
        for reply in replies:
            await respond(response_type="ephemeral", **reply_message(reply))

    @bolt.action(re.compile(r"^verbind-\d+$"))
    async def button(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        payload = _payload(action.get("value"))
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id"
        )
        if payload is None or not channel:
            return
        user = (body.get("user") or {}).get("id")
        team = (body.get("team") or {}).get("id")
        message = body.get("message") or {}
        thread = message.get("thread_ts")
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

    async def events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        response: web.Response = await to_aiohttp_response(await bolt.async_dispatch(bolt_request))
        return response

    app.router.add_post(SLACK_PATH, events)


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
