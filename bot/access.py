"""Who may open Verbind's staff pages — the partner inbox (``/inbox``) and the manager's report
(``/rapport``) — answered once, here. Each page group is a :class:`Realm` with a shared secret of
its own (``VERBIND_INBOX_SECRET``, ``VERBIND_REPORT_SECRET``); the rule is the same for both:

1. No pages at all when ``VERBIND_WEB_PAGE=off`` and the realm has no secret
   (:attr:`StaffAccess.enabled` is False: mount nothing).
2. A request made on this machine (``bot.channels.web.page.is_local``: loopback peer and Host,
   no proxy) is admitted without a login unless the page is ``off``. ``VERBIND_WEB_PAGE=on``
   admits everyone who can reach the server only in a realm that allows it (the inbox, for a
   trusted test network, and only while no secret is set; never the report).
3. With the realm's secret set, anyone else logs in at ``<home>/login`` with it (in the inbox
   also with their name, shown to colleagues as who picked a request up). Logins are limited
   per client address (the peer; behind ``VERBIND_TRUSTED_PROXIES`` the nearest untrusted
   ``X-Forwarded-For`` entry; an IPv6 address counts per /64): after the n-th wrong secret the
   next attempt is taken only after 2^(n-1) seconds (at most 60), and after
   :data:`LOCKOUT_AFTER` wrong secrets the address is locked out for :data:`LOCKOUT_SECONDS`,
   the right secret included; early attempts get 429 with ``Retry-After`` and are not checked.
   At most :data:`MAX_ADDRESSES` addresses are tracked.
4. Each admitted browser is one colleague with a session of its own: a random id (and the name
   given) in an HttpOnly, SameSite=Strict cookie ``verbind_<realm>`` (path ``<home>``), sealed
   with an HMAC under a key derived from the deployment's secret, the realm and its secret (so
   every instance accepts it, and changing the secret ends every session). A login session ends
   after :data:`IDLE_SECONDS` without a page and at most :data:`MAX_SECONDS` after the login;
   every page renews it within that. Logging out (``<home>/uitloggen``) ends it on this instance
   at once. A session admitted by rule 2 needs no login, lasts :data:`LOCAL_SECONDS` after its
   last page, and counts only while rule 2 admits the request.
5. On every staff route and method, an ``Origin`` header that cannot be parsed answers 400; one
   of another site (or ``null``) answers 403, as does a non-GET request that the browser marks
   ``Sec-Fetch-Site: cross-site``. Never 500.

Use (the inbox and the report do exactly this)::

    access = StaffAccess(settings, report_realm(settings), key=register_key)
    access.add_routes(app)              # its login and logout, before the page's own routes
    ...
    colleague = access.admit(request)   # raises 303 to the login, 404, 400 or 403
    response = staff_page(title, body, style=css)   # or any response
    access.remember(response, request, colleague)    # set or renew the cookie
    return response

``admit`` already checks the Origin; :func:`check_origin` is the same check alone. A page sends
people to the login with ``?naar=<its path>`` and gets them back after it.
Nothing here logs a name, a secret, a cookie or an address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from aiohttp import web

from bot.channels.web.page import TRUSTED_PROXIES, is_local
from bot.settings import Settings
from dialogs.phrases import INBOX as SAY
from knowledge.pageshell import html_page

__all__ = [
    "IDLE_SECONDS",
    "LOCAL_SECONDS",
    "LOCKOUT_AFTER",
    "LOCKOUT_SECONDS",
    "MAX_ADDRESSES",
    "MAX_SECONDS",
    "Colleague",
    "LoginThrottle",
    "Realm",
    "StaffAccess",
    "check_origin",
    "client_address",
    "form_fields",
    "inbox_realm",
    "read_form",
    "report_realm",
    "staff_page",
]

IDLE_SECONDS = 8 * 3600.0
"""A login session ends after a working day without any staff page."""
MAX_SECONDS = 24 * 3600.0
"""... and at the latest a day after the login."""
LOCAL_SECONDS = 30 * 86400.0
"""A session of this machine (no login) is kept a month after its last page, so "mine" stays
mine across days; it is no key to anything (rule 2 admits the machine, not the cookie)."""
LOCKOUT_AFTER = 10
LOCKOUT_SECONDS = 15 * 60.0
MAX_ADDRESSES = 10_000
MAX_DELAY_SECONDS = 60.0
NAME_LIMIT = 60
_MAX_FORM = 4096
_MAX_REVOKED = 10_000
_NEXT = re.compile(r"/[A-Za-z0-9/_.-]{0,200}")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_CSS = (
    "body{font:16px/1.5 system-ui,'Segoe UI',Arial,sans-serif;max-width:30rem;margin:1.5rem auto;"
    "padding:0 1rem;color:#1a1a1a}label{display:block;margin:.6rem 0}input{font:inherit;"
    "display:block;width:100%;box-sizing:border-box;padding:.4rem;border:1px solid #555;"
    "border-radius:4px}button{font:inherit;min-height:44px;padding:.4rem 1rem;border-radius:4px;"
    "border:2px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer}"
    ".fout{color:#8a1c1c;font-weight:600}"
)


@dataclass(frozen=True)
class Realm:
    """A group of staff pages with one shared secret."""

    name: str
    """``inbox`` or ``rapport``: the cookie is ``verbind_<name>``."""
    home: str
    """The pages' path (``/inbox``): the login is ``<home>/login``, the logout
    ``<home>/uitloggen``."""
    secret: str
    """The shared secret; "" for none (this machine only)."""
    title: str
    """The login page's heading."""
    everyone_when_on: bool = False
    """``VERBIND_WEB_PAGE=on`` admits everyone while no secret is set (never the report)."""
    asks_name: bool = False
    """The login asks a name to show colleagues (the inbox's "Opgepakt door …")."""

    @property
    def cookie(self) -> str:
        """The session cookie's name."""
        return f"verbind_{self.name}"

    @property
    def login_path(self) -> str:
        """Where to log in."""
        return f"{self.home}/login"

    @property
    def logout_path(self) -> str:
        """Where to log out (POST)."""
        return f"{self.home}/uitloggen"


def inbox_realm(settings: Settings) -> Realm:
    """The partner inbox: ``VERBIND_INBOX_SECRET``, names asked, open to all when ``on``."""
    return Realm(
        "inbox",
        "/inbox",
        settings.inbox_secret,
        SAY["login-title"],
        everyone_when_on=True,
        asks_name=True,
    )


def report_realm(settings: Settings) -> Realm:
    """The manager's report: ``VERBIND_REPORT_SECRET``, never public."""
    return Realm("rapport", "/rapport", settings.report_secret, SAY["report-login-title"])


@dataclass(frozen=True)
class Colleague:
    """One admitted browser: a staff member with a session of their own."""

    id: str
    """A random id (32 url-safe characters); never shown, never logged."""
    name: str
    """What they called themselves at the login ("" when they gave no name)."""
    since: float
    """When the session began (POSIX seconds)."""
    local: bool
    """Admitted by the machine rule (no login), not by the secret."""
    fresh: bool = False
    """Made on this request: the cookie still has to be set."""

    def same_person(self, colleague: str, name: str) -> bool:
        """True for this session, or a session of someone who gave the same name at the login
        (a new login the next day is still them; the secret is shared by trusted colleagues)."""
        if colleague and colleague == self.id:
            return True
        return bool(name) and name.casefold() == self.name.casefold()


def check_origin(request: web.Request) -> None:
    """400 for an ``Origin`` that cannot be parsed, 403 for another site's (or ``null``), 403 for
    a non-GET the browser marks cross-site; nothing for a same-site request or none at all."""
    origin = request.headers.get("Origin")
    if origin is None:
        cross = request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site"
        if cross and request.method not in ("GET", "HEAD"):
            raise web.HTTPForbidden(text=SAY["other-site"])
        return
    if origin.strip().lower() == "null":
        raise web.HTTPForbidden(text=SAY["other-site"])
    try:
        parts = urlsplit(origin.strip())
        parts.port  # noqa: B018 - parses the port: ValueError for "http://x:99999" or "x:y"
    except ValueError:
        raise web.HTTPBadRequest(text=SAY["bad-origin"]) from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path or parts.query:
        raise web.HTTPBadRequest(text=SAY["bad-origin"])
    # Host and port only: behind a TLS proxy the page is https while aiohttp sees http.
    if _host(parts.netloc, parts.scheme) != _host(request.host, parts.scheme):
        raise web.HTTPForbidden(text=SAY["other-site"])


def _host(netloc: str, scheme: str) -> str:
    host = netloc.lower()
    default = f":{_DEFAULT_PORTS[scheme]}"
    return host[: -len(default)] if host.endswith(default) else host


def client_address(request: web.Request) -> str:
    """Who is asking, for rate limits: the peer address, or behind a trusted proxy the nearest
    ``X-Forwarded-For`` entry that is not one; an IPv6 address as its /64 (one subscriber)."""
    proxies = request.config_dict.get(TRUSTED_PROXIES, ())
    address = _address(request.remote)
    if address is not None and any(address in network for network in proxies):
        forwarded = request.headers.get("X-Forwarded-For", "")
        for entry in reversed([e.strip() for e in forwarded.split(",")]):
            candidate = _address(entry)
            if candidate is None:
                break
            address = candidate
            if not any(candidate in network for network in proxies):
                break
    if address is None:
        return "?"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").split("%", 1)[0])
    except ValueError:
        return None


@dataclass
class _Attempts:
    failures: int = 0
    not_before: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Wrong secrets per client address: a growing delay, then a lockout (bounded memory)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        lockout_after: int = LOCKOUT_AFTER,
        lockout_seconds: float = LOCKOUT_SECONDS,
        max_addresses: int = MAX_ADDRESSES,
    ) -> None:
        self._clock = clock
        self._lockout_after = lockout_after
        self._lockout_seconds = lockout_seconds
        self._max = max_addresses
        self._seen: OrderedDict[str, _Attempts] = OrderedDict()

    def wait(self, address: str) -> float:
        """Seconds before an attempt from ``address`` is taken (0: now)."""
        attempts = self._seen.get(address)
        return 0.0 if attempts is None else max(0.0, attempts.not_before - self._clock())

    def locked(self, address: str) -> bool:
        """True while ``address`` is locked out."""
        attempts = self._seen.get(address)
        return (
            attempts is not None
            and attempts.failures >= self._lockout_after
            and bool(self.wait(address))
        )

    def failed(self, address: str) -> None:
        """A wrong secret from ``address``: the next attempt waits longer."""
        now = self._clock()
        attempts = self._seen.pop(address, None) or _Attempts()
        if attempts.failures >= self._lockout_after:  # a lockout that ran out starts over
            attempts = _Attempts()
        attempts.failures += 1
        attempts.last = now
        if attempts.failures >= self._lockout_after:
            attempts.not_before = now + self._lockout_seconds
        else:
            attempts.not_before = now + min(2.0 ** (attempts.failures - 1), MAX_DELAY_SECONDS)
        self._seen[address] = attempts
        self._bound(now)

    def succeeded(self, address: str) -> None:
        """The right secret: ``address`` starts afresh."""
        self._seen.pop(address, None)

    def __len__(self) -> int:
        return len(self._seen)

    def _bound(self, now: float) -> None:
        """Forget addresses quiet for a lockout period; beyond the cap, the quietest first."""
        if len(self._seen) <= self._max:
            return
        for address in [a for a, v in self._seen.items() if now - v.last > self._lockout_seconds]:
            del self._seen[address]
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)


class StaffAccess:
    """The staff pages' access rule (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        realm: Realm,
        *,
        key: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``key``: the deployment's secret (the register key, the same on every instance)."""
        secret = realm.secret
        self.realm = realm
        self.enabled = settings.web_page != "off" or bool(secret)
        self._local = settings.web_page != "off"
        self._everyone = realm.everyone_when_on and settings.web_page == "on" and not secret
        self._secret = hashlib.sha256(secret.encode()).digest() if secret else b""
        salt = f"verbind staff cookie\x00{realm.name}\x00{secret}".encode()
        self._key = hmac.new(key, salt, "sha256").digest()
        self._clock = clock
        self.throttle = LoginThrottle(clock=clock)
        self._revoked: OrderedDict[str, float] = OrderedDict()

    @property
    def has_login(self) -> bool:
        """True when a shared secret is set (the login routes answer)."""
        return bool(self._secret)

    # -- admitting -----------------------------------------------------------------------------

    def admit(self, request: web.Request) -> Colleague:
        """The colleague making ``request``; raises 400/403 (Origin), 303 to the login (a secret
        is set) or 404 (the same as for a path that does not exist)."""
        check_origin(request)
        open_here = self._everyone or (self._local and is_local(request))
        colleague = self._from_cookie(request, open_here=open_here)
        if colleague is not None:
            return colleague
        if open_here:
            return self._new(name="", local=True)
        if self._secret:
            target = self._next(request.path)
            raise web.HTTPSeeOther(f"{self.realm.login_path}?naar={quote(target, safe='/')}")
        raise web.HTTPNotFound()

    def remember(
        self, response: web.StreamResponse, request: web.Request, colleague: Colleague
    ) -> None:
        """Set or renew ``colleague``'s cookie on ``response``."""
        now = self._clock()
        if colleague.local:
            expires = now + LOCAL_SECONDS
        else:
            expires = min(now + IDLE_SECONDS, colleague.since + MAX_SECONDS)
        body = {"i": colleague.id, "n": colleague.name, "s": colleague.since}
        value = self._seal({**body, "e": expires, "l": colleague.local})
        response.set_cookie(
            self.realm.cookie,
            value,
            path=self.realm.home,
            max_age=max(0, int(expires - now)),
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )

    def _new(self, *, name: str, local: bool) -> Colleague:
        return Colleague(secrets.token_urlsafe(24), name, self._clock(), local, fresh=True)

    def _from_cookie(self, request: web.Request, *, open_here: bool) -> Colleague | None:
        data = self._unseal(request.cookies.get(self.realm.cookie, ""))
        if data is None:
            return None
        now = self._clock()
        try:
            colleague = Colleague(str(data["i"]), str(data["n"]), float(data["s"]), bool(data["l"]))
            expires = float(data["e"])
        except (KeyError, TypeError, ValueError):
            return None
        if expires <= now or colleague.id in self._revoked:
            return None
        if colleague.local:
            return colleague if open_here else None
        return colleague if now - colleague.since <= MAX_SECONDS else None

    def _seal(self, data: dict[str, object]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
        mac = hmac.new(self._key, body.encode(), "sha256").digest()
        return f"{body}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    def _unseal(self, value: str) -> dict[str, Any] | None:
        body, _, mac = value.partition(".")
        if not body or len(value) > 1024:
            return None
        expected = hmac.new(self._key, body.encode(), "sha256").digest()
        given = base64.urlsafe_b64encode(expected).decode().rstrip("=")
        if not hmac.compare_digest(mac.encode(), given.encode()):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    # -- logging in and out --------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """GET/POST ``<home>/login`` and POST ``<home>/uitloggen`` (the login 404 without a
        secret). Add them before the page's own ``<home>/{name}`` routes."""
        app.router.add_get(self.realm.login_path, self.login_form)
        app.router.add_post(self.realm.login_path, self.login)
        app.router.add_post(self.realm.logout_path, self.logout)

    async def login_form(self, request: web.Request) -> web.Response:
        """Ask for the shared secret (and a name)."""
        check_origin(request)
        if not self._secret:
            raise web.HTTPNotFound()
        return self._form(self._next(request.query.get("naar", "")))

    async def login(self, request: web.Request) -> web.Response:
        """Check the secret, within the per-address limits; on success the colleague's cookie
        and back to the page they came from."""
        check_origin(request)
        if not self._secret:
            raise web.HTTPNotFound()
        address = client_address(request)
        wait = self.throttle.wait(address)
        if wait > 0:
            return self._too_many(address, wait)
        fields = form_fields(await read_form(request))
        target = self._next(fields.get("naar", ""))
        typed = hashlib.sha256(fields.get("geheim", "").encode()).digest()
        if not hmac.compare_digest(typed, self._secret):
            self.throttle.failed(address)
            return self._form(target, error=SAY["wrong-secret"], status=403)
        self.throttle.succeeded(address)
        name = _clean_name(fields.get("naam", "")) if self.realm.asks_name else ""
        response = web.HTTPSeeOther(target)
        self.remember(response, request, self._new(name=name, local=False))
        raise response

    async def logout(self, request: web.Request) -> web.Response:
        """End this colleague's session (on this instance at once; the cookie goes everywhere)."""
        check_origin(request)
        data = self._unseal(request.cookies.get(self.realm.cookie, ""))
        if data is not None and isinstance(data.get("i"), str):
            self._revoked[str(data["i"])] = self._clock()
            while len(self._revoked) > _MAX_REVOKED:
                self._revoked.popitem(last=False)
        response = web.HTTPSeeOther(self.realm.login_path if self._secret else self.realm.home)
        response.del_cookie(self.realm.cookie, path=self.realm.home)
        raise response

    def _too_many(self, address: str, wait: float) -> web.Response:
        seconds = max(1, int(wait + 0.999))
        locked = self.throttle.locked(address)
        text = (
            SAY["locked"].format(minutes=max(1, round(seconds / 60)))
            if locked
            else SAY["wait"].format(seconds=seconds)
        )
        title = escape(self.realm.title)
        body = f"<h1>{title}</h1><p class=fout role=alert>{escape(text)}</p>"
        response = _page(body, status=429)
        response.headers["Retry-After"] = str(seconds)
        return response

    def _form(self, target: str, *, error: str = "", status: int = 200) -> web.Response:
        alert = f"<p class=fout role=alert>{escape(error)}</p>" if error else ""
        name = (
            f'<label>{escape(SAY["login-name"])} <input name="naam" autocomplete="name" '
            f'maxlength="{NAME_LIMIT}"></label>'
            if self.realm.asks_name
            else ""
        )
        body = (
            f"<h1>{escape(self.realm.title)}</h1>{alert}"
            f'<form method="post" action="{self.realm.login_path}">'
            f'<input type="hidden" name="naar" value="{escape(target)}">{name}'
            f'<label>{escape(SAY["login-secret"])} <input type="password" name="geheim" '
            'autocomplete="current-password" required></label>'
            f"<button type=submit>{escape(SAY['login-submit'])}</button></form>"
        )
        return _page(body, status=status)

    def _next(self, value: str) -> str:
        """Where to go after the login: a page of this realm only (never ``//host``, a URL or
        another site's path)."""
        home = self.realm.home
        inside = value == home or value.startswith(f"{home}/")
        return value if inside and _NEXT.fullmatch(value) and "//" not in value else home


def _clean_name(value: str) -> str:
    """A name as colleagues see it: printable characters, single spaces, at most 60."""
    shown = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(shown.split())[:NAME_LIMIT]


async def read_form(request: web.Request) -> bytes:
    """A small url-encoded form body (at most 4 KB); 415 when it is not a form, 413 when too
    big."""
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(text="Verwacht een formulier.")
    if (request.content_length or 0) > _MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(_MAX_FORM, request.content_length or 0)
    body = await request.read()
    if len(body) > _MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(_MAX_FORM, len(body))
    return body


def form_fields(body: bytes) -> dict[str, str]:
    """The fields of a url-encoded form that are given once (a repeated one counts as absent).
    Not ``request.post()``: it raises on bytes that are not UTF-8 and on an unknown charset in
    the Content-Type, which would answer 500; here that is 400."""
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise web.HTTPBadRequest(text="Ongeldig formulier.") from exc
    return {name: values[0] for name, values in fields.items() if len(values) == 1}


def staff_page(title: str, body: str, *, style: str, status: int = 200) -> web.Response:
    """A staff page: the HTML shell with ``style`` inline (allowed by its hash alone), no
    scripts, forms to this site only, never framed, never cached."""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    headers = {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'sha256-{digest}'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        # Not no-referrer: chromium then sends "Origin: null" with a form, which
        # check_origin must refuse.
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    html = html_page(title, body, style=style)
    return web.Response(text=html, content_type="text/html", status=status, headers=headers)


def _page(body: str, *, status: int = 200) -> web.Response:
    return staff_page("Verbind: inloggen", body, style=_CSS, status=status)
