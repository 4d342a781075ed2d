"""Microsoft Teams on the Microsoft 365 Agents SDK. The ONLY module that imports that SDK.

The Agents SDK (``microsoft-agents-*``) is Microsoft's supported successor of the archived Bot
Framework SDK; ``VERBIND_TEAMS_SDK=agents`` selects this adapter. It answers exactly like the
Bot Framework adapter: the translation lives in :mod:`bot.channels.teams.activity`, the turn in
:mod:`bot.channels.teams.turns`, posting in :mod:`bot.channels.teams.connector`, cards in
:mod:`bot.channels.teams.cards`.

What we use the SDK for: the Activity model and the turn (``CloudAdapter.process_activity``,
``TurnContext``, which buffer expectReplies answers and carry invoke responses), inbound token
validation (``JwtTokenValidator``: RS256 only, audience, issuer) and outbound tokens (``MsalAuth``).

What we route around, and why:
- ``CloudAdapter.process`` answers 202 where Teams and the Bot Framework adapter answer 200, and
  it lets the Activity model validate the raw body. That model logs every validation error at
  ERROR level with a traceback and the offending input values (message text) — so only a checked
  envelope of addressing fields reaches it, and its log records are dropped.
- The SDK's key lookup (``PyJWKClient`` in a thread, no timeout, Microsoft's key URL only): keys
  come from :class:`SigningKeySet` (async, bounded; 503 when they cannot be fetched), which also
  lets tests announce keys from a local identity endpoint.
- Per-turn connector and user-token clients (``RestChannelServiceClientFactory``): nothing here
  needs them; replies go out as plain JSON through one pooled session.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
from aiohttp import ClientError, web
from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import (
    AgentAuthConfiguration,
    AuthenticationConstants,
    ClaimsIdentity,
    JwtTokenValidator,
)

from bot.channels.teams import activity as teams
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

BOT_FRAMEWORK_SCOPE = AuthenticationConstants.AGENTS_SDK_SCOPE
"""The audience of the bot's outbound token (the Bot Connector)."""
_ACCOUNT_FIELDS = ("id", "name", "aadObjectId")
_OBJECT_FIELDS = {
    "from": _ACCOUNT_FIELDS,
    "recipient": _ACCOUNT_FIELDS,
    "conversation": ("id", "name", "conversationType", "isGroup"),
}
"""Not ``conversation.tenantId``: the Bot Framework model drops it (PLATFORM.md), and replies
match it."""
_ENVELOPE_FIELDS = ("type", "id", "channelId", "serviceUrl", "deliveryMode", "name", "locale")
_CORE_FIELDS = (
    "type",
    "id",
    "serviceUrl",
    "deliveryMode",
    "name",
    "from",
    "recipient",
    "conversation",
)
_SDK_MODEL_LOGGER = "microsoft_agents.activity.activity"
_STAND_IN = "verbind:none"
_STAND_IN_URL = "https://verbind.invalid/"


class _DropRecords(logging.Filter):
    """Drops the SDK model's validation log records: they carry the input (message text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


class _KeyLookup:
    """Stands in for the SDK's ``_JwkClientManager``: keys from our async key set."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> Any:
        key = await self._keys.get(header.get("kid"))
        if key is None:
            raise ValueError("unknown signing key")
        return key.public_key


class _NoClients:
    """The SDK's client factory, building nothing: replies are posted by ConnectorSender, and
    no turn uses the user-token (OAuth) client."""

    async def create_connector_client(self, *args: Any, **kwargs: Any) -> Any:
        return _Closed()

    async def create_user_token_client(self, *args: Any, **kwargs: Any) -> Any:
        return _Closed()


class _Closed:
    async def close(self) -> None:
        """Nothing to release."""


def _picked(value: Any, fields: tuple[str, ...]) -> dict[str, Any] | None:
    """The non-empty string fields of an account or conversation object that has an id (the
    SDK's model refuses empty strings where the Bot Framework's accepts them)."""
    if not isinstance(value, dict):
        return None
    picked: dict[str, Any] = {k: value[k] for k in fields if _filled(value.get(k))}
    if "isGroup" in fields and value.get("isGroup") in (True, False, "true", "false"):
        picked["isGroup"] = value["isGroup"] in (True, "true")
    return picked if "id" in picked else None


def _envelope(body: dict[str, Any]) -> Activity:
    """The SDK's Activity with the addressing fields of a checked body (the rest stays in the
    dict, which is what Verbind translates)."""
    data: dict[str, Any] = {k: body[k] for k in _ENVELOPE_FIELDS if _filled(body.get(k))}
    for name, fields in _OBJECT_FIELDS.items():
        picked = _picked(body.get(name), fields)
        if picked is not None:
            data[name] = picked
    # The SDK needs a type and, to address replies, the bot's account and a service URL; a body
    # without them is still answered as the Bot Framework answers it (nothing for no type; an
    # invoke's body; replies without "from"). The stand-ins never leave (_without_stand_ins).
    data.setdefault("type", _STAND_IN)
    data.setdefault("recipient", {"id": _STAND_IN})
    data.setdefault("serviceUrl", _STAND_IN_URL)
    if data["type"] == ActivityTypes.conversation_update:
        # Replies to a conversation update are no reply *to* it (the Bot Framework leaves
        # replyToId out; the SDK would copy the id).
        data.pop("id", None)
    try:
        return Activity.model_validate(data)
    except (ValueError, TypeError):
        # A field the SDK's model reads more strictly than the Bot Framework's does (a channel
        # id like ":x"): the turn needs only the addressing core.
        return Activity.model_validate({k: data[k] for k in _CORE_FIELDS if k in data})


def _filled(value: Any) -> bool:
    """A string with more than white space (the SDK's model refuses blank ones)."""
    return isinstance(value, str) and bool(value.strip())


def _authentication(settings: Settings) -> AgentAuthConfiguration:
    """The SDK's connection settings from ours (MicrosoftAppId and friends, or the SDK's
    ``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__*`` names, read in :mod:`bot.settings`)."""
    single_tenant = settings.app_type.lower() == "singletenant" and settings.app_tenant_id
    return AgentAuthConfiguration(
        client_id=settings.app_id,
        client_secret=settings.app_password or None,
        tenant_id=settings.app_tenant_id if single_tenant else "botframework.com",
        validate_issuer=True,
    )


def _outbound_token(credential: MsalAuth) -> TokenSource:
    """The bot's token for the Bot Connector (MSAL caches it and runs off the event loop)."""
    scope = f"{BOT_FRAMEWORK_SCOPE}/.default"

    async def token() -> str:
        return await credential.get_access_token(BOT_FRAMEWORK_SCOPE, [scope])

    return token


class TeamsEndpoint:
    """The aiohttp handler for ``POST /api/messages`` (same routes and answers as the Bot
    Framework adapter)."""

    def __init__(
        self,
        conversation: Conversation,
        settings: Settings,
        *,
        sessions: SessionStore,
        recent: RecentRequests,
    ) -> None:
        self._local = not settings.app_id
        self._adapter = CloudAdapter(channel_service_client_factory=_NoClients())
        # The SDK's default error handler prints the traceback and sends the exception's text
        # to the user as a message; errors go to our handler instead (502, or the app's 500).
        self._adapter.on_turn_error = None
        model_log = logging.getLogger(_SDK_MODEL_LOGGER)
        if not any(isinstance(f, _DropRecords) for f in model_log.filters):
            model_log.addFilter(_DropRecords())
        sender = ConnectorSender(token=None, timeout=settings.send_timeout_seconds)
        if settings.app_id:
            configuration = _authentication(settings)
            self._validator = JwtTokenValidator(configuration)
            metadata = (
                settings.teams_openid_metadata_url
                or AuthenticationConstants.PUBLIC_ABS_OPENID_METADATA_URL
            )
            self._keys = SigningKeySet(metadata, timeout=settings.teams_key_timeout_seconds)
            self._validator._jwk_client_manager = _KeyLookup(self._keys)  # type: ignore[assignment]
            sender = ConnectorSender(
                token=_outbound_token(MsalAuth(configuration)),
                timeout=settings.send_timeout_seconds,
            )
        self._turns = TeamsTurns(
            conversation, sessions=sessions, sender=sender, local=self._local, welcomed=recent
        )
        self.courier = TeamsCourier(sender)

    async def start(self, app: web.Application) -> None:
        await self._turns.sender.start()

    async def stop(self, app: web.Application) -> None:
        await self._turns.sender.stop()

    async def handle(self, request: web.Request) -> web.Response:
        """One activity in; 200 with an invoke or expectReplies body, or 4xx for bad input,
        401 for a missing or unverifiable token, 503 when the signing keys cannot be fetched,
        502 when the Bot Connector does not take the replies."""
        started = time.perf_counter()
        self._turns.refuse_early(request)
        try:
            body = teams.check_activity(loads_strict(await request.read()))
            envelope = _envelope(body)
        except (ValueError, TypeError) as exc:  # also UnicodeDecodeError, ValidationError
            raise web.HTTPBadRequest(text="Ongeldige activity.") from exc
        self._turns.refuse_relay(body)
        identity = await self._identity(request.headers.get("Authorization", ""), body)
        try:
            response = await self._adapter.process_activity(
                identity, envelope, lambda context: self._on_turn(context, body)
            )
        except (ConnectionError, ClientError, TimeoutError) as exc:
            # The Bot Connector refused, failed or was too slow for the replies.
            _log.warning(
                "teams delivery failed type=%s error=%s",
                teams.logged_type(body),
                type(exc).__name__,
            )
            raise web.HTTPBadGateway(text="Antwoord kon niet worden bezorgd.") from exc
        _log.info(
            "teams activity type=%s ms=%.1f",
            teams.logged_type(body),
            (time.perf_counter() - started) * 1000,
        )
        return _http_response(response)

    async def _identity(self, header: str, body: dict[str, Any]) -> ClaimsIdentity:
        """Who sent this: anonymous in local mode, else the verified token's claims."""
        if self._local:
            return ClaimsIdentity({}, authentication_type="anonymous")
        try:
            token = bearer_token(header)
        except PermissionError as exc:
            raise _unauthorized(str(exc)) from exc
        try:
            identity = await self._validator.validate_token(token)
            await self._check_endorsement(token, body)
        except SigningKeysUnavailableError as exc:
            _log.warning("teams signing keys unavailable error=%s", exc)
            raise web.HTTPServiceUnavailable(text="Probeer het zo opnieuw.") from exc
        except Exception as exc:  # the SDK and PyJWT raise many kinds for a bad token
            raise _unauthorized(type(exc).__name__) from exc
        claimed = identity.get_claim_value("serviceurl")
        if claimed and body.get("serviceUrl") and claimed != body["serviceUrl"]:
            raise _unauthorized("service url")
        return identity

    async def _check_endorsement(self, token: str, body: dict[str, Any]) -> None:
        """The signing key must be endorsed for the activity's channel (as the Bot Framework
        checks); the SDK's validator does not look at endorsements."""
        key = await self._keys.get(jwt.get_unverified_header(token).get("kid"))
        channel = body.get("channelId")
        if key is not None and key.endorsements and channel not in key.endorsements:
            raise PermissionError("key not endorsed for this channel")

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
            await context.send_activities([Activity.model_validate(p) for p in payloads])


def _unauthorized(reason: str) -> web.HTTPUnauthorized:
    _log.info("teams request refused reason=%s", reason)
    return web.HTTPUnauthorized(text="Niet geautoriseerd.")


def _http_response(response: InvokeResponse | None) -> web.Response:
    if response is None:
        return web.Response(status=200)
    body = response.body
    if body is None:
        return web.Response(status=response.status or 200)
    if isinstance(body, dict) and isinstance(body.get("activities"), list):
        # The SDK clears each reply's id to None, which then counts as set: leave nulls out,
        # as the Bot Framework does (and the envelope's stand-ins).
        body = {"activities": [_without_stand_ins(a) for a in body["activities"]]}
    return web.json_response(body, status=response.status or 200)


def _without_stand_ins(item: Any) -> Any:
    """A reply without the keys the SDK set to None and without the envelope's stand-ins."""
    if not isinstance(item, dict):
        return item
    stand_ins = ({"id": _STAND_IN}, _STAND_IN_URL)
    return {k: v for k, v in item.items() if v is not None and v not in stand_ins}
