"""While storage is down, routes that take turns answer 503 with Retry-After, never 500.

One middleware for every route: a :class:`StorageUnavailableError` or
:class:`RegisterUnavailableError` that escapes a handler becomes a short Dutch 503. Slack's
listeners run after Bolt has acknowledged the event, so their failures never reach a handler;
for the turn routes the middleware therefore also asks the database, once it is known to be down,
whether it is back before passing the request on (Slack then retries later by itself).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.privatelog import logged_route
from dialogs.register import RegisterUnavailableError
from dialogs.session import StorageUnavailableError

__all__ = ["RETRY_AFTER_SECONDS", "UNAVAILABLE_TEXT", "outage_middleware"]

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_TEXT = "Verbind is even niet bereikbaar. Probeer het over een paar seconden opnieuw."

Probe = Callable[[], Awaitable[None]]
_log = logging.getLogger("verbind.outage")


def outage_middleware(*, turn_paths: Collection[str], probe: Probe | None = None) -> Middleware:
    """The middleware; ``probe`` raises StorageUnavailableError while the database is down."""

    @web.middleware
    async def outage(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            if probe is not None and request.method == "POST" and request.path in turn_paths:
                await probe()
            return await handler(request)
        except (StorageUnavailableError, RegisterUnavailableError) as exc:
            _log.warning(
                "storage unavailable route=%s error=%s", logged_route(request), type(exc).__name__
            )
            return _unavailable()

    return outage


def _unavailable() -> web.Response:
    return web.json_response(
        {"error": UNAVAILABLE_TEXT},
        status=web.HTTPServiceUnavailable.status_code,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        dumps=lambda data: json.dumps(data, ensure_ascii=False),
    )
