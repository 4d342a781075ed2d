"""Place names in a message: only with evidence, and where the child lives.

Every gemeente, woonplaats, former gemeente and region name is a key, compiled at load. A name
counts as a place only with evidence: a place word before it ("uit", "te", "woont in",
"gemeente", "vt"), a capital letter, a short message about places, or an exact name of several
words — and a name that is a frequent Dutch word ("houten", "best") needs a place word or a
capital. A word of the Dutch frequency list is never a misspelt place ("leren" is no Lieren,
"over een" no Overveen). Typos are tried only where a place is expected, with a bounded edit
distance over a short list of keys; nearest places in different regions are all returned, so
the conversation asks and never answers silently in another region. In a story, the place where
the child lives now ("woont in", "verhuisd naar") wins; where the professional works or where
the family came from is never answered as the child's region.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from dialogs.router import Evidence
from dialogs.targets import PlaceKind, PlaceTarget
from dialogs.understanding.text import ORGANISATION, STOPWORDS, Message, Span
from knowledge.frequency import WordFrequency
from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise

__all__ = ["FILLER", "Gazetteer", "KnownWords", "PlaceFind"]

# Words about the people in a story: no topic of their own, and never a place or a name.
FILLER = frozenset(
    """gezin gezinnen kind kinderen kindje baby zuigeling peuter kleuter meisje jongen zoon
    dochter moeder vader ouder ouders client clienten familie woont wonen woonachtig wonend
    jaar maanden oud broertje zusje broer zus mevrouw meneer""".split()
)
# CBS tells same-named woonplaatsen apart by a province suffix ("Vianen NB", "Haren Gn").
PROVINCE_SUFFIXES = frozenset("""nb gn nh zh l u fr dr ov gld lb zl fl ut gr ac""".split())
_STRONG = frozenset(
    f"""uit te gemeente woonplaats plaats dorp regio stad {ORGANISATION} woonachtig woont wonen
    from""".split()
)
"""Words right before a place name that make it one, even when it is also a common word."""
_WEAK = frozenset("in bij naar voor rond omgeving".split())
"""Words before a place that need more (a capital, a name that is no common word)."""
CONTACT_WORDS = frozenset(
    f"""{ORGANISATION} nummer telefoonnummer bellen bel contact vertrouwensarts jgz buurtteam
    lokaal team wijkteam regio save ggd welk welke which region hoort horen valt onder ligt
    bereik bereiken""".split()
)
_WHICH = frozenset("welk welke which".split())
_LIVES = frozenset("woont wonen woonachtig woonplaats wonend inwoner".split())
_MOVED = frozenset("verhuisd verhuist verhuizen verhuizing".split())
_NOW = frozenset("nu sinds tegenwoordig inmiddels momenteel".split())
_WORK = frozenset(
    """werk werken werkzaam kantoor praktijk vestiging consultatiebureau team locatie vanuit
    jeugdarts jeugdverpleegkundige verpleegkundige collega collegas school""".split()
)
_PAST = frozenset(
    "van woonde woonden eerder vroeger kwam komt kwamen oorspronkelijk geboren".split()
)
_ARTICLES = frozenset("de den der het t s sint st ter ten te nieuw oud oude groot klein".split())
_PERSON = (
    r"(?:cli[eë]nt(?:e)?|kind|moeder|vader|zoon|dochter|meisje|jongen|baby|mevrouw|meneer|mw|dhr)"
)
# A first name and surname, with particles: "Sanne de Vries", "Ahmed el Amrani".
_FULL_NAME = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?:\s+(?:van|de|der|den|ter|ten|el|al|van de|van der|van den))*"
    r"\s+[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?"
)
# A capitalised word right after a word for a person ("cliënt Jansen", "moeder Fatima").
_AFTER_PERSON = re.compile(r"\b(" + _PERSON + r"\.?)\s+(?!In\b|Uit\b)[A-Z][a-zà-ÿ'-]+")
# "uit Xyz", "in Xyz", "veilig thuis Xyz": a capitalised word where a place is expected.
_PLACE_SLOT = re.compile(r"\b(?:uit|in|te|bij|voor|regio|gemeente|thuis)\s+[A-Z][a-zà-ÿ'-]{2,}")
_MAX_NGRAM = 4
_MAX_CANDIDATES = 3
_FUZZY_MIN_LENGTH = 5
_SHORT = 3
_AROUND_SHARE = 1 / 8
"""A longer name around an exact one wins with at most one edit per eight letters."""

PlaceRole = Literal["lives", "plain", "work", "past"]


@dataclass(frozen=True)
class PlaceFind:
    """A place found in a message: its targets (several: ask which), where it stands, what it
    is to the child (where it lives now, a place named plainly, where someone works or came
    from) and the evidence."""

    targets: tuple[PlaceTarget, ...]
    span: Span
    role: PlaceRole
    evidence: tuple[Evidence, ...]


def _place_keys(name: str) -> set[str]:
    """Keys a place is found by: its name, without ``'s-``, without a province suffix."""
    key = normalise(name)
    keys = {key}
    if key.startswith("s "):
        keys.add(key[2:])
    if "(" in name:
        keys.add(normalise(name.split("(")[0]))
    words = key.split()
    if len(words) > 1 and words[-1] in PROVINCE_SUFFIXES:
        keys.add(" ".join(words[:-1]))
    return keys


def _fold(key: str) -> str:
    """Dutch spelling folds for typo matching: ij and y are one letter."""
    return key.replace("ij", "y")


def _edge(token: str) -> bool:
    """True for a word that may begin or end a place name (not "uit", "gezin", "bellen")."""
    return (
        token not in STOPWORDS
        and token not in FILLER
        and token not in _STRONG
        and token not in _WEAK
        and token not in CONTACT_WORDS
    )


class Gazetteer:
    """The place names of one loaded knowledge base, compiled for look-ups."""

    def __init__(
        self, knowledge: KnowledgeBase, frequency: WordFrequency, vocabulary: frozenset[str]
    ) -> None:
        """``vocabulary``: the words of the content's phrasings (never a misspelt place)."""
        self._frequency = frequency
        self._vocabulary = vocabulary
        names = knowledge.place_words.get("namen")
        words = knowledge.place_words.get("woorden")
        self._names = frozenset(normalise(w) for w in names.words) if names else frozenset()
        self._wordlike_extra = (
            frozenset(normalise(w) for w in words.words) if words else frozenset()
        )
        self._firsts: set[str] = set()
        self._places = self._build(knowledge)
        # Typos are compared twice: with ij and y as one letter ("ysselstein"), and as typed
        # (a swap across "ij": "Risjsen" for Rijssen).
        self._spellings = (_Spelling(self._places, _fold), _Spelling(self._places, str))
        self._longest: dict[str, int] = {}
        for key in self._places:
            first, size = key.split()[0], len(key.split())
            self._longest[first] = max(self._longest.get(first, 0), size)

    @property
    def keys(self) -> Mapping[str, tuple[PlaceTarget, ...]]:
        """Every place key and the places it names."""
        return self._places

    # -- building ------------------------------------------------------------------------------

    def _build(self, knowledge: KnowledgeBase) -> dict[str, tuple[PlaceTarget, ...]]:
        found: dict[str, set[tuple[PlaceKind, str]]] = defaultdict(set)
        named_gemeente: dict[str, set[str]] = defaultdict(set)
        named_place: dict[str, set[str]] = defaultdict(set)
        for gemeente in knowledge.gemeenten.values():
            for key in _place_keys(gemeente.name):
                found[key].add(("gemeente", gemeente.code))
                named_gemeente[key].add(gemeente.code)
            for code, name in gemeente.places:
                for key in _place_keys(name):
                    named_place[key].add(gemeente.code)
                    # A woonplaats named like its own gemeente is that gemeente.
                    if gemeente.code not in named_gemeente.get(key, set()):
                        found[key].add(("woonplaats", str(code)))
        for alias in knowledge.aliases.values():
            for key in _place_keys(alias.name):
                # A former gemeente that is still a woonplaats of its new gemeente is found as that.
                todays = [t for t in alias.gemeenten if t not in named_place.get(key, set())]
                if alias.year is not None and todays == [alias.gemeente]:
                    found[key].add(("former", alias.id))  # "Lingewaal hoort sinds 2019 bij …"
                else:
                    found[key] |= {("gemeente", today) for today in todays}
        for region in knowledge.regions.values():
            key = normalise(region.name)
            if key not in named_gemeente:
                found[key].add(("region", region.code))
        self._add_prefixes(found)
        return {
            key: tuple(PlaceTarget(kind, code) for kind, code in sorted(targets))
            for key, targets in found.items()
        }

    def _add_prefixes(self, found: dict[str, set[tuple[PlaceKind, str]]]) -> None:
        """ "driebergen" finds Driebergen-Rijsenburg: a long first word stands for the name."""
        prefixes: dict[str, set[tuple[PlaceKind, str]]] = defaultdict(set)
        for key, targets in found.items():
            first = key.split()[0]
            if " " in key and len(first) >= 6 and first not in STOPWORDS:
                prefixes[first] |= targets
        for first, targets in prefixes.items():
            if first not in found:
                found[first] = targets
                self._firsts.add(first)

    # -- how common a name is ------------------------------------------------------------------

    def _wordlike(self, key: str) -> bool:
        """A name that is also a frequent Dutch word, or an article and one ("de wijk"): it
        needs a place word before it or a capital."""
        if key in self._names:
            return False
        words = _content_words(key)
        return key in self._wordlike_extra or (
            len(words) == 1 and self._frequency.is_frequent(words[0])
        )

    def _common(self, key: str) -> bool:
        """A name that is a known Dutch word, though not a frequent one ("zeist" is not)."""
        words = _content_words(key)
        return key not in self._names and len(words) == 1 and self._frequency.is_common(words[0])

    # -- names of people -----------------------------------------------------------------------

    def without_names(self, text: str) -> tuple[str, bool]:
        """``text`` with people's names blanked ("Sanne de Vries", "cliënt Jansen"), and whether
        there were any. A name is never a place, whatever its words."""
        found = False

        def blank(match: re.Match[str]) -> str:
            nonlocal found
            words = normalise(match.group(0)).split()
            following = normalise(text[match.start() :]).split()[:_MAX_NGRAM]
            if (
                words[0] in self._places
                or words[0] in _ARTICLES
                or any(
                    " ".join(following[:n]) in self._places for n in range(2, len(following) + 1)
                )
            ):
                return match.group(0)
            if any(self._near(" ".join(following[:n])) for n in range(2, len(following) + 1)):
                return match.group(0)  # a place name with a typo ("Hof van Twennte")
            if any(w in STOPWORDS or w in FILLER or w in self._vocabulary for w in words[:1]):
                return match.group(0)
            found = True
            return " "

        cleaned = _FULL_NAME.sub(blank, text)
        after = _AFTER_PERSON.sub(lambda m: m.group(1) + " ", cleaned)
        return after, found or after != cleaned

    # -- finding -------------------------------------------------------------------------------

    def find(self, message: Message, *, skip: frozenset[int] = frozenset()) -> PlaceFind | None:
        """The place that answers for the child: where it lives now, else a place named plainly
        (never only where someone works or came from); exact names first, typos where a place is
        expected. ``skip``: token positions that are something else (a role: "vanuit SAVE")."""
        exact = self._exact(message, skip)
        if exact:
            return self._choose(message, exact)
        fuzzy = self._fuzzy(message, skip)
        return self._choose(message, fuzzy) if fuzzy else None

    def names_a_place(self, message: Message, vocabulary: KnownWords) -> bool:
        """True when the message asks about a place by name that we do not know."""
        tokens = message.tokens
        content = [t for t in tokens if t not in STOPWORDS and t not in FILLER]
        rest = [t for t in content if t not in CONTACT_WORDS and t not in _STRONG]
        contact = any(t in CONTACT_WORDS for t in tokens) and 1 <= len(rest) <= 2
        if contact and any(_unknown_name(t, vocabulary, self._frequency) for t in rest):
            return True
        return bool(_PLACE_SLOT.search(message.text))

    def _exact(self, message: Message, skip: frozenset[int]) -> list[PlaceFind]:
        tokens = message.tokens
        found: list[PlaceFind] = []
        taken: set[int] = set()
        longest = self._longest
        for size in range(min(_MAX_NGRAM, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                if longest.get(tokens[start], 0) < size:
                    continue  # no place name starts with this word and is this long
                span = range(start, start + size)
                if taken.intersection(span) or skip.intersection(span):
                    continue
                key = " ".join(tokens[start : start + size])
                if key not in self._places:
                    continue
                evidence = self._evidence(message, start, size, key)
                if evidence is None:
                    continue
                taken.update(span)
                where = Span(start, start + size)
                around = self._around(message, where)
                if around:  # a longer name with a typo: a correction, asked like any other
                    evidence = (*evidence, Evidence("typo"))
                targets = around or self._places[key]
                found.append(PlaceFind(targets, where, self._role(message, start), evidence))
        return sorted(found, key=lambda f: f.span.start)

    def _around(self, message: Message, where: Span) -> tuple[PlaceTarget, ...]:
        """A longer name around an exact one, with a typo ("bergen op zom", "ette-leur")."""
        tokens = message.tokens
        spans = [
            (a, b)
            for a in range(max(0, where.start - 3), where.start + 1)
            for b in range(where.end, min(len(tokens), where.end + 3) + 1)
            if (a, b) != (where.start, where.end)
            and b - a <= _MAX_NGRAM
            and (_edge(tokens[a]) or tokens[a] in _ARTICLES)  # "Oud-Wetering": Oude Wetering?
            and _edge(tokens[b - 1])
        ]
        # Around an exact name, common words may be a longer name mistyped ("Hoge Heel").
        return self._nearest(tokens, spans, most=_AROUND_SHARE, around=True)[0]

    def _evidence(
        self, message: Message, start: int, size: int, key: str
    ) -> tuple[Evidence, ...] | None:
        """Why ``key`` at ``start`` is meant as a place, or None when it is not."""
        tokens = message.tokens
        before = tokens[start - 1] if start > 0 else ""
        lives_in = before in _WEAK and start > 1 and tokens[start - 2] in (_LIVES | _MOVED | _NOW)
        strong = (
            before in _STRONG
            or lives_in
            or (before == "naar" and start > 1)
            or (before in CONTACT_WORDS and before not in _WHICH)  # "vt nummer driebergen"
        )
        capital = _content_words(key)[0] in message.capitals
        mid_capital = capital and not (start == 0 and message.first_capital)
        alone = all(
            t in CONTACT_WORDS
            or t in _STRONG
            or t in _WEAK
            or t in STOPWORDS
            or t in PROVINCE_SUFFIXES
            for i, t in enumerate(tokens)
            if not start <= i < start + size
        )
        about = any(t in CONTACT_WORDS or t in _STRONG for t in tokens)
        if key in STOPWORDS:
            # "Een", "Hem": a village only with a capital, alone or after a place word.
            placed = before in _STRONG or before in _WEAK
            return (Evidence("capital", key),) if capital and (len(tokens) == 1 or placed) else None
        if self._wordlike(key):
            if strong:
                return (Evidence("place-word", before),)
            if mid_capital or (capital and alone) or (before in _WEAK and capital):
                return (Evidence("capital", key),)
            return None
        if strong or before in _WEAK:
            return (Evidence("place-word", before),)
        if capital:
            return (Evidence("capital", key),)
        if alone or (" " in key and not self._common(key)):
            return (Evidence("alone" if alone else "name", key),)
        if self._common(key):
            return (Evidence("about-places", key),) if about and len(tokens) <= 6 else None
        if len(tokens) <= _SHORT or about:
            return (Evidence("short" if len(tokens) <= _SHORT else "about-places", key),)
        return None

    @staticmethod
    def _role(message: Message, start: int) -> PlaceRole:
        """What the place at ``start`` is to the child, from the words just before it."""
        tokens = message.tokens
        clause = message.clause_of(start)
        near = tokens[max(clause.start, start - 4) : start]
        if _LIVES & set(near) or (
            "naar" in near[-2:] and _MOVED & set(tokens[max(0, start - 5) : start])
        ):
            return "lives"
        if near and near[-1] in ("in", "te") and _NOW & set(near):
            return "lives"
        if len(near) > 1 and near[-1] in ("uit", "in", "te") and near[-2] in _CHILD:
            return "plain"  # "kent het consultatiebureau een kind uit Houten": the child's
        if _WORK & set(near) or (near[:1] == ("ik",) and "in" in near):
            return "work"
        just_before = tokens[max(clause.start, start - 3) : start]
        moved_from = start > 0 and tokens[start - 1] == "van" and _MOVED & set(near)
        if moved_from or (_PAST - {"van"}) & set(just_before):
            return "past"
        return "plain"

    def _choose(self, message: Message, found: list[PlaceFind]) -> PlaceFind | None:
        """Where the child lives now (the one about a child or family when several), else the
        first place named plainly; never only a place of work or of the past in a story.
        Places named as alternatives ("Nijkerk of Nijmegen") are one find: asked."""
        found = _alternatives(message, found)
        lives = [f for f in found if f.role == "lives"]
        if len(lives) > 1:
            about_child = [f for f in lives if _about_child(message, f.span.start)]
            lives = about_child or lives
        if lives:
            chosen = lives[0]
            return PlaceFind(
                chosen.targets, chosen.span, "lives", (*chosen.evidence, Evidence("lives"))
            )
        plain = [f for f in found if f.role == "plain"]
        if len(plain) > 1:
            # "Nijkerk of Nijmegen": two places named alike are asked, never one picked.
            targets = tuple(dict.fromkeys(t for f in plain for t in f.targets))
            evidence = tuple(dict.fromkeys(e for f in plain for e in f.evidence))
            return PlaceFind(targets[:_MAX_CANDIDATES], plain[0].span, "plain", evidence)
        if plain:
            return plain[0]
        if len(found) == 1 and not message.is_story and found[0].role == "past":
            return found[0]  # "gezin komt uit Zwolle": the family's place, said plainly
        return None

    def _fuzzy(self, message: Message, skip: frozenset[int]) -> list[PlaceFind]:
        """Place names with a typo where a place is expected: at most 1 edit (2 for long names),
        ij = y, anywhere in the name. Only the nearest count (edits per letter, so a longer
        name typed with one typo beats a short look-alike); when they lie in different regions
        all are returned (the conversation asks, showing each region)."""
        tokens = message.tokens
        slots = [i for i in self._slots(message) if i not in skip]
        if not slots:
            return []
        starts = {a for i in slots for a in range(max(0, i - 2), i + 1)}
        placed = {i for i in slots if i > 0 and tokens[i - 1] in (_STRONG | _WEAK)}
        spans = [
            (a, b)
            for a in sorted(starts)
            for b in range(a + 1, min(len(tokens), a + _MAX_NGRAM) + 1)
            if b - 1 >= min(slots)
            and not skip.intersection(range(a, b))
            # A lone capitalised word mid-sentence is more often a first name ("Petra") than
            # a misspelt place: only after a place word, or in a short message.
            and (b - a > 1 or len(tokens) <= 3 or bool(placed & set(range(a, b))))
        ]
        if len(tokens) <= _MAX_NGRAM and not skip:
            spans.append((0, len(tokens)))  # the message is a name: "hooge zwalwe"
        targets, best = self._nearest(tokens, spans, capitals=message.capitals)
        if not targets:
            return []
        where = Span(min(slots), min(slots) + 1)
        role = self._role(message, where.start)
        # "ysselstein": only ij written as y, a spelling, not a guess; any edit is a guess.
        evidence = Evidence("spelling") if best == 0 else Evidence("typo")
        return [PlaceFind(targets, where, role, (evidence,))]

    def _nearest(
        self,
        tokens: tuple[str, ...],
        spans: list[tuple[int, int]],
        *,
        most: float = 1.0,
        capitals: frozenset[str] = frozenset(),
        around: bool = False,
    ) -> tuple[tuple[PlaceTarget, ...], float]:
        """The places nearest to any of the token ``spans``, by edits per letter (at most
        ``most``), and that share (0: only ij written as y). A known Dutch word, or words, is
        never a typo of a place, except ``around`` an exact name."""
        found: dict[str, float] = {}
        for a, b in spans:
            gram = " ".join(tokens[a:b])
            if len(gram) < _FUZZY_MIN_LENGTH or gram in STOPWORDS or gram in CONTACT_WORDS:
                continue
            named = (a, b) == (0, len(tokens)) and tokens[a] in capitals
            if self._frequency.is_common(gram) and not named and not around:
                # A word ("leren", "over een", "nieuwe") is no typo of a place — unless it is
                # the whole message, written as a name ("Leren": Lieren?).
                continue
            for key, distance in self._near(gram):
                share = distance / len(gram)
                found[key] = min(found.get(key, share), share)
        if not found or min(found.values()) > most:
            return (), 1.0
        best = min(found.values())
        targets = sorted(
            {t for key, d in found.items() if d == best for t in self._places[key]},
            key=lambda t: (t.kind, t.code),
        )
        return tuple(targets[:_MAX_CANDIDATES]), best

    def _slots(self, message: Message) -> list[int]:
        """Where a misspelt place may be: anywhere in a message of one or two words, else
        after a place word or where a word is written with a capital — never a known word."""
        tokens = message.tokens
        starts = [
            i
            for i, t in enumerate(tokens)
            if t not in self._vocabulary
            and t not in FILLER
            and t not in CONTACT_WORDS
            and t not in STOPWORDS
        ]
        if len(tokens) <= 2:
            return starts
        return [
            i
            for i in starts
            if (i > 0 and tokens[i - 1] in (_STRONG | _WEAK)) or tokens[i] in message.capitals
        ]

    def _near(self, gram: str) -> list[tuple[str, int]]:
        """Place keys within 1 edit of ``gram`` (2 from nine letters), in either spelling."""
        folded, typed = self._spellings
        hits = folded.near(gram)
        if "j" in gram or "y" in gram:
            hits += typed.near(gram)  # the spelling as typed matters only around "ij" and "y"
        return hits


class _Spelling:
    """Place keys in one spelling (folded or as typed), by length and first letters, so a typo
    is compared with a few hundred keys only."""

    def __init__(
        self, places: Mapping[str, tuple[PlaceTarget, ...]], spell: Callable[[str], str]
    ) -> None:
        self._spell = spell
        self._keys: dict[str, list[str]] = defaultdict(list)
        self._by_first: dict[tuple[int, str], set[str]] = defaultdict(set)
        self._by_second: dict[tuple[int, str], set[str]] = defaultdict(set)
        for key in places:
            spelt = spell(key)
            self._keys[spelt].append(key)
            self._by_first[(len(spelt), spelt[0])].add(spelt)
            if len(spelt) > 1:
                self._by_second[(len(spelt), spelt[1])].add(spelt)

    def near(self, gram: str) -> list[tuple[str, int]]:
        """Keys within 1 edit of ``gram`` (2 from nine letters), sharing its first or second
        letter (or both swapped)."""
        spelt = self._spell(gram)
        limit = 1 if len(spelt) < 9 else 2
        hits: list[tuple[str, int]] = []
        for length in range(len(spelt) - limit, len(spelt) + limit + 1):
            for key, distance, _ in process.extract(
                spelt,
                self._candidates(spelt, length),
                scorer=OSA.distance,
                processor=None,
                score_cutoff=limit,
                limit=None,
            ):
                hits.extend((original, int(distance)) for original in self._keys[key])
        return hits

    def _candidates(self, spelt: str, length: int) -> set[str]:
        first = self._by_first.get((length, spelt[0]), set())
        second = self._by_second.get((length, spelt[1]), set()) if len(spelt) > 1 else set()
        swapped = self._by_first.get((length, spelt[1]), set()) if len(spelt) > 1 else set()
        return first | second | swapped


class KnownWords:
    """The words of the content, and the longer ones among them as parts of compounds."""

    _PART = 5
    """The shortest known word that counts as part of a compound."""

    def __init__(self, words: frozenset[str]) -> None:
        self._words = words
        self._parts = frozenset(w for w in words if len(w) >= self._PART)

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def in_compound(self, word: str) -> bool:
        """True when ``word`` starts or ends with a known word ("overlegverzoek"): a few set
        look-ups, not a scan of the words."""
        parts, size = self._parts, len(word)
        return any(
            word[:k] in parts or word[size - k :] in parts for k in range(self._PART, size + 1)
        )


def _unknown_name(word: str, vocabulary: KnownWords, frequency: WordFrequency) -> bool:
    """A word that may be the name of a place we do not know: no Dutch word, no word of the
    content, and no compound of one ("overlegverzoek")."""
    if word in vocabulary or frequency.is_common(word) or word.isdigit():
        return False
    return not vocabulary.in_compound(word)


def _content_words(key: str) -> list[str]:
    """The words of a place name that are not articles ("de wijk": wijk)."""
    return [w for w in key.split() if w not in _ARTICLES and w not in STOPWORDS] or key.split()


_OR = frozenset("of or".split())


def _alternatives(message: Message, found: list[PlaceFind]) -> list[PlaceFind]:
    """``found`` with places joined by "of" ("in Almelo of Alkmaar") as one find of both."""
    joined: list[PlaceFind] = []
    for find in found:
        last = joined[-1] if joined else None
        between = message.tokens[last.span.end : find.span.start] if last else ()
        if last is not None and len(between) == 1 and between[0] in _OR:
            targets = tuple(dict.fromkeys((*last.targets, *find.targets)))
            evidence = tuple(dict.fromkeys((*last.evidence, *find.evidence)))
            span = Span(last.span.start, find.span.end)
            joined[-1] = PlaceFind(targets[:_MAX_CANDIDATES], span, last.role, evidence)
        else:
            joined.append(find)
    return joined


_CHILD = frozenset(
    "kind kinderen kindje gezin baby peuter kleuter zoon dochter meisje jongen".split()
)


def _about_child(message: Message, position: int) -> bool:
    """True when the clause before ``position`` is about a child or the family."""
    clause = message.clause_of(position)
    return bool(_CHILD & set(message.tokens[clause.start : position]))
