"""National content holds no region's words: a region's own goes through its pack.

A region's words come from its pack (``regions/<pack>/``) and the directory: the region's own
name(s) — its name and its CBS name (``directory/regions.yaml``; the generator also writes them
into each default pack's ``words``, and they count for a pack of the region's own whether it
lists them or not) —, the names and aliases of the
organisations the pack names (its partners and the JGZ and local team of each of its gemeenten),
and the pack's own ``words`` (its dossier system, what its teams are called). Text is compared
word by word after normalising (case, accents, hyphens and punctuation), so a source title that
writes "Noord-Oost" names the organisation its pack writes "Noord Oost", and a gemeente whose
name only begins with a region's name is not that region.

The rule is about national content naming a region's own arrangements, so a region's name counts
also where it is the name of a province, gemeente or woonplaats as well (six regions are named
like their province, two of them like a gemeente too): in the national content checked here
that name is how a region's arrangements are named ("Meldcode <region>", "Veilig Thuis
<region>", a protocol of the province), whichever the author meant, and a national answer needs
no place to make its point. Where it wants a place as an example it takes one whose name is no
region's ("bijvoorbeeld Zeist"); the message says so when the word is also a place's name. What
names regions and places legitimately for the whole country is not checked here: the directory
itself (the CBS list of the 25 regions, the gemeenten and woonplaatsen, former gemeenten and
aliases), what Verbind builds from it (a place answer names the child's gemeente and region, a
choice between places names each one's region), and the fixed sentences of
``dialogs/phrases.py`` (their place examples).

National content is every FAQ entry and tree outside the packs and every organisation shown
everywhere. Four kinds of fault are errors, each located as ``file:line: id: message``:

- national text (a FAQ question, phrasing or answer; a tree's title, summary or triggers; a
  node's text, choice labels and variants; a national organisation's card) names a region's
  word;
- a national FAQ entry, node or organisation cites a source whose title (the footer users see)
  names a region's word;
- a national FAQ entry or node offers a region's own tree (``related``): a pack adds that for
  its children through a hook;
- an organisation in a pack's folder that the pack does not name is shown everywhere, so it
  belongs in the national directory (``directory/``), not in a region's folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowledge.normalise import normalise
from knowledge.problems import Problem
from knowledge.wording import node_texts
from knowledge.yamldoc import Path_

if TYPE_CHECKING:
    from knowledge.library import KnowledgeBase, Origin
    from knowledge.model import Organisation

__all__ = ["RegionWords", "check_region_words", "region_words"]


@dataclass(frozen=True)
class RegionWords:
    """Every region's words, found in text after normalising."""

    words: Mapping[str, tuple[str, frozenset[str]]]
    """Normalised word → (the word as the content writes it, the region codes it belongs to: a
    GGD serving gemeenten of two regions belongs to both)."""
    places: frozenset[str] = frozenset()
    """Normalised words that are also a gemeente's or woonplaats' name (a region named like one)."""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Longest first, so a whole organisation name wins over a shorter word inside it.
        alternatives = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        pattern = rf"(?<![a-z0-9])(?:{alternatives or '(?!)'})(?![a-z0-9])"
        object.__setattr__(self, "pattern", re.compile(pattern))

    def found(self, text: str, *, outside: str | None = None) -> list[tuple[str, frozenset[str]]]:
        """(word, its regions) for each region word in ``text``, in order of appearance,
        without repeats; with ``outside``, only words that are not also that region's."""
        hits = (self.words[m.group(0)] for m in self.pattern.finditer(normalise(text)))
        return [hit for hit in dict.fromkeys(hits) if outside not in hit[1]]


def region_words(knowledge: KnowledgeBase) -> RegionWords:
    """The words of every region with a pack (see the module docstring)."""
    found: dict[str, tuple[str, set[str]]] = {}

    def add(word: str, region: str) -> None:
        key = normalise(word)
        if key:
            found.setdefault(key, (word, set()))[1].add(region)

    for pack in knowledge.packs.values():
        for word in (*_names(knowledge, pack.region), *pack.words):
            add(word, pack.region)
    for organisation in knowledge.organisations.values():
        for region in knowledge.organisation_regions(organisation.id):
            for name in (organisation.name, *organisation.aliases):
                add(name, region)
    words = {key: (word, frozenset(regions)) for key, (word, regions) in found.items()}
    return RegionWords(words, frozenset(words) & _place_names(knowledge))


def _names(knowledge: KnowledgeBase, region: str) -> tuple[str, ...]:
    """The region's own name and its CBS name (none for a code the directory lacks)."""
    found = knowledge.regions.get(region)
    return () if found is None else (found.name, found.cbs_name)


def _place_names(knowledge: KnowledgeBase) -> frozenset[str]:
    """Every gemeente's and woonplaats' name, and the names people use for them, normalised."""
    names = {g.name for g in knowledge.gemeenten.values()}
    names |= {place for g in knowledge.gemeenten.values() for _, place in g.places}
    names |= {alias.name for alias in knowledge.aliases.values()}
    return frozenset(normalise(n) for n in names)


def check_region_words(knowledge: KnowledgeBase) -> list[Problem]:
    """Every place where national content names a region's own words, sources or trees."""
    check = _Check(knowledge, region_words(knowledge))
    for entry in knowledge.faq.values():
        if knowledge.faq_region(entry.id) is None:
            origin = knowledge.origins[("faq", entry.id)]
            texts: list[tuple[Path_, str]] = [(("question",), entry.question)]
            texts += [(("phrasings", i), p) for i, p in enumerate(entry.phrasings)]
            texts += [(("answer",), entry.answer)]
            check.texts(origin, origin.path, texts)
            check.cited(origin, origin.path, entry.sources)
            check.related(origin, origin.path, entry.related)
    for tree in knowledge.trees.values():
        if knowledge.tree_region(tree.id) is None:
            origin = knowledge.origins[("tree", tree.id)]
            texts = [(("title",), tree.title), (("summary",), tree.summary)]
            texts += [(("triggers", i), t) for i, t in enumerate(tree.triggers)]
            check.texts(origin, origin.path, texts)
            for i, node in enumerate(tree.nodes):
                path = (*origin.path, "nodes", i)
                check.texts(origin, (), [(p, t) for _, p, t in node_texts(origin, path, node)])
                check.cited(origin, path, node.sources)
                check.related(origin, path, getattr(node, "related", ()))
    for organisation in knowledge.organisations.values():
        check.organisation(organisation)
    return check.problems


class _Check:
    """Collects the problems of one pass over the content."""

    def __init__(self, knowledge: KnowledgeBase, words: RegionWords) -> None:
        self.knowledge = knowledge
        self.words = words
        self.problems: list[Problem] = []

    def _name(self, region: str) -> str:
        found = self.knowledge.regions.get(region)
        return found.name if found is not None else region

    def _names(self, regions: Iterable[str]) -> str:
        return ", ".join(sorted(self._name(r) for r in regions))

    def _place(self, word: str) -> str:
        """A hint where a region's word is also a place's name (a place as an example)."""
        if normalise(word) not in self.words.places:
            return ""
        return "; als voorbeeld van een plaats: kies er een die niet zo heet als een regio"

    def texts(self, origin: Origin, path: Path_, texts: Iterable[tuple[Path_, str]]) -> None:
        for key, text in texts:
            for word, regions in self.words.found(text):
                message = (
                    f"'{word}' hoort bij regio {self._names(regions)}: landelijke inhoud noemt"
                    " geen regio; laat het regiopakket het toevoegen (hooks)" + self._place(word)
                )
                self.problems.append(origin.document.problem((*path, *key), message))

    def cited(self, origin: Origin, path: Path_, sources: Iterable[str]) -> None:
        for i, ident in enumerate(sources):
            source = self.knowledge.sources.get(ident)
            if source is None:
                continue  # the graph checks report it
            found = self.words.found(source.title)
            if not found:
                continue
            word, regions = found[0]
            message = (
                f"bron '{ident}' noemt '{word}' (regio {self._names(regions)}): citeer een"
                " landelijke bron, of laat het regiopakket haar toevoegen (hooks)"
            )
            self.problems.append(origin.document.problem((*path, "sources", i), message))

    def related(self, origin: Origin, path: Path_, trees: Iterable[str]) -> None:
        for i, tree in enumerate(trees):
            region = self.knowledge.tree_region(tree)
            if region is not None:
                message = (
                    f"boom '{tree}' hoort bij regio {self._name(region)}: het regiopakket"
                    " biedt die aan met een hook ('related')"
                )
                self.problems.append(origin.document.problem((*path, "related", i), message))

    def organisation(self, organisation: Organisation) -> None:
        """A region's folder holds only organisations its pack names; one shown everywhere is
        national content, with a card and sources as national as the rest."""
        origin = self.knowledge.origins[("organisation", organisation.id)]
        regions = self.knowledge.organisation_regions(organisation.id)
        folder = self.knowledge.folder_region(origin)
        if folder is not None and folder not in regions:
            message = (
                f"het regiopakket van {self._name(folder)} noemt deze organisatie niet, dus"
                " verschijnt ze in elke regio: zet haar in de landelijke directory (directory/)"
            )
            self.problems.append(origin.document.problem(origin.path, message))
        if regions:
            return
        card = [((key,), getattr(organisation, key)) for key in ("name", "role", "note", "hours")]
        self.texts(origin, origin.path, [(key, text) for key, text in card if text])
        self.cited(origin, origin.path, organisation.sources)
