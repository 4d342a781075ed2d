"""``/inbox`` and ``/inbox/{partner}``: the partner inbox in a browser.

Who may open it is the staff-page rule of :mod:`bot.access` (this machine by default; with
``VERBIND_INBOX_SECRET`` a rate-limited login; a session cookie per colleague that expires; every
route and method checks ``Origin``). A partner's page lists the open requests, each with
"Ik pak dit op" (a POST: link previews cannot trigger it), then "Opgepakt door u": what this
colleague picked up, with the callback details (the number as a tap-to-call link) until they
close it ("Afronden en wissen"), and what colleagues picked up, with who and when. Times are Dutch
local time. Whether a request may be picked up, and who wins two presses at once, is decided by
the conversation's one pick-up rule and the register; the requester is told once from there.
Nothing here logs a request's content or a colleague's name.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from bot.access import (
    Colleague,
    StaffAccess,
    form_fields,
    read_form,
    staff_page,
)
from bot.intake.inbox import Inbox, InboxItem, PickedUp
from bot.settings import Settings
from dialogs.consultation.pickup import PickupOutcome, Press
from dialogs.contacts import tel_href
from dialogs.conversation import Conversation
from dialogs.intake import PICKUP_LABEL, ConsultationRequest, shown_time
from dialogs.phrases import CONSULTATION as REQUEST
from dialogs.phrases import INBOX as SAY
from dialogs.phrases import PICKUP

__all__ = ["INBOX_CHANNEL", "INBOX_PATH", "mount_inbox"]

INBOX_PATH = "/inbox"
INBOX_CHANNEL = "inbox"
"""How a press in the inbox names its channel (the intake kind it serves)."""
_CSS = (
    "body{font:16px/1.5 system-ui,'Segoe UI',Arial,sans-serif;max-width:46rem;margin:1.5rem auto;"
    "padding:0 1rem;color:#1a1a1a}h1{font-size:1.5rem}h2{font-size:1.25rem;margin:1.5rem 0 .3rem}"
    "h3{font-size:1.1rem;margin:.2rem 0}article{border:2px solid #1f4e79;border-radius:6px;"
    "padding:.6rem 1rem;margin:1rem 0}article p{margin:.3rem 0;white-space:pre-line}"
    ".urgentie{display:inline-block;font-weight:700;background:#fff4ce;border:2px solid #8a5a00;"
    "border-radius:4px;padding:0 .5rem}button,a.bel{font:inherit;display:inline-block;"
    "min-height:44px;box-sizing:border-box;padding:.45rem 1rem;border-radius:4px;"
    "border:2px solid #1f4e79;background:#1f4e79;color:#fff;cursor:pointer;text-decoration:none;"
    "margin:.3rem .5rem .3rem 0}button.stil{background:#fff;color:#1f4e79}.stil{color:#3d3d3d}"
    "[role=status]{border-left:4px solid #1f4e79;padding:.3rem .8rem;background:#eef4fa}"
    "nav form{display:inline}"
)


_REFUSED_GONE = ("verlopen", "ongeldig")


class _InboxPage:
    def __init__(
        self,
        conversation: Conversation,
        inbox: Inbox,
        partners: tuple[str, ...],
        settings: Settings,
        access: StaffAccess,
    ) -> None:
        self._conversation = conversation
        self._inbox = inbox
        self._access = access
        self._kept = SAY["kept"].format(days=f"{settings.pickup_days:g}")
        self._partners = partners

    # -- pages ---------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        """Every partner with an inbox: how many requests are open, and picked up by you."""
        colleague = self._access.admit(request)
        items = "".join(
            f'<li><a href="{INBOX_PATH}/{escape(p)}">{escape(self._name(p))}</a> '
            f"({escape(self._counts(p, colleague))})</li>"
            for p in self._partners
        )
        body = (
            f"<h1>{escape(SAY['title'])}</h1>{self._nav(colleague, top=True)}<ul>{items}</ul>"
            f"<p class=stil>{escape(self._kept)}</p>"
        )
        return self._page(request, colleague, "Verbind: inbox", body)

    async def partner(self, request: web.Request) -> web.Response:
        """One partner's inbox."""
        colleague = self._access.admit(request)
        return self._partner_page(request, colleague, self._partner(request), "")

    async def pick_up(self, request: web.Request) -> web.Response:
        """POST ``ref``: "Ik pak dit op". One press wins; the other sees who has it."""
        colleague = self._access.admit(request)
        partner = self._partner(request)
        reference = form_fields(await read_form(request)).get("ref", "")
        self._known(colleague)
        message = await self._take(partner, reference, colleague)
        return self._partner_page(request, colleague, partner, message)

    async def close(self, request: web.Request) -> web.Response:
        """POST ``ref``: the colleague who has the request is done with it; it is wiped."""
        colleague = self._access.admit(request)
        partner = self._partner(request)
        reference = form_fields(await read_form(request)).get("ref", "")
        self._known(colleague)
        if self._inbox.close(partner, reference, lambda p: self._picked_by(p, colleague)):
            message = SAY["closed"].format(reference=reference)
        elif self._inbox.get(partner, reference) is None:
            message = SAY["gone"]
        else:
            message = SAY["not-yours"]
        return self._partner_page(request, colleague, partner, message)

    # -- picking up ----------------------------------------------------------------------------

    async def _take(self, partner: str, reference: str, colleague: Colleague) -> str:
        item = self._inbox.get(partner, reference)
        if item is None:
            return SAY["gone"]
        if item.picked is not None:
            return self._already(item, colleague)
        # Reserved at once (no await in between): a second press in this process sees who.
        self._inbox.reserve(partner, reference, PickedUp(colleague.id, colleague.name))
        press = Press(item.request.pickup, INBOX_CHANNEL, partner)
        outcome = await self._conversation.pick_up(press)
        self._settle(partner, reference, outcome)
        return outcome.text

    def _settle(self, partner: str, reference: str, outcome: PickupOutcome) -> None:
        """Keep the inbox in line with what the register decided."""
        if outcome.result == "opgepakt" and outcome.picked_at is not None:
            self._inbox.confirm(partner, reference, outcome.picked_at)
        elif outcome.result == "al-opgepakt":  # recorded elsewhere: who is not known here
            self._inbox.release(partner, reference)
            self._inbox.reserve(partner, reference, PickedUp("", "", outcome.picked_at))
        elif outcome.refusal in _REFUSED_GONE:
            self._inbox.remove(partner, reference)
        else:  # the register could not be written: the request is open again
            self._inbox.release(partner, reference)

    def _already(self, item: InboxItem, colleague: Colleague) -> str:
        picked = item.picked
        assert picked is not None
        who = self._who(picked, colleague)
        return PICKUP["already-by"].format(
            reference=item.request.reference, who=who, when=_when(picked)
        )

    # -- rendering -----------------------------------------------------------------------------

    def _partner_page(
        self, request: web.Request, colleague: Colleague, partner: str, message: str
    ) -> web.Response:
        picked = self._inbox.picked(partner)
        mine = [i for i in picked if self._mine(i, colleague)]
        others = [i for i in picked if not self._mine(i, colleague)]
        open_items = self._inbox.open(partner)
        title = SAY["partner-title"].format(partner=self._name(partner))
        status = f'<p role="status">{escape(message)}</p>' if message else ""
        body = (
            f"<h1>{escape(title)}</h1>{status}{self._nav(colleague, top=False)}"
            + _section(
                "open",
                SAY["open"],
                [self._open(partner, i) for i in open_items],
                empty=SAY["none-open"],
            )
            + _section(
                "mine",
                SAY["mine"],
                [self._mine_article(partner, i) for i in mine],
                empty=SAY["none-mine"],
            )
            + _section(
                "collega",
                SAY["colleagues"],
                [self._colleague_article(i, colleague) for i in others],
            )
            + f"<p class=stil>{escape(self._kept)}</p>"
        )
        return self._page(request, colleague, f"Verbind: {title}", body)

    def _open(self, partner: str, item: InboxItem) -> str:
        button = _button(partner, "", item.request.reference, PICKUP_LABEL, quiet=False)
        return _article(item.request, details=True, extra=button)

    def _mine_article(self, partner: str, item: InboxItem) -> str:
        request = item.request
        href = tel_href(request.phone) if request.phone else None
        call = ""
        if href is not None and request.phone is not None:
            label = SAY["call"].format(phone=request.phone)
            call = f'<p><a class=bel href="{escape(href)}">{escape(label)}</a></p>'
        close = _button(partner, "/afronden", request.reference, SAY["close"], quiet=True)
        return _article(request, details=True, extra=call + close)

    def _colleague_article(self, item: InboxItem, colleague: Colleague) -> str:
        picked = item.picked
        assert picked is not None
        line = SAY["picked-by"].format(who=self._who(picked, colleague), when=_when(picked))
        return _article(item.request, details=False, extra=_p(line))

    def _nav(self, colleague: Colleague, *, top: bool) -> str:
        back = "" if top else f'<a href="{INBOX_PATH}">{escape(SAY["all"])}</a> '
        logout = (
            f'<form method="post" action="{self._access.realm.logout_path}">'
            f"<button class=stil type=submit>{escape(SAY['logout'])}</button></form>"
            if not colleague.local
            else ""
        )
        return f"<nav>{back}{logout}</nav>" if back or logout else ""

    def _page(
        self, request: web.Request, colleague: Colleague, title: str, body: str
    ) -> web.Response:
        response = staff_page(title, body, style=_CSS)
        self._access.remember(response, request, colleague)
        return response

    # -- helpers -------------------------------------------------------------------------------

    def _known(self, colleague: Colleague) -> None:
        """A change needs the colleague's own session cookie from an earlier page (which a form
        on another site cannot send: SameSite=Strict)."""
        if colleague.fresh:
            raise web.HTTPForbidden(text=SAY["other-site"])

    @staticmethod
    def _picked_by(picked: PickedUp, colleague: Colleague) -> bool:
        return colleague.same_person(picked.colleague, picked.name)

    def _mine(self, item: InboxItem, colleague: Colleague) -> bool:
        return item.picked is not None and self._picked_by(item.picked, colleague)

    def _who(self, picked: PickedUp, colleague: Colleague) -> str:
        if self._picked_by(picked, colleague):
            return SAY["you"]
        return picked.name or SAY["a-colleague"]

    def _counts(self, partner: str, colleague: Colleague) -> str:
        mine = sum(1 for i in self._inbox.picked(partner) if self._mine(i, colleague))
        return SAY["counts"].format(open=self._inbox.count(partner), mine=mine)

    def _partner(self, request: web.Request) -> str:
        partner = request.match_info["partner"]
        if partner not in self._partners:
            raise web.HTTPNotFound(text="Deze inbox bestaat niet.")
        return partner

    def _name(self, partner: str) -> str:
        organisation = self._conversation.knowledge.organisations.get(partner)
        return organisation.name if organisation else partner


def _when(picked: PickedUp) -> str:
    """When it was picked up, in Dutch local time ("zojuist" while it is being recorded)."""
    return shown_time(picked.at) if picked.at else PICKUP["just-now"]


def _section(key: str, heading: str, articles: list[str], *, empty: str = "") -> str:
    """A titled group of requests (nothing at all when empty and ``empty`` is not given)."""
    if not articles and not empty:
        return ""
    title = f'<h2 id="{key}">{escape(heading)} ({len(articles)})</h2>'
    inner = "".join(articles) or _p(empty)
    return f'<section aria-labelledby="{key}">{title}{inner}</section>'


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _button(partner: str, action: str, reference: str, label: str, *, quiet: bool) -> str:
    kind = " class=stil" if quiet else ""
    return (
        f'<form method="post" action="{INBOX_PATH}/{escape(partner)}{action}">'
        f'<input type="hidden" name="ref" value="{escape(reference)}">'
        f"<button{kind} type=submit>{escape(label)}</button></form>"
    )


def _article(request: ConsultationRequest, *, details: bool, extra: str) -> str:
    """One request: its heading and urgency always; the callback details when ``details``."""
    head = REQUEST["request-head"].format(
        subject=request.subject, reference=request.reference, partner=request.partner_name
    )
    urgency = REQUEST["request-urgency"].format(urgency=request.urgency)
    lines = [
        REQUEST["request-time"].format(when=shown_time(request.requested_at)),
    ]
    if details:
        lines = [
            *(
                [REQUEST["request-from"].format(requester=request.requester)]
                if request.requester
                else []
            ),
            *(
                [REQUEST["request-gemeente"].format(gemeente=request.gemeente)]
                if request.gemeente
                else []
            ),
            REQUEST["request-question"].format(
                question=request.question or REQUEST["request-no-question"]
            ),
            REQUEST["request-callback"].format(callback=request.callback),
            *lines,
        ]
    shown = "".join(_p(line) for line in lines)
    return (
        f"<article><h3>{escape(head)}</h3><p><span class=urgentie>{escape(urgency)}</span></p>"
        f"{shown}{extra}</article>"
    )


def mount_inbox(
    app: web.Application,
    *,
    conversation: Conversation,
    inbox: Inbox,
    partners: tuple[str, ...],
    settings: Settings,
    access: StaffAccess,
) -> None:
    """Add the inbox routes and its login (unless the staff pages are off)."""
    if not access.enabled:
        return
    page = _InboxPage(conversation, inbox, partners, settings, access)
    access.add_routes(app)  # first: /inbox/login is not a partner's inbox
    app.router.add_get(INBOX_PATH, page.index)
    app.router.add_get(INBOX_PATH + "/{partner}", page.partner)
    app.router.add_post(INBOX_PATH + "/{partner}", page.pick_up)
    app.router.add_post(INBOX_PATH + "/{partner}/afronden", page.close)
