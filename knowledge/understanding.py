"""Checks over the understanding content (understanding/*.yaml): what the loader cannot see in
one item alone. The understanding itself (matching, scoring) lives in ``dialogs.understanding``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise
from knowledge.problems import Problem

__all__ = ["check_understanding"]


def check_understanding(knowledge: KnowledgeBase) -> Iterator[Problem]:
    """Story targets exist; no phrasing belongs to two intents."""
    for story in knowledge.stories.values():
        kind, _, ident = story.target.partition(":")
        table: Mapping[str, object] = knowledge.faq if kind == "faq" else knowledge.trees
        if ident not in table:
            yield _problem(
                knowledge, "story", story.id, f"doel '{story.target}' bestaat niet", "target"
            )
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
