"""Ordinary Dutch words never become places.

The 3,000 most frequent Dutch words of the wordfreq package, and 6,000 word pairs made of them
and the most frequent function words ("een feest", "over een"), typed alone and inside
sentences ("ik wil X", "het gaat over X"): none is answered as a place. The only words left out
are the content's own list of frequent words that are foremost a place name (``namen`` in
understanding/places.yaml: "utrecht", "amsterdam"), which the content validator holds to known
place names.
"""

from __future__ import annotations

import pytest
import wordfreq

from dialogs.targets import PlaceTarget
from dialogs.understanding import Understanding
from knowledge import KnowledgeBase
from knowledge.normalise import normalise

TOP = 3000
PLACE_WORDS = frozenset("uit in te bij naar voor".split())
FUNCTION_WORDS = 50
NAMES_AT_MOST = 40


def _frequent_words() -> list[str]:
    words = (normalise(w) for w in wordfreq.top_n_list("nl", TOP))
    return [w for w in dict.fromkeys(words) if w and " " not in w]


def _sentences(words: list[str]) -> list[str]:
    """Each word alone and in two sentences, and two pairs per word with a function word. The
    place words ("uit", "in", "te", "bij", "naar") are left out of the pairs: "uit houten" is
    exactly the evidence that names a place."""
    function = [w for w in words if w not in PLACE_WORDS][:FUNCTION_WORDS]
    out = []
    for i, word in enumerate(words):
        before = f"{function[i % FUNCTION_WORDS]} {word}"
        after = f"{word} {function[(i * 7) % FUNCTION_WORDS]}"
        for phrase in (word, before, after):
            out += [phrase, f"ik wil {phrase}", f"het gaat over {phrase}"]
    return out


def _is_place(reading_targets: tuple[object, ...], beside: object) -> bool:
    return beside is not None or any(isinstance(t, PlaceTarget) for t in reading_targets)


def test_frequent_words_and_pairs_are_no_places(shipped: KnowledgeBase) -> None:
    """None of the 3,000 most frequent Dutch words or 6,000 pairs becomes a place, alone or in
    a sentence (content-listed city names aside)."""
    understanding = Understanding(shipped)
    names = {normalise(w) for w in shipped.place_words["namen"].words}
    assert len(names) <= NAMES_AT_MOST
    words = [w for w in _frequent_words() if w not in names]
    assert len(words) >= TOP - NAMES_AT_MOST - 100
    placed = []
    for sentence in _sentences(words):
        reading = understanding.understand(sentence)
        if _is_place(reading.targets, reading.beside):
            placed.append(sentence)
    print(
        f"\nfrequent words: {len(words)} words, {len(_sentences(words))} messages; "
        f"left out as names: {sorted(names)}; read as a place: {len(placed)}"
    )
    assert placed == []


@pytest.mark.parametrize(
    "message",
    [
        "ik wil dit leren",
        "kan dat over een week",
        "we hebben een feest gehad",
        "mag ik het dossier mee te nemen",
        "hoe kan ik dat tegen te houden",
        "het gaat over houten speelgoed",
        "welke stappen moet ik nu zetten",
    ],
)
def test_the_issue_examples_are_no_places(shipped: KnowledgeBase, message: str) -> None:
    """Words that were read as villages ("leren" as Lieren, "over een" as Overveen) are not."""
    reading = Understanding(shipped).understand(message)
    assert not _is_place(reading.targets, reading.beside)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("gezin uit houten", "GM0321"),
        ("Houten", "GM0321"),
        ("kind woont in best", "GM0753"),
        ("vt zwolle", "GM0193"),
    ],
)
def test_a_frequent_word_is_a_place_with_evidence(
    shipped: KnowledgeBase, message: str, code: str
) -> None:
    """The same words are places after a place word, with a capital, or as a listed name."""
    reading = Understanding(shipped).understand(message)
    assert reading.targets == (PlaceTarget("gemeente", code),)
