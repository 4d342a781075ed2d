"""Intents and case stories: what a message asks to do, and which topic a described situation
points to. Both are content (understanding/*.yaml); this module matches and checks them."""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.model import Intent, Story
from knowledge.normalise import normalise
from knowledge.wordforms import Forms, WordForm, stems, with_particle_verbs

__all__ = ["IntentIndex", "StoryIndex"]

_Pattern = tuple[WordForm, ...]
# Politeness and filler that never change what a command means ("menu graag", "help aub").
_POLITE = frozenset(
    """graag aub svp alsjeblieft alstublieft please even nu maar dan allemaal eens nog hoor ff
    effe nou dus toch weer ajb pls""".split()
)


_NEGATIONS = frozenset("niet geen nooit".split())


def _key(text: str) -> str:
    words = normalise(text).split()
    return " ".join(w for w in words if w not in _POLITE) or " ".join(words)


def _pattern(phrase: str) -> _Pattern:
    return tuple(WordForm.of(s) for s in stems(normalise(phrase).split()))


def _forms(words: list[str]) -> Forms:
    """The message's words (with its separable verbs) ready for pattern look-ups."""
    return Forms(stems(with_particle_verbs(words)))


def _holds(pattern: _Pattern, forms: Forms) -> bool:
    return all(forms.has(p) for p in pattern)


class IntentIndex:
    """Finds the intent of a message: an exact phrasing first, then patterns in content order."""

    def __init__(self, intents: Mapping[str, Intent]) -> None:
        self._exact = {_key(p): i.id for i in intents.values() for p in i.phrasings}
        self._patterns = [(_pattern(p), i.id) for i in intents.values() for p in i.patterns]

    def exact(self, text: str) -> str | None:
        """The intent whose phrasing is the whole of ``text`` (politeness aside), or None."""
        if text.strip() == "?":
            return self._exact.get("")
        key = _key(text)
        return self._exact.get(key) if key else None

    def match(self, text: str) -> str | None:
        """The intent ``text`` asks for, or None."""
        found = self.exact(text)
        if found is not None:
            return found
        words = normalise(text).split()
        if _NEGATIONS & set(words):
            return None  # "wat als ouders niet willen dat ik overleg" asks, it does not act
        forms = _forms(words)
        return next((ident for pattern, ident in self._patterns if _holds(pattern, forms)), None)


class StoryIndex:
    """Scores described situations against the story signals: the most signal words wins."""

    def __init__(self, stories: Mapping[str, Story]) -> None:
        self._signals = [
            (_pattern(signal), story.target, story.priority)
            for story in stories.values()
            for signal in story.signals
        ]
        self.place_answers = frozenset(s.target for s in stories.values() if s.place_answers)
        self._priority = {s.target: s.priority for s in stories.values()}

    def priority(self, target: str) -> int:
        """How specific the topic ``target`` is as a situation (0 for a topic without story)."""
        return self._priority.get(target, 0)

    def ranked(self, words: list[str]) -> list[tuple[str, tuple[int, int]]]:
        """Targets whose signals occur in ``words`` (normalised tokens), with (priority, number
        of signal words matched), best first: the more specific topic, then the longer signal."""
        present = _forms(words)
        best: dict[str, tuple[int, int]] = {}
        for pattern, target, priority in self._signals:
            if _holds(pattern, present):
                best[target] = max(best.get(target, (0, 0)), (priority, len(pattern)))
        return sorted(best.items(), key=lambda item: item[1], reverse=True)
