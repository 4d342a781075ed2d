"""Contact cards and source notes built from the knowledge base, for any reply."""

from __future__ import annotations

from collections.abc import Iterable

from dialogs.turn import ContactCard, SourceNote
from knowledge.library import KnowledgeBase

__all__ = ["contact_cards", "source_notes"]


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
