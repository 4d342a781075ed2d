"""What `verbind check` tells an author beyond "valid": counts, open confirmations and dates.

Content carries dates (the content review, each source's check, each contact's verification);
after ``review_months`` (meta.yaml) such a date is overdue. Overdue items, directory entries
still "te bevestigen" and facts left out of the advice until a reviewer confirms them
(``to_confirm``) are warnings: they are listed, they do not make the content invalid.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from knowledge.library import KnowledgeBase
from knowledge.model import AdviceNode
from knowledge.problems import Location, Problem

__all__ = ["ContentReview", "add_months", "review_content"]


@dataclass(frozen=True)
class ContentReview:
    """Counts of the content in force and the items an author should look at."""

    trees: int
    nodes: int
    outcomes: int
    faq: int
    unconfirmed: tuple[Problem, ...]
    """Directory entries with fields still "te bevestigen", located."""
    overdue: tuple[Problem, ...]
    """Dated items whose review date has passed, located, with the date."""
    to_confirm: tuple[Problem, ...] = ()
    """Facts kept out of trees, FAQ answers and dossier lines until confirmed, located."""


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_content(knowledge: KnowledgeBase, *, today: date) -> ContentReview:
    """The review of ``knowledge`` as of ``today``."""
    trees = knowledge.trees.values()
    return ContentReview(
        trees=len(knowledge.trees),
        nodes=sum(len(t.nodes) for t in trees),
        outcomes=sum(1 for t in trees for n in t.nodes if not n.options),
        faq=len(knowledge.faq),
        unconfirmed=tuple(sorted(_unconfirmed(knowledge))),
        overdue=tuple(sorted(_overdue(knowledge, today))),
        to_confirm=tuple(sorted(_to_confirm(knowledge))),
    )


def _located(knowledge: KnowledgeBase, kind: str, item_id: str, key: str) -> Location:
    origin = knowledge.origins.get((kind, item_id))
    if origin is None:
        return Location("-", 1)
    return origin.document.location((*origin.path, key))


def _unconfirmed(knowledge: KnowledgeBase) -> list[Problem]:
    found = [
        Problem(
            _located(knowledge, "organisation", o.id, "unconfirmed"),
            o.id,
            f"te bevestigen: {', '.join(o.unconfirmed)}",
        )
        for o in knowledge.organisations.values()
        if o.unconfirmed
    ]
    found += [
        Problem(
            _located(knowledge, "coverage", c.gemeente, "unconfirmed"),
            c.gemeente,
            f"te bevestigen: {', '.join(c.unconfirmed)}",
        )
        for c in knowledge.coverage.values()
        if c.unconfirmed
    ]
    return found


def _overdue(knowledge: KnowledgeBase, today: date) -> list[Problem]:
    months = knowledge.meta.review_months
    dated: list[tuple[str, str, str, date, str]] = [
        ("meta", "meta", "reviewed", knowledge.meta.reviewed, "inhoud beoordeeld")
    ]
    dated += [
        ("source", s.id, "checked", s.checked, "bron gecontroleerd")
        for s in knowledge.sources.values()
    ]
    dated += [
        ("organisation", o.id, "verified", o.verified, "contactgegevens gecontroleerd")
        for o in knowledge.organisations.values()
    ]
    dated += [
        ("coverage", c.gemeente, "verified", c.verified, "dekking gecontroleerd")
        for c in knowledge.coverage.values()
    ]
    found = []
    for kind, item_id, key, when, what in dated:
        due = add_months(when, months)
        if due < today:
            found.append(
                Problem(
                    _located(knowledge, kind, item_id, key),
                    item_id if kind != "meta" else "meta",
                    f"{what} op {when.isoformat()}, herzien vóór {due.isoformat()}",
                )
            )
    return found


def _to_confirm(knowledge: KnowledgeBase) -> list[Problem]:
    """One line per fact a reviewer still has to confirm, at its ``to_confirm`` item."""
    found: list[Problem] = []

    def add(kind: str, item_id: str, path: tuple[str | int, ...], facts: tuple[str, ...]) -> None:
        origin = knowledge.origins.get((kind, item_id))
        for i, fact in enumerate(facts):
            message = f"niet in het advies tot bevestigd: {fact}"
            if origin is None:
                found.append(Problem(Location("-", 1), item_id, message))
            else:
                found.append(origin.document.problem((*origin.path, *path, i), message))

    for tree in knowledge.trees.values():
        add("tree", tree.id, ("to_confirm",), tree.to_confirm)
        for n, node in enumerate(tree.nodes):
            if isinstance(node, AdviceNode):
                add("tree", tree.id, ("nodes", n, "to_confirm"), node.to_confirm)
    for entry in knowledge.faq.values():
        add("faq", entry.id, ("to_confirm",), entry.to_confirm)
    for pack in knowledge.packs.values():
        if pack.dossier is not None:
            add("pack", pack.id, ("dossier", "to_confirm"), pack.dossier.to_confirm)
    return found
