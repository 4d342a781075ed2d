"""The loaded knowledge: every tree, FAQ entry, organisation and source in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from knowledge.model import (
    Alias,
    Coverage,
    DecisionTree,
    FaqEntry,
    Gemeente,
    Intent,
    Meta,
    Organisation,
    Region,
    RegionPack,
    Source,
    Story,
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
    """Region packs by pack id (``regions/<id>/pack.yaml``)."""
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
