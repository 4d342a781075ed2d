"""Topic search: FAQ entries, trees and partners by the words of their phrasings.

Every phrasing (an FAQ's question and phrasings, a tree's title and triggers, a partner's name
and aliases) is compiled at load into an inverted index over word keys (stems, spellings, rough
roots). A message looks up only the phrasings that share a word with it and scores each by how
much of the phrasing it covers and how much of the message the phrasing explains, every word
weighted by how rare it is among the topics (a rare word like "toestemming" says more than
"melden"), plus a little for the exact shape of the sentence. So the most specific answer wins,
and a tree's trigger word inside a question about something else loses to the FAQ that matches
the rest. Typos in topic words are corrected against the content's vocabulary, with rapidfuzz
on a short list of look-alikes only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from dialogs.targets import FaqTarget, OrgTarget, Target, TreeTarget
from dialogs.understanding.gazetteer import FILLER
from dialogs.understanding.text import NEGATIONS, ORGANISATION, STOPWORDS, normalise_query
from knowledge.frequency import WordFrequency
from knowledge.library import KnowledgeBase
from knowledge.wordforms import exact_keys, lookup_keys, stem, word_keys

__all__ = ["Scored", "Scores", "TopicIndex"]

_SETTING = FILLER | {ORGANISATION, "jgz"}
"""Words of the setting (the people, Veilig Thuis itself, the user's own JGZ): in almost every
message here."""

_UNKNOWN = 2.0
"""The weight of a message word no phrasing has: it is something the topic does not explain."""
_PLAIN = 0.8
"""The weight of an unmatched word about the people in a story ("moeder", "kind")."""
_DAMPED = 0.5
"""Everyday words ("sinds", "altijd") say little, however rare they are among the phrasings."""
_WHO = 0.4
"""A phrasing's words about people ("moeder", "kind") say who, not what: they weigh less."""
_EVERYDAY = 1.2
"""The weight of an unmatched everyday word ("situatie", "loop", "waard")."""
_QUESTION_KINDS = {
    **dict.fromkeys("wat what".split(), "wat"),
    **dict.fromkeys("wie who".split(), "wie"),
    **dict.fromkeys("wanneer when".split(), "wanneer"),
    **dict.fromkeys("waarom why".split(), "waarom"),
    **dict.fromkeys("hoe how".split(), "hoe"),
    **dict.fromkeys("welke welk which".split(), "welke"),
    **dict.fromkeys("waar where".split(), "waar"),
    # Yes or no ("mag ik …", "moet ik …", "is het …"): one kind of question.
    **dict.fromkeys(
        """mag mogen may moet moeten should must kan kun kunt kunnen can is zijn heb hebben
        krijg krijgen hoor horen""".split(),
        "ja-nee",
    ),
}
"""The first word of a question, by the kind of answer it asks for."""
_NEGATION_REACH = 3
_REMEMBERED = 50_000
"""Words whose phrasings are remembered (a bounded cache: typos keep coming)."""
_MIN_COVER = 0.5
_ALONE = 0.65
"""One word of a phrasing of several counts only when it carries two thirds of it."""
_TYPO_MIN = 5


@dataclass(frozen=True)
class _Phrase:
    target: Target
    words: tuple[str, ...]
    """Its content words (normalised)."""
    weights: tuple[float, ...]
    """How rare each content word is among the topics."""
    shape: frozenset[str]
    """All its words, stems, question words included."""
    asks: str | None
    """The kind of question it is ("moet", "wat"; None for a few words without one)."""
    negated: bool
    """It says "niet", "geen", "zonder" itself ("zonder toestemming melden")."""
    total: float
    """The sum of its weights."""


@dataclass(frozen=True)
class Scored:
    """A topic against one message: its best phrasing (``cover``: how much of it the message
    has; ``same``: how alike the sentences are; ``agree``: +1 when both ask the same kind of
    question, -1 when they differ) and the message words its phrasings explain."""

    target: Target
    cover: float
    positions: frozenset[int]
    same: float
    agree: int
    phrase: int


@dataclass(frozen=True)
class Scores:
    """The topics met by one message: each word's weight and each topic's best phrasing."""

    weights: tuple[float, ...]
    total: float
    found: dict[Target, Scored]
    first: str
    """The first word of the part that asks ("" when none)."""

    def explains(self, positions: Iterable[int]) -> float:
        """The share of the message's weight that words at ``positions`` carry."""
        return sum(self.weights[p] for p in set(positions)) / self.total


def _denied(tokens: tuple[str, ...]) -> frozenset[int]:
    """Positions of words a negation denies: up to three words after "niet", "geen", "nooit"
    or "zonder"."""
    return frozenset(
        j
        for i, token in enumerate(tokens)
        if token in NEGATIONS
        for j in range(i + 1, min(len(tokens), i + 1 + _NEGATION_REACH))
    )


def _phrases(knowledge: KnowledgeBase) -> Iterable[tuple[Target, str]]:
    for tree in knowledge.trees.values():
        for phrase in (tree.title, *tree.triggers):
            yield TreeTarget(tree.id), phrase
    for entry in knowledge.faq.values():
        # A question of two sentences ("Wanneer moet ik melden? Wat zijn de drie
        # beroepsnormen?") is also found by each sentence alone.
        sentences = [s for s in entry.question.replace("?", "?\n").splitlines() if s.strip()]
        extra = sentences if len(sentences) > 1 else []
        for phrase in (entry.question, *extra, *entry.phrasings):
            yield FaqTarget(entry.id), phrase
    for organisation in knowledge.organisations.values():
        for phrase in (organisation.name, *organisation.aliases):
            yield OrgTarget(organisation.id), phrase


class TopicIndex:
    """The topic phrasings of one loaded knowledge base, compiled for look-ups."""

    def __init__(
        self, knowledge: KnowledgeBase, synonyms: Mapping[str, str], frequency: WordFrequency
    ) -> None:
        self._frequency = frequency
        self._synonyms = synonyms
        raw = [(t, normalise_query(p, synonyms)) for t, p in _phrases(knowledge)]
        content = [
            (t, [w for w in tokens if w not in STOPWORDS] or tokens, tokens) for t, tokens in raw
        ]
        holders: dict[str, set[Target]] = defaultdict(set)
        for target, words, _ in content:
            for word in words:
                holders[stem(word)].add(target)
        topics = len({t for t, _, _ in content}) or 1
        self._idf = {s: math.log(1 + topics / len(ts)) for s, ts in holders.items()}
        self._phrases: list[_Phrase] = []
        self._exact: dict[tuple[str, ...], int] = {}
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for target, words, tokens in content:
            index = len(self._phrases)
            weights = tuple(self._phrase_weight(w) for w in words)
            shape = frozenset(stem(t) for t in tokens)
            asks = _QUESTION_KINDS.get(next((t for t in tokens if t), ""))
            negated = any(t in NEGATIONS for t in tokens)
            self._phrases.append(
                _Phrase(target, tuple(words), weights, shape, asks, negated, sum(weights))
            )
            # The last phrasing with these words wins: a partner's own name ("LECK") is its
            # card, also when an FAQ lists the name as a phrasing.
            self._exact[tuple(stem(t) for t in tokens)] = index
            for slot, word in enumerate(words):
                for key in word_keys(word):
                    self._postings[key].append((index, slot))
        self.vocabulary = frozenset(w for _, words, _ in content for w in words)
        self._found: dict[str, tuple[tuple[int, int, float], ...]] = {}
        self._bests: dict[str, float] = {}
        self._made: dict[str, tuple[tuple[int, int, float], ...]] = {}
        self._corrections: dict[str, str | None] = {}
        self._slot_weights = [p.weights for p in self._phrases]
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            if len(word) >= _TYPO_MIN - 1:
                self._by_first[word[0]].append(word)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Every phrasing's content words, joined (for benchmarks)."""
        return tuple(" ".join(p.words) for p in self._phrases)

    def _phrase_weight(self, word: str) -> float:
        """A phrasing word's weight: its rarity among the topics, less for words about people
        and for everyday words."""
        weight = self._idf[stem(word)]
        if word in FILLER:
            return weight * _WHO
        return weight * (_DAMPED if self._frequency.is_everyday(word) else 1.0)

    def exact(self, tokens: tuple[str, ...]) -> Target | None:
        """The topic whose phrasing is exactly ``tokens`` (in any word form), or None."""
        found = self._exact.get(tuple(stem(t) for t in tokens))
        if found is None:
            # "moet ik meldne?": the phrasing with each word read as the content word it is a
            # typo of.
            fixed = tuple(self._corrected(t) or t for t in tokens)
            if fixed != tokens:
                found = self._exact.get(tuple(stem(t) for t in fixed))
                if found is not None and isinstance(self._phrases[found].target, OrgTarget):
                    found = None  # a partner's name with a typo may be a place ("… Groningn")
        return self._phrases[found].target if found is not None else None

    def score(
        self,
        tokens: tuple[str, ...],
        joined: tuple[tuple[tuple[int, ...], str], ...] = (),
    ) -> Scores:
        """How the topics' phrasings meet ``tokens`` (a message's words, stop words included):
        each word's weight, and per topic its best phrasing and the words its phrasings
        explain. ``joined``: separable verbs spelt whole or apart ("koppelt … terug":
        terugkoppelt), with the positions they stand for, counted only when some phrasing has
        them."""
        hits: dict[int, dict[int, tuple[int, ...]]] = defaultdict(dict)
        covered: dict[int, float] = defaultdict(float)
        weights = [0.0] * len(tokens)
        plain = [(i, w) for i, w in enumerate(tokens) if w and w not in STOPWORDS]
        for positions, word, own in (
            *(((i,), w, True) for i, w in plain),
            *((p, w, False) for p, w in joined),
        ):
            found = self._look_up(word) if own else self._look_up_made(word)
            corrected = None
            if not found and own:
                corrected = self._corrected(word)
                found = self._look_up(corrected) if corrected else ()
            for index, slot, weight in found:
                slots = hits[index]
                if slot not in slots:
                    slots[slot] = positions
                    covered[index] += weight
            if own:
                weights[positions[0]] = self._weight(word, self._best(corrected or word))
        total = sum(weights) or 1.0
        denied = _denied(tokens)
        shape = frozenset(stem(t) for t in tokens if t)
        asks = _QUESTION_KINDS.get(next((t for t in tokens if t), ""))
        # Per topic: its best phrasing and every word its phrasings explain; one Scored per
        # topic at the end.
        best: dict[Target, tuple[tuple[float, float, int, int], float, float]] = {}
        explained: dict[Target, set[int]] = {}
        phrases = self._phrases
        for index, slots in hits.items():
            phrase = phrases[index]
            if covered[index] < _MIN_COVER * phrase.total:
                continue
            if denied and not phrase.negated:
                # "als ik geen hulp kan bieden" is no match for "melden of hulp bieden".
                slots = {s: ps for s, ps in slots.items() if denied.isdisjoint(ps)}
                if not slots:
                    continue
            weights_of = phrase.weights
            cover = sum(weights_of[s] for s in slots) / phrase.total
            if cover < _MIN_COVER or (len(slots) < min(2, len(phrase.words)) and cover < _ALONE):
                continue  # one word of several is no match, unless it carries the phrasing
            target = phrase.target
            words = explained.get(target)
            if words is None:
                words = explained[target] = set()
            for ps in slots.values():
                words.update(ps)
            same = 2 * len(shape & phrase.shape) / (len(shape) + len(phrase.shape))
            agree = 0 if asks is None or phrase.asks is None else (1 if asks == phrase.asks else -1)
            # The better phrasing, then the one asking the same kind of question, then the
            # first in the content (the same every run).
            key = (round(cover, 9), round(same, 9), agree, -index)
            known = best.get(target)
            if known is None or key > known[0]:
                best[target] = (key, cover, same)
        found_by_target = {
            target: Scored(target, cover, frozenset(explained[target]), same, key[2], -key[3])
            for target, (key, cover, same) in best.items()
        }
        first = next((t for t in tokens if t), "")
        return Scores(tuple(weights), total, found_by_target, first)

    def weigh(self, words: tuple[str, ...]) -> list[float]:
        """How much each word says about a topic (0 for a stop word)."""
        out = []
        for word in words:
            if word in STOPWORDS:
                out.append(0.0)
                continue
            out.append(self._weight(word, self._best(word)))
        return out

    def _weight(self, word: str, best: float) -> float:
        """A message word's weight: the rarity of the phrasing word it meets, or that of a word
        no phrasing has; words of the setting and everyday words weigh less."""
        if word in _SETTING:
            return min(best, _PLAIN) if best else _PLAIN
        if not best:
            return self._unknown(word)
        return best * (_DAMPED if self._frequency.is_everyday(word) else 1.0)

    def _unknown(self, word: str) -> float:
        """The weight of a message word no phrasing has: less for words about the people in
        a story and for everyday words, more for rare ones."""
        if word in _SETTING:
            return _PLAIN
        if self._frequency.is_frequent(word):
            return _EVERYDAY
        return _UNKNOWN

    def _look_up(self, word: str) -> tuple[tuple[int, int, float], ...]:
        """The (phrasing, word, weight) triples ``word`` is a form of (remembered per word)."""
        found = self._found.get(word)
        if found is None:
            found = self._triples(lookup_keys(word))
            if len(self._found) < _REMEMBERED:
                self._found[word] = found
        return found

    def _look_up_made(self, word: str) -> tuple[tuple[int, int, float], ...]:
        """As ``_look_up``, for a word made from others ("bijleg"): no shorter stems."""
        found = self._made.get(word)
        if found is None:
            found = self._triples(exact_keys(word))
            if len(self._made) < _REMEMBERED:
                self._made[word] = found
        return found

    def _triples(self, keys: Iterable[str]) -> tuple[tuple[int, int, float], ...]:
        pairs = dict.fromkeys(pair for key in keys for pair in self._postings.get(key, ()))
        return tuple((i, s, self._slot_weights[i][s]) for i, s in pairs)

    def _best(self, word: str) -> float:
        """The weight of the rarest phrasing word ``word`` is a form of (0 for none)."""
        best = self._bests.get(word)
        if best is None:
            best = max((weight for _, _, weight in self._look_up(word)), default=0.0)
            if len(self._bests) < _REMEMBERED:
                self._bests[word] = best
        return best

    def _corrected(self, word: str) -> str | None:
        """The content word ``word`` is a typo of (one edit; two from nine letters), or None;
        a known Dutch word is no typo (remembered per word)."""
        if word in self._corrections:
            return self._corrections[word]
        corrected = self._correction(word)
        if len(self._corrections) < _REMEMBERED:
            self._corrections[word] = corrected
        return corrected

    def _correction(self, word: str) -> str | None:
        if len(word) < _TYPO_MIN or word.isdigit() or self._frequency.is_common(word):
            return None
        limit = 1 if len(word) < 9 else 2
        short_list = [
            w for w in self._by_first.get(word[0], ()) if abs(len(w) - len(word)) <= limit
        ]
        found = process.extractOne(
            word, short_list, scorer=OSA.distance, processor=None, score_cutoff=limit
        )
        return found[0] if found is not None else None
