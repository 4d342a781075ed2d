"""Dutch word forms: "verwaarlozing", "verwaarloosd" and "verwaarlozen" meet at one stem.

The Snowball Dutch stemmer does the language work; ``same_word`` adds a prefix rule for the
forms it leaves apart (``verwaarloos``/``verwaarloosd``, ``noteer``/``noter``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from knowledge.frequency import word_frequency

__all__ = [
    "Forms",
    "WordForm",
    "exact_keys",
    "lookup_keys",
    "same_word",
    "stem",
    "stems",
    "with_particle_verbs",
    "word_keys",
]

_STEMMER = snowballstemmer.stemmer("dutch")
_PREFIX_MIN = 4
# Separable verbs put their particle at the end: "vraag ... aan", "leg ... vast", "bel ... terug".
_PARTICLES = frozenset("aan vast terug op over door mee uit af bij na toe".split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball Dutch stem of one normalised word. The stemmer takes "ge-" off every word
    ("gezin" → "zin", "geweld" → "wel"); it stays on unless the word is a participle of a
    known verb ("gemeld": melden, "gebeld": bellen)."""
    stemmed = str(_STEMMER.stemWord(word))
    if word.startswith("ge") and not stemmed.startswith("ge") and not _participle(word):
        return "ge" + stemmed
    return stemmed


def _participle(word: str) -> bool:
    """ "gemeld", "gebeld", "geslagen": "ge-" before a verb people use, ending in -d, -t or
    -en."""
    root = word[2:]
    if root.endswith("en"):
        return word_frequency().is_common(root)
    if not root.endswith(("d", "t")) or len(root) < 3:
        return False
    base = root[:-1]
    verbs = (root + "en", root + root[-1] + "en", base + "en", base + base[-1] + "en")
    return any(word_frequency().is_common(verb) for verb in verbs)


def stems(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The stems of ``words``, in order."""
    return tuple(stem(w) for w in words)


def same_word(pattern: str, word: str) -> bool:
    """True when stem ``word`` is a form of stem ``pattern``: equal, or one a prefix of the other
    with at most two letters more, both at least four letters long."""
    if pattern == word:
        return True
    short, long_ = (pattern, word) if len(pattern) <= len(word) else (word, pattern)
    if _canon(short) == _canon(long_):
        return True  # Dutch spelling of one stem: "aanvrag"/"aanvraag", "verwaarloz"/"…loos"
    return len(short) >= _PREFIX_MIN and long_.startswith(short) and len(long_) - len(short) <= 2


@dataclass(frozen=True)
class WordForm:
    """A pattern word prepared for set look-ups: its stem, canonical spelling and the shorter
    words it may be a form of."""

    stem: str
    canon: str
    shorter: frozenset[str]

    @staticmethod
    def of(stemmed: str) -> WordForm:
        """The form of one stem (``stem(word)``)."""
        return WordForm(stemmed, _canon(stemmed), _truncations(stemmed))


class Forms:
    """The words of one message, indexed so ``has`` answers ``same_word`` by set look-ups."""

    def __init__(self, stemmed: tuple[str, ...]) -> None:
        self._words = frozenset(stemmed)
        self._canons = frozenset(_canon(w) for w in stemmed)
        self._shorter = frozenset(t for w in stemmed for t in _truncations(w))

    def has(self, form: WordForm) -> bool:
        """True when some word of the message is a form of ``form`` (see ``same_word``)."""
        return (
            form.stem in self._words
            or form.stem in self._shorter
            or form.canon in self._canons
            or not form.shorter.isdisjoint(self._words)
        )


_SUFFIXES = ("ingen", "ing", "en", "e", "t")
_ROOT_MIN = 4
"""A rough root keeps four letters: "wiet" stays "wiet", not "wie"."""


@lru_cache(maxsize=65536)
def _crude(word: str) -> str:
    """A rough root beside the stemmer's: without the "ge-" of a participle and one common
    ending, so forms the stemmer splits meet again ("melden", "melding", "gemeld" and "meldt"
    all give "meld"; "geweer" keeps its "ge")."""
    participle = word.startswith("ge") and len(word) > 5 and word.endswith(("d", "t", "en"))
    root = word[2:] if participle else word
    for suffix in _SUFFIXES:
        if root.endswith(suffix) and len(root) - len(suffix) >= _ROOT_MIN:
            return root[: -len(suffix)]
    return root


@lru_cache(maxsize=65536)
def word_keys(word: str) -> frozenset[str]:
    """The keys under which an index files a pattern word (a normalised word): its stem, the
    stem's canonical spelling, its rough root, and the shorter stems a message word may have
    (``lookup_keys`` of a message word meets these exactly when ``same_word`` holds, or the
    rough roots agree)."""
    stemmed = stem(word)
    keys = {"s:" + stemmed, "c:" + _canon(stemmed), "k:" + _crude(word)}
    keys |= {"t:" + short for short in _truncations(stemmed)}
    return frozenset(keys)


@lru_cache(maxsize=65536)
def lookup_keys(word: str) -> frozenset[str]:
    """The keys to look a message word (normalised) up by in an index built with
    ``word_keys``."""
    stemmed = stem(word)
    keys = {"s:" + stemmed, "c:" + _canon(stemmed), "k:" + _crude(word), "t:" + stemmed}
    keys |= {"s:" + short for short in _truncations(stemmed)}
    return frozenset(keys)


@lru_cache(maxsize=65536)
def exact_keys(word: str) -> frozenset[str]:
    """The look-up keys of a word made up from others (a joined separable verb: "leg … bij"
    gives "bijleg"): its stem and rough root only, never a shorter stem ("bijl")."""
    return frozenset({"s:" + stem(word), "k:" + _crude(word), "t:" + stem(word)})


def _truncations(word: str) -> frozenset[str]:
    """``word`` without its last one or two letters, where four letters or more remain."""
    return frozenset(word[:k] for k in (len(word) - 1, len(word) - 2) if k >= _PREFIX_MIN)


def _canon(word: str) -> str:
    """One spelling for the forms of a Dutch stem: doubled vowels single ("aanvraag" and
    "aanvrag"), a final z or v as s or f ("verwaarloz", "verwaarloos")."""
    single = "".join(
        ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1] or ch not in "aeou"
    )
    return single[:-1] + {"z": "s", "v": "f"}.get(single[-1:], single[-1:]) if single else single


def with_particle_verbs(words: list[str]) -> list[str]:
    """``words`` plus the separable verbs they spell: "vraag een consult aan" also gives
    "aanvraag", "leg dat vast" gives "vastleg"."""
    joined = [
        particle + word
        for j, particle in enumerate(words)
        if particle in _PARTICLES
        for word in words[max(0, j - 6) : j]
        if len(word) >= 3 and word not in _PARTICLES
    ]
    return words + joined
