"""Match typed text to the answers on offer: number, label, ja/nee, small typos."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from knowledge.normalise import normalise

__all__ = ["match_choice"]

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
    answer = _yes_or_no(typed)
    if answer is not None and answer in plain:
        return plain.index(answer)
    return _fuzzy(typed, plain)


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
