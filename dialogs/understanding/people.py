"""Who is who in a story: who is hurt, and whether a child (or a baby) is in it.

An injury ("blauwe plekken", "een gebroken arm") belongs to the person named nearest before it
in the same clause, else the nearest after it: "moeder heeft blauwe plekken, de peuter was
erbij" is a mother's injury seen by a child, not the toddler's. The words are content
(understanding/people.yaml); a baby is also "van 6 weken" or "van 3 maanden".
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from dialogs.understanding.lexicon import PatternIndex
from dialogs.understanding.text import Message, pattern_words
from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise

__all__ = ["People", "Who"]

Person = Literal["volwassene", "kind", "baby"]
_WEEKS = frozenset("weken week weeks wk wkn".split())
_MONTHS = frozenset("maanden maand months month".split())
_BABY_MONTHS = 12
_OF = frozenset("van bij".split())
_OF_REACH = 5
"""How far after an injury "van het kind" may name its owner."""


@dataclass(frozen=True)
class Who:
    """Who a message is about: the one hurt (None: no injury, or nobody named), and whether a
    child or a baby is in it, and someone saw it."""

    hurt: Person | None = None
    child: bool = False
    baby: bool = False
    witness: bool = False
    adult: bool = False

    @property
    def anyone(self) -> bool:
        """True when the message names a person at all."""
        return self.child or self.adult


class People:
    """The people lexicon of one loaded content, compiled."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        lists = knowledge.people
        # People are matched by their words and plain forms only ("ouder" is no "oude").
        self._persons: dict[str, Person] = {}
        kinds: tuple[Person, ...] = ("volwassene", "kind", "baby")
        for kind in kinds:
            for word in lists[kind].words if kind in lists else ():
                for form in _forms(normalise(word)):
                    self._persons.setdefault(form, kind)
        self._injuries = (
            PatternIndex((pattern_words(w), "letsel") for w in lists["letsel"].words)
            if "letsel" in lists
            else PatternIndex(())
        )
        self._witness = (
            PatternIndex((pattern_words(w), "getuige") for w in lists["getuige"].words)
            if "getuige" in lists
            else PatternIndex(())
        )

    def read(self, message: Message, *, skip: frozenset[int] = frozenset()) -> Who:
        """Who ``message`` is about; ``skip``: positions that are something else (a place:
        "Breukelen" holds no "breuk")."""
        words = message.without(skip)
        persons = [(i, self._persons[w]) for i, w in enumerate(words) if w in self._persons]
        kinds = {kind for _, kind in persons}
        baby = "baby" in kinds or _infant_age(words)
        child = baby or "kind" in kinds
        hurt: list[Person] = []
        for injury in self._injuries.matches(message.lookup, skip=skip):
            owner = _owner(message, injury.start, persons)
            if owner is not None:
                hurt.append(owner)
        witness = bool(self._witness.matches(message.lookup, skip=skip))
        adult = "volwassene" in kinds
        return Who(_most_hurt(hurt), child=child, baby=baby, witness=witness, adult=adult)


def _owner(message: Message, at: int, persons: list[tuple[int, Person]]) -> Person | None:
    """Who has the injury at ``at``: the person right after "van"/"bij" ("het letsel van het
    kind"), else the one named nearest before it in its clause, else nearest after it."""
    clause = message.clause_of(at)
    words = message.tokens
    after = [(p, k) for p, k in persons if at < p <= at + _OF_REACH and p < clause.end]
    if after and any(w in _OF for w in words[at + 1 : after[0][0]]):
        return after[0][1]
    before = [(p, k) for p, k in persons if clause.start <= p < at]
    if before:
        return before[-1][1]
    after = [(p, k) for p, k in persons if at < p < clause.end]
    return after[0][1] if after else None


def _most_hurt(hurt: list[Person]) -> Person | None:
    """A child hurt outweighs an adult hurt in the same message (the child's injury is the
    topic); a baby outweighs an older child."""
    order: tuple[Person, ...] = ("baby", "kind", "volwassene")
    return next((kind for kind in order if kind in hurt), None)


def _infant_age(words: tuple[str, ...]) -> bool:
    """ "van 6 weken", "3 maanden oud": an age that makes a baby."""
    for number, unit in pairwise(words):
        if not number.isdigit():
            continue
        if unit in _WEEKS or (unit in _MONTHS and int(number) <= _BABY_MONTHS):
            return True
    return False


def _forms(word: str) -> tuple[str, ...]:
    """A person word and its plain plural and diminutive forms."""
    return (word, word + "s", word + "en", word + "je", word + "tje", word + "'s")
