"""Where a button or a typed message leads: typed targets, and their one string form.

Sessions keep offers as strings (ids only, never typed text); ``encode`` and ``decode`` are the
only code that spells or reads those strings. Everything else works with the dataclasses and
enumerations below, the steps of the consultation flows (``FlowTarget``) included.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeAlias

from dialogs.commands import Command

__all__ = [
    "COMMAND_NODE",
    "PLACE_KINDS",
    "Asker",
    "ChildPlace",
    "CommandTarget",
    "FaqTarget",
    "Flow",
    "FlowTarget",
    "IntentTarget",
    "OrgTarget",
    "PlaceKind",
    "PlaceTarget",
    "ProfessionTarget",
    "Reach",
    "ResumeTarget",
    "Step",
    "Target",
    "TreeTarget",
    "decode",
    "encode",
]

PlaceKind = Literal["gemeente", "woonplaats", "region", "former"]
PLACE_KINDS: tuple[PlaceKind, ...] = ("gemeente", "woonplaats", "region", "former")


class Flow(StrEnum):
    """The consultation flows."""

    RECORD = "vl"
    """Vastleggen: record that a consultation took place."""
    REQUEST = "av"
    """Aanvragen: ask a partner (or the JGZ) for a consultation, or send it a message."""


class Step(StrEnum):
    """What a button of a consultation flow does; ``FlowTarget.value`` carries its choice."""

    START = "start"
    CANCEL = "annuleer"
    KIND = "soort"
    """Value: a kind of consultation. A request starts anew with it (the menu's "Bevraging")."""
    PLACE = "plaats"
    """Value: a :class:`ChildPlace` (the child's gemeente confirmed, or another one)."""
    PARTNER = "partner"
    TO = "bij"
    """Value: a partner named on a card; the request starts anew for it."""
    DIRECTION = "richting"
    """Value: an :class:`Asker`."""
    URGENCY = "urgentie"
    REACH = "bereik"
    """Value: :attr:`Reach.PHONE`, or the name of the user's channel ("Teams")."""
    STAGE = "fase"
    INVITE = "uitnodigen"
    ON_BEHALF = "namens"
    SUBMIT = "versturen"
    LINKED = "na-oppakken"
    """Value: the reference of a picked-up request, recorded with that same reference."""
    CONFIRM_LINKED = "vastleggen"
    """Value: the reference of the picked-up request whose record is confirmed (carried, so a
    press after it was recorded, in another window, is told so)."""
    UNLINKED = "los"
    """A record of another consultation than the picked-up requests on offer."""


class Asker(StrEnum):
    """Who asked for the consultation being recorded."""

    ME = "ik"
    OTHER = "ander"
    FIXED = "vast"
    """Plain from the kind (a melding runs JGZ → Veilig Thuis): only confirmed."""


class ChildPlace(StrEnum):
    """The answer to "Voor een kind in Zeist?"."""

    SAME = "ja"
    OTHER = "anders"


class Reach(StrEnum):
    """How a partner reaches the requester. A button's value is PHONE or the name of the user's
    own channel ("Teams"); the flow keeps CHANNEL for the latter."""

    PHONE = "telefoon"
    CHANNEL = "kanaal"


@dataclass(frozen=True)
class TreeTarget:
    """A decision tree, opened at its start — or at one of its nodes (``node``), reached by
    the shortest way of answers ("ik twijfel bij vraag 2": the advice for doubt there)."""

    tree: str
    node: str = ""


@dataclass(frozen=True)
class FaqTarget:
    """An FAQ answer."""

    faq: str


@dataclass(frozen=True)
class OrgTarget:
    """A partner organisation's contact card."""

    org: str


@dataclass(frozen=True)
class PlaceTarget:
    """A place: a gemeente (CBS code GM…), a woonplaats (CBS number), a region (VT…) or a
    former gemeente (its alias id)."""

    kind: PlaceKind
    code: str


@dataclass(frozen=True)
class FlowTarget:
    """A step of a consultation flow, with its chosen value (an id: a kind, a partner, …)."""

    flow: Flow
    step: Step
    value: str = ""

    def __post_init__(self) -> None:
        # Built from their ids too (FlowTarget("av", "soort", "bevraging")): kept typed.
        object.__setattr__(self, "flow", Flow(self.flow))
        object.__setattr__(self, "step", Step(self.step))


@dataclass(frozen=True)
class CommandTarget:
    """A global command (menu, back, restart, …)."""

    command: Command


@dataclass(frozen=True)
class IntentTarget:
    """An action that is not a command: find a contact, the report, "verder"."""

    intent: str


@dataclass(frozen=True)
class ProfessionTarget:
    """The user's profession (an id of ``knowledge.model.PROFESSIONS``)."""

    profession: str


@dataclass(frozen=True)
class ResumeTarget:
    """Back into the tree the user was in, where they left it."""


Target: TypeAlias = (
    TreeTarget
    | FaqTarget
    | OrgTarget
    | PlaceTarget
    | FlowTarget
    | CommandTarget
    | IntentTarget
    | ProfessionTarget
    | ResumeTarget
)

_COMMAND = "_cmd"
COMMAND_NODE = _COMMAND
"""The node of a command button outside any offer (a channel's own "menu" button)."""
_RESUME = "_verder"
_PROFESSION = "beroep"
_INTENT = "intent"
# Looked up by value (iterating an Enum per decoded string was a measurable part of a turn).
_FLOWS = {flow.value: flow for flow in Flow}
_STEPS = {step.value: step for step in Step}
_COMMANDS = {command.value: command for command in Command}


def decode(raw: str) -> Target | None:
    """The target a stored or routed string names, or None for a string of no kind we know."""
    if raw == _RESUME:
        return ResumeTarget()
    kind, _, rest = raw.partition(":")
    if kind == "tree":
        tree, _, node = rest.partition(":")
        return TreeTarget(tree, node)
    if kind == "faq":
        return FaqTarget(rest)
    if kind == "org":
        return OrgTarget(rest)
    for place_kind in PLACE_KINDS:
        if kind == place_kind:
            return PlaceTarget(place_kind, rest)
    flow = _FLOWS.get(kind)
    if flow is not None:
        step, _, value = rest.partition(":")
        found = _STEPS.get(step)
        return FlowTarget(flow, found, value) if found is not None else None
    if kind == _COMMAND:
        command = _COMMANDS.get(rest)
        return CommandTarget(command) if command is not None else None
    if kind == _INTENT:
        return IntentTarget(rest)
    if kind == _PROFESSION:
        return ProfessionTarget(rest)
    return None


def encode(target: Target) -> str:
    """The string a session keeps for ``target`` (``decode`` reads it back)."""
    match target:
        case TreeTarget(tree, node):
            return f"tree:{tree}:{node}" if node else f"tree:{tree}"
        case FaqTarget(faq):
            return f"faq:{faq}"
        case OrgTarget(org):
            return f"org:{org}"
        case PlaceTarget(kind, code):
            return f"{kind}:{code}"
        case FlowTarget(flow, step, value):
            return f"{flow.value}:{step.value}:{value}" if value else f"{flow.value}:{step.value}"
        case CommandTarget(command):
            return f"{_COMMAND}:{command.value}"
        case IntentTarget(intent):
            return f"{_INTENT}:{intent}"
        case ProfessionTarget(profession):
            return f"{_PROFESSION}:{profession}"
        case ResumeTarget():
            return _RESUME
