"""Dutch word forms: "verwaarlozing", "verwaarloosd" and "verwaarlozen" meet at one stem.

The Snowball Dutch stemmer does the language work; ``same_word`` adds a prefix rule for the
forms it leaves apart (``verwaarloos``/``verwaarloosd``, ``noteer``/``noter``).
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

__all__ = ["same_word", "stem", "stems"]

_STEMMER = snowballstemmer.stemmer("dutch")
_PREFIX_MIN = 4


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball Dutch stem of one normalised word."""
    return str(_STEMMER.stemWord(word))


def stems(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The stems of ``words``, in order."""
    return tuple(stem(w) for w in words)


def same_word(pattern: str, word: str) -> bool:
    """True when stem ``word`` is a form of stem ``pattern``: equal, or one a prefix of the other
    with at most two letters more, both at least four letters long."""
    if pattern == word:
        return True
    short, long_ = (pattern, word) if len(pattern) <= len(word) else (word, pattern)
    return len(short) >= _PREFIX_MIN and long_.startswith(short) and len(long_) - len(short) <= 2
