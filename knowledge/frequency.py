"""How common a Dutch word is, from the wordfreq package's Dutch list (Zipf scale: 7 for "de",
about 3 for a word seen once per million words).

A place name that is also a frequent word ("houten", "best", "leren" near "Lieren") needs
evidence before it is read as a place. The list is read once per process and kept as two sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import wordfreq

from knowledge.normalise import normalise

__all__ = ["COMMON", "FREQUENT", "VERY", "WordFrequency", "word_frequency"]

COMMON = 3.0
"""Zipf from which a word is a known Dutch word: never read as a misspelt place name."""
FREQUENT = 4.0
"""Zipf from which a word is frequent (about the 10,000 most used): a place name that is such
a word needs a place word before it or a capital."""


VERY = 5.0
"""Zipf from which a word is everyday language ("sinds", "kort", "altijd"): it says little
about a topic, however rare it is among the content's phrasings."""


@dataclass(frozen=True)
class WordFrequency:
    """Dutch words by how common they are (normalised: lower case, no accents)."""

    common: frozenset[str]
    frequent: frozenset[str]
    everyday: frozenset[str]

    def is_common(self, words: str) -> bool:
        """True when every word of ``words`` (space separated) is a known Dutch word."""
        return all(w in self.common for w in words.split())

    def is_everyday(self, word: str) -> bool:
        """True when ``word`` is everyday language ("sinds", "altijd")."""
        return word in self.everyday

    def is_frequent(self, words: str) -> bool:
        """True when every word of ``words`` is a frequent Dutch word."""
        return all(w in self.frequent for w in words.split())


@lru_cache(maxsize=1)
def word_frequency() -> WordFrequency:
    """The Dutch frequency sets (read on first use, then shared)."""
    common: set[str] = set()
    frequent: set[str] = set()
    everyday: set[str] = set()
    for word, share in wordfreq.get_frequency_dict("nl").items():
        zipf = math.log10(share) + 9
        if zipf < COMMON:
            continue
        key = normalise(word)
        if not key or " " in key:
            continue
        common.add(key)
        if zipf >= FREQUENT:
            frequent.add(key)
        if zipf >= VERY:
            everyday.add(key)
    return WordFrequency(frozenset(common), frozenset(frequent), frozenset(everyday))
