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
_TITLE = 3
"""At most this many words of a job title between a person's lead and "bij <organisation>"."""
_AT = frozenset("bij at for voor van".split())
"""What joins a job title to where one works ("gedragswetenschapper *bij* SAVE")."""
_NOT_TITLE = frozenset(
    "ik we wij je u er niet nog al net ook wel even bang benieuwd gisteren vandaag".split()
)
"""Words that show the words before "bij" are no job title ("ik ben nog niet bij VT geweest")."""
_HERE = "hier"
"""After a role's name at the start, it states the role ("jeugdarts hier")."""
_GREETINGS = frozenset("hoi hallo hey hi hello goedemorgen goedemiddag goedenavond dag".split())


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
        here = self._here(tokens)
        if here is not None:
            return here
        for start in range(len(tokens)):
            for size in self._lead_sizes:
                lead = self._leads.get(tokens[start : start + size])
                if lead is None:
                    continue
                found = self._name_after(tokens, start + size, lead)
                if found is None and lead[0] and tokens[start] in ("ik", "i"):
                    found = self._title_at(tokens, start + size)
                if found is not None:
                    role, name, end = found
                    if end < len(tokens) and tokens[end] in _AT:
                        # "aandachtsfunctionaris bij Veilig Thuis": where she works is hers too
                        employer = self._name_after(tokens, end + 1, (False, True, True))
                        end = employer[2] if employer is not None else end
                    said = self._organisation_names.get(tokens[name:end])
                    if start > 0 and all(t in _GREETINGS for t in tokens[:start]):
                        start = 0  # "hoi, ik ben jeugdarts": the greeting states nothing more
                    return StatedRole(role, start, end, name, said if lead[1] else None)
        return None

    def _here(self, tokens: tuple[str, ...]) -> StatedRole | None:
        """A role named first and then "hier" ("jeugdverpleegkundige hier", "SAVE hier"): the
        writer's own, the way one answers the phone."""
        skip = 0
        while skip < len(tokens) and tokens[skip] in _GREETINGS:
            skip += 1
        found = self._name_after(tokens, skip, (True, True, False))
        if found is None or found[2] >= len(tokens) or tokens[found[2]] != _HERE:
            return None
        role, name, end = found
        return StatedRole(role, 0, end + 1, name, self._organisation_names.get(tokens[name:end]))

    def _title_at(self, tokens: tuple[str, ...], at: int) -> tuple[str, int, int] | None:
        """A job title of any words, then "bij"/"at" and an organisation ("ik ben
        gedragswetenschapper bij SAVE", "I'm a case worker at Veilig Thuis"): the
        organisation's role, its name's span from the title on."""
        for size in range(1, _TITLE + 1):
            joint = at + size
            title = tokens[at:joint]
            if joint >= len(tokens) or any(t in _NOT_TITLE or not t.isalpha() for t in title):
                return None
            if tokens[joint] in _AT:
                found = self._name_after(tokens, joint + 1, (False, True, True))
                if found is not None:
                    return found[0], at, found[2]
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
