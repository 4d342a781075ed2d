"""Requests a session sent, kept (as ids) until their consultation is recorded.

The requester is told once that a request was picked up (proactively, or on their next turn);
the record flow then records the consultation under the same reference, so a request and its
record count once. This module is the only code that knows how these are kept in session facts,
and how a notice's button carries one sealed (``seal_request``), so it can be recorded after the
session has ended.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

from dialogs.register import DIRECTIONS, KINDS, Direction, Kind
from dialogs.sealed import seal_ids, unseal_ids
from dialogs.session import Session

__all__ = [
    "OpenRequest",
    "close_request",
    "find_request",
    "open_request",
    "open_requests",
    "picked_up",
    "read_sealed_request",
    "reopened",
    "seal_request",
]


@dataclass(frozen=True)
class OpenRequest:
    """A request this session sent: what its later record needs (ids only)."""

    reference: str
    kind: Kind
    partner: str
    region: str | None
    direction: Direction
    picked_up: bool = False


_OPEN = "aanvraag"
_OPEN_FIELDS = {"kind": "soort", "partner": "partner", "region": "regio", "direction": "richting"}
_PICKED_UP = "opgepakt"


def _key(field: str | None, reference: str) -> str:
    name = _OPEN if field is None else f"{_OPEN}-{_OPEN_FIELDS[field]}"
    return f"{name}:{reference.lower()}"


def open_request(session: Session, request: OpenRequest) -> Session:
    """``session`` remembering ``request``."""
    status = _PICKED_UP if request.picked_up else "open"
    session = session.with_fact(_key(None, request.reference), status)
    for field in _OPEN_FIELDS:
        value = getattr(request, field)
        session = session.with_fact(
            _key(field, request.reference), value.lower() if value else None
        )
    return session


def _read_open(session: Session, reference: str) -> OpenRequest | None:
    status = session.facts.get(_key(None, reference))
    values = {f: session.facts.get(_key(f, reference)) for f in _OPEN_FIELDS}
    if status is None or values["kind"] is None or values["partner"] is None:
        return None
    region = values["region"]
    return OpenRequest(
        reference.upper(),
        cast(Kind, values["kind"]),
        values["partner"],
        region.upper() if region else None,
        cast(Direction, values["direction"] or "jgz-partner"),
        status == _PICKED_UP,
    )


def open_requests(session: Session, *, picked_up: bool = False) -> tuple[OpenRequest, ...]:
    """This session's requests whose consultation is not yet recorded: those not yet picked up
    (or, with ``picked_up``, those picked up since)."""
    references = [
        key.removeprefix(f"{_OPEN}:") for key in session.facts if key.startswith(f"{_OPEN}:")
    ]
    found = (_read_open(session, r) for r in references)
    return tuple(r for r in found if r is not None and r.picked_up == picked_up)


def find_request(session: Session, reference: str) -> OpenRequest | None:
    """The open request ``reference`` of this session, if it has one."""
    return _read_open(session, reference)


def picked_up(session: Session, reference: str) -> Session:
    """``session`` knowing request ``reference`` was picked up (its record may follow)."""
    found = _read_open(session, reference)
    if found is None:
        return session.with_fact(_key(None, reference), None)
    return open_request(session, replace(found, picked_up=True))


def reopened(session: Session, reference: str) -> Session:
    """``session`` waiting again to hear that ``reference`` was picked up (a notice that could
    not be delivered is given on the next turn instead)."""
    found = _read_open(session, reference)
    return session if found is None else open_request(session, replace(found, picked_up=False))


def close_request(session: Session, reference: str) -> Session:
    """``session`` without request ``reference`` (its consultation is recorded)."""
    session = session.with_fact(_key(None, reference), None)
    for field in _OPEN_FIELDS:
        session = session.with_fact(_key(field, reference), None)
    return session


_SEAL_PURPOSE = "picked-up-request"


def seal_request(request: OpenRequest, key: bytes) -> str:
    """``request`` (ids only) as a token a notice's button carries: pressed after the session
    ended, the request can still be recorded under its own reference."""
    ids = (request.reference, request.kind, request.partner, request.region or "")
    return seal_ids((*ids, request.direction), key, purpose=_SEAL_PURPOSE)


def read_sealed_request(token: str, key: bytes) -> OpenRequest | None:
    """The picked-up request sealed in ``token``, or None when ``token`` is not one (a plain
    reference, a forged or altered token)."""
    ids = unseal_ids(token, key, purpose=_SEAL_PURPOSE, count=5)
    if ids is None:
        return None
    reference, kind, partner, region, direction = ids
    if kind not in KINDS or direction not in DIRECTIONS:
        return None
    return OpenRequest(reference, kind, partner, region or None, direction, picked_up=True)
