"""One search index over everything a user may type: topics, partners and places.

Built once per loaded content. A query is normalised and its abbreviations expanded; place names
are spotted exactly (longest n-gram first), then topics (tree titles and triggers, FAQ phrasings,
organisation names) are scored with rapidfuzz's token-set ratio over content words; only when
neither is sure are typos in place names tried, with a bounded edit distance. Ambiguity is returned
as several targets, so the conversation asks instead of guessing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise

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
    """een best hem ie ens est nes heide velden buren haren elst erp wijk lage hoge""".split()
)
# CBS tells same-named woonplaatsen apart by a province suffix ("Vianen NB", "Haren Gn").
PROVINCE_SUFFIXES = frozenset("""nb gn nh zh l u fr dr ov gld lb zl fl ut gr ac""".split())
PLACE_WORDS = frozenset("""in te uit gemeente woonplaats plaats dorp regio stad""".split())
# Words that show the user wants a contact, so a place in the query answers it.
CONTACT_WORDS = frozenset(
    """veilig thuis nummer telefoonnummer bellen bel contact vertrouwensarts jgz buurtteam
    lokaal team wijkteam regio save ggd""".split()
)

_TOPIC_SURE = 90.0
_TOPIC_CUTOFF = 80.0
_TIE_MARGIN = 8.0
_CLOSE = 5.0
_MAX_CANDIDATES = 3
_MAX_NGRAM = 4
_FUZZY_MIN_LENGTH = 5


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
    for token in normalise(text).split():
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
    exact: str


class SearchIndex:
    """The search index for one loaded knowledge base (implements the dialogs Router port)."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._synonyms = {
            **SYNONYMS,
            **{k: normalise(v) for p in knowledge.packs.values() for k, v in p.synonyms.items()},
        }
        self._places = self._build_places(knowledge)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for key in self._places:
            self._by_length[len(key)].append(key)
        self._topics = list(self._build_topics(knowledge, self._synonyms))
        self._topic_words = [t.words for t in self._topics]
        self._vocabulary = {word for t in self._topics for word in t.words.split()}
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
            key = normalise(alias.name)
            # A former gemeente that is still a woonplaats of its new gemeente is found as that.
            if alias.gemeente not in named_place.get(key, set()):
                found[key].add(f"gemeente:{alias.gemeente}")
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

    @staticmethod
    def _build_topics(knowledge: KnowledgeBase, synonyms: Mapping[str, str]) -> Iterable[_Topic]:
        def topic(target: str, phrase: str) -> _Topic:
            tokens = normalise_query(phrase, synonyms)
            words = " ".join(t for t in tokens if t not in STOPWORDS) or " ".join(tokens)
            return _Topic(target, words, " ".join(tokens))

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

    def route(self, text: str) -> tuple[str, ...]:
        """Targets for ``text``, best first: one if sure, several if close, none if unsure."""
        tokens = normalise_query(text, self._synonyms)
        if not tokens:
            return ()
        exact = self._exact.get(" ".join(tokens))
        if exact is not None:
            return (exact,)
        places, rest = self._spot_places(tokens)
        topics = self._score_topics(rest if places else tokens)
        if places:
            return self._with_place(places, rest, topics)
        sure = bool(topics) and topics[0][1] >= _TOPIC_SURE
        unknown = [t for t in tokens if t not in self._vocabulary and t not in STOPWORDS]
        if sure and not (unknown and any(t in CONTACT_WORDS or t in PLACE_WORDS for t in tokens)):
            return self._close(topics)
        fuzzy = self._fuzzy_places(unknown if topics else tokens)
        if fuzzy:
            return fuzzy
        return self._close(topics) if topics and topics[0][1] >= _TOPIC_CUTOFF else ()

    def _spot_places(self, tokens: list[str]) -> tuple[tuple[str, ...], list[str]]:
        """The longest exact place name in ``tokens``, and the tokens around it."""
        for size in range(min(_MAX_NGRAM, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                key = " ".join(tokens[start : start + size])
                if key not in self._places or not self._plausible(tokens, start, key):
                    continue
                rest = tokens[:start] + tokens[start + size :]
                return self._places[key], rest
        return (), tokens

    @staticmethod
    def _plausible(tokens: list[str], start: int, key: str) -> bool:
        if key in STOPWORDS:
            return False
        if key not in WORDLIKE_PLACES:
            return True
        return len(tokens) == 1 or (start > 0 and tokens[start - 1] in PLACE_WORDS)

    def _with_place(
        self, places: tuple[str, ...], rest: list[str], topics: list[tuple[str, float]]
    ) -> tuple[str, ...]:
        """A place answers a contact question; a sure topic question keeps its topic."""
        content = [t for t in rest if t not in STOPWORDS and t not in CONTACT_WORDS]
        sure_topic = bool(topics) and topics[0][1] >= _TOPIC_SURE
        if content and sure_topic and not topics[0][0].startswith("org:"):
            return self._close(topics)
        return places[:_MAX_CANDIDATES] if len(places) > 1 else places

    def _score_topics(self, tokens: list[str]) -> list[tuple[str, float]]:
        """Targets by their best phrase: token-set ratio, ties broken by how much is covered."""
        content = [t for t in tokens if t not in STOPWORDS]
        if not content:
            return []
        # "vertrouwens arts" also tries "vertrouwensarts".
        joined = [a + b for a, b in pairwise(content)]
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
    def _close(ranked: list[tuple[str, float]]) -> tuple[str, ...]:
        top = ranked[0][1]
        return tuple(t for t, s in ranked if top - s <= _CLOSE)[:_MAX_CANDIDATES]

    def _fuzzy_places(self, tokens: list[str]) -> tuple[str, ...]:
        """Place names with a typo: same first letter, at most 1 edit (2 for long names)."""
        if not tokens or not self._wants_place(tokens):
            return ()
        found: set[str] = set()
        for size in range(min(3, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                gram = " ".join(tokens[start : start + size])
                if len(gram) < _FUZZY_MIN_LENGTH or gram in STOPWORDS or gram in CONTACT_WORDS:
                    continue
                found |= self._near(gram)
            if found:
                break
        return tuple(sorted(found))[:_MAX_CANDIDATES]

    @staticmethod
    def _wants_place(tokens: list[str]) -> bool:
        content = [t for t in tokens if t not in STOPWORDS]
        return len(content) == 1 or any(t in CONTACT_WORDS or t in PLACE_WORDS for t in tokens)

    def _near(self, gram: str) -> set[str]:
        limit = 1 if len(gram) < 9 else 2
        targets: set[str] = set()
        for length in range(len(gram) - limit, len(gram) + limit + 1):
            candidates = [k for k in self._by_length.get(length, ()) if k[0] == gram[0]]
            for key, _, _ in process.extract(
                gram,
                candidates,
                scorer=OSA.distance,
                processor=None,
                score_cutoff=limit,
                limit=None,
            ):
                if key not in WORDLIKE_PLACES:  # "beste" is no typo of Best
                    targets |= set(self._places[key])
        return targets
