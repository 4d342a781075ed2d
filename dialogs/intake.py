"""Consultation requests: what is forwarded to a partner's intake, and the ports that carry it.

A request's content (the short question, a callback number, the requester's name) goes to the
partner and nowhere else: no session, register or log ever holds it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from dialogs.phrases import CONSULTATION
from dialogs.sealed import seal, unseal
from dialogs.turn import Button, Payload, Reply

__all__ = [
    "PICKUP_LABEL",
    "PICKUP_NODE",
    "ConsultationRequest",
    "IntakeDesk",
    "IntakeUnavailableError",
    "NoIntakes",
    "Notifier",
    "Pickup",
    "open_pickup",
    "read_pickup",
    "request_reply",
    "seal_pickup",
    "shown_time",
]

PICKUP_NODE = "_opgepakt"
PICKUP_LABEL = "Ik pak dit op"
_PICKUP_PURPOSE = "pickup"
SHOWN_ZONE = ZoneInfo("Europe/Amsterdam")
"""Times are stored in UTC and shown to people in Dutch time (CET/CEST)."""


@dataclass(frozen=True)
class Pickup:
    """What an "Ik pak dit op" button carries, sealed so it cannot be forged."""

    reference: str
    kind: str
    partner: str
    region: str | None
    direction: str
    channel: str
    """The requester's channel."""
    address: str | None
    """Where to tell the requester (opaque, channel-specific); None: on their next turn."""
    recipient: str | None = None
    """Who picks up, when not ``partner`` (a request partner → JGZ is picked up by the JGZ)."""
    session: str | None = None
    """The requester's opaque session key, so the pick-up notice is delivered exactly once
    (proactively, or on their next turn; never both)."""


@dataclass(frozen=True)
class ConsultationRequest:
    """A request as it is forwarded. Never stored."""

    reference: str
    partner: str
    partner_name: str
    urgency: str
    question: str | None
    callback: str
    """How to reach the requester, in words ("via Teams: Jan Jansen", "telefoon 030 …")."""
    requested_at: str
    pickup: str
    """The sealed :class:`Pickup` token for the partner's "Ik pak dit op"."""
    subject: str = "Consultatieverzoek"
    """What is asked or sent ("Consultatieverzoek", "Terugkoppeling: Onderzoek afgerond")."""
    requester: str | None = None
    """The requester's own name and organisation, as they typed them."""
    gemeente: str | None = None
    """The child's gemeente, when the request depends on it (never an address)."""
    phone: str | None = None
    """The requester's work number as typed, when the partner is to phone back (a tel: link)."""
    reach: str | None = None
    """The chat in which the partner reaches the requester ("Teams", "Slack"), else None."""
    sender: str | None = None
    """How that chat names the requester (a Teams name, a Slack mention), else None."""


class IntakeUnavailableError(Exception):
    """The partner's intake could not be reached; nothing was sent."""


class IntakeDesk(Protocol):
    """Delivers requests to the partners that have an intake configured."""

    def partners(self) -> tuple[str, ...]:
        """Organisation ids with an intake."""

    async def deliver(self, request: ConsultationRequest) -> None:
        """Forward ``request``; raises :class:`IntakeUnavailableError` on failure."""


class Notifier(Protocol):
    """Tells a requester, in their own channel, that a partner picked their request up."""

    async def notify(self, address: str, notice: Reply) -> bool:
        """Send ``notice`` to ``address`` as the channel sends any reply (a card in Teams, Block
        Kit in Slack, with its buttons); True once it was delivered, False when it could not be
        (logged, not raised: the requester is then told on their next turn)."""


class NoIntakes:
    """A deployment without any intake: requests go by phone."""

    def partners(self) -> tuple[str, ...]:
        """None."""
        return ()

    async def deliver(self, request: ConsultationRequest) -> None:
        """Never called: no partner has an intake."""
        raise IntakeUnavailableError(request.partner)


def seal_pickup(pickup: Pickup, key: bytes, *, issued: float | None = None) -> str:
    """``pickup`` as a URL-safe token with an HMAC, stamped with the moment it was sealed
    (``issued``, Unix seconds; now when None) so a link can expire."""
    return seal(asdict(pickup), key, purpose=_PICKUP_PURPOSE, issued=issued)


def read_pickup(token: str, key: bytes) -> tuple[Pickup, float] | None:
    """The pickup sealed in ``token`` and when it was sealed (Unix seconds; 0 for a token from
    before stamps, which counts as long expired), or None when it is malformed or forged."""
    sealed = unseal(token, key, purpose=_PICKUP_PURPOSE)
    if sealed is None:
        return None
    data, issued = sealed
    try:
        return Pickup(**data), issued
    except TypeError:
        return None


def open_pickup(token: str, key: bytes) -> Pickup | None:
    """The pickup sealed in ``token``, or None when it is malformed or forged."""
    sealed = read_pickup(token, key)
    return None if sealed is None else sealed[0]


def shown_time(moment: str) -> str:
    """A register time (``2026-11-23T14:05Z``, UTC) as people read it here: ``23-11-2026 15:05``
    in Europe/Amsterdam; the text unchanged when it is not such a time."""
    try:
        utc = datetime.strptime(moment, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except ValueError:
        return moment
    return utc.astimezone(SHOWN_ZONE).strftime("%d-%m-%Y %H:%M")


def request_reply(request: ConsultationRequest) -> Reply:
    """The message a partner's intake channel shows, with the "Ik pak dit op" button."""
    when = shown_time(request.requested_at)
    say = CONSULTATION
    head = say["request-head"].format(
        subject=request.subject, reference=request.reference, partner=request.partner_name
    )
    lines = [
        head,
        *([say["request-from"].format(requester=request.requester)] if request.requester else []),
        *([say["request-gemeente"].format(gemeente=request.gemeente)] if request.gemeente else []),
        say["request-urgency"].format(urgency=request.urgency),
        say["request-question"].format(question=request.question or say["request-no-question"]),
        say["request-callback"].format(callback=request.callback),
        say["request-time"].format(when=when),
        say["request-not-kept"],
    ]
    button = Button(PICKUP_LABEL, Payload(PICKUP_NODE, request.pickup))
    return Reply("\n".join(lines), kind="info", buttons=(button,))
