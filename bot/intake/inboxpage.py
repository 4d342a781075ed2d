"""``/inbox`` and ``/inbox/{partner}``: the partner inbox in a browser.

Who may open it: the same rule as the local web page (``VERBIND_WEB_PAGE``: ``auto`` this
machine only, ``on`` everyone), and, when ``VERBIND_INBOX_SECRET`` is set, anyone on a trusted
network who logs in with that shared secret (``/inbox/login``; an HttpOnly SameSite=Strict
cookie holds an HMAC of the secret, never the secret). Everyone else gets the same 404 as for a
path that does not exist. "Ik pak dit op" is a POST (link previews cannot trigger it) from this
site only; the pick-up reaches the requester like any other (``Conversation.pick_up``).
Nothing here logs a request's content.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from html import escape
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.web.page import is_local
from bot.intake.inbox import Inbox
from bot.intake.pickup import PickupGate, form_value
from bot.settings import Settings
from dialogs.conversation import Conversation
from dialogs.intake import PICKUP_LABEL, ConsultationRequest, request_reply
from dialogs.register import ConsultationRegister, RegisterUnavailableError
from knowledge.pageshell import html_page

__all__ = ["INBOX_PATH", "mount_inbox"]

INBOX_PATH = "/inbox"
COOKIE = "verbind_inbox"
_MAX_FORM = 4096
_CSS = (
    "body{font:16px/1.5 system-ui,'Segoe UI',Arial,sans-serif;max-width:46rem;margin:1.5rem auto;"
    "padding:0 1rem;color:#1a1a1a}h1{font-size:1.5rem}h2{font-size:1.15rem;margin:.2rem 0}"
    "article{border:2px solid #1f4e79;"
    "border-radius:6px;padding:.6rem 1rem;margin:1rem 0}article p{margin:.2rem 0;"
    "white-space:pre-line}button{font:inherit;padding:.4rem 1rem;border-radius:4px;"
    "border:2px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer}"
    ".stil{color:#3d3d3d}label{display:block;margin:.5rem 0}"
)
_CSS_HASH = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: chromium then sends "Origin: null" with the pick-up form, which the
    # same-site check must refuse.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_KEPT = (
    "Verbind bewaart een verzoek alleen in het geheugen van deze server, tot het is opgepakt of "
    "{days} dagen oud is. Noteer wat u nodig hebt in uw eigen systeem."
)


class _InboxPage:
    def __init__(
        self,
        conversation: Conversation,
        inbox: Inbox,
        partners: tuple[str, ...],
        settings: Settings,
        register: ConsultationRegister,
        gate: PickupGate,
    ) -> None:
        self._conversation = conversation
        self._inbox = inbox
        self._register = register
        self._gate = gate
        self._kept = _KEPT.format(days=f"{settings.pickup_days:g}")
        self._partners = partners
        self._everyone = settings.web_page == "on"
        self._local = settings.web_page != "off"
        secret = settings.inbox_secret.encode()
        self._pass = (
            hmac.new(secret, b"verbind-inbox", hashlib.sha256).hexdigest() if secret else ""
        )

    # -- access --------------------------------------------------------------------------------

    def _admitted(self, request: web.Request) -> bool:
        if self._everyone or (self._local and is_local(request)):
            return True
        cookie = request.cookies.get(COOKIE, "")
        return bool(self._pass) and hmac.compare_digest(cookie.encode(), self._pass.encode())

    def _admit(self, request: web.Request) -> None:
        if not self._admitted(request):
            if self._pass:
                raise web.HTTPSeeOther(f"{INBOX_PATH}/login")
            raise web.HTTPNotFound()

    def _same_site(self, request: web.Request) -> None:
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="Dit verzoek komt van een andere site.")

    # -- pages ---------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        """Every partner with an inbox and how many requests are open."""
        self._admit(request)
        items = "".join(
            f'<li><a href="{INBOX_PATH}/{escape(p)}">{escape(self._name(p))}</a> '
            f"({self._inbox.count(p)} open)</li>"
            for p in self._partners
        )
        body = f"<h1>Inbox van de ketenpartners</h1><ul>{items}</ul><p class=stil>{self._kept}</p>"
        return _page("Verbind: inbox", body)

    async def partner(self, request: web.Request) -> web.Response:
        """One partner's open requests, each with "Ik pak dit op"."""
        self._admit(request)
        partner = self._partner(request)
        articles = "".join(self._article(partner, i.request) for i in self._inbox.open(partner))
        empty = "<p>Geen open verzoeken.</p>" if not articles else ""
        title = f"Inbox {self._name(partner)}"
        body = (
            f"<h1>{escape(title)}</h1>{empty}{articles}<p class=stil>{self._kept}</p>"
            f'<p><a href="{INBOX_PATH}">Alle inboxen</a></p>'
        )
        return _page(f"Verbind: {title}", body)

    async def pick_up(self, request: web.Request) -> web.Response:
        """POST ``ref``: pick the request up; the requester is told."""
        self._admit(request)
        self._same_site(request)
        partner = self._partner(request)
        reference = form_value(await _read_form(request), "ref")
        item = self._inbox.get(partner, reference)
        refusal = self._gate.refusal(item.request.pickup, channel="inbox") if item else None
        if item is None:
            message = "Dit verzoek staat niet (meer) in de inbox."
        elif refusal is not None:  # too old to pick up: the same rule as for a pick-up link
            message = refusal
            self._inbox.remove(partner, reference)
        else:
            message = await self._conversation.pick_up(item.request.pickup, channel="inbox")
            if await self._picked_up(reference):
                self._inbox.remove(partner, reference)
        body = (
            f'<h1>Inbox {escape(self._name(partner))}</h1><p role="status">{escape(message)}</p>'
            f'<p><a href="{INBOX_PATH}/{escape(partner)}">Terug naar de inbox</a></p>'
        )
        return _page("Verbind: verzoek opgepakt", body)

    async def login_form(self, request: web.Request) -> web.Response:
        """Ask for the shared secret."""
        if not self._pass:
            raise web.HTTPNotFound()
        body = (
            "<h1>Inbox: inloggen</h1>"
            f'<form method="post" action="{INBOX_PATH}/login">'
            '<label>Gedeeld wachtwoord <input type="password" name="geheim" '
            'autocomplete="current-password" required></label>'
            "<button type=submit>Inloggen</button></form>"
        )
        return _page("Verbind: inbox", body)

    async def login(self, request: web.Request) -> web.Response:
        """Check the shared secret; on success set the cookie and go to the inbox."""
        if not self._pass:
            raise web.HTTPNotFound()
        self._same_site(request)
        typed = form_value(await _read_form(request), "geheim").encode()
        given = hmac.new(typed, b"verbind-inbox", hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode(), self._pass.encode()):
            raise web.HTTPForbidden(text="Onjuist wachtwoord.")
        response = web.HTTPSeeOther(INBOX_PATH)
        response.set_cookie(
            COOKIE,
            self._pass,
            path=INBOX_PATH,
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )
        raise response

    # -- helpers -------------------------------------------------------------------------------

    async def _picked_up(self, reference: str) -> bool:
        """True once the register holds the pick-up; while it cannot say (a database outage)
        the request stays in the inbox, so it can be picked up again."""
        try:
            return await self._register.status(reference) == "opgepakt"
        except RegisterUnavailableError:
            return False

    def _partner(self, request: web.Request) -> str:
        partner = request.match_info["partner"]
        if partner not in self._partners:
            raise web.HTTPNotFound(text="Deze inbox bestaat niet.")
        return partner

    def _name(self, partner: str) -> str:
        organisation = self._conversation.knowledge.organisations.get(partner)
        return organisation.name if organisation else partner

    def _article(self, partner: str, request: ConsultationRequest) -> str:
        reply = request_reply(request)
        head, _, rest = reply.text.partition("\n")
        lines = rest.rsplit("\n", 1)[0]  # the "not kept" line is said once, under the list
        reference = request.reference
        return (
            f"<article><h2>{escape(head)}</h2><p>{escape(lines)}</p>"
            f'<form method="post" action="{INBOX_PATH}/{escape(partner)}">'
            f'<input type="hidden" name="ref" value="{escape(reference)}">'
            f"<button type=submit>{escape(PICKUP_LABEL)}</button></form></article>"
        )


async def _read_form(request: web.Request) -> bytes:
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(text="Verwacht een formulier.")
    if (request.content_length or 0) > _MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(_MAX_FORM, request.content_length or 0)
    body = await request.read()
    if len(body) > _MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(_MAX_FORM, len(body))
    return body


def _page(title: str, body: str) -> web.Response:
    html = html_page(title, body, style=_CSS)
    return web.Response(text=html, content_type="text/html", headers=_HEADERS)


def mount_inbox(
    app: web.Application,
    *,
    conversation: Conversation,
    inbox: Inbox,
    partners: tuple[str, ...],
    settings: Settings,
    register: ConsultationRegister,
    gate: PickupGate,
) -> None:
    """Add the inbox routes (unless the page is off and no secret is set)."""
    if settings.web_page == "off" and not settings.inbox_secret:
        return
    page = _InboxPage(conversation, inbox, partners, settings, register, gate)
    app.router.add_get(INBOX_PATH, page.index)
    app.router.add_get(f"{INBOX_PATH}/login", page.login_form)
    app.router.add_post(f"{INBOX_PATH}/login", page.login)
    app.router.add_get(INBOX_PATH + "/{partner}", page.partner)
    app.router.add_post(INBOX_PATH + "/{partner}", page.pick_up)
