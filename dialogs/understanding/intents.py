"""Intents, case stories and Veilig Thuis / SAVE actions: what a message asks to do, and which
topic a described situation points to. All are content (understanding/*.yaml), compiled into
pattern indexes at load."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dialogs.understanding.acts import ActReading
from dialogs.understanding.lexicon import Match, PatternIndex
from dialogs.understanding.text import NEGATIONS, Message, pattern_words
from knowledge.model import Intent, PartnerAction, Story
from knowledge.normalise import normalise

__all__ = ["IntentIndex", "PartnerIndex", "StoryIndex", "StoryMatch"]

# Politeness and filler that never change what a command means ("menu graag", "help aub").
_POLITE = frozenset(
    """graag aub svp alsjeblieft alstublieft please even nu maar dan allemaal eens nog hoor ff
    effe nou dus toch weer ajb pls fijn super top eigenlijk""".split()
)
_GREETINGS = frozenset(
    "hoi hallo hey hee hi hello goedemorgen goedemiddag goedenavond morgen middag dag beste".split()
)
"""Greetings that open a message which goes on to ask something."""
_ACTIONS = frozenset(("aanvragen",))
"""Intents that start something new: only from a request, never from what was done before."""
_RECORDS = frozenset(("vastleggen",))
"""Intents that record what was done: from a request or a statement, never from a question
about a rule ("moet ik het overleg vastleggen?")."""
_PERMISSION = frozenset("mag mogen moet moeten wat waarom wanneer may must should what why".split())
_WINDOW = 12
_STORY_WINDOW = 10
"""A story's signal words stand together (not one in the first sentence, one in the last)."""
_CONTACT = "contact"


def _key(text: str) -> str:
    """The words that say what is asked: courtesy and a greeting before more words aside
    ("goedemorgen, wat kun je allemaal?" -> "wat kun je"; "hoi" alone stays "hoi")."""
    words = normalise(text).split()
    while len(words) > 1 and words[0] in _GREETINGS:
        words = words[1:]
    return " ".join(w for w in words if w not in _POLITE) or " ".join(words)


def _words(phrase: str) -> list[str]:
    return pattern_words(phrase)


class IntentIndex:
    """Finds the intent of a message: an exact phrasing first, then patterns in content order."""

    def __init__(self, intents: Mapping[str, Intent]) -> None:
        self._exact = {_key(p): i.id for i in intents.values() for p in i.phrasings}
        order = [(p, i.id) for i in intents.values() for p in i.patterns]
        self._unless: PatternIndex[str] = PatternIndex(
            (_words(w), i.id) for i in intents.values() for w in i.unless
        )
        self._patterns: PatternIndex[tuple[int, str]] = PatternIndex(
            (_words(p), (n, ident)) for n, (p, ident) in enumerate(order)
        )

    def exact(self, text: str) -> str | None:
        """The intent whose phrasing is the whole of ``text`` (politeness aside), or None."""
        if text.strip() == "?":
            return self._exact.get("")
        key = _key(text)
        return self._exact.get(key) if key else None

    def asks_contact(self, message: Message) -> bool:
        """True when the part that asks is a contact question ("wie bel ik?")."""
        words = message.words(message.focus)
        outside = message.outside(message.focus)
        matches = self._patterns.matches(message.lookup, skip=outside)
        return any(m.value[1] == _CONTACT for m in matches) or (
            self.exact(" ".join(words)) == _CONTACT
        )

    def match(self, message: Message, act: ActReading) -> str | None:
        """The intent ``message`` asks for, or None: actions only from requests, records not
        from questions about a rule, nothing negated."""
        if NEGATIONS & set(message.tokens):
            return None  # "wat als ouders niet willen dat ik overleg" asks, it does not act
        matches = self._patterns.matches(message.lookup)
        barred = {m.value for m in self._unless.matches(message.lookup)}
        # The longest pattern wins (the most specific), then the one first in the content.
        found = sorted((-m.size, m.value) for m in matches)
        for _, (_, ident) in found:
            if ident in barred:
                continue
            if ident in _ACTIONS and not (act.may_act and not act.done):
                continue
            if ident in _RECORDS and act.rule:
                continue
            return ident
        return None


@dataclass(frozen=True)
class StoryMatch:
    """A story's topic with how specific the match is: (priority, number of signal words)."""

    target: str
    priority: int
    size: int
    hurt: str | None
    positions: tuple[int, ...]


class StoryIndex:
    """Scores described situations against the story signals: the most specific wins."""

    def __init__(self, stories: Mapping[str, Story]) -> None:
        self._stories = list(stories.values())
        self._signals: PatternIndex[int] = PatternIndex(
            (
                (_words(signal), n)
                for n, story in enumerate(self._stories)
                for signal in story.signals
            ),
            window=_STORY_WINDOW,
        )
        self.place_answers = frozenset(s.target for s in self._stories if s.place_answers)

    def ranked(self, message: Message, *, skip: frozenset[int] = frozenset()) -> list[StoryMatch]:
        """Stories whose signals occur in ``message`` (leaving out ``skip``), best first: the
        more specific topic, then the longer signal."""
        matches: list[Match[int]] = self._signals.matches(message.lookup, skip=skip)
        best: dict[str, StoryMatch] = {}
        for match in matches:
            story = self._stories[match.value]
            found = StoryMatch(
                story.target, story.priority, match.size, story.hurt, match.positions
            )
            known = best.get(story.target)
            if known is not None:
                # Every signal of the story counts: the words they cover together.
                positions = tuple(sorted({*known.positions, *found.positions}))
                size = max(known.size, found.size)
                found = StoryMatch(story.target, story.priority, size, story.hurt, positions)
            best[story.target] = found
        return sorted(best.values(), key=lambda s: (s.priority, s.size), reverse=True)


class PartnerIndex:
    """Veilig Thuis / SAVE actions towards the JGZ: which kind a message asks to send."""

    def __init__(self, actions: Mapping[str, PartnerAction]) -> None:
        self._signals: PatternIndex[str] = PatternIndex(
            ((_words(s), a.id) for a in actions.values() for s in a.signals), window=_WINDOW
        )
        self._kinds: dict[str, str] = {a.id: a.id for a in actions.values()}

    def match(self, message: Message, act: ActReading, *, partner: bool) -> Match[str] | None:
        """The action ``message`` asks for (the longest signal), or None; ``partner``: the
        user works at Veilig Thuis or SAVE, so the kind's own name is enough."""
        words = message.words(message.focus)
        # Veilig Thuis / SAVE asking how to do their own action ("wat moet ik de jgz
        # terugkoppelen") start it; anyone else asking is answered.
        asked = not partner and words[:1] and words[0] in _PERMISSION
        if not words or asked or NEGATIONS & set(words):
            return None
        found = self._signals.matches(message.lookup)
        if partner:
            found += [
                Match(kind, 1, (i,), -1)
                for i, word in enumerate(message.tokens)
                for kind in (self._kinds.get(word),)
                if kind is not None
            ]
        if not found:
            return None
        # The kind whose signals cover most of the message, then the longest signal.
        covered: dict[str, set[int]] = {}
        for match in found:
            covered.setdefault(match.value, set()).update(match.positions)
        return max(found, key=lambda m: (len(covered[m.value]), m.size, -m.start))
