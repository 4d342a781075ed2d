"""``/intake/opgepakt``: the link a webhook partner opens to pick a request up.

GET shows a confirmation page (link previews and scanners must not pick anything up); the
button POSTs, which records "opgepakt" once. The sealed token is the only input.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from aiohttp import web

from bot.intake.intakes import PICKUP_PATH
from dialogs.conversation import Conversation

__all__ = ["add_pickup_routes", "form_value"]

_MAX_TOKEN = 2000
_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Verbind: verzoek oppakken</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; color: #111">
<h1>Consultatieverzoek</h1>
{body}
</body></html>
"""


def add_pickup_routes(app: web.Application, conversation: Conversation) -> None:
    """Add GET and POST ``/intake/opgepakt`` to ``app``."""

    async def confirm(request: web.Request) -> web.Response:
        token = _token(request.query.get("t", ""))
        form = (
            f'<form method="post" action="{PICKUP_PATH}">'
            f'<input type="hidden" name="t" value="{html.escape(token)}">'
            '<button type="submit">Ik pak dit op</button></form>'
        )
        return _page("<p>Pakt u dit verzoek op? De aanvrager krijgt dan bericht.</p>" + form)

    async def pick_up(request: web.Request) -> web.Response:
        if request.content_type != "application/x-www-form-urlencoded":
            raise web.HTTPUnsupportedMediaType(text="Verwacht een formulier.")
        token = _token(form_value(await request.read(), "t"))
        message = await conversation.pick_up(token, channel="webhook")
        return _page(f"<p>{html.escape(message)}</p>")

    app.router.add_get(PICKUP_PATH, confirm)
    app.router.add_post(PICKUP_PATH, pick_up)


def form_value(body: bytes, name: str) -> str:
    """One field of a url-encoded form. Not ``request.post()``: it raises on bytes that are not
    UTF-8 and on an unknown charset in the Content-Type, which would answer 500."""
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise web.HTTPBadRequest(text="Ongeldig formulier.") from exc
    values = fields.get(name, [])
    return values[0] if len(values) == 1 else ""


def _token(value: str) -> str:
    if not value or len(value) > _MAX_TOKEN:
        raise web.HTTPBadRequest(text="Ongeldige link.")
    return value


def _page(body: str) -> web.Response:
    return web.Response(text=_PAGE.format(body=body), content_type="text/html")
