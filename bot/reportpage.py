"""``/rapport``: the covenant's figures as a page for managers, with filters and downloads.

``GET /rapport?van=2026-01-01&tot=2026-12-31&regio=VT20&organisatie=save`` shows the report
(default: this year up to today, Amsterdam time); ``/rapport/rapport.csv`` and
``/rapport/rapport.xlsx`` take the same query and download the same report. Every request reads
the register afresh and verifies its chain first (:meth:`bot.storage.chainedregister.
ChainedRegister.reading`); a broken chain or skipped rows show as a warning above the figures.
Who may open it: :mod:`bot.reportaccess`. Nothing here logs a query or a figure.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from datetime import date, datetime
from html import escape
from urllib.parse import parse_qs

from aiohttp import web

from bot.channels.web.page import page_url
from bot.reportaccess import COOKIE, SESSION_SECONDS, ReportAccess
from bot.settings import Settings
from bot.storage.backends import Register
from dialogs.conversation import Conversation
from dialogs.register import RegisterUnavailableError
from dialogs.report import (
    CSS,
    Filters,
    PageControls,
    Report,
    build_report,
    render_csv,
    render_page,
    render_xlsx,
)
from dialogs.report.clock import AMSTERDAM
from knowledge.pageshell import html_page

__all__ = ["REPORT_PATH", "mount_report", "report_url"]

REPORT_PATH = "/rapport"
_LOGIN_CSS = (
    "body{font:16px/1.5 system-ui,'Segoe UI',Arial,sans-serif;max-width:30rem;margin:2rem auto;"
    "padding:0 1rem;color:#1a1a1a}label{display:block;margin:.5rem 0}input,button{font:inherit;"
    "padding:.4rem;min-height:2.5rem}button{background:#1f4e79;color:#fff;border:2px solid "
    "#1f4e79;border-radius:4px;padding:.3rem 1rem}"
)
_MAX_FORM = 4096
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _headers(*styles: str) -> dict[str, str]:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in styles
    )
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src {hashes}; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


_PAGE_HEADERS = _headers(CSS, _LOGIN_CSS)


class _ReportPage:
    def __init__(
        self, conversation: Conversation, register: Register, access: ReportAccess
    ) -> None:
        self._conversation = conversation
        self._register = register
        self._access = access
        self._reading = asyncio.Lock()  # one register read at a time (one sync connection)

    def _admit(self, request: web.Request) -> None:
        if not self._access.admitted(request):
            if self._access.has_login:
                raise web.HTTPSeeOther(f"{REPORT_PATH}/login")
            raise web.HTTPNotFound()

    async def page(self, request: web.Request) -> web.Response:
        """The report with its filters and downloads."""
        self._admit(request)
        report = await self._report(request)
        query = request.query_string
        controls = PageControls(
            action=REPORT_PATH,
            regions=self._regions(),
            organisations=self._organisations(),
            downloads=(
                ("Download Excel (.xlsx)", f"{REPORT_PATH}/rapport.xlsx?{query}"),
                ("Download CSV", f"{REPORT_PATH}/rapport.csv?{query}"),
            ),
        )
        html = render_page(report, controls)
        return web.Response(text=html, content_type="text/html", headers=_PAGE_HEADERS)

    async def csv(self, request: web.Request) -> web.Response:
        """The same report as CSV (the Dutch Excel dialect)."""
        self._admit(request)
        report = await self._report(request)
        return self._download(report, render_csv(report).encode(), "csv", "text/csv")

    async def xlsx(self, request: web.Request) -> web.Response:
        """The same report as an Excel workbook."""
        self._admit(request)
        report = await self._report(request)
        return self._download(report, render_xlsx(report), "xlsx", _XLSX)

    async def login_form(self, request: web.Request) -> web.Response:
        """Ask for the shared secret."""
        if not self._access.has_login:
            raise web.HTTPNotFound()
        return _login_page()

    async def login(self, request: web.Request) -> web.Response:
        """Check the shared secret; on success set this colleague's cookie, go to the report."""
        if not self._access.has_login:
            raise web.HTTPNotFound()
        typed = await _form_value(request, "geheim")
        cookie = self._access.login(request, typed)
        if cookie is None:
            return _login_page("Onjuist wachtwoord.", status=403)
        response = web.HTTPSeeOther(REPORT_PATH)
        response.set_cookie(
            COOKIE,
            cookie,
            path=REPORT_PATH,
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )
        raise response

    # -- helpers -------------------------------------------------------------------------------

    async def _report(self, request: web.Request) -> Report:
        start, end, filters = self._query(request)
        async with self._reading:
            try:
                reading = await asyncio.to_thread(self._register.reading)
            except RegisterUnavailableError:
                raise web.HTTPServiceUnavailable(
                    text="Het register is nu niet bereikbaar. Probeer het zo opnieuw.",
                    headers={"Retry-After": "30", "Cache-Control": "no-store"},
                ) from None
        return build_report(
            reading.records,
            start=start,
            end=end,
            knowledge=self._conversation.knowledge,
            filters=filters,
            warning=reading.warning,
        )

    def _query(self, request: web.Request) -> tuple[date, date, Filters]:
        today = datetime.now(AMSTERDAM).date()
        try:
            start = date.fromisoformat(request.query.get("van") or f"{today.year}-01-01")
            end = date.fromisoformat(request.query.get("tot") or today.isoformat())
        except ValueError:
            raise _bad("Gebruik datums als JJJJ-MM-DD.") from None
        if end < start:
            raise _bad("De einddatum ligt vóór de begindatum.")
        if (end - start).days > 366 * 5:
            raise _bad("Kies een periode van hoogstens vijf jaar.")
        knowledge = self._conversation.knowledge
        region = request.query.get("regio") or None
        organisation = request.query.get("organisatie") or None
        if region is not None and region not in knowledge.regions:
            raise _bad("Deze regio bestaat niet.")
        if organisation is not None and organisation not in knowledge.organisations:
            raise _bad("Deze organisatie bestaat niet.")
        return start, end, Filters(region, organisation)

    def _regions(self) -> tuple[tuple[str, str], ...]:
        regions = self._conversation.knowledge.regions.values()
        return tuple((r.code, r.name) for r in sorted(regions, key=lambda r: r.name))

    def _organisations(self) -> tuple[tuple[str, str], ...]:
        organisations = self._conversation.knowledge.organisations.values()
        return tuple((o.id, o.name) for o in sorted(organisations, key=lambda o: o.name.casefold()))

    @staticmethod
    def _download(report: Report, body: bytes, suffix: str, kind: str) -> web.Response:
        name = f"verbind-rapport-{report.start.isoformat()}-{report.end.isoformat()}.{suffix}"
        return web.Response(
            body=body,
            content_type=kind,
            charset="utf-8" if suffix == "csv" else None,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )


def _bad(message: str) -> web.HTTPBadRequest:
    html = html_page("Verbind: rapport", f"<h1>Rapport</h1><p>{escape(message)}</p>", style=CSS)
    return web.HTTPBadRequest(text=html, content_type="text/html", headers=_PAGE_HEADERS)


def _login_page(problem: str = "", *, status: int = 200) -> web.Response:
    warning = f'<p role="alert">{escape(problem)}</p>' if problem else ""
    body = (
        f"<h1>Rapport: inloggen</h1>{warning}"
        f'<form method="post" action="{REPORT_PATH}/login">'
        '<label>Gedeeld wachtwoord <input type="password" name="geheim" '
        'autocomplete="current-password" required></label>'
        "<button type=submit>Inloggen</button></form>"
    )
    html = html_page("Verbind: rapport", body, style=_LOGIN_CSS)
    return web.Response(text=html, content_type="text/html", status=status, headers=_PAGE_HEADERS)


async def _form_value(request: web.Request, name: str) -> str:
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(text="Verwacht een formulier.")
    if (request.content_length or 0) > _MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(_MAX_FORM, request.content_length or 0)
    body = await request.content.read(_MAX_FORM + 1)
    if len(body) > _MAX_FORM:
        raise web.HTTPRequestEntityTooLarge(_MAX_FORM, len(body))
    try:
        values = parse_qs(body.decode("utf-8"), max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        raise web.HTTPBadRequest(text="Onleesbaar formulier.") from None
    return (values.get(name) or [""])[0]


def report_url(settings: Settings) -> str | None:
    """Where people reach the report: the public address when a login protects it, else the
    page on this machine (where the report opens without one); None when it is not served."""
    if settings.report_secret and settings.public_url:
        return f"{settings.public_url}{REPORT_PATH}"
    local = page_url(settings, host=settings.host, port=settings.port)
    return f"{local}{REPORT_PATH.lstrip('/')}" if local else None


def mount_report(
    app: web.Application,
    *,
    conversation: Conversation,
    register: Register,
    access: ReportAccess,
) -> None:
    """Add ``/rapport`` and its downloads and login (unless nobody may open it)."""
    if not access.serves:
        return
    page = _ReportPage(conversation, register, access)
    app.router.add_get(REPORT_PATH, page.page)
    app.router.add_get(f"{REPORT_PATH}/rapport.csv", page.csv)
    app.router.add_get(f"{REPORT_PATH}/rapport.xlsx", page.xlsx)
    app.router.add_get(f"{REPORT_PATH}/login", page.login_form)
    app.router.add_post(f"{REPORT_PATH}/login", page.login)
