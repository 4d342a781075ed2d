"""The loaded knowledge: every tree, FAQ entry, organisation and source in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from knowledge.model import (
    Alias,
    Coverage,
    DangerSignals,
    DecisionTree,
    FaqEntry,
    Gemeente,
    Intent,
    Meta,
    Organisation,
    PartnerAction,
    PeopleWords,
    PlaceWords,
    Region,
    RegionPack,
    RoleLead,
    RoleWords,
    Source,
    Story,
    Synonyms,
    Translation,
)
from knowledge.yamldoc import Path_, YamlDocument

__all__ = ["KnowledgeBase", "Origin"]


@dataclass(frozen=True)
class Origin:
    """Where an object was defined: its document and its path inside it."""

    document: YamlDocument
    path: Path_


@dataclass(frozen=True)
class KnowledgeBase:
    """All content in force. Built once by the loader; never changed afterwards."""

    meta: Meta
    sources: Mapping[str, Source]
    trees: Mapping[str, DecisionTree]
    faq: Mapping[str, FaqEntry]
    organisations: Mapping[str, Organisation]
    regions: Mapping[str, Region] = field(default_factory=dict)
    """Veilig Thuis regions by code (``VT20``)."""
    gemeenten: Mapping[str, Gemeente] = field(default_factory=dict)
    """Municipalities by CBS code (``GM0344``)."""
    aliases: Mapping[str, Alias] = field(default_factory=dict)
    coverage: Mapping[str, Coverage] = field(default_factory=dict)
    """Who serves a municipality, by CBS code."""
    packs: Mapping[str, RegionPack] = field(default_factory=dict)
    intents: Mapping[str, Intent] = field(default_factory=dict)
    """Actions by intent id, with the words people use for them (understanding/)."""
    stories: Mapping[str, Story] = field(default_factory=dict)
    """Case-story signals by target (understanding/)."""
    danger: Mapping[str, DangerSignals] = field(default_factory=dict)
    """The danger lexicon by kind (understanding/danger.yaml)."""
    roles: Mapping[str, RoleWords] = field(default_factory=dict)
    """What people call each role, by role id (understanding/roles.yaml)."""
    leads: Mapping[str, RoleLead] = field(default_factory=dict)
    """Words before a role's name that make it the writer's own role."""
    partner_actions: Mapping[str, PartnerAction] = field(default_factory=dict)
    """Veilig Thuis / SAVE actions towards the JGZ, by kind."""
    people: Mapping[str, PeopleWords] = field(default_factory=dict)
    """Who is who in a story (adults, children, injuries, witnesses)."""
    place_words: Mapping[str, PlaceWords] = field(default_factory=dict)
    """Place names that are frequent words, and ordinary words that are place names."""
    synonyms: Mapping[str, Synonyms] = field(default_factory=dict)
    """Words people type for a word of an answer's label."""
    english: Mapping[str, Translation] = field(default_factory=dict)
    """English words and the Dutch words they are read as."""
    origins: Mapping[tuple[str, str], Origin] = field(default_factory=dict, repr=False)

    def pack_for(self, region: str | None) -> RegionPack:
        """The pack of Veilig Thuis region ``region`` (``VT20``), or the national defaults (an
        empty pack) for a region without one or an unknown region (None), so callers need no
        special case."""
        found = next((p for p in self.packs.values() if p.region == region), None)
        if found is not None:
            return found
        return RegionPack.model_construct(id="landelijk", region=region or "")

    @property
    def menu_trees(self) -> list[DecisionTree]:
        """The trees offered in the main menu, in menu order."""
        return sorted((t for t in self.trees.values() if t.menu), key=lambda t: (t.order, t.title))

    def unconfirmed(self) -> list[Organisation | Coverage]:
        """Directory entries with data still to confirm ("te bevestigen")."""
        organisations: list[Organisation | Coverage] = [
            o for o in self.organisations.values() if not o.confirmed
        ]
        return organisations + [c for c in self.coverage.values() if c.unconfirmed]
