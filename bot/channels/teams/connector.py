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

from aiohttp import ClientError, ClientSession, ClientTimeout

from bot.channels.teams.activity import reply_address
from bot.channels.teams.cards import reply_activity
from bot.intake.intakes import IntakeTarget
from bot.loopback import is_loopback_url
from dialogs.intake import ConsultationRequest, IntakeUnavailableError, request_reply

__all__ = ["TYPING_AFTER_SECONDS", "ConnectorSender", "TeamsCourier", "TokenSource"]

_log = logging.getLogger("verbind.teams")
_Result = TypeVar("_Result")

TYPING_AFTER_SECONDS = 0.8
"""A turn still working after this long shows the typing indicator first."""

TokenSource = Callable[[], Awaitable[str]]
"""Returns a bearer token for the Bot Connector (the SDK's credential; it caches)."""


class ConnectorSender:
    """Posts activities to conversations at their service URL."""

    def __init__(self, *, token: TokenSource | None, timeout: float) -> None:
        self._token = token
        self._timeout = timeout
        self._session: ClientSession | None = None

    async def start(self) -> None:
        self._session = ClientSession(timeout=ClientTimeout(total=self._timeout))

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    def may_post(self, service_url: str) -> bool:
        """Without an app id (local mode) only a service URL on this machine: no open relay."""
        return self._token is not None or is_loopback_url(service_url)

    async def send(self, activity: dict[str, Any], payloads: list[dict[str, Any]]) -> None:
        """Send ``payloads`` as replies to ``activity`` (a checked activity dict), in order.

        Raises ConnectionError (refused, redirected, local mode elsewhere), ClientError or
        TimeoutError."""
        conversation = quote(activity["conversation"]["id"], safe="")
        url = f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/{conversation}/activities"
        if isinstance(activity.get("id"), str) and activity["id"]:
            url += f"/{quote(activity['id'], safe='')}"
        for payload in payloads:
            await self._post(url, {**payload, **reply_address(activity)})

    async def post(self, service_url: str, conversation_id: str, payload: dict[str, Any]) -> None:
        """Start a message in a conversation (proactive: an intake channel, a requester)."""
        conversation = quote(conversation_id, safe="")
        url = f"{service_url.rstrip('/')}/v3/conversations/{conversation}/activities"
        await self._post(url, {**payload, "conversation": {"id": conversation_id}})

    async def while_typing(
        self, activity: dict[str, Any], work: Awaitable[_Result], *, show: bool
    ) -> _Result:
        """Await ``work``; when it is not done after TYPING_AFTER_SECONDS (and ``show``), send
        ``activity``'s sender a typing indicator meanwhile. A courtesy: failing to send it does
        not fail the turn."""
        task = asyncio.ensure_future(work)
        if show:
            done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER_SECONDS)
            if not done:
                try:
                    await self.send(activity, [{"type": "typing"}])
                except (ConnectionError, ClientError, TimeoutError) as exc:
                    _log.info("teams typing not sent error=%s", type(exc).__name__)
        return await task

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
        if self._token is None:
            return {}
        # Bounded: a slow token service must not hang the turn. Any failure to get a token
        # (MSAL and the SDK raise their own kinds) means the reply cannot be delivered.
        try:
            token = await asyncio.wait_for(self._token(), self._timeout)
        except Exception as exc:
            raise ConnectionError(f"no token for the Bot Connector: {type(exc).__name__}") from exc
        return {"Authorization": f"Bearer {token}"}


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
