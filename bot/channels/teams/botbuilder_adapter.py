"""Microsoft Teams over the Bot Framework. The ONLY module that imports the Bot Framework SDK.

botbuilder-core 4.17 is archived; its successor is the Microsoft 365 Agents SDK. Everything the
rest of Verbind needs from Teams passes through this module, so a move touches only this file.

What we use the SDK for: the Activity model, inbound authentication (JWT when MicrosoftAppId is
set) through ``CloudAdapter.process_activity``, and outbound tokens. What we route around
(PLATFORM.md): ``CloudAdapter.process`` (breaks invoke/expectReplies bodies), the per-turn
construction of ConnectorClient and UserTokenClient (cached here per service URL and audience),
and msrest on the reply path (replies go out as plain JSON through one pooled aiohttp session),
and the SDK's signing-key fetch (blocking ``requests.get`` in the event loop, no timeout;
replaced by :mod:`bot.channels.teams.signingkeys`).

Refused, and why: any token the SDK cannot verify (garbage, ``alg: none``, HS256, expired, unknown
key) is 401, never 500; signing keys that cannot be fetched are 503. In local mode (no
MicrosoftAppId) only requests from this machine are answered and replies are posted only to a
service URL on this machine (the Bot Framework Emulator), never following redirects: an
unauthenticated endpoint must not become a relay to any address an activity names.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenExtractor,
    MicrosoftAppCredentials,
)

from bot.channels.teams.cards import contact_attachment, reply_activity
from bot.channels.teams.signingkeys import SigningKeySet, SigningKeysUnavailableError
from bot.intake.intakes import IntakeTarget
from bot.intake.pickup import PickupGate
from bot.loopback import is_loopback_address, is_loopback_url
from bot.settings import Settings
from bot.strictjson import loads_strict
from dialogs.conversation import Conversation
from dialogs.intake import (
    PICKUP_NODE,
    ConsultationRequest,
    IntakeUnavailableError,
    request_reply,
)
from dialogs.session import SessionStore
from dialogs.turn import Payload, Reply, Turn

__all__ = ["TeamsEndpoint"]

_log = logging.getLogger("verbind.teams")

CHANNEL = "teams"
REACH = "Teams"
"""How a partner is told to reach the user here (``Turn.reach``)."""
TYPING_AFTER_SECONDS = 0.8
COMPOSE_RESULTS = 8

_KEY_SETS: dict[str, SigningKeySet] = {}
_KEY_TIMEOUT = [5.0]
"""The SDK looks key sets up through a static method, so they are per process, like its own
cache; the endpoint sets the timeout from its settings."""


def _signing_keys(url: str) -> SigningKeySet:
    """Replaces ``JwtTokenExtractor.get_open_id_metadata``: one async key set per address."""
    keys = _KEY_SETS.get(url)
    if keys is None:
        keys = _KEY_SETS.setdefault(url, SigningKeySet(url, timeout=_KEY_TIMEOUT[0]))
    keys.timeout = _KEY_TIMEOUT[0]
    return keys


JwtTokenExtractor.get_open_id_metadata = staticmethod(_signing_keys)


class _Config:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.app_tenant_id
        if settings.teams_openid_metadata_url:
            # Another identity endpoint (a test's local one): the SDK's parameterized mode,
            # with the public cloud's values for everything else.
            constants = AuthenticationConstants
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.teams_openid_metadata_url
            self.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL = settings.teams_openid_metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = constants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
            self.TO_CHANNEL_FROM_BOT_LOGIN_URL = constants.TO_CHANNEL_FROM_BOT_LOGIN_URL
            self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = constants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
            self.OAUTH_URL = constants.OAUTH_URL


class _CachingConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    """Reuses one ConnectorClient per (service URL, audience) instead of one per turn."""

    def __init__(self, inner: Any, cache: dict[tuple[str, str], Any]) -> None:
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str) -> Any:
        key = (service_url, audience)
        if key not in self._cache:
            self._cache[key] = await self._inner.create(service_url, audience)
        return self._cache[key]


class _CachingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """Delegates to the SDK's authentication; caches the clients it would build every turn."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._connectors: dict[tuple[str, str], Any] = {}
        self._token_clients: dict[str, Any] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        """The SDK's check; anything it cannot verify is PermissionError (401), whatever the SDK
        raised for it (it raises DecodeError, IndexError, AttributeError, Exception, ...)."""
        try:
            result: AuthenticateRequestResult = await self._inner.authenticate_request(
                activity, auth_header
            )
        except (PermissionError, SigningKeysUnavailableError):
            raise
        except Exception as exc:  # any kind: see the docstring
            raise PermissionError("token not verifiable") from exc
        if result.connector_factory is not None:
            result.connector_factory = _CachingConnectorFactory(
                result.connector_factory, self._connectors
            )
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str) -> Any:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> Any:
        factory = self._inner.create_connector_factory(claims_identity)
        return _CachingConnectorFactory(factory, self._connectors)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> Any:
        key = json.dumps(claims_identity.claims, sort_keys=True, default=str)
        if key not in self._token_clients:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return self._token_clients[key]

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> Any:
        return await self._inner.authenticate_channel_request(auth_header)


class BadActivityError(ValueError):
    """A request body that is not a usable activity."""


def parse_activity(body: Any) -> Activity:
    """An Activity from a JSON body; BadActivityError when fields we rely on are missing or of
    the wrong kind (the SDK turns numbers into strings, but not everything it reads)."""
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise BadActivityError("an activity is a JSON object with a 'type'")
    try:
        activity = Activity().deserialize(body)
    except Exception as exc:  # msrest raises several kinds for shapes it cannot read
        raise BadActivityError("not an activity") from exc
    needs_address = activity.type in (ActivityTypes.message, ActivityTypes.invoke)
    if needs_address and not (
        activity.conversation and activity.conversation.id and activity.from_property
    ):
        raise BadActivityError("conversation and from are required")
    if activity.service_url is not None and not _web_address(activity.service_url):
        raise BadActivityError("serviceUrl is an http(s) address")
    if activity.type == ActivityTypes.message and not activity.service_url:
        raise BadActivityError("serviceUrl is required")
    return activity


def _web_address(url: Any) -> bool:
    """An absolute http(s) URL the sender can post to."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[" and other unparsable hosts
        return False


def session_key(activity: Activity) -> str:
    """An opaque key per user within a conversation (channel threads are shared; sessions not)."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant_data = channel_data.get("tenant")
    tenant = tenant_data.get("id", "") if isinstance(tenant_data, dict) else ""
    user = activity.from_property
    user_id = (user.aad_object_id or user.id) if user else ""
    conversation_id = activity.conversation.id if activity.conversation else ""
    raw = f"{tenant}\x1f{conversation_id}\x1f{user_id}"
    return f"{CHANNEL}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _payload(value: Any) -> Payload | None:
    if isinstance(value, dict) and isinstance(value.get("node"), str):
        choice = value.get("choice")
        if isinstance(choice, str):
            return Payload(value["node"], choice)
    return None


def _form(value: Any) -> dict[str, str] | None:
    """Input values that came with a card submit (everything but the button's own data)."""
    if not isinstance(value, dict):
        return None
    fields = {k: v for k, v in value.items() if k not in ("node", "choice") and isinstance(v, str)}
    return fields or None


def requester_address(activity: Activity) -> str:
    """Where to tell this user later: the conversation they wrote from."""
    conversation = activity.conversation.id if activity.conversation else ""
    return f"{CHANNEL}:" + json.dumps({"s": activity.service_url, "c": conversation})


class TeamsCourier:
    """Delivers requests to a partner's Teams channel and tells Teams requesters."""

    def __init__(self, sender: ConnectorSender) -> None:
        self._sender = sender

    async def deliver(self, target: IntakeTarget, request: ConsultationRequest) -> None:
        """Post the request card, with its "Ik pak dit op" button, into the intake channel."""
        activity = reply_activity(request_reply(request))
        try:
            await self._sender.post(
                target.address["service_url"], target.address["conversation"], activity
            )
        except (ConnectionError, ClientError, TimeoutError) as exc:
            raise IntakeUnavailableError(type(exc).__name__) from exc

    async def notify(self, address: str, text: str) -> None:
        """Post ``text`` into the requester's conversation."""
        data = json.loads(address)
        await self._sender.post(
            data["s"], data["c"], {"type": "message", "text": text, "textFormat": "plain"}
        )


def _welcomes(activity: Activity) -> bool:
    """Install or the bot being added to a conversation we can answer in (an upgrade, a rename
    or other members coming and going are not a welcome)."""
    if not (activity.service_url and activity.conversation and activity.conversation.id):
        return False
    if activity.type == ActivityTypes.installation_update:
        return bool(activity.action == "add")
    if activity.type == ActivityTypes.conversation_update:
        bot_id = activity.recipient.id if activity.recipient else None
        return bot_id is not None and any(
            m is not None and m.id == bot_id for m in activity.members_added or []
        )
    return False


def _mention_free_text(activity: Activity) -> str:
    """The message text without the @mention of the bot (in channels).

    Not ``TurnContext.remove_recipient_mention``: it uses the mention's text as a regular
    expression and fails on mentions without ``mentioned`` or a ``type``.
    """
    text = activity.text if isinstance(activity.text, str) else ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if entity is None or not isinstance(entity.type, str) or entity.type.lower() != "mention":
            continue
        properties = entity.additional_properties or {}
        mentioned = properties.get("mentioned")
        if not isinstance(mentioned, dict) or bot_id is None or mentioned.get("id") != bot_id:
            continue
        shown = properties.get("text")
        if isinstance(shown, str) and shown:
            text = text.replace(shown, "")
        else:  # no text on the entity: Teams writes the mention as <at>name</at>
            text = _AT_TAG.sub("", text, count=1)
    return text.strip()


_POSTING_TYPES = (
    ActivityTypes.message,
    ActivityTypes.conversation_update,
    ActivityTypes.installation_update,
)
"""The activities we answer by posting (invokes are answered in the HTTP response)."""
_AT_TAG = re.compile(r"<at\b[^>]*>.*?</at>", re.I | re.S)


class ConnectorSender:
    """Posts replies as plain JSON to the conversation's service URL (one pooled session)."""

    def __init__(self, settings: Settings) -> None:
        self._credentials = (
            MicrosoftAppCredentials(
                settings.app_id, settings.app_password, settings.app_tenant_id or None
            )
            if settings.app_id
            else None
        )
        self._timeout = settings.send_timeout_seconds
        self._session: ClientSession | None = None

    async def start(self) -> None:
        self._session = ClientSession(timeout=ClientTimeout(total=self._timeout))

    def may_post(self, service_url: str) -> bool:
        """Without an app id (local mode) only a service URL on this machine: no open relay."""
        return self._credentials is not None or is_loopback_url(service_url)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, activity: Activity, payloads: list[dict[str, Any]]) -> None:
        """Send ``payloads`` as replies to ``activity``, in order."""
        assert self._session is not None, "start() first"
        conversation = quote(activity.conversation.id, safe="")
        url = f"{activity.service_url.rstrip('/')}/v3/conversations/{conversation}/activities"
        if activity.id:
            url += f"/{quote(activity.id, safe='')}"
        for payload in payloads:
            await self._post(url, {**payload, **_address(activity)})

    async def post(self, service_url: str, conversation_id: str, payload: dict[str, Any]) -> None:
        """Start a message in a conversation (proactive: an intake channel, a requester)."""
        assert self._session is not None, "start() first"
        conversation = quote(conversation_id, safe="")
        url = f"{service_url.rstrip('/')}/v3/conversations/{conversation}/activities"
        await self._post(url, {**payload, "conversation": {"id": conversation_id}})

    async def _post(self, url: str, body: dict[str, Any]) -> None:
        assert self._session is not None, "start() first"
        if not self.may_post(url):
            raise ConnectionError("local mode posts only to this machine")
        headers = await self._headers()
        async with self._session.post(
            url, json=body, headers=headers, allow_redirects=False
        ) as response:
            if response.status >= 300:
                raise ConnectionError(f"connector answered {response.status}")

    async def _headers(self) -> dict[str, str]:
        if self._credentials is None:
            return {}
        # msal caches the token; the first call may do network I/O, so keep it off the loop,
        # and bounded: a slow token service must not hang the turn.
        token = await asyncio.wait_for(
            asyncio.to_thread(self._credentials.get_access_token), self._timeout
        )
        return {"Authorization": f"Bearer {token}"}


def _address(activity: Activity) -> dict[str, Any]:
    """Reply addressing: back to the sender, in the same conversation."""
    recipient = activity.from_property
    bot = activity.recipient
    return {
        "conversation": {"id": activity.conversation.id},
        "from": {"id": bot.id, "name": bot.name} if bot else {},
        "recipient": {"id": recipient.id} if recipient else {},
        "replyToId": activity.id,
        "channelId": activity.channel_id,
        "serviceUrl": activity.service_url,
    }


class TeamsEndpoint:
    """The aiohttp handler for ``POST /api/messages``."""

    def __init__(
        self,
        conversation: Conversation,
        settings: Settings,
        *,
        sessions: SessionStore,
        pickups: PickupGate,
    ) -> None:
        self._conversation = conversation
        self._sessions = sessions
        self._pickups = pickups
        self._local = not settings.app_id
        _KEY_TIMEOUT[0] = settings.teams_key_timeout_seconds
        authentication = ConfigurationBotFrameworkAuthentication(_Config(settings))
        self._adapter = CloudAdapter(_CachingAuthentication(authentication))
        self._sender = ConnectorSender(settings)
        self.courier = TeamsCourier(self._sender)

    async def start(self, app: web.Application) -> None:
        await self._sender.start()

    async def stop(self, app: web.Application) -> None:
        await self._sender.stop()

    async def handle(self, request: web.Request) -> web.Response:
        """One activity in; 200/201 with an invoke or expectReplies body, or 4xx for bad input."""
        started = time.perf_counter()
        if self._local and not is_loopback_address(request.remote):
            raise web.HTTPForbidden(text="Zonder MicrosoftAppId alleen vanaf deze computer.")
        if request.content_type != "application/json":
            raise web.HTTPUnsupportedMediaType(text="Content-Type moet application/json zijn.")
        try:
            activity = parse_activity(loads_strict(await request.read()))
        except ValueError as exc:  # also UnicodeDecodeError
            raise web.HTTPBadRequest(text="Ongeldige activity.") from exc
        if self._relay(activity):
            raise web.HTTPForbidden(
                text="Zonder MicrosoftAppId alleen antwoorden naar deze computer."
            )
        auth_header = request.headers.get("Authorization", "")
        try:
            response = await self._adapter.process_activity(auth_header, activity, self._on_turn)
        except PermissionError as exc:
            # The kind only: the SDK's messages quote claims from the (untrusted) token.
            cause = exc.__cause__ if exc.__cause__ is not None else exc
            _log.info("teams request refused reason=%s", type(cause).__name__)
            raise web.HTTPUnauthorized(text="Niet geautoriseerd.") from exc
        except SigningKeysUnavailableError as exc:
            _log.warning("teams signing keys unavailable error=%s", exc)
            raise web.HTTPServiceUnavailable(text="Probeer het zo opnieuw.") from exc
        except (ConnectionError, ClientError, TimeoutError) as exc:
            # The Bot Connector refused, failed or was too slow (send_timeout_seconds).
            _log.warning(
                "teams delivery failed type=%s error=%s", activity.type, type(exc).__name__
            )
            raise web.HTTPBadGateway(text="Antwoord kon niet worden bezorgd.") from exc
        _log.info(
            "teams activity type=%s ms=%.1f", activity.type, (time.perf_counter() - started) * 1000
        )
        return _http_response(response)

    def _relay(self, activity: Activity) -> bool:
        """Would answering post to a service URL we must not post to (local mode)?"""
        posts = (
            activity.type in _POSTING_TYPES
            and activity.delivery_mode != "expectReplies"
            and bool(activity.service_url)
        )
        return posts and not self._sender.may_post(str(activity.service_url))

    async def _on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.type == ActivityTypes.invoke:
            await self._invoke(context)
            return
        turn = await self._turn(activity)
        if turn is None:
            return
        refusal = self._pickup_refusal(turn, activity)
        expect_replies = activity.delivery_mode == "expectReplies"
        replies = (
            [Reply(refusal, kind="warning")]
            if refusal is not None
            else await self._with_typing(
                activity, self._conversation.handle(turn), typing=not expect_replies
            )
        )
        payloads = [reply_activity(r) for r in replies]
        if expect_replies:
            await context.send_activities([Activity().deserialize(p) for p in payloads])
        elif payloads:
            await self._sender.send(activity, payloads)

    def _pickup_refusal(self, turn: Turn, activity: Activity) -> str | None:
        """An "Ik pak dit op" press that is expired or outside the partner's intake chat."""
        if turn.payload is None or turn.payload.node != PICKUP_NODE:
            return None
        place = activity.conversation.id if activity.conversation else None
        return self._pickups.refusal(turn.payload.choice, channel=CHANNEL, place=place)

    async def _turn(self, activity: Activity) -> Turn | None:
        key = session_key(activity)
        if activity.type == ActivityTypes.message:
            payload = _payload(activity.value)
            text = "" if payload else _mention_free_text(activity)
            sender = activity.from_property.name if activity.from_property else None
            return Turn(
                key=key,
                channel=CHANNEL,
                text=text,
                payload=payload,
                form=_form(activity.value) if payload else None,
                sender=sender or None,
                address=requester_address(activity),
                reach=REACH,
            )
        # Teams sends both installationUpdate and conversationUpdate on an install: greet only a
        # conversation that has no session yet, so there is one greeting and nothing is reset.
        if _welcomes(activity) and await self._sessions.load(key) is None:
            return Turn(key=key, channel=CHANNEL, text="menu")
        return None

    async def _with_typing(
        self, activity: Activity, work: Awaitable[list[Reply]], *, typing: bool
    ) -> list[Reply]:
        task = asyncio.ensure_future(work)
        if typing:
            done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER_SECONDS)
            if not done:
                await self._typing(activity)
        return await task

    async def _typing(self, activity: Activity) -> None:
        """The typing indicator is a courtesy: failing to send it must not fail the turn."""
        try:
            await self._sender.send(activity, [{"type": "typing"}])
        except (ConnectionError, ClientError, TimeoutError) as exc:
            _log.info("teams typing not sent error=%s", type(exc).__name__)

    async def _invoke(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.name == "composeExtension/query":
            body = self._compose_results(activity.value)
            status = 200
        else:
            body, status = None, 200
        invoke = Activity(
            type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body)
        )
        await context.send_activity(invoke)

    def _compose_results(self, value: Any) -> dict[str, Any]:
        query = ""
        parameters = value.get("parameters") if isinstance(value, dict) else None
        if isinstance(parameters, list):
            for parameter in parameters:
                if isinstance(parameter, dict) and parameter.get("name") != "initialRun":
                    query = str(parameter.get("value") or "")
        cards = (
            self._conversation.contacts_for(query, limit=COMPOSE_RESULTS) if query.strip() else ()
        )
        return {
            "composeExtension": {
                "type": "result",
                "attachmentLayout": "list",
                "attachments": [contact_attachment(card) for card in cards],
            }
        }


def _http_response(response: Any) -> web.Response:
    if response is None:
        return web.Response(status=200)
    body = response.body
    if body is None:
        return web.Response(status=response.status)
    return web.json_response(body, status=response.status)
