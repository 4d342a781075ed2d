"""``/intake/opgepakt``: the link a webhook partner opens to pick a request up.

GET shows a confirmation page (link previews and scanners must not pick anything up); the
button POSTs, which records "opgepakt" once. The sealed token is the only input. Whether it may
be picked up is the one rule of :mod:`dialogs.consultation.pickup` (through the conversation):
an expired link answers 410, a forged one 400, a token meant for another intake 403.
"""

from __future__ import annotations

import html

from aiohttp import web

from bot.access import check_origin, form_fields, read_form
from bot.intake.intakes import PICKUP_PATH
from dialogs.consultation.pickup import PickupRefusal, Press, Refusal
from dialogs.conversation import Conversation
from dialogs.phrases import PICKUP
from knowledge.pageshell import html_page

__all__ = ["LINK_CHANNEL", "add_pickup_routes", "form_value"]

LINK_CHANNEL = "webhook"
"""How a press on the link page names its channel (the intake kind it serves)."""
_MAX_TOKEN = 2000
_STYLE = (
    "body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; color: #111 }"
)
_STATUS: dict[Refusal, int] = {"verlopen": 410, "ongeldig": 400, "elders": 403}


def add_pickup_routes(app: web.Application, conversation: Conversation) -> None:
    """Add GET and POST ``/intake/opgepakt`` to ``app``."""

    async def confirm(request: web.Request) -> web.Response:
        check_origin(request)
        token = _token(request.query.get("t", ""))
        checked = conversation.check_pickup(Press(token, LINK_CHANNEL))
        if isinstance(checked, PickupRefusal):
            return _page(f"<p>{html.escape(checked.text)}</p>", status=_STATUS[checked.reason])
        form = (
            f'<form method="post" action="{PICKUP_PATH}">'
            f'<input type="hidden" name="t" value="{html.escape(token)}">'
            '<button type="submit">Ik pak dit op</button></form>'
        )
        return _page(f"<p>{html.escape(PICKUP['confirm'])}</p>" + form)

    async def pick_up(request: web.Request) -> web.Response:
        check_origin(request)
        token = _token(form_value(await read_form(request), "t"))
        outcome = await conversation.pick_up(Press(token, LINK_CHANNEL))
        status = _STATUS[outcome.refusal] if outcome.refusal is not None else 200
        return _page(f"<p>{html.escape(outcome.text)}</p>", status=status)

    app.router.add_get(PICKUP_PATH, confirm)
    app.router.add_post(PICKUP_PATH, pick_up)


def form_value(body: bytes, name: str) -> str:
    """One field of a url-encoded form ("" when absent or repeated); 400 for bytes that are not
    UTF-8 (see :func:`bot.access.form_fields`)."""
    return form_fields(body).get(name, "")


def _token(value: str) -> str:
    if not value or len(value) > _MAX_TOKEN:
        raise web.HTTPBadRequest(text="Ongeldige link.")
    return value


def _page(body: str, *, status: int = 200) -> web.Response:
    page = html_page(
        "Verbind: verzoek oppakken", f"<h1>Consultatieverzoek</h1>\n{body}", style=_STYLE
    )
    return web.Response(text=page, content_type="text/html", status=status)
