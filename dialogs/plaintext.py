"""Plain-text rendering of replies: the terminal's output and every card's fallback."""

from __future__ import annotations

from dialogs.turn import ContactCard, Reply, SourceNote

__all__ = ["contact_text", "numbered_choices", "reply_text", "source_text"]

UNCONFIRMED = "te bevestigen"


def contact_text(card: ContactCard) -> str:
    """A contact as a few lines; unconfirmed data says so with its last-verified date."""
    head = " — ".join(part for part in (card.name, card.phone) if part)
    lines = [head, card.role]
    lines += [part for part in (card.hours, card.note, card.email, card.url) if part]
    if not card.confirmed:
        lines.append(f"({UNCONFIRMED}; laatst gecontroleerd {card.verified.isoformat()})")
    return "\n".join(lines)


def source_text(source: SourceNote) -> str:
    """One source line: title, address and the date it was checked."""
    return f"Bron: {source.title} — {source.url} (gecontroleerd {source.checked.isoformat()})"


def reply_text(reply: Reply) -> str:
    """The reply's text with its contacts and sources, without the choices."""
    parts = [reply.text]
    parts += [contact_text(card) for card in reply.contacts]
    if reply.sources:
        parts.append("\n".join(source_text(s) for s in reply.sources))
    return "\n\n".join(parts)


def numbered_choices(reply: Reply) -> str:
    """The choices as a numbered list ("1. Ja"), empty when there are none."""
    return "\n".join(f"{i}. {button.label}" for i, button in enumerate(reply.buttons, start=1))
