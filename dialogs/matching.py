"""Match typed text to the answers on offer: number, label, ja/nee, small typos."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from knowledge.normalise import normalise

__all__ = ["match_choice"]

_YES = frozenset({"j", "ja", "jazeker", "jawel", "yes", "y", "klopt", "zeker", "ja hoor"})
_NO = frozenset({"n", "nee", "neen", "no", "nope", "niet", "nee hoor"})
_FUZZY_MIN_LENGTH = 4
_FUZZY_CUTOFF = 80.0
_FUZZY_MARGIN = 8.0


def match_choice(text: str, labels: Sequence[str]) -> int | None:
    """The index of the label ``text`` picks, or None when it picks none (or is ambiguous)."""
    typed = normalise(text)
    if not typed or not labels:
        return None
    if typed.isdigit():
        number = int(typed)
        return number - 1 if 1 <= number <= len(labels) else None
    plain = [normalise(label) for label in labels]
    if typed in plain:
        return plain.index(typed)
    for words, answer in ((_YES, "ja"), (_NO, "nee")):
        if typed in words and answer in plain:
            return plain.index(answer)
    return _fuzzy(typed, plain)


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
