"""The writer's role, when the text says it: "ik werk bij VT", "vanuit SAVE", "als
aandachtsfunctionaris", "ik ben jvk". A lead must stand right before the name (an article in
between where the lead allows it), so "ik wil overleggen met veilig thuis" or "als de jeugdarts
belt" state no role. The words are content (understanding/roles.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.understanding.text import Message, normalise_query
from knowledge.library import KnowledgeBase

__all__ = ["RoleReader", "StatedRole"]

_ARTICLES = frozenset("de het een the a an".split())
_LONGEST = 6


@dataclass(frozen=True)
class StatedRole:
    """A role the text states, and the tokens that state it (lead and name)."""

    role: str
    start: int
    end: int
    name: int
    """Where the role's name starts (the lead is ``start``…``name``)."""
    organisation: str | None = None
    """The content's name of the organisation stated ("save", "veilig thuis"), if one was."""


class RoleReader:
    """Leads and role names of one loaded content, as token sequences."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._leads: dict[tuple[str, ...], tuple[bool, bool, bool]] = {}
        for lead in knowledge.leads.values():
            key = tuple(normalise_query(lead.words))
            person = lead.before in ("persoon", "beide")
            organisation = lead.before in ("organisatie", "beide")
            self._leads[key] = (person, organisation, lead.article)
        self._people: dict[tuple[str, ...], str] = {}
        self._organisations: dict[tuple[str, ...], str] = {}
        self._organisation_names: dict[tuple[str, ...], str] = {}
        for role in knowledge.roles.values():
            for name in role.people:
                self._people[tuple(normalise_query(name))] = role.id
            for name in role.organisations:
                self._organisations[tuple(normalise_query(name))] = role.id
                self._organisation_names.setdefault(tuple(normalise_query(name)), name)
        self._lead_sizes = sorted({len(k) for k in self._leads}, reverse=True)

    def read(self, message: Message) -> StatedRole | None:
        """The first role ``message`` states, or None."""
        tokens = message.tokens
        for start in range(len(tokens)):
            for size in self._lead_sizes:
                lead = self._leads.get(tokens[start : start + size])
                if lead is None:
                    continue
                found = self._name_after(tokens, start + size, lead)
                if found is not None:
                    role, name, end = found
                    said = self._organisation_names.get(tokens[name:end])
                    return StatedRole(role, start, end, name, said if lead[1] else None)
        return None

    def _name_after(
        self, tokens: tuple[str, ...], at: int, lead: tuple[bool, bool, bool]
    ) -> tuple[str, int, int] | None:
        person, organisation, article = lead
        starts = [at, at + 1] if article and at < len(tokens) and tokens[at] in _ARTICLES else [at]
        for begin in starts:
            for size in range(min(_LONGEST, len(tokens) - begin), 0, -1):
                name = tokens[begin : begin + size]
                if person and name in self._people:
                    return self._people[name], begin, begin + size
                if organisation and name in self._organisations:
                    return self._organisations[name], begin, begin + size
        return None
