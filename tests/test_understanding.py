"""The labelled messages (tests/understanding/*.tsv): accuracy overall, per class, confusions.

A line is ``message<TAB>expected``. ``expected`` is one label, or facets joined by ``+``:
``safety`` (the message must be read as acute danger), ``role:<id>`` (the role it states), and
at most one target label (see tests/understanding/README.md). A line's class is its file's name,
except that every line with ``safety`` counts in the class ``safety`` (held at 100%).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from dialogs.places import resolve_place
from dialogs.router import Reading
from dialogs.targets import IntentTarget, PlaceTarget, Target, encode
from dialogs.understanding import Understanding
from knowledge import KnowledgeBase

SETS = Path(__file__).parent / "understanding"
MINIMUM_LINES = 1000
OVERALL_MIN = 0.97
CLASS_MIN = 0.95
SAFETY_MIN = 1.0
SAFETY = "safety"


@dataclass(frozen=True)
class Line:
    """One labelled message."""

    file: str
    message: str
    expected: str

    @property
    def facets(self) -> list[str]:
        return self.expected.split("+")

    @property
    def danger(self) -> bool:
        return SAFETY in self.facets

    @property
    def role(self) -> str | None:
        return next((f.removeprefix("role:") for f in self.facets if f.startswith("role:")), None)

    @property
    def label(self) -> str | None:
        """The target label, if the line names one."""
        rest = [f for f in self.facets if f != SAFETY and not f.startswith("role:")]
        return rest[0] if rest else None

    @property
    def kind(self) -> str:
        """The class this line counts in."""
        return SAFETY if self.danger else self.file


def labelled_lines() -> list[Line]:
    """Every labelled line of every set, in file order."""
    rows = []
    for path in sorted(SETS.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                message, expected = line.split("\t")
                rows.append(Line(path.stem, message, expected))
    return rows


def label_of(knowledge: KnowledgeBase, target: Target) -> str:
    """A target as a label: a place as the gemeente it names, an intent, else its string."""
    place = resolve_place(knowledge, target) if isinstance(target, PlaceTarget) else None
    if place is not None and place.gemeente is not None:
        return f"place:{place.gemeente.name}"
    if isinstance(target, IntentTarget):
        return f"intent:{target.intent}"
    return encode(target)


def predicted(knowledge: KnowledgeBase, reading: Reading) -> list[str]:
    """What the bot answers (after any danger line), as labels best first: the targets, the
    danger's own answer when nothing else is asked, an unknown place, or none."""
    targets = reading.targets
    if not targets and reading.danger is not None and reading.danger.then is not None:
        targets = (reading.danger.then,)
    labels = [label_of(knowledge, t) for t in targets]
    if reading.guessed:
        # A spelling-corrected place is asked ("Bedoelde u …?"), never answered.
        labels = [f"guess:{label.removeprefix('place:')}" for label in labels]
    if labels:
        return labels
    return ["unknown-place"] if reading.unknown_place else ["none"]


def correct_label(knowledge: KnowledgeBase, expected: str, found: list[str]) -> bool:
    """Top-1 is right; for a place, an honest question across regions that holds it counts."""
    prefix = next((p for p in ("place:", "guess:") if expected.startswith(p)), None)
    if prefix is None:
        return found[0] == expected
    names = set(expected.removeprefix(prefix).split("|"))
    places = [f.removeprefix(prefix) for f in found if f.startswith(prefix)]
    if prefix == "guess:":
        return names <= set(places)  # asked: the candidates must hold the place meant
    if len(names) > 1:
        return names <= set(places)
    regions = {g.region for g in knowledge.gemeenten.values() if g.name in places}
    return places[:1] == list(names) or (names <= set(places) and len(regions) > 1)


def judge(knowledge: KnowledgeBase, line: Line, reading: Reading) -> tuple[bool, str]:
    """Whether ``reading`` is right for ``line``, and what was answered (for the report)."""
    found = predicted(knowledge, reading)
    flags = [
        *([SAFETY] if reading.danger else []),
        *([f"role:{reading.role}"] if reading.role else []),
    ]
    answered = "+".join([*flags, *found[:2]])
    ok = (
        (not line.danger or reading.danger is not None)
        and (line.role is None or reading.role == line.role)
        and (line.label is None or correct_label(knowledge, line.label, found))
    )
    return ok, answered


def _kind_of(label: str) -> str:
    return label.split(":")[0]


def test_labelled_messages_are_understood(shipped: KnowledgeBase) -> None:
    """At least 1,000 labelled messages reach 97% overall, 95% in every class and 100% for
    danger, with per-class accuracy and the confusions printed."""
    index = Understanding(shipped)
    rows = labelled_lines()
    assert len(rows) >= MINIMUM_LINES
    per_class: dict[str, list[bool]] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    extra_danger = 0
    misses = []
    for line in rows:
        reading = index.understand(line.message)
        ok, answered = judge(shipped, line, reading)
        per_class.setdefault(line.kind, []).append(ok)
        extra_danger += reading.danger is not None and not line.danger
        if not ok:
            want = f"{SAFETY} " if line.danger and reading.danger is None else ""
            confusions[(want + _kind_of(line.label or line.expected), _kind_of(answered))] += 1
            misses.append((line.file, line.message, line.expected, answered))
    hits = sum(ok for oks in per_class.values() for ok in oks)
    overall = hits / len(rows)
    print(f"\nunderstanding: accuracy {overall:.1%} ({hits}/{len(rows)})")
    for name, oks in sorted(per_class.items()):
        print(f"  {name:<14} {sum(oks) / len(oks):6.1%} ({sum(oks)}/{len(oks)})")
    print(f"danger read in {extra_danger} messages not labelled as danger (112 shown too)")
    print("confusions (expected kind -> answered kind):")
    for (want, got), count in confusions.most_common():
        print(f"  {want} -> {got}: {count}")
    for miss in misses:
        print("  miss:", miss)
    shares = {name: sum(oks) / len(oks) for name, oks in per_class.items()}
    assert shares.get(SAFETY, 0.0) >= SAFETY_MIN, "every danger message is read as danger"
    assert overall >= OVERALL_MIN
    assert min(shares.values()) >= CLASS_MIN, min(shares, key=shares.__getitem__)


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
    reading = Understanding(shipped).understand(message)
    assert reading.targets
    assert reading.beside is not None
    beside = resolve_place(shipped, reading.beside)
    assert beside is not None
    assert beside.name == place
