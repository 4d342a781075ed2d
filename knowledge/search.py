"""Free-text search over tree titles and triggers, FAQ phrasings and organisation names."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise

__all__ = ["PhraseSearch"]

_CUTOFF = 80.0
_AMBIGUITY_MARGIN = 5.0
_MAX_CANDIDATES = 3


class PhraseSearch:
    """Matches a question against known phrasings; built once per loaded content."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        phrases: list[tuple[str, str]] = []
        for tree in knowledge.trees.values():
            phrases += [(f"tree:{tree.id}", p) for p in (tree.title, *tree.triggers)]
        for entry in knowledge.faq.values():
            phrases += [(f"faq:{entry.id}", p) for p in (entry.question, *entry.phrasings)]
        for organisation in knowledge.organisations.values():
            phrases += [
                (f"org:{organisation.id}", p) for p in (organisation.name, *organisation.aliases)
            ]
        self._targets = [target for target, _ in phrases]
        self._phrases = [normalise(phrase) for _, phrase in phrases]

    def route(self, text: str) -> tuple[str, ...]:
        """Targets for ``text``, best first: one if clear, several if close, none if unsure."""
        query = normalise(text)
        if len(query) < 2:
            return ()
        hits = process.extract(
            query,
            self._phrases,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=_CUTOFF,
            limit=None,
        )
        best: dict[str, float] = {}
        for _, score, index in hits:
            target = self._targets[index]
            best[target] = max(best.get(target, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked:
            return ()
        top = ranked[0][1]
        close = [t for t, s in ranked if top - s <= _AMBIGUITY_MARGIN]
        return tuple(close[:_MAX_CANDIDATES])
