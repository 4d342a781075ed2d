"""The labelled messages (tests/understanding/*.tsv): accuracy overall, per class, confusions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dialogs.places import resolve_place
from dialogs.router import Reading
from dialogs.targets import IntentTarget, PlaceTarget, encode
from dialogs.understanding import SearchIndex
from knowledge import KnowledgeBase

SETS = Path(__file__).parent / "understanding"
OVERALL_MIN = 0.97
CLASS_MIN = 0.95


def _lines() -> list[tuple[str, str, str]]:
    """(file stem, message, expected) for every labelled line."""
    rows = []
    for path in sorted(SETS.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                message, expected = line.split("\t")
                rows.append((path.stem, message, expected))
    return rows


def predicted(knowledge: KnowledgeBase, routing: Reading) -> list[str]:
    """What the bot does with a message, as labels: the intent, the targets (places as the
    gemeente they name), an unknown place, or none."""
    labels = []
    for target in routing.targets:
        place = resolve_place(knowledge, target) if isinstance(target, PlaceTarget) else None
        if place is not None and place.gemeente is not None:
            labels.append(f"place:{place.gemeente.name}")
        elif isinstance(target, IntentTarget):
            labels.append(f"intent:{target.intent}")
        else:
            labels.append(encode(target))
    if labels:
        return labels
    return ["unknown-place"] if routing.unknown_place else ["none"]


def correct(knowledge: KnowledgeBase, expected: str, found: list[str]) -> bool:
    """Top-1 is right; for a place, an honest question across regions that holds it counts."""
    if not expected.startswith("place:"):
        return found[0] == expected
    names = set(expected.removeprefix("place:").split("|"))
    places = [f.removeprefix("place:") for f in found if f.startswith("place:")]
    if len(names) > 1:
        return names <= set(places)
    regions = {g.region for g in knowledge.gemeenten.values() if g.name in places}
    return places[:1] == list(names) or (names <= set(places) and len(regions) > 1)


def _class(expected: str) -> str:
    return expected.split(":")[0]


def test_labelled_messages_are_understood(shipped: KnowledgeBase) -> None:
    """At least 600 labelled messages reach 97% top-1 overall and 95% in every class."""
    index = SearchIndex(shipped)
    rows = _lines()
    assert len(rows) >= 600
    per_class: dict[str, list[bool]] = {}
    per_file: dict[str, list[bool]] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    misses = []
    for stem, message, expected in rows:
        found = predicted(shipped, index.understand(message))
        ok = correct(shipped, expected, found)
        per_class.setdefault(_class(expected), []).append(ok)
        per_file.setdefault(stem, []).append(ok)
        if not ok:
            confusions[(_class(expected), found[0].split(":")[0])] += 1
            misses.append((message, expected, found))
    hits = sum(ok for oks in per_class.values() for ok in oks)
    overall = hits / len(rows)
    print(f"\nunderstanding: top-1 accuracy {overall:.1%} ({hits}/{len(rows)})")
    for name, oks in sorted(per_class.items()) + sorted(per_file.items()):
        print(f"  {name:<14} {sum(oks) / len(oks):6.1%} ({sum(oks)}/{len(oks)})")
    print("confusions (expected kind -> answered kind):")
    for (want, got), count in confusions.most_common():
        print(f"  {want} -> {got}: {count}")
    for miss in misses:
        print("  miss:", miss)
    assert overall >= OVERALL_MIN
    worst = min(per_class, key=lambda c: sum(per_class[c]) / len(per_class[c]))
    assert sum(per_class[worst]) / len(per_class[worst]) >= CLASS_MIN, worst


@pytest.mark.parametrize(
    ("message", "place"),
    [
        (
            "Ik zie al een tijd een meisje van 6 op het consultatiebureau. Ze is vaak moe en vies. "
            "Moeder zegt dat het goed gaat. Moet ik melden of eerst overleggen? "
            "Het gezin woont in Houten.",
            "Houten",
        ),
        ("Kind van 5 uit Amersfoort vertelt dat oom aan haar zit. Wat moet ik doen?", "Amersfoort"),
    ],
)
def test_a_place_in_a_story_is_shown_beside_the_answer(
    shipped: KnowledgeBase, message: str, place: str
) -> None:
    """The story's topic is answered, and the place it names comes with it."""
    routing = SearchIndex(shipped).understand(message)
    assert routing.targets
    assert routing.beside is not None
    beside = resolve_place(shipped, routing.beside)
    assert beside is not None
    assert beside.name == place
