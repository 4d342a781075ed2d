"""``/intake/opgepakt``: the link a webhook partner opens to pick a request up.

GET shows a confirmation page (link previews and scanners must not pick anything up); the
button POSTs, which records "opgepakt" once. The sealed token is the only input.

:class:`PickupGate` refuses a pick-up that is too old (``VERBIND_PICKUP_DAYS``, default 7: a
forwarded or leaked link stops working) or, where the channel tells us, pressed outside the
partner's own intake chat (a copied button in another Teams conversation or Slack channel).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from aiohttp import web

from bot.intake.intakes import PICKUP_PATH, Intakes
from dialogs.conversation import Conversation
from dialogs.intake import read_pickup
from knowledge.pageshell import html_page

__all__ = ["EXPIRED", "OTHER_CHAT", "PickupGate", "add_pickup_routes", "form_value"]

EXPIRED = (
    "Deze link om het verzoek op te pakken is verlopen (hij werkt {days} dagen). "
    "Neem contact op met de aanvrager of vraag om een nieuw verzoek."
)
OTHER_CHAT = "Dit verzoek kan alleen worden opgepakt in het kanaal waar het is binnengekomen."

_MAX_TOKEN = 2000
_STYLE = (
    "body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; color: #111 }"
)


class PickupGate:
    """Checks a pick-up token before the conversation records it."""

    def __init__(
        self,
        key: bytes,
        *,
        max_age_days: float,
        intakes: Intakes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self._days = max_age_days
        self._intakes = intakes
        self._clock = clock

    def refusal(self, token: str, *, channel: str, place: str | None = None) -> str | None:
        """Dutch text when this pick-up must be refused: expired, or pressed in ``place`` (a
        Teams conversation id, a Slack channel id) that is not the partner's intake there.
        None lets it through (a malformed or forged token is refused by the conversation)."""
        sealed = read_pickup(token, self._key)
        if sealed is None:
            return None
        pickup, issued = sealed
        if self._clock() - issued > self._days * 86400:
            return EXPIRED.format(days=f"{self._days:g}")
        # A request partner → JGZ is picked up in the intake of the JGZ (its recipient).
        target = self._intakes.target(pickup.recipient or pickup.partner)
        if place is None or target is None or target.kind != channel:
            return None  # where it was pressed cannot be told, or it was not sent to a chat
        intake = target.address.get("conversation" if channel == "teams" else "channel", "")
        # A Teams channel thread is "19:…;messageid=…": the channel is the part before ";".
        return None if _chat(intake) == _chat(place) else OTHER_CHAT


def _chat(place: str) -> str:
    return place.split(";", 1)[0]


def add_pickup_routes(app: web.Application, conversation: Conversation, gate: PickupGate) -> None:
    """Add GET and POST ``/intake/opgepakt`` to ``app``."""

    async def confirm(request: web.Request) -> web.Response:
        token = _token(request.query.get("t", ""))
        refusal = gate.refusal(token, channel="webhook")
        if refusal is not None:
            return _page(f"<p>{html.escape(refusal)}</p>", status=410)
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
        refusal = gate.refusal(token, channel="webhook")
        if refusal is not None:
            return _page(f"<p>{html.escape(refusal)}</p>", status=410)
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


def _page(body: str, *, status: int = 200) -> web.Response:
    page = html_page(
        "Verbind: verzoek oppakken", f"<h1>Consultatieverzoek</h1>\n{body}", style=_STYLE
    )
    return web.Response(text=page, content_type="text/html", status=status)
