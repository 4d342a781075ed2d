"""Who may open the manager's report (``/rapport``): the partner inbox's rule, never public.

- On this machine (a loopback request not through a proxy, :func:`bot.channels.web.page.is_local`)
  unless ``VERBIND_WEB_PAGE=off``. ``VERBIND_WEB_PAGE=on`` does *not* open the report to
  everyone: its figures are for managers.
- With ``VERBIND_REPORT_SECRET``: anyone who logs in at ``/rapport/login`` with that shared
  secret. Each login gets its own cookie (a random id and an expiry, sealed with a key derived
  from the register key and the secret: changing the secret ends every session), HttpOnly,
  SameSite=Strict, for 8 hours. Failed logins are limited per address: after 3 misses each
  further try waits longer (2, 4, 8 … seconds), after 10 the address is locked out for 15
  minutes; the answer is 429 with Retry-After, so no connection is held.
- A login form posted from another site (a foreign or unreadable ``Origin``) is refused (403).

This is the seam the inbox's shared access module will replace: the page asks only
:meth:`ReportAccess.admitted`, :meth:`ReportAccess.login` and :attr:`ReportAccess.has_login`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.web.page import is_local
from bot.settings import Settings

__all__ = ["COOKIE", "LOCKOUT_SECONDS", "MAX_FAILURES", "SESSION_SECONDS", "ReportAccess"]

COOKIE = "verbind_rapport"
SESSION_SECONDS = 8 * 3600
FREE_FAILURES = 3
"""Misses allowed before each further try must wait."""
MAX_FAILURES = 10
"""Misses after which an address is locked out."""
LOCKOUT_SECONDS = 15 * 60
_TRACKED = 10_000
"""Addresses remembered at most (the oldest are forgotten first)."""


@dataclass
class _Misses:
    count: int
    last: float


class ReportAccess:
    """The report's access rule over ``settings``; ``key`` is the register key."""

    def __init__(
        self, settings: Settings, key: bytes, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._local = settings.web_page != "off"
        secret = settings.report_secret.encode()
        self._secret = secret
        self._seal = hmac.new(key, b"verbind-rapport|" + secret, hashlib.sha256).digest()
        self._clock = clock
        self._misses: dict[str, _Misses] = {}

    @property
    def has_login(self) -> bool:
        """True when a shared secret is set (a login exists)."""
        return bool(self._secret)

    @property
    def serves(self) -> bool:
        """True when anyone at all may open the report (else the routes are not mounted)."""
        return self._local or self.has_login

    def admitted(self, request: web.Request) -> bool:
        """True for a local request (when allowed) or one with a valid, unexpired cookie."""
        if self._local and is_local(request):
            return True
        return self.has_login and self._valid(request.cookies.get(COOKIE, ""))

    def login(self, request: web.Request, typed: str) -> str | None:
        """Check ``typed`` against the secret for ``request``'s address: a fresh cookie value,
        or None for a miss. Raises 429 (Retry-After) while the address must wait or is locked
        out, and 403 for a form from another site."""
        same_site(request)
        address = request.remote or "-"
        self._wait(address)
        given = hashlib.sha256(typed.encode()).digest()
        if not hmac.compare_digest(given, hashlib.sha256(self._secret).digest()):
            self._miss(address)
            return None
        self._misses.pop(address, None)
        return self._cookie()

    def _wait(self, address: str) -> None:
        misses = self._misses.get(address)
        if misses is None or misses.count < FREE_FAILURES:
            return
        if misses.count >= MAX_FAILURES:
            pause = LOCKOUT_SECONDS
        else:
            pause = 2 ** (misses.count - FREE_FAILURES + 1)
        left = misses.last + pause - self._clock()
        if left > 0:
            raise web.HTTPTooManyRequests(
                text="Te veel pogingen. Probeer het later opnieuw.",
                headers={"Retry-After": str(int(left) + 1), "Cache-Control": "no-store"},
            )
        if misses.count >= MAX_FAILURES:
            self._misses.pop(address)  # the lockout is served: start afresh

    def _miss(self, address: str) -> None:
        misses = self._misses.pop(address, None) or _Misses(0, 0.0)
        self._misses[address] = _Misses(misses.count + 1, self._clock())
        while len(self._misses) > _TRACKED:
            self._misses.pop(next(iter(self._misses)))

    def _cookie(self) -> str:
        body = f"{int(self._clock()) + SESSION_SECONDS}.{secrets.token_hex(16)}"
        return f"{body}.{self._mac(body)}"

    def _valid(self, cookie: str) -> bool:
        body, _, mac = cookie.rpartition(".")
        expiry = body.partition(".")[0]
        if not (body and expiry.isdigit() and hmac.compare_digest(mac, self._mac(body))):
            return False
        return int(expiry) > self._clock()

    def _mac(self, body: str) -> str:
        return hmac.new(self._seal, body.encode(), hashlib.sha256).hexdigest()


def same_site(request: web.Request) -> None:
    """403 for a form posted from another site (or an ``Origin`` that cannot be read)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        netloc = None
    if netloc != request.host:
        raise web.HTTPForbidden(text="Dit verzoek komt van een andere site.")
