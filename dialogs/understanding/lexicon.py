"""Word patterns compiled once into an inverted index, matched against a message by look-ups.

A pattern is a few words ("keel dichtgeknepen", "overleg vastleggen"). It matches when every
word occurs in the message in some word form (``knowledge.wordforms``), in any order, and — when
the index has a window — close together. Only the patterns that share a word with the message
are looked at; nothing scans every pattern.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from knowledge.wordforms import lookup_keys, word_keys

__all__ = ["Match", "PatternIndex"]

T = TypeVar("T")


@dataclass(frozen=True)
class Match(Generic[T]):
    """A pattern that holds: its value, its number of words and the positions it covers."""

    value: T
    size: int
    positions: tuple[int, ...]
    pattern: int
    """The pattern's index (an id for ties and evidence)."""

    @property
    def start(self) -> int:
        return min(self.positions)

    @property
    def end(self) -> int:
        return max(self.positions)


class PatternIndex(Generic[T]):
    """Patterns (phrases of normalised words) with a value each, indexed by word keys."""

    def __init__(self, patterns: Iterable[tuple[Sequence[str], T]], *, window: int = 0) -> None:
        """``window``: the most tokens a match may span (0: anywhere in the message)."""
        self._values: list[T] = []
        self._sizes: list[int] = []
        self._postings: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self._window = window
        for words, value in patterns:
            if not words:
                continue
            index = len(self._values)
            self._values.append(value)
            self._sizes.append(len(words))
            for slot, word in enumerate(words):
                for key in word_keys(word):
                    self._postings[key].append((index, slot))

    def __len__(self) -> int:
        return len(self._values)

    def matches(
        self, words: Sequence[str], *, extra: Sequence[tuple[tuple[int, ...], str]] = ()
    ) -> list[Match[T]]:
        """Every pattern that holds in ``words`` (normalised tokens, in order); ``extra`` adds
        words standing for positions, such as joined separable verbs."""
        seen: dict[int, dict[int, list[int]]] = {}
        pairs = (*enumerate(words), *((positions[-1], word) for positions, word in extra))
        for position, word in pairs:
            for key in lookup_keys(word):
                for index, slot in self._postings.get(key, ()):
                    seen.setdefault(index, {}).setdefault(slot, []).append(position)
        found = []
        for index, slots in seen.items():
            if len(slots) < self._sizes[index]:
                continue
            positions = _closest(list(slots.values()))
            if self._window and positions[-1] - positions[0] >= self._window:
                continue
            found.append(Match(self._values[index], self._sizes[index], positions, index))
        return found


def _closest(lists: list[list[int]]) -> tuple[int, ...]:
    """One position from each list, as close together as possible (sorted)."""
    if len(lists) == 1:
        return (min(lists[0]),)
    best: tuple[int, ...] = ()
    span = None
    for anchor in sorted({p for positions in lists for p in positions}):
        chosen = [_nearest(positions, anchor) for positions in lists]
        width = max(chosen) - min(chosen)
        if span is None or width < span:
            best, span = tuple(sorted(chosen)), width
    return best


def _nearest(positions: list[int], anchor: int) -> int:
    """The position in ``positions`` closest to ``anchor``."""
    return min(positions, key=lambda p: abs(p - anchor))
