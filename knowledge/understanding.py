"""Checks over the understanding content (understanding/*.yaml): what the loader cannot see in
one item alone. The understanding itself (matching, scoring) lives in ``dialogs.understanding``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise
from knowledge.problems import Problem

__all__ = ["check_understanding"]


def check_understanding(knowledge: KnowledgeBase) -> Iterator[Problem]:
    """Story and danger targets exist, and lie in the same region as the understanding that
    names them (national understanding never targets a region pack's own answer: that goes in
    the pack's ``understanding/``); no phrasing belongs to two intents, no name to two roles,
    no synonym to two words; place words name known places."""
    yield from _check_danger(knowledge)
    yield from _check_regions(knowledge)
    roles: dict[str, tuple[str, ...]] = {
        r.id: (*r.people, *r.organisations) for r in knowledge.roles.values()
    }
    yield from _check_twice(knowledge, "role", roles)
    yield from _check_twice(
        knowledge, "synonym", {s.id: s.words for s in knowledge.synonyms.values()}
    )
    yield from _check_twice(
        knowledge, "english", {t.id: t.english for t in knowledge.english.values()}
    )
    yield from _check_place_words(knowledge)
    for story in knowledge.stories.values():
        kind, _, ident = story.target.partition(":")
        ident, _, node = ident.partition(":")
        table: Mapping[str, object] = knowledge.faq if kind == "faq" else knowledge.trees
        if ident not in table:
            yield _problem(
                knowledge, "story", story.id, f"doel '{story.target}' bestaat niet", "target"
            )
        elif node and not knowledge.trees[ident].has_node(node):
            message = f"knoop '{node}' bestaat niet in boom '{ident}'"
            yield _problem(knowledge, "story", story.id, message, "target")
    owner: dict[str, str] = {}
    for intent in knowledge.intents.values():
        for i, phrase in enumerate(intent.phrasings):
            key = normalise(phrase)
            if key in owner and owner[key] != intent.id:
                message = f"'{phrase}' staat ook bij intent '{owner[key]}'"
                yield _problem(knowledge, "intent", intent.id, message, "phrasings", i)
            owner.setdefault(key, intent.id)


def _problem(
    knowledge: KnowledgeBase, kind: str, ident: str, message: str, *path: str | int
) -> Problem:
    origin = knowledge.origins[(kind, ident)]
    return origin.document.problem((*origin.path, *path), message)


def _target_exists(knowledge: KnowledgeBase, target: str) -> bool:
    kind, _, ident = target.partition(":")
    tables: Mapping[str, Mapping[str, object]] = {
        "faq": knowledge.faq,
        "tree": knowledge.trees,
        "org": knowledge.organisations,
    }
    return ident in tables.get(kind, {})


def _target_region(knowledge: KnowledgeBase, target: str) -> str | None:
    """The region whose pack holds ``target`` (``faq:…``, ``tree:…``); None for national."""
    kind, _, ident = target.partition(":")
    if kind == "faq":
        return knowledge.faq_region(ident)
    if kind == "tree":
        return knowledge.tree_region(ident.partition(":")[0])
    return None


def _check_regions(knowledge: KnowledgeBase) -> Iterator[Problem]:
    """A story or danger entry may target only answers of its own place: national ones, or
    its own pack's (a national story would else lead everywhere to one region's answer)."""
    named: list[tuple[str, str, str, str]] = [
        *(("story", s.id, s.target, "target") for s in knowledge.stories.values()),
        *(("danger", d.id, d.then, "then") for d in knowledge.danger.values()),
    ]
    for kind, ident, target, key in named:
        region = _target_region(knowledge, target)
        if region is None:
            continue
        own = knowledge.folder_region(knowledge.origins.get((kind, ident)))
        if own != region:
            pack = next(p.id for p in knowledge.packs.values() if p.region == region)
            folder = knowledge.origins[("pack", pack)].document.file.rsplit("/", 1)[0]
            message = (
                f"doel '{target}' is een antwoord van regiopakket '{pack}': "
                f"zet dit in {folder}/understanding/"
            )
            yield _problem(knowledge, kind, ident, message, key)


def _check_danger(knowledge: KnowledgeBase) -> Iterator[Problem]:
    for entry in knowledge.danger.values():
        if not _target_exists(knowledge, entry.then):
            message = f"doel '{entry.then}' bestaat niet"
            yield _problem(knowledge, "danger", entry.id, message, "then")
        for i, contact in enumerate(entry.contacts):
            if contact not in knowledge.organisations:
                message = f"organisatie '{contact}' bestaat niet"
                yield _problem(knowledge, "danger", entry.id, message, "contacts", i)


def _check_twice(
    knowledge: KnowledgeBase, kind: str, words: Mapping[str, tuple[str, ...]]
) -> Iterator[Problem]:
    """A word listed under two ids (two roles, two synonyms) would be read two ways."""
    owner: dict[str, str] = {}
    for ident, listed in words.items():
        for i, word in enumerate(listed):
            key = normalise(word)
            if key in owner and owner[key] != ident:
                message = f"'{word}' staat ook bij '{owner[key]}'"
                yield _problem(knowledge, kind, ident, message, *_where(kind, ident, i, knowledge))
            owner.setdefault(key, ident)


def _check_place_words(knowledge: KnowledgeBase) -> Iterator[Problem]:
    names = {normalise(g.name) for g in knowledge.gemeenten.values()}
    names |= {normalise(n) for g in knowledge.gemeenten.values() for _, n in g.places}
    names |= {normalise(a.name) for a in knowledge.aliases.values()}
    names |= {normalise(r.name) for r in knowledge.regions.values()}
    for entry in knowledge.place_words.values():
        for i, word in enumerate(entry.words):
            if normalise(word) not in names:
                message = f"'{word}' is geen bekende plaatsnaam"
                yield _problem(knowledge, "place-words", entry.id, message, "words", i)


def _where(kind: str, ident: str, index: int, knowledge: KnowledgeBase) -> tuple[str, int]:
    """The key and index of the ``index``-th word listed under ``ident``."""
    if kind == "english":
        return "english", index
    if kind != "role":
        return "words", index
    people = len(knowledge.roles[ident].people)
    return ("people", index) if index < people else ("organisations", index - people)
