"""``/rapport``: the covenant's figures as a page for managers, with filters and downloads.

``GET /rapport?van=2026-01-01&tot=2026-12-31&regio=VT20&organisatie=save`` shows the report
(default: this year up to today, Amsterdam time); ``/rapport/rapport.csv`` and
``/rapport/rapport.xlsx`` take the same query and download the same report. Every request reads
the register afresh and verifies its chain first (:meth:`bot.storage.chainedregister.
ChainedRegister.reading`); a broken chain or skipped rows show as a warning above the figures.
Who may open it: :mod:`bot.access` (the staff pages' one rule, with ``VERBIND_REPORT_SECRET``).
Nothing here logs a query or a figure.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from datetime import date, datetime
from html import escape

from aiohttp import web

from bot.access import Colleague, StaffAccess
from bot.channels.web.page import page_url
from bot.settings import Settings
from bot.storage.backends import Register
from dialogs.consultation.record import register_partners
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


_PAGE_HEADERS = _headers(CSS)


class _ReportPage:
    def __init__(self, conversation: Conversation, register: Register, access: StaffAccess) -> None:
        self._conversation = conversation
        self._register = register
        self._access = access
        self._reading = asyncio.Lock()  # one register read at a time (one sync connection)

    async def page(self, request: web.Request) -> web.Response:
        """The report with its filters and downloads."""
        colleague = self._access.admit(request)
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
        response = web.Response(text=html, content_type="text/html", headers=_PAGE_HEADERS)
        self._access.remember(response, request, colleague)
        return response

    async def csv(self, request: web.Request) -> web.Response:
        """The same report as CSV (the Dutch Excel dialect)."""
        colleague = self._access.admit(request)
        report = await self._report(request)
        response = self._download(report, render_csv(report).encode(), "csv", "text/csv")
        return self._remembered(response, request, colleague)

    async def xlsx(self, request: web.Request) -> web.Response:
        """The same report as an Excel workbook."""
        colleague = self._access.admit(request)
        report = await self._report(request)
        response = self._download(report, render_xlsx(report), "xlsx", _XLSX)
        return self._remembered(response, request, colleague)

    def _remembered(
        self, response: web.Response, request: web.Request, colleague: Colleague
    ) -> web.Response:
        self._access.remember(response, request, colleague)
        return response

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
        knowledge = self._conversation.knowledge
        partners = (knowledge.organisations[o] for o in register_partners(knowledge))
        return tuple((o.id, o.name) for o in sorted(partners, key=lambda o: o.name.casefold()))

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
    access: StaffAccess,
) -> None:
    """Add ``/rapport`` and its downloads and login (unless nobody may open it)."""
    if not access.enabled:
        return
    page = _ReportPage(conversation, register, access)
    access.add_routes(app)
    app.router.add_get(REPORT_PATH, page.page)
    app.router.add_get(f"{REPORT_PATH}/rapport.csv", page.csv)
    app.router.add_get(f"{REPORT_PATH}/rapport.xlsx", page.xlsx)
