"""A message read once: its words (normalised, abbreviations expanded), their clauses and
sentences, the question it ends with, and the words written with a capital.

Every part of the understanding works on this one reading, so a message is normalised and
split once per turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from dialogs.understanding.lexicon import Lookup
from knowledge.model import Translation
from knowledge.normalise import normalise

__all__ = [
    "NEGATIONS",
    "ORGANISATION",
    "STOPWORDS",
    "SYNONYMS",
    "Glossary",
    "Message",
    "normalise_query",
    "pattern_words",
]

SYNONYMS = {
    "vt": "veilig thuis",
    "vgv": "vrouwelijke genitale verminking",
    "meisjesbesnijdenis": "vrouwelijke genitale verminking",
    "besnijdenis": "vrouwelijke genitale verminking",
    "va": "vertrouwensarts",
    "egg": "eergerelateerd geweld",
    "hg": "huiselijk geweld",
    "km": "kindermishandeling",
    "st": "sint",
    "jbt": "jeugdbeschermingstafel",
    "mnd": "maanden",
    "mndn": "maanden",
    "jr": "jaar",
    "cb": "consultatiebureau",
    "jvk": "jeugdverpleegkundige",
}
"""Abbreviations people type, expanded before matching (DOMAIN.md vocabulary)."""
_AF = "aandachtsfunctionaris"
_AF_BEFORE = frozenset("de het mijn onze met bij een uw".split())
""""af" is the aandachtsfunctionaris only after these (elsewhere it is a particle: "schalen af")."""
ORGANISATION = "veiligthuis"
""""Veilig Thuis" is one token: its words are no danger ("niet veilig") and no place ("thuis")."""
STOPWORDS = frozenset(
    """de het een en van in is op te dat die voor met zijn niet aan er maar om ook als dan bij
    of uit nog wat naar door over ze zo kan wel al u ik je jij mijn we wie waar hoe moet mag
    wil heb hebben ben bent is was wordt worden doe doen kun kunt zou graag even toch welke
    welk dit deze hier daar iets iemand nu mij me onze ons jullie hun hen zij hij zij gaat
    ga wanneer waarom gegevens vraag vragen moeten mogen kunnen willen zullen zal heeft hebt had
    hadden doet deed kon konden wilde zouden jou haar hem zich eigenlijk precies allemaal nou
    the a an of to is are do does i my we what who when how can should in on for and it this
    that with be you me your""".split()
)
"""Words that carry no topic."""
NEGATIONS = frozenset("niet geen nooit niemand nergens nimmer zonder not no never nobody".split())
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")
_CLAUSE = re.compile(r"[,;:()]")
_SHORTHAND = re.compile(r"\s+a/d\s+", re.I)


def normalise_query(text: str, synonyms: Mapping[str, str] = SYNONYMS) -> list[str]:
    """Normalised tokens with abbreviations expanded ("vt nummer" -> veiligthuis nummer);
    ``synonyms`` adds the region packs' abbreviations to the national ones."""
    tokens: list[str] = []
    raw = normalise(_SHORTHAND.sub(" aan den ", text)).split()
    for i, token in enumerate(raw):
        if token == "af":
            upper = " AF " in f" {text} " or (i > 0 and raw[i - 1] in _AF_BEFORE) or len(raw) == 1
            tokens.append(_AF if upper else token)
            continue
        tokens.extend(synonyms.get(token, token).split())
    return _joined(_counted(tokens))


_COUNTS = dict(enumerate("een twee drie vier vijf zes zeven acht negen tien".split(), start=1))
"""A digit that counts ("de 5 stappen") is read as its word: "stap 5" names one step."""
_COUNTED = frozenset("stappen vragen normen steps questions".split())


def _counted(tokens: list[str]) -> list[str]:
    """``tokens`` with a digit before a plural noun ("5 stappen") written as a word ("vijf")."""
    return [
        _COUNTS.get(int(t), t)
        if t.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in _COUNTED
        else t
        for i, t in enumerate(tokens)
    ]


def pattern_words(phrase: str) -> list[str]:
    """The words of a content pattern, read like a message's ("veilig thuis" one word)."""
    return normalise_query(phrase)


def _joined(tokens: list[str]) -> list[str]:
    """``tokens`` with "veilig thuis" as one token, unless "niet" or "on" says it is unsafe."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        pair = tokens[i] == "veilig" and i + 1 < len(tokens) and tokens[i + 1] == "thuis"
        if pair and not (out and out[-1] in NEGATIONS):
            out.append(ORGANISATION)
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out


_ENGLISH = frozenset(
    """the a an i my what who how do does did should to with this after will get need must
    when where which are was were have has can you your please want would like me it for from
    about at that there and not don't dont""".split()
)
_DUTCH = frozenset(
    """de het een ik mijn wat wie hoe moet mag kan van met dit dat na wil wanneer waar welke
    zijn heb je u graag voor uit bij om te niet geen er nog al ook maar en op aan dan als""".split()
)
_LONGEST = 5
_ENGLISH_MIN = 2


class Glossary:
    """English words and phrases read as the Dutch words the content uses (content:
    understanding/english.yaml). A message that reads as English (more English than Dutch
    function words) is read whole; elsewhere only words that are no Dutch word at all."""

    def __init__(
        self, translations: Iterable[Translation], is_dutch: Callable[[str], bool]
    ) -> None:
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._anywhere: set[tuple[str, ...]] = set()
        self._starts: set[str] = set()
        """First words of every English phrase: other words are passed over at once."""
        for entry in translations:
            dutch = tuple(normalise(entry.dutch).split())
            for phrase in entry.english:
                key = tuple(normalise(phrase).split())
                if not key:
                    continue
                self._phrases[key] = dutch
                self._starts.add(key[0])
                if not any(is_dutch(w) for w in key):
                    self._anywhere.add(key)

    @staticmethod
    def is_english(tokens: list[str]) -> bool:
        """More English than Dutch function words, in a message of more than two words or
        with two of them."""
        english = sum(t in _ENGLISH for t in tokens)
        dutch = sum(t in _DUTCH for t in tokens)
        # One English word in two is not enough: "it" is also Frisian ("It Hearrenfean").
        enough = english >= _ENGLISH_MIN or (english and len(tokens) > _ENGLISH_MIN)
        return bool(enough) and english > dutch

    @staticmethod
    def is_bare(tokens: list[str]) -> bool:
        """No function words of either language (a few words of a name or topic)."""
        return not any(t in _ENGLISH or t in _DUTCH for t in tokens)

    def translate(self, tokens: list[str], *, english: bool, phrases: bool = False) -> list[str]:
        """``tokens`` with English phrases read as Dutch, longest first; ``phrases``: also
        English phrases of several words in a message that is not all English."""
        if not self._phrases:
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] not in self._starts:
                out.append(tokens[i])
                i += 1
                continue
            for size in range(min(_LONGEST, len(tokens) - i), 0, -1):
                key = tuple(tokens[i : i + size])
                known = key in self._phrases
                if known and (english or key in self._anywhere or (phrases and size > 1)):
                    out.extend(self._phrases[key])
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


@dataclass(frozen=True)
class Span:
    """A run of tokens of the message: [start, end)."""

    start: int
    end: int


class Message:
    """One message, read once. ``tokens`` are normalised words (abbreviations expanded);
    ``clauses`` and ``sentences`` are spans of them."""

    def __init__(
        self,
        text: str,
        synonyms: Mapping[str, str] = SYNONYMS,
        glossary: Glossary | None = None,
    ) -> None:
        self.text = text
        plain = normalise(text).split() if glossary is not None else []
        english = glossary is not None and Glossary.is_english(plain)
        # Without function words of either language ("main menu", "forced marriage"), English
        # phrases of several words are read too: they are no Dutch.
        phrases = glossary is not None and not english and Glossary.is_bare(plain)
        self.english = english
        source: list[str] = []
        tokens: list[str] = []
        clauses: list[Span] = []
        sentences: list[Span] = []
        asks: list[bool] = []
        for sentence in _SENTENCE.finditer(text):
            start = len(tokens)
            for part in _CLAUSE.split(sentence.group(0)):
                words = normalise_query(part, synonyms)
                source.extend(words)
                if glossary is not None:
                    words = _joined(glossary.translate(words, english=english, phrases=phrases))
                if words:
                    clauses.append(Span(len(tokens), len(tokens) + len(words)))
                    tokens.extend(words)
            if len(tokens) > start:
                sentences.append(Span(start, len(tokens)))
                asks.append(sentence.group(0).rstrip().endswith("?"))
        self.tokens: tuple[str, ...] = tuple(tokens)
        self.source: tuple[str, ...] = tuple(source)
        """The words as typed (before any English was read as Dutch)."""
        self.clauses = tuple(clauses)
        self.sentences = tuple(sentences)
        self._asks = tuple(asks)
        self.question_mark = "?" in text

    def __len__(self) -> int:
        return len(self.tokens)

    @cached_property
    def joined(self) -> tuple[tuple[tuple[int, ...], str], ...]:
        """Separable verbs spelt whole, with the positions of verb and particle ("vraag …
        aan": aanvraag), and compounds with a particle spelt apart ("doorgeven": geven)."""
        words = self.tokens
        whole: list[tuple[tuple[int, ...], str]] = [
            ((i, j), particle + word)
            for j, particle in enumerate(words)
            if particle in _PARTICLES
            for i in range(max(0, j - 6), j)
            for word in (words[i],)
            if len(word) >= 3 and word not in _PARTICLES
        ]
        apart: list[tuple[tuple[int, ...], str]] = [
            ((j,), word[len(particle) :])
            for j, word in enumerate(words)
            if len(word) >= _APART and word.startswith(_PARTICLE_STARTS)
            for particle in _PARTICLES
            if word.startswith(particle) and len(word) - len(particle) >= _APART - 2
        ]
        # A compound typed in two ("vertrouwens arts"): counted only where a phrasing has it.
        pairs: list[tuple[tuple[int, ...], str]] = [
            ((i, i + 1), words[i] + words[i + 1])
            for i in range(len(words) - 1)
            if len(words[i]) >= _PART
            and len(words[i + 1]) >= _PART
            and words[i] not in STOPWORDS
            and words[i + 1] not in STOPWORDS
        ]
        return tuple(whole + apart + pairs)

    @cached_property
    def lookup(self) -> Lookup:
        """The message's words looked up once, for every pattern index."""
        return Lookup(self.tokens, self.joined)

    @cached_property
    def capitals(self) -> frozenset[str]:
        """The normalised words written with a capital (a place name, perhaps)."""
        return frozenset(
            part
            for word in self.text.split()
            for piece in word.split("-")
            if piece[:1].isupper() and not (piece.isupper() and len(piece) <= 3)
            for part in normalise(piece).split()
        )

    @cached_property
    def first_capital(self) -> str:
        """The normalised first word when the message starts with a capital, else ''."""
        first = self.text.lstrip()[:1]
        return self.tokens[0] if self.tokens and first.isupper() else ""

    def clause_of(self, position: int) -> Span:
        """The clause that holds token ``position``."""
        return next(
            (c for c in self.clauses if c.start <= position < c.end), Span(0, len(self.tokens))
        )

    @cached_property
    def focus(self) -> Span:
        """The part that asks: the last sentence ending in "?" when there are several (with
        the sentence before when it only points back: "Mag dat?"), else the whole message."""
        if len(self.sentences) < 2:
            return Span(0, len(self.tokens))
        last = next((i for i in reversed(range(len(self.sentences))) if self._asks[i]), None)
        if last is None:
            return Span(0, len(self.tokens))
        span = self.sentences[last]
        words = self.tokens[span.start : span.end]
        if not [w for w in words if w not in STOPWORDS] and last > 0:
            return Span(self.sentences[last - 1].start, span.end)
        return span

    @cached_property
    def clause(self) -> Span | None:
        """The last clause of the part that asks, when it asks on its own ("Ik twijfel of het
        melden waard is, moet ik melden?": moet ik melden), else None."""
        focus = self.focus
        inside = [c for c in self.clauses if focus.start <= c.start < focus.end]
        if len(inside) < 2:
            return None
        last = inside[-1]
        words = self.tokens[last.start : last.end]
        content = [w for w in words if w not in STOPWORDS]
        return last if words and words[0] in _QUESTION_STARTS and content else None

    @property
    def is_story(self) -> bool:
        """Several sentences, or a long one: a described situation."""
        return len(self.sentences) > 1 or len(self.tokens) > 12

    def outside(self, span: Span) -> frozenset[int]:
        """The positions outside ``span``."""
        return frozenset(i for i in range(len(self.tokens)) if not span.start <= i < span.end)

    def without(self, skip: frozenset[int]) -> tuple[str, ...]:
        """The tokens with those at ``skip`` blanked ("")."""
        return tuple("" if i in skip else t for i, t in enumerate(self.tokens))

    def words(self, span: Span | None = None) -> tuple[str, ...]:
        """The tokens of ``span`` (all by default)."""
        if span is None:
            return self.tokens
        return self.tokens[span.start : span.end]


_QUESTION_STARTS = frozenset(
    """wat wie wanneer waarom hoe welke welk waar mag moet kan kun is zijn heb krijg hoor wordt
    what who when why how which where can should must is are do does""".split()
)
_PARTICLES = frozenset("aan vast terug op over door mee uit af bij na toe".split())
_PARTICLE_STARTS = tuple(_PARTICLES)
_APART = 6
_PART = 4
"""Both halves of a compound typed in two have four letters at least."""
"""A compound with a particle is spelt apart from six letters ("doorgeven": geven)."""
