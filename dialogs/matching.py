"""Match typed text to the answers on offer: number, label, ja/nee, small typos, and the words
of an answer said another way ("ik vroeg erom" for "Ik vroeg om overleg", "spoed" for "Vandaag
nog"). The same matching serves a tree's questions and the consultation flows' steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise
from knowledge.wordforms import stem

__all__ = ["answer_words", "match_choice"]

_YES = frozenset(
    "j ja jazeker jawel yes y yep jep jup klopt zeker inderdaad correct wel akkoord".split()
)
_NO = frozenset("n nee neen no nope neuh nah niet geen nooit".split())
# Words that only soften a yes or no: "ja hoor", "nee, dat niet", "volgens mij wel".
_SOFT = frozenset(
    "hoor zeker dat klopt volgens mij denk ik wel niet nog eigenlijk toch helaas absoluut".split()
)
_FUZZY_MIN_LENGTH = 4
_FUZZY_CUTOFF = 80.0
_FUZZY_MARGIN = 8.0
# Words of an answer that tell nothing apart ("de", "om", "een"): left out of word matching.
_FILLER = frozenset("de het een om van met via op naar en of te in maar graag dan".split())
_MODIFIERS = frozenset("ander andere anders nieuw nieuwe zelfde other another new".split())
"""Words that only qualify another ("Andere gemeente", "Ander overleg"): sharing one alone
picks no label."""
_MAX_WORDS = 8
"""Longer text is a message of its own, not an answer said another way."""


def answer_words(knowledge: KnowledgeBase) -> dict[str, str]:
    """Typed words and the word of an answer's label they stand for (content: synonyms)."""
    return {
        normalise(word): entry.id for entry in knowledge.synonyms.values() for word in entry.words
    }


def match_choice(
    text: str, labels: Sequence[str], *, synonyms: Mapping[str, str] | None = None
) -> int | None:
    """The index of the label ``text`` picks, or None when it picks none (or is ambiguous).
    ``synonyms``: typed words and the label word each stands for."""
    typed = normalise(text)
    if not typed or not labels:
        return None
    if typed.isdigit():
        number = int(typed)
        return number - 1 if 1 <= number <= len(labels) else None
    plain = [normalise(label) for label in labels]
    if typed in plain:
        return plain.index(typed)
    answer = _yes_or_no(typed)
    if answer is not None and answer in plain:
        return plain.index(answer)
    found = _fuzzy(typed, plain)
    if found is None:
        found = _by_words(typed, plain, synonyms or {})
    return found


def _yes_or_no(typed: str) -> str | None:
    """ "ja" or "nee" for a short answer made of yes/no words and softeners ("ja dat klopt",
    "nee, nog niet", "volgens mij wel"); None when it says more ("ja, maar ik twijfel")."""
    words = typed.split()
    if len(words) > 4 or not all(w in _YES or w in _NO or w in _SOFT for w in words):
        return None
    no = any(w in _NO for w in words)
    yes = any(w in _YES for w in words)
    if no and not (words[0] in _YES and words[0] not in _SOFT):
        return "nee"
    return "ja" if yes else None


def _fuzzy(typed: str, plain: list[str]) -> int | None:
    """A small typo in a longer label ("afweginskader"); never for short words like ja/nee."""
    if len(typed) < _FUZZY_MIN_LENGTH:
        return None
    scores = [
        fuzz.ratio(typed, label) if len(label) >= _FUZZY_MIN_LENGTH else 0.0 for label in plain
    ]
    best = max(range(len(scores)), key=scores.__getitem__)
    runner_up = max((s for i, s in enumerate(scores) if i != best), default=0.0)
    if scores[best] >= _FUZZY_CUTOFF and scores[best] - runner_up >= _FUZZY_MARGIN:
        return best
    return None


def _by_words(typed: str, plain: list[str], synonyms: Mapping[str, str]) -> int | None:
    """The one label that shares the most telling words with the answer, said another way:
    at least half of what was typed, and more than any other label."""
    said = _stems(typed, synonyms)
    words = typed.split()
    if not said or len(words) > _MAX_WORDS:
        return None
    if len(words) == 1 and words[0] not in synonyms:
        return None  # one plain word is matched whole or with a typo, never by its stem
    labels = [_stems(label, {}) for label in plain]
    shared = [len(said & words) for words in labels]
    best = max(range(len(shared)), key=shared.__getitem__)
    others = max((n for i, n in enumerate(shared) if i != best), default=0)
    if shared[best] * 2 >= len(said) and shared[best] > others:
        return best
    return None


def _stems(text: str, synonyms: Mapping[str, str]) -> frozenset[str]:
    """The telling words of ``text`` (synonyms read as the label word), as stems."""
    words = text.split()
    joined = " ".join(words)
    for typed, word in synonyms.items():
        if " " in typed and f" {typed} " in f" {joined} ":
            joined = f" {joined} ".replace(f" {typed} ", f" {word} ").strip()
    words = [synonyms.get(w, w) for w in joined.split() if w not in _FILLER]
    return frozenset(stem(w) for w in words if w not in _MODIFIERS)
