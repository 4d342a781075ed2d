"""One search index over everything a user may type: topics, partners and places.

Built once per loaded content. A query is normalised and its abbreviations expanded; place names
are spotted exactly (longest n-gram first), then topics (tree titles and triggers, FAQ phrasings,
organisation names) are scored with rapidfuzz's token-set ratio over content words; only when
neither is sure are typos in place names tried, with a bounded edit distance. Ambiguity is returned
as several targets, so the conversation asks instead of guessing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dialogs.router import Evidence, Reading
from dialogs.targets import IntentTarget, PlaceTarget, Target, decode
from dialogs.understanding.intents import IntentIndex, StoryIndex
from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise
from knowledge.wordforms import stems

__all__ = ["SearchIndex", "normalise_query"]

# Abbreviations and synonyms people type, expanded before matching (DOMAIN.md vocabulary).
SYNONYMS = {
    "vt": "veilig thuis",
    "vgv": "vrouwelijke genitale verminking",
    "meisjesbesnijdenis": "vrouwelijke genitale verminking",
    "besnijdenis": "vrouwelijke genitale verminking",
    "besneden": "vrouwelijke genitale verminking",
    "af": "aandachtsfunctionaris",
    "va": "vertrouwensarts",
    "egg": "eergerelateerd geweld",
    "hg": "huiselijk geweld",
    "km": "kindermishandeling",
    "st": "sint",
    "jbt": "jeugdbeschermingstafel",
}
# Words that carry no topic; left out before topic scoring so "wat moet ik doen" matches nothing.
STOPWORDS = frozenset(
    """de het een en van in is op te dat die voor met zijn niet aan er maar om ook als dan bij
    of uit nog wat naar door over ze zo kan wel al u ik je jij mijn we wie waar hoe moet mag
    wil heb hebben ben bent is was wordt worden doe doen kun kunt zou graag even toch welke
    welk dit deze hier daar iets iemand nu mij me onze ons jullie hun hen zij hij zij gaat
    ga wanneer waarom gegevens vraag vragen""".split()
)
# Place names that are also ordinary Dutch words: a place only when alone or after a place word.
WORDLIKE_PLACES = frozenset(
    """een best hem ie ens est nes heide velden buren haren elst erp wijk lage hoge heel echt
    born leek goor helden doorn dalen hoeven putten kampen huizen sluis
    made beek balk grave lies hee hoorn loon gieten wouw haaren eind well hall laren kessel
    vries olst bergh thorn wisch gendt maarn axel""".split()
)
# First words that stand for a longer name ("nieuwe" for Nieuwe Pekela): word-like, too.
WORDLIKE_FIRSTS: set[str] = set()
# Words about the people in a story: no topic of their own, and never a place or a name.
FILLER = frozenset(
    """gezin gezinnen kind kinderen kindje baby zuigeling peuter kleuter meisje jongen zoon
    dochter moeder vader ouder ouders client clienten familie woont wonen woonachtig wonend
    jaar maanden oud broertje zusje broer zus mevrouw meneer""".split()
)
# CBS tells same-named woonplaatsen apart by a province suffix ("Vianen NB", "Haren Gn").
PROVINCE_SUFFIXES = frozenset("""nb gn nh zh l u fr dr ov gld lb zl fl ut gr ac""".split())
PLACE_WORDS = frozenset("""in te uit gemeente woonplaats plaats dorp regio stad""".split())
# Words after which a place name (perhaps misspelt) is expected.
SLOT_WORDS = PLACE_WORDS | frozenset(
    """bij naar voor thuis vt woont wonen woonachtig buurt""".split()
)
# Words that show the user wants a contact, so a place in the query answers it.
CONTACT_WORDS = frozenset(
    """veilig thuis nummer telefoonnummer bellen bel contact vertrouwensarts jgz buurtteam
    lokaal team wijkteam regio save ggd""".split()
)

_TOPIC_SURE = 90.0
_TOPIC_CUTOFF = 80.0
_TIE_MARGIN = 8.0
_CLOSE = 5.0
_QUESTION_WINDOW = 12.0
_MAX_CANDIDATES = 3
_MAX_NGRAM = 4
_FUZZY_MIN_LENGTH = 5
_SHORT = 5
_SHORT_PLAIN = 3
_LIVES = frozenset("woont wonen woonachtig woonplaats uit".split())
"""Words before the place where the child lives (it decides the region)."""
"""A message of up to three words may name a place without a place word: "zeist jgz"."""
_AROUND_SHARE = 1 / 8
"""A longer name around an exact one wins with at most one edit per eight letters."""
_ARTICLES = frozenset("de den der het t s sint st ter ten te nieuw oud oude groot klein".split())
"""Messages of up to this many words may be a place name alone, typos anywhere."""
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
# "Alphen a/d Rijn", "Capelle a/d IJssel".
_SHORTHAND = re.compile(r"\s+a/d\s+", re.I)
# What a question starts with: with a tie, the FAQ answers it rather than a tree or a card.
_QUESTION_WORDS = frozenset("wat wie wanneer waarom hoe welke welk is mag kan moet heb".split())
_SENTENCES = re.compile(r"[^.?!\n]+[.?!]*")


@dataclass(frozen=True)
class _Routing:
    """How a message was understood.

    ``targets``: where to go, best first (one: answer it; several: ask which). ``beside``: a
    place found in a story, to show with the answer. ``intent``: an action asked for (an id of
    understanding/intents.yaml). ``unknown_place``: the message names a place we do not know.
    ``person``: a person's name was typed (never a place; the user gets a reminder).
    """

    targets: tuple[str, ...] = ()
    beside: tuple[str, ...] = ()
    intent: str | None = None
    unknown_place: bool = False
    person: bool = False


def _last_question(text: str, *, with_previous: bool = False) -> str:
    """The last sentence that asks a question, when the message has several sentences (with
    the sentence before it, for a question that points back: "Mag dat?")."""
    sentences = [m.group(0).strip() for m in _SENTENCES.finditer(text) if m.group(0).strip()]
    if len(sentences) < 2:
        return ""
    last = next((i for i in reversed(range(len(sentences))) if sentences[i].endswith("?")), None)
    if last is None:
        return ""
    return " ".join(
        sentences[max(0, last - 1) : last + 1] if with_previous else sentences[last : last + 1]
    )


def _content(tokens: list[str]) -> list[str]:
    plain = STOPWORDS | FILLER | CONTACT_WORDS | PLACE_WORDS
    return [t for t in tokens if t not in plain]


def _plausible(tokens: list[str], start: int, key: str, capitals: frozenset[str]) -> bool:
    """Whether ``key`` at ``start`` is meant as a place. A name of several words always is; one
    word is in a short message, in one about places or contacts ("vt nummer zeist"), or written
    with a capital ("welke stappen moet ik nu zetten" is no question about Zetten); a name that
    is also a common word ("best", "kampen") only alone, right after a place or contact word,
    or with a capital."""
    if key in STOPWORDS:
        return len(tokens) == 1  # "Een", the village, typed alone
    after = start > 0 and (tokens[start - 1] in SLOT_WORDS or tokens[start - 1] in CONTACT_WORDS)
    if key not in WORDLIKE_PLACES and key not in WORDLIKE_FIRSTS:
        about_places = any(t in SLOT_WORDS or t in CONTACT_WORDS for t in tokens)
        return " " in key or len(tokens) <= _SHORT_PLAIN or about_places or key in capitals
    return len(tokens) == 1 or after or (key in capitals and start > 0)


def _capitalised(text: str) -> frozenset[str]:
    """The normalised words written with a capital (a place name, perhaps)."""
    return frozenset(
        part
        for word in text.split()
        for piece in word.split("-")
        if piece[:1].isupper()
        for part in normalise(piece).split()
    )


def _edge(token: str) -> bool:
    """True for a word that may begin or end a place name (not "uit", "gezin", "bellen")."""
    return (
        token not in STOPWORDS
        and token not in FILLER
        and token not in SLOT_WORDS
        and (token not in CONTACT_WORDS)
    )


def _fold(key: str) -> str:
    """Dutch spelling folds for typo matching: ij and y are one letter."""
    return key.replace("ij", "y")


def _covers(query: list[str], phrase: list[str]) -> bool:
    """Enough of the phrase is in the query: half its words (typos allowed), or all of the
    query's when it has several. Stops "wat is je naam" matching "melden zonder naam"."""
    matched = sum(
        1 for word in phrase if any(fuzz.ratio(word, q, processor=None) >= 80 for q in query)
    )
    return matched * 2 >= len(phrase) or (len(query) > 1 and matched >= len(query))


def normalise_query(text: str, synonyms: Mapping[str, str] = SYNONYMS) -> list[str]:
    """Normalised tokens with abbreviations expanded ("vt nummer" -> veilig thuis nummer);
    ``synonyms`` adds the region packs' abbreviations to the national ones."""
    tokens: list[str] = []
    for token in normalise(_SHORTHAND.sub(" aan den ", text)).split():
        tokens.extend(synonyms.get(token, token).split())
    return tokens


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


@dataclass(frozen=True)
class _Topic:
    target: str
    words: str
    """The phrase's content words, stemmed."""
    exact: str
    """All its words, stemmed: a message that is exactly this phrase."""
    plain: list[str]
    """Its content words as typed (normalised)."""


class SearchIndex:
    """The search index for one loaded knowledge base (implements the dialogs Router port)."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._synonyms = {
            **SYNONYMS,
            **{k: normalise(v) for p in knowledge.packs.values() for k, v in p.synonyms.items()},
        }
        self._places = self._build_places(knowledge)
        self._folded: dict[str, list[str]] = defaultdict(list)
        self._by_first: dict[tuple[int, str], set[str]] = defaultdict(set)
        self._by_second: dict[tuple[int, str], set[str]] = defaultdict(set)
        for key in self._places:
            folded = _fold(key)
            self._folded[folded].append(key)
            self._by_first[(len(folded), folded[0])].add(folded)
            if len(folded) > 1:
                self._by_second[(len(folded), folded[1])].add(folded)
        self._intents = IntentIndex(knowledge.intents)
        self._stories = StoryIndex(knowledge.stories)
        self._topics = list(self._build_topics(knowledge, self._synonyms))
        self._topic_words = [t.words for t in self._topics]
        self._vocabulary = {word for t in self._topics for word in t.plain}
        self._exact = {t.exact: t.target for t in self._topics}

    # -- building ------------------------------------------------------------------------------

    @staticmethod
    def _build_places(knowledge: KnowledgeBase) -> dict[str, tuple[str, ...]]:
        found: dict[str, set[str]] = defaultdict(set)
        named_gemeente: dict[str, set[str]] = defaultdict(set)
        named_place: dict[str, set[str]] = defaultdict(set)
        for gemeente in knowledge.gemeenten.values():
            for key in _place_keys(gemeente.name):
                found[key].add(f"gemeente:{gemeente.code}")
                named_gemeente[key].add(gemeente.code)
            for code, name in gemeente.places:
                for key in _place_keys(name):
                    named_place[key].add(gemeente.code)
                    # A woonplaats named like its own gemeente is that gemeente.
                    if gemeente.code not in named_gemeente.get(key, set()):
                        found[key].add(f"woonplaats:{code}")
        for alias in knowledge.aliases.values():
            for key in _place_keys(alias.name):
                # A former gemeente that is still a woonplaats of its new gemeente is found as that.
                todays = [t for t in alias.gemeenten if t not in named_place.get(key, set())]
                if alias.year is not None and todays == [alias.gemeente]:
                    found[key].add(f"former:{alias.id}")  # "Lingewaal hoort sinds 2019 bij …"
                else:
                    found[key] |= {f"gemeente:{today}" for today in todays}
        for region in knowledge.regions.values():
            key = normalise(region.name)
            if key not in named_gemeente:
                found[key].add(f"region:{region.code}")
        SearchIndex._add_prefixes(found)
        return {key: tuple(sorted(targets)) for key, targets in found.items()}

    @staticmethod
    def _add_prefixes(found: dict[str, set[str]]) -> None:
        """ "driebergen" finds Driebergen-Rijsenburg: a long first word stands for the name."""
        prefixes: dict[str, set[str]] = defaultdict(set)
        for key, targets in found.items():
            first = key.split()[0]
            if " " in key and len(first) >= 6 and first not in STOPWORDS:
                prefixes[first] |= targets
        for first, targets in prefixes.items():
            if first not in found:
                found[first] = targets
                WORDLIKE_FIRSTS.add(first)

    @staticmethod
    def _build_topics(knowledge: KnowledgeBase, synonyms: Mapping[str, str]) -> Iterable[_Topic]:
        def topic(target: str, phrase: str) -> _Topic:
            tokens = normalise_query(phrase, synonyms)
            content = [t for t in tokens if t not in STOPWORDS] or tokens
            return _Topic(target, " ".join(stems(content)), " ".join(stems(tokens)), content)

        for tree in knowledge.trees.values():
            for phrase in (tree.title, *tree.triggers):
                yield topic(f"tree:{tree.id}", phrase)
        for entry in knowledge.faq.values():
            for phrase in (entry.question, *entry.phrasings):
                yield topic(f"faq:{entry.id}", phrase)
        for organisation in knowledge.organisations.values():
            for phrase in (organisation.name, *organisation.aliases):
                yield topic(f"org:{organisation.id}", phrase)

    # -- searching -----------------------------------------------------------------------------

    def route(self, text: str) -> tuple[Target, ...]:
        """Targets for ``text``, best first: one if sure, several if close, none if unsure;
        see ``understand`` for the whole reading."""
        return self.understand(text).targets

    def understand(self, text: str, *, role: str | None = None) -> Reading:
        """How ``text`` is understood (the dialogs Router port)."""
        found = self._understand(text)
        if found.intent is not None:
            intent = IntentTarget(found.intent)
            return Reading(
                (intent,), evidence=(Evidence("intent", found.intent),), person=found.person
            )
        targets = tuple(t for t in map(decode, found.targets) if t is not None)
        beside = decode(found.beside[0]) if found.beside else None
        return Reading(
            targets,
            beside=beside if isinstance(beside, PlaceTarget) else None,
            unknown_place=found.unknown_place,
            person=found.person,
        )

    def _understand(self, text: str) -> _Routing:
        """What ``text`` means: an intent, the targets to answer, a place found beside a topic,
        a place we do not know, or a person's name typed (a reminder to give)."""
        cleaned, person = self._without_names(text)
        tokens = normalise_query(cleaned, self._synonyms)
        said = self._intents.exact(cleaned)
        if said is not None and not (said == "contact" and self._spot_places(tokens)[0]):
            return _Routing(intent=said, person=person)
        if not tokens or all(t.isdigit() and len(t) < 3 for t in tokens):
            return _Routing(person=person)
        exact = self._exact.get(" ".join(stems(tokens)))
        intent = self._intents.match(cleaned)
        if exact is not None and intent in (None, "contact"):
            story = self._stories.ranked(tokens)
            # A partner's name alone ("huwelijksdwang") asks about the topic, not the card.
            if exact.startswith("org:") and story and story[0][1][1] == len(tokens):
                return _Routing((story[0][0],), person=person)
            return _Routing((exact,), person=person)
        if intent is not None and intent != "contact":
            return _Routing(intent=intent, person=person)
        capitals = _capitalised(cleaned)
        places, rest = self._spot_places(tokens, capitals)
        if not places:
            places = self._fuzzy_places(tokens, capitals)
            rest = tokens
        topic = self._topic(cleaned, rest, tokens, has_place=bool(places))
        return self._decide(places, topic, tokens, cleaned, person, contact=intent is not None)

    def _decide(
        self,
        places: tuple[str, ...],
        topic: tuple[str, ...],
        tokens: list[str],
        text: str,
        person: bool,
        *,
        contact: bool,
    ) -> _Routing:
        place_first = not topic or topic[0] in self._stories.place_answers
        if places and (place_first or topic[0].startswith("org:")):
            return _Routing(places[:_MAX_CANDIDATES], person=person)
        if places:
            beside = places if len(places) == 1 else ()
            return _Routing(topic, beside=beside, person=person)
        if topic and place_first and self._names_a_place(tokens, text):
            return _Routing(unknown_place=True, person=person)
        if topic:
            return _Routing(topic, person=person)
        if contact:
            return _Routing(intent="contact", person=person)
        return _Routing(unknown_place=self._names_a_place(tokens, text), person=person)

    def _topic(
        self, text: str, rest: list[str], tokens: list[str], *, has_place: bool
    ) -> tuple[str, ...]:
        """The topic of the question (the last sentence that asks one), else of the story."""
        question = _last_question(text)
        if "," in question:
            # "Ik twijfel of het melden waard is, moet ik melden?": the last clause asks.
            clause = question.rsplit(",", 1)[1]
            found = self._score_topics(normalise_query(clause, self._synonyms))
            if found and found[0][1] >= _TOPIC_SURE and _content(clause.split()):
                question = clause
        words = normalise_query(question, self._synonyms) if question else rest
        if question and not _content(words):
            # "Mag dat?", "Wat nu?": the sentence before says what "dat" is.
            question = _last_question(text, with_previous=True)
            words = normalise_query(question, self._synonyms)
        if has_place and question:
            words = [w for w in words if w in rest]
        content = _content(words) if has_place else [w for w in words if w not in STOPWORDS]
        topics = self._score_topics(words) if content else []
        stories = self._stories.ranked(words if question else tokens)
        if not stories and question:
            stories = self._stories.ranked(tokens)
        sure = bool(topics) and topics[0][1] >= _TOPIC_SURE
        # A partner's name inside a question ("wanneer neemt SAVE het over") asks the topic.
        telling = bool(stories) and stories[0][1][1] >= min(2, len(content))
        asks = bool(words) and words[0] in _QUESTION_WORDS
        # A partner's card or a "which number" answer yields to a specific situation.
        generic = sure and (
            topics[0][0].startswith("org:")
            or (
                (topics[0][0] in self._stories.place_answers and bool(stories))
                and stories[0][1][0] >= 2
            )
        )
        if sure and not (telling and generic):
            close = self._close(topics, question=asks)
            # A tie the story decides: "vermoeden medische kindermishandeling".
            if len(close) > 1 and stories and stories[0][0] in close:
                return (stories[0][0],)
            return close
        if stories:
            top = stories[0][1]
            return tuple(t for t, n in stories if n == top)[:_MAX_CANDIDATES]
        if topics and topics[0][1] >= _TOPIC_CUTOFF:
            return self._close(topics)
        return ()

    def _without_names(self, text: str) -> tuple[str, bool]:
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

    def _names_a_place(self, tokens: list[str], text: str) -> bool:
        """True when the message asks about a place by name that we do not know."""
        if any(t in CONTACT_WORDS for t in tokens) and 1 <= len(_content(tokens)) <= 2:
            return any(t not in self._vocabulary for t in _content(tokens))
        return bool(_PLACE_SLOT.search(text))

    def _spot_places(
        self, tokens: list[str], capitals: frozenset[str] = frozenset()
    ) -> tuple[tuple[str, ...], list[str]]:
        """The exact place name in ``tokens`` (the longest; where the child lives when there
        are several: "ik werk in Zwolle, het kind woont in Kampen"), and the tokens around it;
        a longer name around it with a typo wins ("bergen op zom", "ette-leur")."""
        found = [
            (start, size)
            for size in range(min(_MAX_NGRAM, len(tokens)), 0, -1)
            for start in range(len(tokens) - size + 1)
            if " ".join(tokens[start : start + size]) in self._places
            and _plausible(tokens, start, " ".join(tokens[start : start + size]), capitals)
        ]
        if not found:
            return (), tokens
        lives = [(a, n) for a, n in found if _LIVES & set(tokens[max(0, a - 2) : a])]
        start, size = (lives or found)[0]
        spans = [
            (a, b)
            for a in range(max(0, start - 3), start + 1)
            for b in range(start + size, min(len(tokens), start + size + 3) + 1)
            if (a, b) != (start, start + size)
            and b - a <= _MAX_NGRAM
            and _edge(tokens[a])
            and _edge(tokens[b - 1])
        ]
        longer = self._nearest(tokens, spans, most=_AROUND_SHARE)
        if longer:
            return longer, tokens
        key = " ".join(tokens[start : start + size])
        return self._places[key], tokens[:start] + tokens[start + size :]

    def _score_topics(self, tokens: list[str]) -> list[tuple[str, float]]:
        """Targets by their best phrase: token-set ratio, ties broken by how much is covered."""
        plain = [t for t in tokens if t not in STOPWORDS]
        if not plain:
            return []
        # Word forms meet at their stem; "vertrouwens arts" also tries "vertrouwensarts".
        content = list(stems(plain))
        joined = list(stems([a + b for a, b in pairwise(plain)]))
        words = " ".join(content + joined)
        hits = process.extract(
            words,
            self._topic_words,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=_TOPIC_CUTOFF,
            limit=None,
        )
        query = " ".join(content)
        best: dict[str, tuple[float, float]] = {}
        for phrase, score, index in hits:
            if not _covers(content + joined, phrase.split()):
                continue
            target = self._topics[index].target
            cover = fuzz.token_sort_ratio(query, phrase, processor=None)
            best[target] = max(best.get(target, (0.0, 0.0)), (score, cover))
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        if not ranked:
            return []
        top_score, top_cover = ranked[0][1]
        return [
            (target, score)
            for target, (score, cover) in ranked
            if top_score - score > _CLOSE or top_cover - cover <= _TIE_MARGIN
        ]

    @staticmethod
    def _close(ranked: list[tuple[str, float]], *, question: bool = False) -> tuple[str, ...]:
        """The targets that tie with the best; a question ("wat is …") that ties an FAQ with a
        tree or a partner's card is the FAQ's."""
        top = ranked[0][1]
        close = tuple(t for t, s in ranked if top - s <= _CLOSE)[:_MAX_CANDIDATES]
        if question and not close[0].startswith("faq:"):
            near = [t for t, s in ranked if t.startswith("faq:") and top - s <= _QUESTION_WINDOW]
            if len(near) == 1 or (near and len(close) == 1):
                return (near[0],)
        faqs = [t for t in close if t.startswith("faq:")]
        if question and len(faqs) == 1 and len(close) > 1:
            return (faqs[0],)
        return close

    def _fuzzy_places(
        self, tokens: list[str], capitals: frozenset[str] = frozenset()
    ) -> tuple[str, ...]:
        """Place names with a typo where a place is expected: at most 1 edit (2 for long names),
        ij = y, anywhere in the name. Only the nearest count (edits per letter, so a longer
        name typed with one typo beats a short look-alike); when they lie in different regions
        all are returned (the conversation asks, showing each region): a typo never lands
        silently elsewhere."""
        slots = self._slots(tokens, capitals)
        starts = {a for i in slots for a in range(max(0, i - 2), i + 1)}
        placed = {i for i in slots if i > 0 and tokens[i - 1] in SLOT_WORDS}
        spans = [
            (a, b)
            for a in sorted(starts)
            for b in range(a + 1, min(len(tokens), a + _MAX_NGRAM) + 1)
            if b - 1 >= min(slots, default=0)
            # A lone capitalised word mid-sentence is more often a first name ("Petra") than
            # a misspelt place: only after a place word, or in a short message.
            and (b - a > 1 or len(tokens) <= 3 or bool(placed & set(range(a, b))))
        ]
        if len(tokens) <= _MAX_NGRAM:
            spans.append((0, len(tokens)))  # the message is a name: "hooge zwalwe"
        return self._nearest(tokens, spans)

    def _nearest(
        self, tokens: list[str], spans: list[tuple[int, int]], *, most: float = 1.0
    ) -> tuple[str, ...]:
        """The places nearest to any of the token ``spans``, by edits per letter (at most
        ``most``)."""
        found: dict[str, float] = {}
        for a, b in spans:
            gram = " ".join(tokens[a:b])
            if len(gram) < _FUZZY_MIN_LENGTH or gram in STOPWORDS or gram in CONTACT_WORDS:
                continue
            if gram in WORDLIKE_PLACES or gram in WORDLIKE_FIRSTS:
                continue  # a word ("beste", "nieuwe") here, not a typo of another place
            for key, distance in self._near(gram):
                share = distance / len(gram)
                found[key] = min(found.get(key, share), share)
        if not found or min(found.values()) > most:
            return ()
        best = min(found.values())
        targets = sorted({t for key, d in found.items() if d == best for t in self._places[key]})
        return tuple(targets[:_MAX_CANDIDATES])

    def _slots(self, tokens: list[str], capitals: frozenset[str] = frozenset()) -> list[int]:
        """Where a place may be: anywhere in a message of one or two words, else after a place
        word or where a word is written with a capital."""
        starts = [
            i
            for i, t in enumerate(tokens)
            if t not in self._vocabulary and t not in FILLER and t not in CONTACT_WORDS
        ]
        if len(tokens) <= 2:
            return starts
        return [
            i for i in starts if (i > 0 and tokens[i - 1] in SLOT_WORDS) or tokens[i] in capitals
        ]

    def _near(self, gram: str) -> list[tuple[str, int]]:
        """Place keys within 1 edit of ``gram`` (2 from nine letters), sharing its first or
        second letter (or both swapped) so only a few hundred keys are compared."""
        folded = _fold(gram)
        limit = 1 if len(folded) < 9 else 2
        hits: list[tuple[str, int]] = []
        for length in range(len(folded) - limit, len(folded) + limit + 1):
            for key, distance, _ in process.extract(
                folded,
                self._candidates(folded, length),
                scorer=OSA.distance,
                processor=None,
                score_cutoff=limit,
                limit=None,
            ):
                for original in self._folded[key]:
                    if original not in WORDLIKE_PLACES:
                        hits.append((original, int(distance)))
        return hits

    def _candidates(self, folded: str, length: int) -> set[str]:
        first = self._by_first.get((length, folded[0]), set())
        second = self._by_second.get((length, folded[1]), set()) if len(folded) > 1 else set()
        swapped = self._by_first.get((length, folded[1]), set()) if len(folded) > 1 else set()
        return first | second | swapped
