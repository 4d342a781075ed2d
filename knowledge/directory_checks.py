"""Directory checks: regions, municipalities, woonplaatsen, aliases and coverage fit together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from knowledge.normalise import normalise
from knowledge.problems import Problem

if TYPE_CHECKING:
    from knowledge.library import KnowledgeBase

__all__ = ["check_directory"]


def check_directory(knowledge: KnowledgeBase) -> list[Problem]:
    """Every problem in how the directory's parts refer to each other."""
    return [
        *_regions(knowledge),
        *_gemeenten(knowledge),
        *_aliases(knowledge),
        *_coverage(knowledge),
    ]


def _problem(
    knowledge: KnowledgeBase, kind: str, ident: str, message: str, *path: str | int
) -> Problem:
    origin = knowledge.origins[(kind, ident)]
    return origin.document.problem((*origin.path, *path), message)


def _regions(knowledge: KnowledgeBase) -> Iterator[Problem]:
    used = {g.region for g in knowledge.gemeenten.values()}
    for region in knowledge.regions.values():
        if region.organisation is not None and region.organisation not in knowledge.organisations:
            message = f"organisatie '{region.organisation}' bestaat niet"
            yield _problem(knowledge, "region", region.code, message, "organisation")
        for i, source in enumerate(region.sources):
            if source not in knowledge.sources:
                yield _problem(
                    knowledge, "region", region.code, f"bron '{source}' bestaat niet", "sources", i
                )
        if knowledge.gemeenten and region.code not in used:
            yield _problem(knowledge, "region", region.code, "regio zonder gemeenten")


def _gemeenten(knowledge: KnowledgeBase) -> Iterator[Problem]:
    seen: dict[int, str] = {}
    for gemeente in knowledge.gemeenten.values():
        if gemeente.region not in knowledge.regions:
            message = f"regio '{gemeente.region}' bestaat niet"
            yield _problem(knowledge, "gemeente", gemeente.code, message, "region")
        for i, (code, name) in enumerate(gemeente.places):
            if code in seen:
                message = f"woonplaatscode {code} ({name}) staat ook bij {seen[code]}"
                yield _problem(knowledge, "gemeente", gemeente.code, message, "places", i)
            seen[code] = gemeente.code


def _aliases(knowledge: KnowledgeBase) -> Iterator[Problem]:
    names = {normalise(g.name) for g in knowledge.gemeenten.values()}
    for alias in knowledge.aliases.values():
        if alias.gemeente not in knowledge.gemeenten:
            message = f"gemeente '{alias.gemeente}' bestaat niet"
            yield _problem(knowledge, "alias", alias.id, message, "gemeente")
        if normalise(alias.name) in names:
            message = f"'{alias.name}' is al de naam van een gemeente"
            yield _problem(knowledge, "alias", alias.id, message, "name")


def _coverage(knowledge: KnowledgeBase) -> Iterator[Problem]:
    for entry in knowledge.coverage.values():
        if entry.gemeente not in knowledge.gemeenten:
            message = f"gemeente '{entry.gemeente}' bestaat niet"
            yield _problem(knowledge, "coverage", entry.gemeente, message, "gemeente")
        for key in ("jgz", "local_team"):
            org = getattr(entry, key)
            if org not in knowledge.organisations:
                message = f"organisatie '{org}' bestaat niet"
                yield _problem(knowledge, "coverage", entry.gemeente, message, key)
