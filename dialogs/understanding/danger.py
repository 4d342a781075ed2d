"""Acute danger in plain words, read before anything else (DESIGN.md: safety first).

The lexicon is content (understanding/danger.yaml), compiled into one pattern index. A signal
counts when its words stand in one sentence, unless a negation stands in or just before it ("er
is geen wapen"), unless a word says it is long past ("jaren geleden") and none says it happens
now or again ("gisteren", "opnieuw"), and — for an injury — only
when it happened to a baby or child (people.py: a mother's black eye is not a baby's injury).
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.router import Danger
from dialogs.targets import decode
from dialogs.understanding.lexicon import Lookup, Match, PatternIndex
from dialogs.understanding.people import Who
from dialogs.understanding.text import NEGATIONS, Message, pattern_words
from knowledge.library import KnowledgeBase
from knowledge.model import DangerSignals

__all__ = ["DangerReader"]

_WINDOW = 9
"""The most tokens one signal may span: its words belong together."""
_NEGATION_REACH = 2
"""How many tokens before a signal a negation still denies it ("er is geen wapen")."""


@dataclass(frozen=True)
class _Entry:
    signals: DangerSignals
    needs: PatternIndex[int]
    unless: PatternIndex[int]
    despite: PatternIndex[int]


class DangerReader:
    """The danger lexicon of one loaded content."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        entries = list(knowledge.danger.values())
        self._entries = [
            _Entry(
                e,
                PatternIndex(((pattern_words(w), 0) for w in e.needs), window=_WINDOW),
                PatternIndex(((pattern_words(w), 0) for w in e.unless), window=_WINDOW),
                PatternIndex(((pattern_words(w), 0) for w in e.despite), window=_WINDOW),
            )
            for e in entries
        ]
        self._signals: PatternIndex[int] = PatternIndex(
            ((pattern_words(signal), i) for i, e in enumerate(entries) for signal in e.signals),
            window=_WINDOW,
        )

    def read(
        self, message: Message, who: Who, *, skip: frozenset[int] = frozenset()
    ) -> Danger | None:
        """The danger ``message`` carries, most specific kind first, or None; ``skip``:
        positions that are something else (a place name)."""
        found: dict[int, int] = {}
        own = message.without(skip)
        readings = [(message.lookup, own, skip)]
        if message.english:
            readings.append((Lookup(message.source), message.source, frozenset()))
        for lookup, words, left_out in readings:
            for match in self._signals.matches(lookup, skip=left_out):
                entry = self._entries[match.value]
                if (
                    (lookup is message.lookup and _split(message, match))
                    or _denied(words, match)
                    or not self._holds(entry, lookup, left_out, who)
                ):
                    continue
                found[match.value] = max(found.get(match.value, 0), match.size)
        if not found:
            return None
        order = sorted(found, key=lambda i: (-found[i], i))
        kinds = tuple(self._entries[i].signals.id for i in order)
        contacts = tuple(dict.fromkeys(c for i in order for c in self._entries[i].signals.contacts))
        return Danger(kinds, decode(self._entries[order[0]].signals.then), contacts)

    def denied(self, message: Message, *, skip: frozenset[int] = frozenset()) -> frozenset[int]:
        """The positions of danger words a negation denies ("er is geen *wapen* in huis"):
        they choose no topic either."""
        own = message.without(skip)
        return frozenset(
            p
            for match in self._signals.matches(message.lookup, skip=skip)
            if _denied(own, match)
            for p in match.positions
        )

    @staticmethod
    def _holds(entry: _Entry, lookup: Lookup, skip: frozenset[int], who: Who) -> bool:
        if entry.needs and not entry.needs.matches(lookup, skip=skip):
            return False
        if entry.unless.matches(lookup, skip=skip) and not entry.despite.matches(lookup, skip=skip):
            return False
        wanted = entry.signals.who
        if wanted == "baby":
            return who.hurt == "baby" or (who.hurt is None and who.baby)
        if wanted == "kind":
            return who.child
        return True


def _split(message: Message, match: Match[int]) -> bool:
    """A signal whose words lie in different sentences ("… thuis. Is dat onveilig?")."""
    if len(message.sentences) < 2 or len(match.positions) < 2:
        return False
    return not any(s.start <= match.start and match.end < s.end for s in message.sentences)


def _denied(words: tuple[str, ...], match: Match[int]) -> bool:
    """A negation in the signal's span (not one of its own words) or just before it."""
    own = set(match.positions)
    start = max(0, match.start - _NEGATION_REACH)
    return any(words[i] in NEGATIONS and i not in own for i in range(start, match.end + 1))
