"""Partner intakes: where consultation requests are delivered (configuration, not content).

The intakes file (``VERBIND_INTAKES``) lists one entry per partner::

    intakes:
      - partner: save                      # an organisation id from the directory
        webhook: https://intake.example.nl/verbind
      - partner: veilig-thuis-noord
        teams: {service_url: "https://smba.trafficmanager.net/emea/", conversation: "19:…"}
      - partner: jgz-noord
        slack: {channel: C0123456}

Couriers per kind (webhook here; Teams and Slack from their channel modules) are added when
the channel is up; a partner whose courier is missing has no intake in this process.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from aiohttp import ClientError, ClientSession, ClientTimeout

from dialogs.consultation.pickup import IntakePlace
from dialogs.intake import ConsultationRequest, IntakeUnavailableError
from dialogs.turn import Reply
from knowledge.library import KnowledgeBase
from knowledge.problems import ContentError, Problem
from knowledge.yamldoc import YamlDocument, read_yaml

__all__ = [
    "PICKUP_PATH",
    "ChannelNotifier",
    "Courier",
    "IntakeTarget",
    "Intakes",
    "WebhookCourier",
    "load_intakes",
    "pickup_url",
]

CourierKind = Literal["webhook", "teams", "slack", "inbox"]
PICKUP_PATH = "/intake/opgepakt"
_log = logging.getLogger("verbind.intake")


@dataclass(frozen=True)
class IntakeTarget:
    """One partner's intake."""

    partner: str
    kind: CourierKind
    address: Mapping[str, str]
    """webhook: ``url``; teams: ``service_url``, ``conversation``; slack: ``channel``."""


class Courier(Protocol):
    """Delivers a request to one kind of intake and tells requesters of that kind."""

    async def deliver(self, target: IntakeTarget, request: ConsultationRequest) -> None:
        """Forward ``request``; raises IntakeUnavailableError."""

    async def notify(self, address: str, notice: Reply) -> None:
        """Tell a requester (``address`` without its kind prefix) with ``notice``, drawn as
        the channel draws a reply."""


class Intakes:
    """The deployment's intake desk: partners with a configured intake and a courier for it."""

    def __init__(self, targets: tuple[IntakeTarget, ...] = ()) -> None:
        self._targets = {t.partner: t for t in targets}
        self._couriers: dict[str, Courier] = {}

    def add_courier(self, kind: CourierKind, courier: Courier) -> None:
        """Make intakes of ``kind`` deliverable (and requesters of ``kind`` notifiable)."""
        self._couriers[kind] = courier

    def partners(self) -> tuple[str, ...]:
        """Partners whose intake can be reached from this process."""
        return tuple(p for p, t in self._targets.items() if t.kind in self._couriers)

    async def deliver(self, request: ConsultationRequest) -> None:
        """Forward ``request`` to its partner's intake."""
        target = self._targets.get(request.partner)
        courier = self._couriers.get(target.kind) if target else None
        if target is None or courier is None:
            raise IntakeUnavailableError(request.partner)
        await courier.deliver(target, request)
        _log.info("request delivered partner=%s kind=%s", target.partner, target.kind)

    def target(self, partner: str) -> IntakeTarget | None:
        """The intake configured for ``partner``, if any."""
        return self._targets.get(partner)

    def intake_place(self, partner: str) -> IntakePlace | None:
        """Where ``partner``'s requests arrive, for the pick-up rule: its Teams conversation,
        Slack channel or built-in inbox, or (webhook) the pick-up link page."""
        target = self._targets.get(partner)
        if target is None:
            return None
        chat = {
            "teams": target.address.get("conversation"),
            "slack": target.address.get("channel"),
            "inbox": target.partner,
        }.get(target.kind)
        return IntakePlace(target.kind, chat)

    def courier(self, kind: str) -> Courier | None:
        """The courier for ``kind``, if any."""
        return self._couriers.get(kind)


class ChannelNotifier:
    """Routes a pick-up notice to the requester's channel (``teams:…`` / ``slack:…``)."""

    def __init__(self, intakes: Intakes) -> None:
        self._intakes = intakes

    async def notify(self, address: str, notice: Reply) -> bool:
        """Send ``notice``; True once delivered. A failure is logged and answered False, so the
        requester is told on their next turn instead."""
        kind, _, rest = address.partition(":")
        courier = self._intakes.courier(kind)
        if courier is None:
            return False
        try:
            await courier.notify(rest, notice)
        except (ClientError, ConnectionError, TimeoutError, ValueError) as exc:
            _log.warning("notify failed kind=%s error=%s", kind, type(exc).__name__)
            return False
        return True


def pickup_url(public_url: str, token: str) -> str | None:
    """The link a webhook partner opens to pick a request up (needs the public address)."""
    return f"{public_url}{PICKUP_PATH}?t={token}" if public_url else None


class WebhookCourier:
    """Posts requests as JSON to a partner's https endpoint."""

    def __init__(self, *, public_url: str, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._public_url = public_url
        self._session: ClientSession | None = None

    async def deliver(self, target: IntakeTarget, request: ConsultationRequest) -> None:
        """POST the request; any non-2xx answer or network error is a failed delivery."""
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=self._timeout))
        body: dict[str, Any] = {**asdict(request), "pickup_url": None}
        body["pickup_url"] = pickup_url(self._public_url, request.pickup)
        try:
            async with self._session.post(target.address["url"], json=body) as response:
                if response.status >= 300:
                    raise IntakeUnavailableError(f"webhook answered {response.status}")
        except (ClientError, TimeoutError) as exc:
            raise IntakeUnavailableError(type(exc).__name__) from exc

    async def notify(self, address: str, notice: Reply) -> None:
        """Webhook requesters are told on their next turn instead."""

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()


def load_intakes(path: Path, knowledge: KnowledgeBase) -> tuple[IntakeTarget, ...]:
    """The intakes in ``path``; raises ContentError with ``file:line: partner: message``."""
    document = read_yaml(path, display_name=path.name)
    data = document.data if isinstance(document.data, dict) else {}
    entries = data.get("intakes")
    if set(data) != {"intakes"} or not isinstance(entries, list):
        raise ContentError([document.problem((), "verwacht één sleutel 'intakes' met een lijst")])
    targets: list[IntakeTarget] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        target = _target(document, index, entry, knowledge, problems)
        if target is not None:
            targets.append(target)
    seen = [t.partner for t in targets]
    for index, partner in enumerate(seen):
        if partner in seen[:index]:
            problems.append(_at(document, ("intakes", index), partner, "staat er twee keer"))
    if problems:
        raise ContentError(problems)
    return tuple(targets)


_FIELDS: Mapping[str, tuple[str, ...]] = {
    "webhook": ("url",),
    "teams": ("service_url", "conversation"),
    "slack": ("channel",),
}


def _target(
    document: YamlDocument,
    index: int,
    entry: Any,
    knowledge: KnowledgeBase,
    problems: list[Problem],
) -> IntakeTarget | None:
    path = ("intakes", index)
    if not isinstance(entry, dict) or not isinstance(entry.get("partner"), str):
        problems.append(document.problem(path, "elke intake heeft 'partner: <organisatie-id>'"))
        return None
    partner = entry["partner"]
    if partner not in knowledge.organisations:
        problems.append(_at(document, path, partner, "onbekende organisatie in het adresboek"))
        return None
    kinds = [k for k in entry if k != "partner"]
    if len(kinds) != 1 or kinds[0] not in _FIELDS:
        message = "geef precies één van webhook, teams of slack"
        problems.append(_at(document, path, partner, message))
        return None
    kind = kinds[0]
    address = {"url": entry[kind]} if kind == "webhook" else entry[kind]
    problem = _address_problem(kind, address)
    if problem is not None:
        problems.append(_at(document, (*path, kind), partner, problem))
        return None
    return IntakeTarget(partner, kind, dict(address))


def _address_problem(kind: str, address: Any) -> str | None:
    wanted = _FIELDS[kind]
    if not isinstance(address, dict) or set(address) != set(wanted):
        return f"{kind} heeft precies: {', '.join(wanted)}"
    if not all(isinstance(address[f], str) and address[f] for f in wanted):
        return f"{kind}: elke waarde is tekst"
    url = address.get("url") or address.get("service_url")
    local = ("http://127.0.0.1", "http://localhost")
    if url is not None and not (url.startswith("https://") or url.startswith(local)):
        return f"{kind}: het adres moet met https:// beginnen"
    return None


def _at(document: YamlDocument, path: tuple[str | int, ...], partner: str, message: str) -> Problem:
    located = document.problem(path, message)
    return Problem(located.location, partner, message)
