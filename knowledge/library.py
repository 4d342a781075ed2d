"""The loaded knowledge: every tree, FAQ entry, organisation and source in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

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

    def menu_trees_for(self, regions: frozenset[str]) -> list[DecisionTree]:
        """The menu trees for a user whose child (or own organisation) is in ``regions``: the
        national ones, and a region's own (its covenant) only for that region."""
        return [t for t in self.menu_trees if self.tree_region(t.id) in (None, *regions)]

    def tree_region(self, tree: str) -> str | None:
        """The region (``VT20``) whose pack holds tree ``tree``; None for a national tree."""
        return self._pack_folders.get(_folder(self.origins.get(("tree", tree))) or "")

    def faq_region(self, faq: str) -> str | None:
        """The region whose pack holds FAQ entry ``faq``; None for a national one."""
        return self._pack_folders.get(_folder(self.origins.get(("faq", faq))) or "")

    def organisation_regions(self, organisation: str) -> frozenset[str]:
        """The regions whose packs name ``organisation`` (as a partner or in their coverage);
        empty for a national contact point, shown everywhere."""
        return self._regional_organisations.get(organisation, frozenset())

    def shown_in(self, organisation: str, region: str | None) -> bool:
        """Whether ``organisation`` may be shown for a child in ``region``: national contact
        points always, a region's own organisations only there."""
        regions = self.organisation_regions(organisation)
        return not regions or region in regions

    def serves(self, organisation: str, gemeente: str | None) -> bool:
        """Whether ``organisation`` serves a child in gemeente ``gemeente`` (CBS code): True
        unless it names the gemeenten it serves and ``gemeente`` is known and not one of them."""
        found = self.organisations.get(organisation)
        return (
            found is None or not found.gemeenten or gemeente is None or gemeente in found.gemeenten
        )

    def dossier_applies(self, pack: RegionPack, gemeente: str | None) -> bool:
        """Whether ``pack``'s dossier line is for a child in ``gemeente``: a line for certain
        JGZ organisations only where the gemeente's JGZ is one of them (unknown gemeente:
        no)."""
        if pack.dossier is None:
            return False
        if not pack.dossier.jgz:
            return True
        coverage = self.coverage.get(gemeente) if gemeente else None
        return coverage is not None and coverage.jgz in pack.dossier.jgz

    def source_shown_in(self, source: str, region: str | None) -> bool:
        """Whether ``source`` may be cited for a child in ``region``: a region's own sources
        (its pack's ``sources``, dossier and hooks: its protocols, its partners' pages) only
        there, every other source everywhere."""
        regions = self._regional_sources.get(source, frozenset())
        return not regions or region in regions

    def folder_region(self, origin: Origin | None) -> str | None:
        """The region whose pack folder (``regions/<folder>/``) holds ``origin``; None for
        national content."""
        return self._pack_folders.get(_folder(origin) or "")

    @cached_property
    def _regional_sources(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for pack in self.packs.values():
            dossier = (pack.dossier.source,) if pack.dossier and pack.dossier.source else ()
            hooked = (s for h in pack.hooks for s in h.sources)
            for source in (*pack.sources, *dossier, *hooked):
                found.setdefault(source, set()).add(pack.region)
        return {source: frozenset(regions) for source, regions in found.items()}

    @cached_property
    def _pack_folders(self) -> dict[str, str]:
        return {
            folder: pack.region
            for pack in self.packs.values()
            if (folder := _folder(self.origins.get(("pack", pack.id)))) is not None
        }

    @cached_property
    def _regional_organisations(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        by_region = {p.region: p for p in self.packs.values()}
        for entry in self.coverage.values():
            gemeente = self.gemeenten.get(entry.gemeente)
            if gemeente is not None and gemeente.region in by_region:
                for org in (entry.jgz, entry.local_team):
                    if org is not None:
                        found.setdefault(org, set()).add(gemeente.region)
        for pack in self.packs.values():
            for org in pack.partners:
                found.setdefault(org, set()).add(pack.region)
        return {org: frozenset(regions) for org, regions in found.items()}

    def unconfirmed(self) -> list[Organisation | Coverage]:
        """Directory entries with data still to confirm ("te bevestigen")."""
        organisations: list[Organisation | Coverage] = [
            o for o in self.organisations.values() if not o.confirmed
        ]
        return organisations + [c for c in self.coverage.values() if c.unconfirmed]


def _folder(origin: Origin | None) -> str | None:
    """The pack folder (``regions/<folder>/…``) a document lies in; None outside the packs."""
    if origin is None:
        return None
    parts = origin.document.file.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "regions" else None
