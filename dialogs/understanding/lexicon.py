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
        self._found: dict[frozenset[str], list[int]] = {}

    def positions(self, keys: frozenset[str]) -> list[int]:
        """Where any of ``keys`` (one pattern word's forms) occurs; remembered, since the
        pattern indexes ask for the same words again."""
        found = self._found.get(keys)
        if found is None:
            where = self.where
            found = self._found[keys] = [p for key in keys for p in where.get(key, ())]
        return found


class PatternIndex(Generic[T]):
    """Patterns (phrases of normalised words) with a value each, filed under their anchors."""

    def __init__(self, patterns: Iterable[tuple[Sequence[str], T]], *, window: int = 0) -> None:
        """``window``: the most tokens a match may span (0: anywhere in the message)."""
        listed = [(tuple(words), value) for words, value in patterns if words]
        counts = Counter(stem(w) for words, _ in listed for w in set(words))
        self._values: list[T] = []
        self._keys: list[tuple[frozenset[str], ...]] = []
        self._anchors: dict[str, list[int]] = {}
        self._numbered: dict[int, tuple[int, ...]] = {}
        self._window = window
        for words, value in listed:
            index = len(self._values)
            self._values.append(value)
            self._keys.append(tuple(word_keys(w) for w in words))
            numbers = tuple(i for i, w in enumerate(words) if i and w.isdigit())
            if numbers:
                # "afwegingsvraag 3" names the third question; "de 3 afwegingsvragen" counts
                # them: a number in a pattern follows the word before it.
                self._numbered[index] = numbers
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
                positions = lookup.positions(keys)
                if skip and positions:
                    positions = [p for p in positions if p not in skip]
                if not positions:
                    break
                lists.append(positions)
            else:
                numbered = self._numbered.get(index)
                if numbered and not all(max(lists[i]) > min(lists[i - 1]) for i in numbered):
                    continue
                chosen = _closest(lists)
                if self._window and chosen[-1] - chosen[0] >= self._window:
                    continue
                found.append(Match(self._values[index], len(lists), chosen, index))
        return found


def _closest(lists: list[list[int]]) -> tuple[int, ...]:
    """One position from each list, as close together as possible (sorted): the narrowest
    window holding a position of every list (the first such window), in one sweep."""
    if len(lists) == 1:
        return (min(lists[0]),)
    if all(len(positions) == 1 for positions in lists):
        return tuple(sorted(positions[0] for positions in lists))
    events = sorted({(p, i) for i, positions in enumerate(lists) for p in positions})
    need = len(lists)
    counts = [0] * need
    have = left = 0
    best = (0, len(events) - 1)
    width = None
    for right, (position, which) in enumerate(events):
        if not counts[which]:
            have += 1
        counts[which] += 1
        while have == need:
            start = events[left][0]
            if width is None or position - start < width:
                best, width = (left, right), position - start
            gone = events[left][1]
            counts[gone] -= 1
            if not counts[gone]:
                have -= 1
            left += 1
    chosen: dict[int, int] = {}
    for position, which in events[best[0] : best[1] + 1]:
        chosen.setdefault(which, position)
    return tuple(sorted(chosen.values()))
