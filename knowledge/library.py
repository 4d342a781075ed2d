"""The loaded knowledge: every tree, FAQ entry, organisation and source in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from knowledge.model import DecisionTree, FaqEntry, Meta, Organisation, Source
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
    origins: Mapping[tuple[str, str], Origin] = field(default_factory=dict, repr=False)

    @property
    def menu_trees(self) -> list[DecisionTree]:
        """The trees offered in the main menu, in menu order."""
        return sorted((t for t in self.trees.values() if t.menu), key=lambda t: (t.order, t.title))

    def unconfirmed(self) -> list[Organisation]:
        """Organisations whose contact data still needs confirmation ("te bevestigen")."""
        return [o for o in self.organisations.values() if not o.confirmed]
