"""Posting to the Bot Connector as plain JSON, whatever SDK took the request in.

Replies, typing indicators, intake requests and pick-up notices go out through one pooled aiohttp
session, with the bot's outbound token from a ``token`` callable the adapter passes in (its SDK's
credential); no SDK client is built per turn. In local mode (no app id, no token) only a service
URL on this machine is posted to (the Bot Framework Emulator), and redirects are never followed:
an unauthenticated endpoint must not become a relay to any address an activity names.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from aiohttp import ClientError, ClientSession, ClientTimeout, DummyCookieJar
from yarl import URL

from bot.channels.teams.activity import reply_address
from bot.channels.teams.cards import reply_activity
from bot.intake.intakes import IntakeTarget
from bot.loopback import is_loopback_url
from dialogs.intake import ConsultationRequest, IntakeUnavailableError, request_reply
from dialogs.turn import Reply

__all__ = ["TYPING_AFTER_SECONDS", "ConnectorSender", "TeamsCourier", "TokenSource"]

_log = logging.getLogger("verbind.teams")
_Result = TypeVar("_Result")

TYPING_AFTER_SECONDS = 0.8
"""A turn still working after this long shows the typing indicator first."""
_MAX_BASES = 256

TokenSource = Callable[[], Awaitable[str]]
"""Returns a bearer token for the Bot Connector (the SDK's credential; it caches)."""


class ConnectorSender:
    """Posts activities to conversations at their service URL."""

    def __init__(self, *, token: TokenSource | None, timeout: float) -> None:
        self._token = token
        self._timeout = timeout
        self._session: ClientSession | None = None
        self._bases: dict[str, URL] = {}
        """Service URLs already parsed and checked (a deployment talks to a handful)."""

    async def start(self) -> None:
        # The Bot Connector sets no cookies we want back: no jar to consult on every post.
        self._session = ClientSession(
            timeout=ClientTimeout(total=self._timeout), cookie_jar=DummyCookieJar()
        )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    def may_post(self, service_url: str) -> bool:
        """Without an app id (local mode) only a service URL on this machine: no open relay."""
        if self._token is not None or service_url in self._bases:
            return True
        return is_loopback_url(service_url)

    async def send(self, activity: dict[str, Any], payloads: list[dict[str, Any]]) -> None:
        """Send ``payloads`` as replies to ``activity`` (a checked activity dict), in order.

        Raises ConnectionError (refused, redirected, local mode elsewhere), ClientError or
        TimeoutError."""
        await self.send_documents(activity, [json.dumps(payload) for payload in payloads])

    async def send_documents(self, activity: dict[str, Any], documents: list[str]) -> None:
        """:meth:`send` for payloads already serialised (JSON objects as text, such as
        :func:`bot.channels.teams.cards.reply_document`): each is posted with the reply's
        address added, exactly as ``json.dumps({**payload, **address})`` would write it."""
        path = f"v3/conversations/{quote(activity['conversation']['id'], safe='')}/activities"
        if isinstance(activity.get("id"), str) and activity["id"]:
            path += f"/{quote(activity['id'], safe='')}"
        url = self._url(activity["serviceUrl"], path)
        address = json.dumps(reply_address(activity))
        for document in documents:
            await self._post(url, _merged(document, address))

    async def post(self, service_url: str, conversation_id: str, payload: dict[str, Any]) -> None:
        """Start a message in a conversation (proactive: an intake channel, a requester)."""
        path = f"v3/conversations/{quote(conversation_id, safe='')}/activities"
        url = self._url(service_url, path)
        await self._post(url, json.dumps({**payload, "conversation": {"id": conversation_id}}))

    def _url(self, service_url: str, path: str) -> URL:
        """``path`` (already percent-encoded) under ``service_url``. The service URL is parsed
        and checked once (parsing a host per post was a tenth of a turn's own cost); a service
        URL this sender may not post to is ConnectionError."""
        base = self._bases.get(service_url)
        if base is None:
            if not self.may_post(service_url):
                raise ConnectionError("local mode posts only to this machine")
            base = URL(service_url.rstrip("/") + "/")
            if len(self._bases) >= _MAX_BASES:
                self._bases.clear()
            self._bases[service_url] = base
        return base.with_path(base.raw_path + path, encoded=True)

    async def while_typing(
        self, activity: dict[str, Any], work: Awaitable[_Result], *, show: bool
    ) -> _Result:
        """Await ``work``; when it is not done after TYPING_AFTER_SECONDS (and ``show``), send
        ``activity``'s sender a typing indicator meanwhile, always before the replies. A
        courtesy: failing to send it does not fail the turn. (A timer, not a task per turn:
        most turns are done long before it fires.)"""
        if not show:
            return await work
        loop = asyncio.get_running_loop()
        typing: list[asyncio.Task[None]] = []
        timer = loop.call_later(
            TYPING_AFTER_SECONDS, lambda: typing.append(loop.create_task(self._typing(activity)))
        )
        try:
            return await work
        finally:
            timer.cancel()
            for sent in typing:
                await sent

    async def _typing(self, activity: dict[str, Any]) -> None:
        try:
            await self.send(activity, [{"type": "typing"}])
        except (ConnectionError, ClientError, TimeoutError) as exc:
            _log.info("teams typing not sent error=%s", type(exc).__name__)

    async def _post(self, url: URL, body: str) -> None:
        """POST ``body`` (JSON text) as aiohttp's ``json=`` would: UTF-8, application/json."""
        assert self._session is not None, "start() first"
        headers = {**await self._headers(), "Content-Type": "application/json"}
        async with self._session.post(
            url, data=body.encode(), headers=headers, allow_redirects=False
        ) as response:
            if response.status >= 300:
                raise ConnectionError(f"connector answered {response.status}")

    async def _headers(self) -> dict[str, str]:
        if self._token is None:
            return {}
        # Bounded: a slow token service must not hang the turn. Any failure to get a token
        # (MSAL and the SDK raise their own kinds) means the reply cannot be delivered.
        try:
            token = await asyncio.wait_for(self._token(), self._timeout)
        except Exception as exc:
            raise ConnectionError(f"no token for the Bot Connector: {type(exc).__name__}") from exc
        return {"Authorization": f"Bearer {token}"}


def _merged(document: str, address: str) -> str:
    """Two JSON objects as text, merged as ``{**document, **address}`` would be serialised
    (``document``'s keys first; the two share none: a payload is not addressed)."""
    if document == "{}":
        return address
    if address == "{}":
        return document
    return f"{document[:-1]}, {address[1:]}"


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

    async def notify(self, address: str, notice: Reply) -> None:
        """Post ``notice`` into the requester's conversation as any reply goes: the card alone,
        with its ``summary`` for the notification and its buttons."""
        data = json.loads(address)
        await self._sender.post(data["s"], data["c"], reply_activity(notice))
