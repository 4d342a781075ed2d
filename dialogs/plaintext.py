"""Plain-text rendering of replies: the terminal's output and every card's fallback."""

from __future__ import annotations

from dialogs.turn import ContactCard, Reply, SourceNote
from knowledge.dates import dutch_date
from knowledge.diagrams.model import STYLES

__all__ = [
    "UNCONFIRMED",
    "contact_fields",
    "contact_text",
    "numbered_choices",
    "outcome_label",
    "reply_text",
    "source_text",
    "verified_text",
]

UNCONFIRMED = "te bevestigen"
_FIELD_LABELS = {
    "name": "Naam",
    "phone": "Telefoon",
    "role": "Rol",
    "hours": "Bereikbaarheid",
    "note": "Let op",
    "email": "E-mail",
    "url": "Website",
}


def contact_fields(card: ContactCard) -> list[tuple[str, str]]:
    """The card's (field, text) pairs in display order; unconfirmed ones say "te bevestigen"."""
    fields = [
        ("name", card.name),
        ("phone", card.phone),
        ("role", card.role),
        ("hours", card.hours),
        ("note", card.note),
        ("email", card.email),
        ("url", card.url),
    ]
    shown: list[tuple[str, str]] = []
    for name, value in fields:
        if value:
            shown.append((name, f"{value} ({UNCONFIRMED})" if name in card.unconfirmed else value))
        elif name in card.unconfirmed:
            shown.append((name, f"{_FIELD_LABELS[name]}: {UNCONFIRMED}"))
    return shown


def verified_text(card: ContactCard) -> str:
    """The last-verified line shown under a card with unconfirmed data."""
    return f"Gegevens {UNCONFIRMED}; laatst gecontroleerd {dutch_date(card.verified)}."


def contact_text(card: ContactCard) -> str:
    """A contact as a few lines; unconfirmed data says so with its last-verified date."""
    lines = [value for _, value in contact_fields(card)]
    if not card.confirmed:
        lines.append(verified_text(card))
    return "\n".join(lines)


def outcome_label(reply: Reply) -> str | None:
    """The outcome's kind in words, as the diagrams' legend names it ("Uitkomst: melden"), for
    a reply that shows an outcome; None otherwise."""
    style = STYLES.get(reply.outcome) if reply.outcome else None
    return style.name if style is not None else None


def source_text(source: SourceNote) -> str:
    """One source line: title, address and the date it was checked."""
    return f"Bron: {source.title} — {source.url} (gecontroleerd {dutch_date(source.checked)})"


def reply_text(reply: Reply) -> str:
    """The reply's text with its contacts and sources, without the choices."""
    parts = [reply.text]
    parts += [contact_text(card) for card in reply.contacts]
    if reply.sources:
        parts.append("\n".join(source_text(s) for s in reply.sources))
    return "\n\n".join(parts)


def numbered_choices(reply: Reply) -> str:
    """The choices as a numbered list ("1. Ja"), empty when there are none; a labelled choice
    group ("Ik ben:") gets its label on a line of its own above its first choice."""
    lines = []
    group = ""
    for i, button in enumerate(reply.buttons, start=1):
        if button.group and button.group != group:
            lines.append(button.group)
        group = button.group
        lines.append(f"{i}. {button.label}")
    return "\n".join(lines)
