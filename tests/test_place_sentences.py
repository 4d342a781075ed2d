"""Generated place sentences over every gemeente, woonplaats and former gemeente.

Each name is typed alone, in "gezin uit X" and "kind in X, wie bel ik", and (names of six letters
or more) with one seeded typo anywhere. The answer must be the right Veilig Thuis region or an
honest question (several places, shown with their regions); never a silent answer elsewhere.
"""

from __future__ import annotations

import random
from collections import defaultdict

from dialogs.places import resolve_place
from dialogs.targets import PlaceTarget, Target
from dialogs.understanding import Understanding
from knowledge import KnowledgeBase
from knowledge.normalise import normalise

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TYPO_MIN = 6


def _names(knowledge: KnowledgeBase) -> dict[str, set[str]]:
    """Every place name people may type, with the regions it may mean."""
    regions: dict[str, set[str]] = defaultdict(set)
    for gemeente in knowledge.gemeenten.values():
        regions[gemeente.name].add(gemeente.region)
        for _, name in gemeente.places:
            regions[name].add(gemeente.region)
    for alias in knowledge.aliases.values():
        for code in alias.gemeenten:
            regions[alias.name].add(knowledge.gemeenten[code].region)
    # A name typed is also every same-named place after normalising ("Hengelo" / "Hengelo Gld").
    by_key: dict[str, set[str]] = defaultdict(set)
    for name, found in regions.items():
        by_key[normalise(name)] |= found
    return {name: by_key[normalise(name)] for name in regions}


def _typo(name: str, rng: random.Random) -> str:
    """One edit at a random place: a letter dropped, doubled, swapped or replaced."""
    i = rng.randrange(1, len(name) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return name[:i] + name[i + 1 :]
    if kind == "double":
        return name[:i] + name[i] + name[i:]
    if kind == "swap":
        return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]
    return name[:i] + rng.choice(_LETTERS) + name[i + 1 :]


def _regions(knowledge: KnowledgeBase, targets: tuple[Target, ...]) -> list[str]:
    found = []
    for target in targets:
        place = resolve_place(knowledge, target) if isinstance(target, PlaceTarget) else None
        if place is not None:
            found.append(place.region.code)
    return found


def test_every_place_name_in_any_phrasing(shipped: KnowledgeBase) -> None:
    """At least 99% right region or an honest question; no silent answer in another region."""
    index = Understanding(shipped)
    names = _names(shipped)
    keys = {normalise(n) for n in names}
    rng = random.Random(14)
    right = asked = other = 0
    silent_wrong: list[tuple[str, list[str], set[str]]] = []
    misses: list[tuple[str, list[str]]] = []
    for name in sorted(names):
        expected = names[name]
        sentences = [name, f"gezin uit {name}", f"kind in {name}, wie bel ik"]
        typo = _typo(name, rng) if len(name) >= _TYPO_MIN else None
        if typo is not None and normalise(typo) not in keys:
            sentences.append(typo)
        for sentence in sentences:
            reading = index.understand(sentence)
            found = _regions(shipped, reading.targets)
            if found and reading.guessed:
                asked += 1  # a corrected spelling: "Bedoelde u …?", never answered silently
            elif len(found) == 1 and found[0] in expected and len(expected) == 1:
                right += 1
            elif len(found) > 1 and set(found) & expected and len(set(found)) > 1:
                asked += 1
            elif len(found) == 1 and found[0] not in expected:
                silent_wrong.append((sentence, found, expected))
            elif found and set(found) <= expected:
                right += 1  # the name means several regions and the answer is one of them
            else:
                other += 1
                misses.append((sentence, found))
    total = right + asked + other + len(silent_wrong)
    share = (right + asked) / total
    print(
        f"\nplace sentences: {total}; right {right}, asked {asked}, other {other}, "
        f"silent wrong {len(silent_wrong)}; right or asked {share:.2%}"
    )
    for miss in misses[:40]:
        print("  miss:", miss)
    for wrong in silent_wrong:
        print("  SILENT WRONG:", wrong)
    assert silent_wrong == []
    assert share >= 0.99


def test_no_misspelt_or_unknown_place_is_answered_without_asking(shipped: KnowledgeBase) -> None:
    """Generated misspellings and made-up names, in several phrasings: whenever a place is read
    from a name that is no place key, the reading is a guess (asked), never an answer."""
    index = Understanding(shipped)
    names = _names(shipped)
    keys = {normalise(n) for n in names}
    rng = random.Random(2026)
    typed = [_typo(name, rng) for name in rng.sample(sorted(names), 600) if len(name) >= _TYPO_MIN]
    made_up = ["Mesch", "Vorsterveld", "Klein Haasdonk", "Oud-Wetering", "Brakkenstein Oost"]
    answered: list[tuple[str, list[str]]] = []
    asked = 0
    for name in [*typed, *made_up]:
        key = normalise(name)
        if key in keys or "y" in key or "ij" in key:
            continue  # a real name after all, or only ij written as y (a spelling)
        for sentence in (f"kind woont in {name}", f"gezin uit {name}", f"veilig thuis {name}"):
            reading = index.understand(sentence)
            found = _regions(
                shipped, (*reading.targets, *(() if reading.beside is None else (reading.beside,)))
            )
            if found and not reading.guessed:
                answered.append((sentence, found))
            elif found:
                asked += 1
    print(f"\nmisspelt places: asked {asked}, answered without asking {len(answered)}")
    assert asked > 0
    assert answered == []
