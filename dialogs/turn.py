"""Channel-neutral turns in and replies out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "Button",
    "ContactCard",
    "Form",
    "FormField",
    "Payload",
    "Reply",
    "ReplyKind",
    "SourceNote",
    "Turn",
]

ReplyKind = Literal["question", "advice", "info", "warning"]


@dataclass(frozen=True)
class Payload:
    """What a button carries: the node it belongs to and the choice made."""

    node: str
    choice: str


@dataclass(frozen=True)
class Turn:
    """One user message or button click, stripped of everything channel-specific.

    ``key`` is an opaque conversation key chosen by the channel (never a name).
    """

    key: str
    channel: str
    text: str = ""
    payload: Payload | None = None
    form: Mapping[str, str] | None = None
    """Values typed into a form, sent with the form's payload. Forwarded, never stored."""
    sender: str | None = None
    """How the channel names the user to a partner (Teams name, Slack mention); forwarded only."""
    address: str | None = None
    """An opaque channel address to notify the user later (Teams/Slack); forwarded only."""
    reach: str | None = None
    """What the channel calls itself to a partner who is to reach the user there ("Teams");
    set by channels that can notify the user later (with ``address``), None elsewhere."""
    place: str | None = None
    """Where the turn was written, when the channel tells: a Teams conversation id, a Slack
    channel id. The pick-up rule checks a press against the partner's intake chat with it."""


@dataclass(frozen=True)
class Button:
    """An answer the user can tap (or type: its number or label)."""

    label: str
    payload: Payload
    group: str = ""
    """The label of a choice group it belongs to ("Ik ben:"): channels show such a group apart,
    under its label. Empty: one of the reply's ordinary answers."""


@dataclass(frozen=True)
class ContactCard:
    """A contact point to show; fields named in ``unconfirmed`` are "te bevestigen"."""

    name: str
    role: str
    phone: str | None
    email: str | None
    url: str | None
    hours: str | None
    note: str | None
    unconfirmed: tuple[str, ...]
    verified: date

    @property
    def confirmed(self) -> bool:
        """True when every field is confirmed."""
        return not self.unconfirmed


@dataclass(frozen=True)
class SourceNote:
    """A cited source, shown as a small footer."""

    title: str
    url: str
    checked: date


@dataclass(frozen=True)
class FormField:
    """One input of a form."""

    name: str
    label: str
    required: bool = False
    max_length: int = 300
    kind: Literal["text", "multiline", "tel"] = "text"
    """``text``: one line (a name, an organisation); ``multiline``: a few sentences (a
    question); ``tel``: a phone number."""
    value: str = ""
    """What the field shows filled in (the user's own values after an error); never stored."""


@dataclass(frozen=True)
class Form:
    """Inputs sent together with one submit button (its payload)."""

    fields: tuple[FormField, ...]
    submit: Button


@dataclass(frozen=True)
class Reply:
    """One message from the bot; channels render it, always with a plain-text fallback."""

    text: str
    kind: ReplyKind = "info"
    buttons: tuple[Button, ...] = ()
    contacts: tuple[ContactCard, ...] = ()
    sources: tuple[SourceNote, ...] = ()
    outcome: str | None = None
    form: Form | None = None
    tree: str | None = None
    """The tree whose outcome this reply shows (channels may link its diagram)."""
    emergency: bool = False
    """The reply is about acute danger (an acute outcome, a safety answer): channels show
    "Bel 112" and "Bel 0800-2000" first, as the primary actions, before any other button."""
