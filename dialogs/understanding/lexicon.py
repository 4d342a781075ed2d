"""Word patterns compiled once into an inverted index, matched against a message by look-ups.

A pattern is a few words ("keel dichtgeknepen", "overleg vastleggen"). It matches when every
word occurs in the message in some word form (``knowledge.wordforms``), in any order, and — when
the index has a window — close together. Each pattern is filed under its rarest word only (its
anchor); a message finds its candidate patterns through the anchors it holds and checks only
those. Nothing scans every pattern, and common words ("ik", "moet") cost nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from knowledge.wordforms import exact_keys, lookup_keys, stem, word_keys

__all__ = ["Lookup", "Match", "PatternIndex"]

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


class Lookup:
    """The words of a message, looked up once: where each word key occurs. Every pattern
    index matches against the same look-up."""

    def __init__(
        self, words: Sequence[str], extra: Iterable[tuple[tuple[int, ...], str]] = ()
    ) -> None:
        """``extra``: words standing for positions (joined separable verbs)."""
        where: dict[str, list[int]] = {}
        for position, word in enumerate(words):
            if word:
                for key in lookup_keys(word):
                    where.setdefault(key, []).append(position)
        for positions, word in extra:
            for key in exact_keys(word):
                where.setdefault(key, []).append(positions[-1])
        self.where = where


class PatternIndex(Generic[T]):
    """Patterns (phrases of normalised words) with a value each, filed under their anchors."""

    def __init__(self, patterns: Iterable[tuple[Sequence[str], T]], *, window: int = 0) -> None:
        """``window``: the most tokens a match may span (0: anywhere in the message)."""
        listed = [(tuple(words), value) for words, value in patterns if words]
        counts = Counter(stem(w) for words, _ in listed for w in set(words))
        self._values: list[T] = []
        self._keys: list[tuple[frozenset[str], ...]] = []
        self._anchors: dict[str, list[int]] = {}
        self._window = window
        for words, value in listed:
            index = len(self._values)
            self._values.append(value)
            self._keys.append(tuple(word_keys(w) for w in words))
            anchor = min(words, key=lambda w: (counts[stem(w)], -len(w)))
            for key in word_keys(anchor):
                self._anchors.setdefault(key, []).append(index)

    def __len__(self) -> int:
        return len(self._values)

    def matches(self, lookup: Lookup, *, skip: frozenset[int] = frozenset()) -> list[Match[T]]:
        """Every pattern that holds in ``lookup``, leaving out the positions in ``skip``."""
        where = lookup.where
        candidates: set[int] = set()
        for key in where.keys() & self._anchors.keys():
            candidates.update(self._anchors[key])
        found = []
        for index in candidates:
            lists = []
            for keys in self._keys[index]:
                if skip:
                    positions = [p for key in keys for p in where.get(key, ()) if p not in skip]
                else:
                    positions = [p for key in keys for p in where.get(key, ())]
                if not positions:
                    break
                lists.append(positions)
            else:
                chosen = _closest(lists)
                if self._window and chosen[-1] - chosen[0] >= self._window:
                    continue
                found.append(Match(self._values[index], len(lists), chosen, index))
        return found


def _closest(lists: list[list[int]]) -> tuple[int, ...]:
    """One position from each list, as close together as possible (sorted)."""
    if len(lists) == 1:
        return (min(lists[0]),)
    if all(len(positions) == 1 for positions in lists):
        return tuple(sorted(positions[0] for positions in lists))
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
