"""Microsoft Teams over the Bot Framework. The ONLY module that imports the Bot Framework SDK.

botbuilder-core 4.17 is archived; its successor is the Microsoft 365 Agents SDK, which
``agents_adapter.py`` runs on (``VERBIND_TEAMS_SDK``). What Teams does with an activity is SDK-free
and shared by both: :mod:`bot.channels.teams.activity` (checks, turn, welcome, mention, compose
search), :mod:`bot.channels.teams.turns` (the turn, pick-up gate, local-mode limits) and
:mod:`bot.channels.teams.connector` (posting, typing, intake courier).

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
import json
import logging
import time
from typing import Any

from aiohttp import ClientError, web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenExtractor,
    MicrosoftAppCredentials,
)

from bot.channels.teams.activity import check_activity, logged_type
from bot.channels.teams.bearer import bearer_token
from bot.channels.teams.connector import ConnectorSender, TeamsCourier, TokenSource
from bot.channels.teams.signingkeys import SigningKeySet, SigningKeysUnavailableError
from bot.channels.teams.turns import TeamsTurns
from bot.settings import Settings
from bot.storage.recent import RecentRequests
from bot.strictjson import loads_strict
from dialogs.conversation import Conversation
from dialogs.session import SessionStore

__all__ = ["TeamsEndpoint"]

_log = logging.getLogger("verbind.teams")

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


def parse_activity(body: Any) -> Activity:
    """The SDK's Activity for a JSON body :func:`check_activity` accepts (BadActivityError, a
    ValueError, otherwise), with the fields the SDK's turn reads: type, ids, channel, service
    URL, delivery mode, invoke name, locale, and the accounts and conversation that address
    replies. Built directly, as the Agents SDK adapter builds its envelope: msrest's deserialize
    of the whole body was the costliest step of a turn outside the conversation, and Verbind
    translates the body itself (:mod:`bot.channels.teams.activity`)."""
    check_activity(body)
    conversation = body.get("conversation")
    conversation = conversation if isinstance(conversation, dict) else {}
    is_group = conversation.get("isGroup")
    return Activity(
        type=body["type"],
        id=_string(body.get("id")),
        channel_id=_string(body.get("channelId")),
        service_url=_string(body.get("serviceUrl")),
        delivery_mode=_string(body.get("deliveryMode")),
        name=_string(body.get("name")),
        locale=_string(body.get("locale")),
        from_property=_account(body.get("from")),
        recipient=_account(body.get("recipient")),
        conversation=ConversationAccount(
            id=_string(conversation.get("id")),
            name=_string(conversation.get("name")),
            conversation_type=_string(conversation.get("conversationType")),
            is_group=is_group in (True, "true") if is_group is not None else None,
        )
        if conversation
        else None,
    )


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _account(value: Any) -> ChannelAccount | None:
    if not isinstance(value, dict):
        return None
    return ChannelAccount(
        id=_string(value.get("id")),
        name=_string(value.get("name")),
        aad_object_id=_string(value.get("aadObjectId")),
    )


def _outbound_token(credentials: MicrosoftAppCredentials) -> TokenSource:
    """The bot's token for the Bot Connector. msal caches it; the first call may do network
    I/O, so it runs off the event loop (the sender bounds it with its timeout)."""

    async def token() -> str:
        return str(await asyncio.to_thread(credentials.get_access_token))

    return token


class TeamsEndpoint:
    """The aiohttp handler for ``POST /api/messages``."""

    def __init__(
        self,
        conversation: Conversation,
        settings: Settings,
        *,
        sessions: SessionStore,
        recent: RecentRequests,
    ) -> None:
        _KEY_TIMEOUT[0] = settings.teams_key_timeout_seconds
        authentication = ConfigurationBotFrameworkAuthentication(_Config(settings))
        self._adapter = CloudAdapter(_CachingAuthentication(authentication))
        credentials = (
            MicrosoftAppCredentials(
                settings.app_id, settings.app_password, settings.app_tenant_id or None
            )
            if settings.app_id
            else None
        )
        sender = ConnectorSender(
            token=_outbound_token(credentials) if credentials is not None else None,
            timeout=settings.send_timeout_seconds,
        )
        self._turns = TeamsTurns(
            conversation,
            sessions=sessions,
            sender=sender,
            local=not settings.app_id,
            welcomed=recent,
        )
        self.courier = TeamsCourier(sender)

    async def start(self, app: web.Application) -> None:
        await self._turns.sender.start()

    async def stop(self, app: web.Application) -> None:
        await self._turns.sender.stop()

    async def handle(self, request: web.Request) -> web.Response:
        """One activity in; 200/201 with an invoke or expectReplies body, or 4xx for bad input."""
        started = time.perf_counter()
        self._turns.refuse_early(request)
        try:
            body = loads_strict(await request.read())
            activity = parse_activity(body)
        except ValueError as exc:  # also UnicodeDecodeError
            raise web.HTTPBadRequest(text="Ongeldige activity.") from exc
        self._turns.refuse_relay(body)
        try:
            response = await self._adapter.process_activity(
                self._auth_header(request), activity, lambda context: self._on_turn(context, body)
            )
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
                "teams delivery failed type=%s error=%s", logged_type(body), type(exc).__name__
            )
            raise web.HTTPBadGateway(text="Antwoord kon niet worden bezorgd.") from exc
        _log.info(
            "teams activity type=%s ms=%.1f",
            logged_type(body),
            (time.perf_counter() - started) * 1000,
        )
        return _http_response(response)

    def _auth_header(self, request: web.Request) -> str:
        """The Authorization header for the SDK: checked first (bearer.py: 401 before any key
        fetch); in local mode none, as the Agents SDK adapter ignores it there (the SDK would
        otherwise try to verify a token it was never asked for)."""
        if self._turns.local:
            return ""
        header = request.headers.get("Authorization", "")
        bearer_token(header)
        return header

    async def _on_turn(self, context: TurnContext, body: dict[str, Any]) -> None:
        if body["type"] == ActivityTypes.invoke:
            result = self._turns.invoke_result(body)
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=InvokeResponse(status=200, body=result),
                )
            )
            return
        payloads = await self._turns.answer(body)
        if payloads:
            await context.send_activities([Activity().deserialize(p) for p in payloads])


def _http_response(response: Any) -> web.Response:
    if response is None:
        return web.Response(status=200)
    body = response.body
    if body is None:
        return web.Response(status=response.status)
    return web.json_response(body, status=response.status)
