"""The local web chat page: ``GET /`` and ``POST /web/turn`` over the same conversation core.

Translation only (STYLE.md 1): a JSON body becomes a ``Turn`` keyed by an opaque random id from an
HttpOnly SameSite=Strict cookie; the core's replies go back as JSON and the page's own script
renders them. Who may use the page is set by ``VERBIND_WEB_PAGE``: ``auto`` (the default) answers
only requests made on this machine, ``on`` answers everyone, ``off`` mounts nothing. Nothing here
logs message text or request bodies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
from importlib.resources import files
from typing import Any, NoReturn
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from bot.channels.keys import session_key
from bot.loopback import is_loopback_address, is_loopback_host
from bot.settings import Settings
from bot.strictjson import loads_strict
from dialogs.contacts import ContactLink, contact_links, emergency_links
from dialogs.conversation import Conversation
from dialogs.plaintext import contact_fields, outcome_label, verified_text
from dialogs.turn import ContactCard, Form, Payload, Reply, SourceNote, Turn
from knowledge.dates import dutch_date

__all__ = [
    "COOKIE_NAME",
    "MAX_TURN_BYTES",
    "PROXY_HEADERS",
    "PROXY_HEADER_PREFIXES",
    "TRUSTED_PROXIES",
    "TURN_PATH",
    "WebPage",
    "cookie_key",
    "is_local",
    "mount_web",
    "page_url",
    "reply_json",
]

CHANNEL = "web"
COOKIE_NAME = "verbind_web"
TURN_PATH = "/web/turn"
MAX_TURN_BYTES = 16 * 1024
"""A turn is one short message or one button payload; anything bigger is refused with 413."""
MAX_PAYLOAD_FIELD = 200
MAX_FORM_FIELDS = 8
_TURN_SHAPES = ({"text"}, {"payload"}, {"payload", "form"})

_ASSETS = {
    "/": ("index.html", "text/html"),
    "/web/chat.css": ("chat.css", "text/css"),
    "/web/chat.js": ("chat.js", "text/javascript"),
}
_VISITOR_ID = re.compile(r"([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})")
"""A cookie value: a random id and its HMAC under the server's key, both base64url."""
PROXY_HEADERS = frozenset(
    {
        "forwarded",
        "via",
        "x-real-ip",
        "x-client-ip",
        "client-ip",
        "true-client-ip",
        "cf-connecting-ip",
        "fastly-client-ip",
        "x-cluster-client-ip",
        "x-original-forwarded-for",
        "x-proxyuser-ip",
        "x-host",
        "x-azure-clientip",
        "x-envoy-external-address",
    }
)
"""Headers that only a proxy (or someone posing as one) sends; any of them means "not local"."""
PROXY_HEADER_PREFIXES = (
    "forwarded-",
    "x-forwarded",
    "x-original-",
    "x-real-",
    "x-client-",
    "true-client-",
    "cf-",
    "fastly-",
    "x-azure-",
    "x-envoy-",
)
"""The families of the headers above (``X-Forwarded-Proto``, ``X-Forwarded-Port``, ...)."""
TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple)
"""The addresses of reverse proxies (``VERBIND_TRUSTED_PROXIES``): their requests are never
local, even when the proxy adds no header."""
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_TURN_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
_BAD_TURN = 'Stuur {"text": "..."} of {"payload": {"node": "...", "choice": "..."}}.'
_log = logging.getLogger("verbind.web")

Json = dict[str, Any]


class _BadTurnError(ValueError):
    """A request body that is not one text or one button payload."""


def _proxied(request: web.Request) -> bool:
    """A forwarding header (by name or family), or a peer that is a configured proxy."""
    for name in request.headers:
        lowered = name.lower()
        if lowered in PROXY_HEADERS or lowered.startswith(PROXY_HEADER_PREFIXES):
            return True
    proxies = request.config_dict.get(TRUSTED_PROXIES, ())
    if not proxies:
        return False
    try:
        peer = ipaddress.ip_address((request.remote or "").split("%", 1)[0])
    except ValueError:
        return False
    return any(peer in network for network in proxies)


def is_local(request: web.Request) -> bool:
    """True for a request made on this machine: loopback peer, loopback Host, not through a
    proxy (no forwarding header, see ``PROXY_HEADERS``; not from ``VERBIND_TRUSTED_PROXIES``).

    The Host check keeps DNS-rebinding pages out; the proxy check keeps a reverse proxy on this
    machine from passing the outside world through as 127.0.0.1.
    """
    if _proxied(request):
        return False
    try:
        host = request.url.host
    except ValueError:
        return False
    return is_loopback_address(request.remote) and is_loopback_host(host)


def page_url(settings: Settings, *, host: str, port: int) -> str | None:
    """Where to open the page on this machine, or None when the server will not serve it there."""
    if settings.web_page == "off":
        return None
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if settings.web_page == "auto" and not is_loopback_host(shown):
        return None
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def _link_json(link: ContactLink) -> Json:
    return {"label": link.description, "href": link.href}


def _contact_links(card: ContactCard) -> list[Json]:
    """Tap-to-call, mail and website, like the Teams card: only for confirmed fields."""
    return [_link_json(link) for link in contact_links(card)]


def _contact_json(card: ContactCard) -> Json:
    fields = contact_fields(card)
    checked = card.verified.isoformat()
    return {
        "name": fields[0][1],
        "lines": [
            {"text": value, "unconfirmed": name in card.unconfirmed} for name, value in fields[1:]
        ],
        "confirmed": card.confirmed,
        "verified": checked,
        "verified_text": (
            f"Laatst gecontroleerd {dutch_date(card.verified)}."
            if card.confirmed
            else verified_text(card)
        ),
        "links": _contact_links(card),
    }


def _source_json(source: SourceNote) -> Json:
    return {
        "title": source.title,
        "url": source.url,
        "checked": source.checked.isoformat(),
        "checked_text": dutch_date(source.checked),
    }


def reply_json(reply: Reply) -> Json:
    """One reply as the page renders it: text, kind, the emergency numbers (first, for an
    emergency), buttons, contacts, sources, outcome and, after an outcome, the link to its
    tree's diagram."""
    return {
        "text": reply.text,
        "kind": reply.kind,
        "emergency": [
            {"label": link.label, "description": link.description, "href": link.href}
            for link in emergency_links(reply)
        ],
        "buttons": [
            {
                "label": button.label,
                "payload": {"node": button.payload.node, "choice": button.payload.choice},
                "group": button.group,
            }
            for button in reply.buttons
        ],
        "contacts": [_contact_json(card) for card in reply.contacts],
        "sources": [_source_json(source) for source in reply.sources],
        "outcome": reply.outcome,
        # The diagrams' legend name ("Uitkomst: melden"); chat.css uses the legend's colours.
        "outcome_label": outcome_label(reply),
        "form": _form_json(reply.form),
        # Served under the same access rule as this page (bot.channels.web.diagrams).
        "diagram": f"/diagrammen/{reply.tree}" if reply.tree else None,
    }


def _form_json(form: Form | None) -> Json | None:
    """A form's fields and its submit button; the page sends the values with the payload."""
    if form is None:
        return None
    return {
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "required": f.required,
                "max_length": f.max_length,
                "kind": f.kind,
                "value": f.value,
            }
            for f in form.fields
        ],
        "submit": {
            "label": form.submit.label,
            "payload": {"node": form.submit.payload.node, "choice": form.submit.payload.choice},
        },
    }


def _short_string(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_PAYLOAD_FIELD


def _parse_form(raw: Any) -> dict[str, str] | None:
    """A form's values: at most a few short names, each with a text value."""
    if raw is None:
        return None
    if not (
        isinstance(raw, dict)
        and len(raw) <= MAX_FORM_FIELDS
        and all(_short_string(k) and isinstance(v, str) for k, v in raw.items())
    ):
        raise _BadTurnError("form must map field names to text")
    return dict(raw)


def _parse_turn(data: Any) -> tuple[str, Payload | None, dict[str, str] | None]:
    """``{"text": str}`` or ``{"payload": {"node": str, "choice": str}[, "form": {...}]}``."""
    if not isinstance(data, dict) or set(data) not in _TURN_SHAPES:
        raise _BadTurnError("one key: text or payload (with form)")
    if "text" in data:
        text = data["text"]
        if not isinstance(text, str):
            raise _BadTurnError("text must be a string")
        return text, None, None
    raw = data.get("payload")
    if (
        isinstance(raw, dict)
        and set(raw) == {"node", "choice"}
        and _short_string(raw["node"])
        and _short_string(raw["choice"])
    ):
        return "", Payload(raw["node"], raw["choice"]), _parse_form(data.get("form"))
    raise _BadTurnError("payload must be {node, choice}")


def _same_site(origin: str, host: str) -> bool:
    try:
        return urlsplit(origin).netloc == host
    except ValueError:  # "http://[" and other unparsable origins
        return False


def _refuse(status: int, message: str) -> NoReturn:
    """Raise a 4xx with a short Dutch JSON error (never the request's content)."""
    _log.info("web turn refused status=%d", status)
    body = json.dumps({"error": message}, ensure_ascii=False)
    if status == web.HTTPRequestEntityTooLarge.status_code:
        raise web.HTTPRequestEntityTooLarge(
            MAX_TURN_BYTES, 0, text=body, content_type="application/json"
        )
    error = {400: web.HTTPBadRequest, 403: web.HTTPForbidden, 415: web.HTTPUnsupportedMediaType}
    raise error[status](text=body, content_type="application/json")


def _seal(key: bytes, visitor: str) -> str:
    mac = hmac.new(key, visitor.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _visitor(request: web.Request, key: bytes) -> tuple[str, bool]:
    """The visitor id from the cookie when the server issued it (its seal checks), else a fresh
    random one (True when fresh): a value the client made up never names a session."""
    match = _VISITOR_ID.fullmatch(request.cookies.get(COOKIE_NAME, ""))
    if match and hmac.compare_digest(match.group(2), _seal(key, match.group(1))):
        return match.group(0), False
    visitor = secrets.token_urlsafe(32)
    return f"{visitor}.{_seal(key, visitor)}", True


class _Visitors:
    """:func:`_visitor` with the cookies already checked remembered, by the request's whole
    ``Cookie`` header (parsing it and checking the seal were a tenth of a turn's own cost).
    Only headers whose seal checked are kept, at most ``kept`` of them, in this process."""

    def __init__(self, key: bytes, *, kept: int = 4096) -> None:
        self._key = key
        self._kept = kept
        self._checked: dict[str, str] = {}

    def __call__(self, request: web.Request) -> tuple[str, bool]:
        header = request.headers.get(hdrs.COOKIE)
        known = self._checked.get(header) if header is not None else None
        if known is not None:
            return known, False
        visitor, fresh = _visitor(request, self._key)
        if header is not None and not fresh:
            if len(self._checked) >= self._kept:
                self._checked.clear()
            self._checked[header] = visitor
        return visitor, fresh


def _remember(response: web.StreamResponse, request: web.Request, visitor: str) -> None:
    # A session cookie (no expiry): closing the browser ends the test conversation.
    response.set_cookie(
        COOKIE_NAME, visitor, path="/", httponly=True, samesite="Strict", secure=request.secure
    )


def _session_key(visitor: str) -> str:
    return session_key(CHANNEL, visitor)


class WebPage:
    """Serves the page's files and its turn endpoint, to whom the setting allows."""

    def __init__(self, conversation: Conversation, *, everyone: bool, key: bytes) -> None:
        self._conversation = conversation
        self._everyone = everyone
        self._visitor = _Visitors(key)
        self._assets = {
            path: (files("bot.channels.web").joinpath("static", name).read_bytes(), kind)
            for path, (name, kind) in _ASSETS.items()
        }

    def _admit(self, request: web.Request) -> None:
        # Outsiders get the same 404 as for a path that does not exist.
        if not (self._everyone or is_local(request)):
            raise web.HTTPNotFound()

    async def asset(self, request: web.Request) -> web.Response:
        """The page (``/``) and its stylesheet and script; the page also sets the cookie."""
        self._admit(request)
        body, kind = self._assets[request.path]
        response = web.Response(body=body, content_type=kind, charset="utf-8")
        response.headers.update(_PAGE_HEADERS)
        visitor, fresh = self._visitor(request)
        if fresh and request.path == "/":
            _remember(response, request, visitor)
        return response

    async def turn(self, request: web.Request) -> web.Response:
        """One JSON turn in, ``{"replies": [...]}`` out; bad input gets 400, 403, 413 or 415."""
        self._admit(request)
        if request.content_type != "application/json":
            _refuse(415, "Stuur JSON (Content-Type: application/json).")
        origin = request.headers.get("Origin")
        # Host and port only: behind a TLS proxy (VERBIND_WEB_PAGE=on) the page is https while
        # aiohttp sees http. "null" (sandboxed frames, files) has no host and is refused.
        if origin is not None and not _same_site(origin, request.host):
            _refuse(403, "Dit verzoek komt van een andere site.")
        if (request.content_length or 0) > MAX_TURN_BYTES:
            _refuse(413, "Het bericht is te groot.")
        body = await request.read()
        if len(body) > MAX_TURN_BYTES:
            _refuse(413, "Het bericht is te groot.")
        try:
            text, payload, values = _parse_turn(loads_strict(body))
        except ValueError:  # not JSON, not UTF-8, too deep, lone surrogates, wrong shape
            _refuse(400, _BAD_TURN)
        visitor, fresh = self._visitor(request)
        turn = Turn(
            key=_session_key(visitor), channel=CHANNEL, text=text, payload=payload, form=values
        )
        replies = await self._conversation.handle(turn)
        response = web.json_response(
            {"replies": [reply_json(reply) for reply in replies]}, headers=_TURN_HEADERS
        )
        if fresh:
            _remember(response, request, visitor)
        return response


def cookie_key(settings: Settings, secret: bytes) -> bytes:
    """The key that seals visitor cookies: ``VERBIND_WEB_COOKIE_KEY``, else derived from the
    deployment's ``secret`` (the register key, the same on every instance), so that instances
    accept each other's cookies and a restart keeps them valid."""
    if settings.web_cookie_key:
        return bytes.fromhex(settings.web_cookie_key)
    return hmac.new(secret, b"verbind web cookie", hashlib.sha256).digest()


def mount_web(
    app: web.Application, *, conversation: Conversation, settings: Settings, secret: bytes
) -> None:
    """Add ``GET /``, its two files under ``/web/`` and ``POST /web/turn`` (unless turned off);
    cookies are sealed with :func:`cookie_key` of ``secret``."""
    if settings.web_page == "off":
        return
    key = cookie_key(settings, secret)
    page = WebPage(conversation, everyone=settings.web_page == "on", key=key)
    for path in _ASSETS:
        app.router.add_get(path, page.asset)
    app.router.add_post(TURN_PATH, page.turn)
