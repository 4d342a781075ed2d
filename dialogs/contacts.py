"""Contact cards and source notes built from the knowledge base, for any reply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dialogs import phrases
from dialogs.turn import ContactCard, Reply, SourceNote
from knowledge.library import KnowledgeBase

__all__ = [
    "EMERGENCY_LINKS",
    "ContactLink",
    "contact_cards",
    "contact_links",
    "emergency_links",
    "source_notes",
    "tel_href",
]


@dataclass(frozen=True)
class ContactLink:
    """A tap-to-call, mail or website link of a contact card, for any channel that draws links.

    ``label`` is the short button text ("Bel 0800-2000", "Mail", "Website"); ``description``
    names the target in full, for screen readers and wide layouts.
    """

    label: str
    description: str
    href: str


EMERGENCY_LINKS = (
    ContactLink(phrases.CALL_112, f"{phrases.CALL_112} bij direct gevaar", "tel:112"),
    ContactLink(
        phrases.CALL_VEILIG_THUIS,
        f"{phrases.CALL_VEILIG_THUIS}: Veilig Thuis, gratis, 24/7",
        "tel:08002000",
    ),
)
"""112 for immediate danger and Veilig Thuis' national number (DOMAIN.md §2 and §5), in the
order every channel shows them: first, as the primary actions of an emergency reply. Each
description starts with its label (what a screen reader announces contains what is shown)."""


def emergency_links(reply: Reply) -> tuple[ContactLink, ...]:
    """The emergency actions ``reply`` opens with: both numbers when it is an emergency
    (``Reply.emergency``: an acute outcome, a safety answer), none otherwise."""
    return EMERGENCY_LINKS if reply.emergency else ()


def tel_href(phone: str) -> str | None:
    """A tap-to-call link for a phone number as written ("030 123 45 67" → ``tel:0301234567``),
    or None when it holds no digits."""
    number = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return f"tel:{number}" if any(ch.isdigit() for ch in number) else None


def contact_links(card: ContactCard) -> tuple[ContactLink, ...]:
    """The card's links, only for confirmed fields (an unconfirmed number is never dialled)."""
    links = []
    href = tel_href(card.phone) if card.phone and "phone" not in card.unconfirmed else None
    if card.phone and href is not None:
        label = f"Bel {card.phone}"
        links.append(ContactLink(label, label, href))
    if card.email and "email" not in card.unconfirmed:
        links.append(ContactLink("Mail", f"Mail {card.email}", f"mailto:{card.email}"))
    if card.url and "url" not in card.unconfirmed:
        links.append(ContactLink("Website", f"Website van {card.name}", card.url))
    return tuple(links)


def contact_cards(knowledge: KnowledgeBase, ids: Iterable[str]) -> tuple[ContactCard, ...]:
    """Cards for the organisations ``ids`` (which must exist)."""
    organisations = (knowledge.organisations[i] for i in ids)
    return tuple(
        ContactCard(
            name=o.name,
            role=o.role,
            phone=o.phone,
            email=o.email,
            url=o.url,
            hours=o.hours,
            note=o.note,
            unconfirmed=o.unconfirmed,
            verified=o.verified,
        )
        for o in organisations
    )


def source_notes(knowledge: KnowledgeBase, ids: Iterable[str]) -> tuple[SourceNote, ...]:
    """Footers for the sources ``ids``; unknown ids are skipped."""
    found = (knowledge.sources[i] for i in ids if i in knowledge.sources)
    return tuple(SourceNote(s.title, s.url, s.checked) for s in found)
