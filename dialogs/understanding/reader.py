"""One reading of a message: every candidate scored together, in order of force.

1. Safety first: the danger lexicon is read on every message (``Reading.danger``).
2. What kind of message: a question is answered, a request may start an action, a story's
   situation is answered; actions come only from requests (acts.py).
3. All candidates together — FAQ entries, trees, partners (search.py), case stories and
   Veilig Thuis / SAVE actions (intents.py), places (gazetteer.py) — on one scale: how much of
   the message each explains, weighted by how rare its words are, and the most specific wins.
   A tree starts only when the message asks for it. A close runner-up is offered as one
   button; a real tie is asked.
4. Places only with evidence, where the child lives; the role the text states is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from dialogs.places import resolve_place
from dialogs.router import Danger, Evidence, Reading
from dialogs.targets import (
    FaqTarget,
    Flow,
    FlowTarget,
    IntentTarget,
    OrgTarget,
    PlaceTarget,
    Step,
    Target,
    TreeTarget,
    decode,
    encode,
)
from dialogs.understanding.acts import ActReading, read_act
from dialogs.understanding.danger import DangerReader
from dialogs.understanding.gazetteer import CONTACT_WORDS, Gazetteer, KnownWords, PlaceFind
from dialogs.understanding.intents import IntentIndex, PartnerIndex, StoryIndex, StoryMatch
from dialogs.understanding.people import People, Who
from dialogs.understanding.roles import RoleReader, StatedRole
from dialogs.understanding.search import Scores, TopicIndex
from dialogs.understanding.text import SYNONYMS, Glossary, Message, Span, pattern_words
from knowledge.frequency import word_frequency
from knowledge.library import KnowledgeBase
from knowledge.model import PARTNER_PROFESSION, PROFESSIONS
from knowledge.normalise import normalise

__all__ = ["Understanding"]

_REQUEST = "aanvragen"
_FLOW_INTENTS = frozenset({_REQUEST, "vastleggen"})
"""Actions that start a consultation flow: they take the place named beside them."""
_SLOT_WORDS = {
    "vertrouwensarts": "vertrouwensarts",
    "veiligthuis": "veilig_thuis",
    "vt": "veilig_thuis",
    "save": "protection",
    "jeugdbescherming": "protection",
    "jgz": "jgz",
    "consultatiebureau": "jgz",
}
"""Words naming one of a region pack's partners (a ``RegionPack`` field: one organisation or
several), so a request starts to that partner of the child's region when the field holds one."""

_TOPIC_MIN = 0.6
"""The least score an answer needs (below it: the honest fallback)."""
_TIE = 0.02
"""Scores this close are a real tie: asked."""
_RUNNER_UP = 0.1
"""A second this close is offered as one "Bedoelde u: …" button."""
_MAX_CANDIDATES = 3
_STORY_FLOOR = 0.7
"""A described situation's topic scores at least this (plus its priority): in a long story
its signal explains little of the text, yet it is what the story is about."""
_PRIORITY = 0.1
"""What each step of a story's priority adds (a kind of harm over the general steps)."""
_ORG_EXPLAINS = 0.75
"""A partner's card only when the message is about the partner (its name, a number)."""
_TREE_EXPLAINS = 0.6
"""A tree starts only when the message asks for it: its trigger explains most of it."""
_TREE_ASIDE = 0.75
_TREE_ASKED = 0.1
_TREE_ABOUT = 0.85
"""A question word ("welke", "wat", "wanneer") asks something about a tree, not to walk it:
a matching answer beats it; without one the tree still answers ("wat zijn de stappen")."""
_ASKS_ABOUT = frozenset("wat hoe waarom wanneer mag moet kan doet what how why when".split())
"""Words that ask about something (not "welke", "wie", "waar": those ask for a contact)."""
_JGZ_WORDS = frozenset(
    "jgz ggd consultatiebureau jeugdgezondheidszorg jeugdverpleegkundige jeugdarts cb".split()
)
_VT_WORDS = frozenset("veiligthuis vt vertrouwensarts".split())
_OFF_TOPIC = frozenset(
    """weerbericht weersverwachting regen regent regenen sneeuw sneeuwt sneeuwen zonnig onweer
    temperatuur file files verkeer spits wegwerkzaamheden openingstijden geopend winkel winkels
    supermarkt restaurant bioscoop
    trein treinen dienstregeling parkeren voetbal weather traffic shop shops""".split()
)
"""Words of a question outside Verbind (weather, traffic, shops): a place in it is no question
for that place's contacts."""
_OFF_TOPIC_RUNS = (("is", "het", "weer"), ("wordt", "het", "weer"), ("weer", "morgen"))
"""Word runs asking for the weather ("wat is het weer morgen"); "weer" alone also means again."""
"""Words that ask for one side's contact beside a place."""
_WH = frozenset(
    "wat wie wanneer waarom welke welk hoe hoeveel waar what who when why which how".split()
)
"""What "doorlopen", "starten" add to a tree: the message asks to walk it."""
_TREE_VERBS = frozenset(
    """doorlopen doorloop langslopen doorgaan starten start openen beginnen begin walk""".split()
)
_NUMBER_WORDS = frozenset(
    """nummer nummers telefoonnummer telefoon bellen bel contact contactgegevens bereiken
    bereikbaar mail email adres""".split()
)
"""Words asking how to reach a partner: with a partner's name, its card answers."""
_SHAPE = 0.2
"""What the sentence's exact shape (question words included) adds to a topic's score."""
_QUESTION = 0.1
"""What agreeing on the kind of question adds ("moet ik …?" and "moet ik melden"), and
disagreeing takes away ("moet ik …?" and "wat doet … met een melding")."""
_OUTSIDE = 0.95
_CLAUSE_MARGIN = 0.05
"""The last clause alone must explain the question clearly better than its sentence."""
_EXPLAINED = 0.05
"""Among a story's topics, the one whose signals explain more of it gains a little."""
_STORY_PRIORITY = 0.15
"""In a described situation one step of priority outweighs all that explaining adds: the
more specific kind of harm wins over how it came to light."""
"""A story's signal outside the part that asks counts a little less."""
_DANGER_PRIORITY = 2
"""In a described situation that names no kind of harm, the danger's own answer weighs as a
kind of harm: above the general topics and how it came to light."""
_HURT: dict[tuple[str | None, str], float] = {
    ("volwassene", "volwassene"): 0.12,
    ("kind", "kind"): 0.1,
    ("baby", "baby"): 0.14,
    ("baby", "kind"): 0.06,
}
"""(who is hurt in the story, whose injury a topic is about): how much the topic gains."""


@dataclass(frozen=True)
class _Ground:
    """What the topics of a message are read from: its words with the role's lead and the
    place blanked, and the stories those words tell (the same for the message and its last
    clause)."""

    tokens: tuple[str, ...]
    stories: list[StoryMatch]


@dataclass(frozen=True)
class _Candidate:
    target: Target
    score: float
    evidence: Evidence
    explains: float = 1.0


_JGZ_ROLES = frozenset(PROFESSIONS)
"""Roles at the JGZ: for them a topic's own words ("opschalen naar SAVE") are the topic."""
_EITHER_SIDE = "procesevaluatie"
_MELDCODE = TreeTarget("meldcode")
"""The general answer to a recognised worry about a child: the meldcode from its start."""
"""The partner action that JGZ and Veilig Thuis / SAVE both ask for."""


class Understanding:
    """The understanding of one loaded knowledge base (implements the dialogs Router port).

    Everything is compiled here, once: the topic index, the gazetteer, the pattern indexes of
    intents, stories, partner actions, danger, people and roles, and the English glossary.
    """

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._synonyms: Mapping[str, str] = {
            **SYNONYMS,
            **{k: normalise(v) for p in knowledge.packs.values() for k, v in p.synonyms.items()},
        }
        frequency = word_frequency()
        self._glossary = Glossary(knowledge.english.values(), frequency.is_common)
        self._topics = TopicIndex(knowledge, self._synonyms, frequency)
        self._places = Gazetteer(knowledge, frequency, self._topics.vocabulary)
        self._intents = IntentIndex(knowledge.intents)
        self._stories = StoryIndex(knowledge.stories)
        self._partner = PartnerIndex(knowledge.partner_actions)
        self._danger = DangerReader(knowledge)
        self._people = People(knowledge)
        self._roles = RoleReader(knowledge)
        self._hurt = {s.target: s.hurt for s in knowledge.stories.values() if s.hurt is not None}
        self._vocabulary = KnownWords(self._topics.vocabulary | _lexicon_words(knowledge))
        self._packed, self._national = _region_answers(knowledge)
        self._knowledge = knowledge
        self._place_regions: dict[PlaceTarget, str | None] = {}

    @property
    def places(self) -> Gazetteer:
        """The compiled place names (for benchmarks and tests)."""
        return self._places

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Every topic phrasing's words (for benchmarks)."""
        return self._topics.phrasings

    def route(self, text: str) -> tuple[Target, ...]:
        """The targets of ``text``, best first (see ``understand``)."""
        return self.understand(text).targets

    def understand(
        self,
        text: str,
        *,
        role: str | None = None,
        region: str | None = None,
        own_regions: frozenset[str] = frozenset(),
    ) -> Reading:
        """How ``text`` is understood (the dialogs Router port)."""
        cleaned, person = self._places.without_names(text)
        message = Message(cleaned, self._synonyms, self._glossary)
        said = self._intents.exact(cleaned)
        if said is None and message.tokens != message.source:
            said = self._intents.exact(" ".join(message.tokens))  # "main menu": hoofdmenu
        if said is not None and not (said == "contact" and self._places.find(message)):
            evidence = (Evidence("intent", said),)
            return Reading((IntentTarget(said),), act="request", evidence=evidence, person=person)
        if not message.tokens or all(t.isdigit() and len(t) < 3 for t in message.tokens):
            return Reading(person=person)
        stated = self._roles.read(message)
        owned = frozenset(range(stated.start, stated.end)) if stated else frozenset()
        place = self._places.find(message, skip=owned)
        if place is not None and _off_topic(message.tokens):
            place = None  # "wat is het weer morgen in <plaats>": no question about the place
        if stated is not None and place is not None and place.span.start == stated.end:
            # "vertrouwensarts bij Veilig Thuis <regio>": the place names the organisation
            # (where she works), not where the child lives.
            owned = owned | frozenset(range(place.span.start, place.span.end))
            stated = replace(stated, end=place.span.end)
            place = self._places.find(message, skip=owned)
        placed = frozenset(range(place.span.start, place.span.end)) if place else frozenset()
        who = self._people.read(message, skip=placed)
        act = read_act(message, people=who.anyone)
        allowed = self._allowed(place, region, own_regions)
        danger = self._danger.read(message, who, skip=placed)
        found = self._decide(
            message,
            act,
            who,
            stated,
            place,
            role=stated.role if stated else role,
            allowed=allowed,
            danger=danger,
        )
        return Reading(
            found.targets,
            act=act.act,
            runner_up=found.runner_up,
            evidence=found.evidence,
            beside=found.beside,
            danger=danger,
            role=stated.role if stated else (found.role if role is None else None),
            unknown_place=found.unknown_place,
            person=person,
            guessed=found.guessed,
            employer=stated.organisation if stated else None,
            side=_side(message, found.targets, stated),
        )

    # -- deciding ------------------------------------------------------------------------------

    def _decide(
        self,
        message: Message,
        act: ActReading,
        who: Who,
        stated: StatedRole | None,
        place: PlaceFind | None,
        *,
        role: str | None,
        allowed: frozenset[str] | None,
        danger: Danger | None,
    ) -> Reading:
        lead = frozenset(range(stated.start, stated.name)) if stated else frozenset()
        placed = frozenset(range(place.span.start, place.span.end)) if place else frozenset()
        if stated is not None and stated.start == 0 and stated.end == len(message.tokens):
            return Reading()  # only a role: "ik werk bij veilig thuis"
        rest = tuple(t for i, t in enumerate(message.tokens) if i not in lead)
        exact = self._topics.exact(rest)
        exact = self._gate(exact, allowed) if exact is not None else None
        partner = self._partner.match(message, act, partner=role == PARTNER_PROFESSION)
        if exact is not None and not isinstance(exact, OrgTarget):
            if partner is None or role in _JGZ_ROLES:
                return Reading((exact,), evidence=(Evidence("phrasing", "exact"),))
            # "opschalen naar SAVE": the action, for anyone not known to work at the JGZ;
            # the topic of the same words is offered beside it.
            target = FlowTarget(Flow.REQUEST, Step.KIND, partner.value)
            evidence = (Evidence("partner-action", partner.value),)
            implied = None if partner.value == _EITHER_SIDE else PARTNER_PROFESSION
            return Reading((target,), runner_up=exact, evidence=evidence, role=implied)
        if partner is not None:
            target = FlowTarget(Flow.REQUEST, Step.KIND, partner.value)
            evidence = (Evidence("partner-action", partner.value),)
            # Only Veilig Thuis / SAVE sends the JGZ a bevraging, terugkoppeling or a scaling:
            # the message says whose side the request is on (a procesevaluatie is either's).
            implied = None if partner.value == _EITHER_SIDE else PARTNER_PROFESSION
            if place is not None and _sure(place):
                # "ik wil de jgz bevragen over een kind in Zeist": the request for that
                # gemeente (several places: the request asks which gemeente itself).
                beside = place.targets[0]
                both = (*evidence, *place.evidence)
                return Reading((target,), evidence=both, role=implied, beside=beside)
            return Reading((target,), evidence=evidence, role=implied)
        intent = self._intents.match(message, act)
        if intent is not None and intent != "contact":
            return self._action(message, lead, intent, place)
        if exact is not None:
            return self._exact_org(message, exact)  # a partner's name: its card
        denied = self._danger.denied(message, skip=placed)
        ground = self._ground(message, lead | denied, place)
        ranked = self._ranked(message, act, who, lead, ground, message.focus)
        harm = max((s.priority for s in ground.stories), default=0)
        if danger is not None and danger.then is not None and act.act == "story" and harm < 2:
            # A described danger ("vader zegt dat hij er een eind aan maakt, de kinderen zijn
            # bij hem") is what the story is about when it names no kind of harm: its own
            # answer outweighs how it came out ("zegt").
            weight = _STORY_FLOOR + _DANGER_PRIORITY * _STORY_PRIORITY
            found = {c.target: c for c in ranked}
            _keep(found, _Candidate(danger.then, weight, Evidence("danger", danger.kinds[0])))
            ranked = sorted(found.values(), key=lambda c: (-round(c.score, 9), encode(c.target)))
        ranked = self._gated(ranked, allowed)
        if message.clause is not None:
            # "…, moet ik melden?": the last clause may ask on its own; the reading that
            # explains the question best wins.
            clause = self._ranked(message, act, who, lead, ground, message.clause)
            clause = self._gated(clause, allowed)
            if clause and (not ranked or clause[0].score >= ranked[0].score + _CLAUSE_MARGIN):
                ranked = clause
        asks_contact = place is not None and self._intents.asks_contact(message)
        if place is not None and not asks_contact and _ASKS_ABOUT & set(message.tokens):
            # "kind woont in <plaats>, wat doet SAVE daar": a question about a partner, asked
            # for that place — read with the partner's words, answered beside the place.
            ground = self._ground(message, lead, place, partners=True)
            about = self._gated(
                self._ranked(message, act, who, lead, ground, message.focus), allowed
            )
            if (
                about
                and about[0].score >= _TOPIC_MIN
                and (not ranked or about[0].score > ranked[0].score + _CLAUSE_MARGIN)
            ):
                ranked = about
        if asks_contact and place is not None:
            # "…, wie bel ik in Zeist?": the place's contacts answer it; the topic is offered.
            runner = ranked[0].target if ranked and ranked[0].score >= _TOPIC_MIN else None
            return Reading(
                place.targets[:_MAX_CANDIDATES],
                runner_up=runner,
                evidence=place.evidence,
                guessed=_guessed(place),
            )
        return self._choose(message, ranked, place, who, contact=intent == "contact")

    def _action(
        self, message: Message, lead: frozenset[int], intent: str, place: PlaceFind | None
    ) -> Reading:
        """An action in words; a request or record carries the place named beside it (the
        child's gemeente) and a request the partner it names ("overleg met de vertrouwensarts
        over een kind in Zeist": the region's vertrouwensarts)."""
        evidence: tuple[Evidence, ...] = (Evidence("intent", intent),)
        if intent not in _FLOW_INTENTS or place is None or not _sure(place):
            return Reading((IntentTarget(intent),), evidence=evidence)
        beside = place.targets[0]
        target: Target = IntentTarget(intent)
        region = self._region_of(beside)
        if intent == _REQUEST and region is not None:
            pack = self._knowledge.pack_for(region)
            words = {t for i, t in enumerate(message.tokens) if i not in lead}
            slots = {_SLOT_WORDS[w] for w in words if w in _SLOT_WORDS}
            named = [o for slot in sorted(slots) if (o := _one(getattr(pack, slot, None)))]
            if len(named) == 1:
                target = FlowTarget(Flow.REQUEST, Step.TO, named[0])
                evidence = (*evidence, Evidence("partner-action", named[0]))
        return Reading((target,), evidence=(*evidence, *place.evidence), beside=beside)

    # -- a region's own answers ----------------------------------------------------------------

    def _allowed(
        self, place: PlaceFind | None, region: str | None, own: frozenset[str]
    ) -> frozenset[str] | None:
        """The regions whose packs' own answers apply (None: all, the child's region is not
        known): the user's own organisation's and the child's — where the message says the
        child lives, else the conversation's."""
        named = {r for t in place.targets if (r := self._region_of(t))} if place else set()
        child = next(iter(named)) if len(named) == 1 else (None if named else region)
        if child is None and not own:
            return None
        return frozenset({*own, *((child,) if child is not None else ())})

    def _region_of(self, target: PlaceTarget) -> str | None:
        """The region of a place (remembered: a place is looked up once)."""
        if target not in self._place_regions:
            place = resolve_place(self._knowledge, target)
            self._place_regions[target] = place.region.code if place is not None else None
        return self._place_regions[target]

    def _gate(self, target: Target, allowed: frozenset[str] | None) -> Target | None:
        """``target``, or None for a region's own answer that does not apply here and has no
        national entry answering the same question elsewhere. One that has is kept: the
        conversation says it applies in another region and gives the national answer."""
        owner = self._packed.get(target)
        if owner is None or allowed is None or owner in allowed or target in self._national:
            return target
        return None

    def _gated(self, ranked: list[_Candidate], allowed: frozenset[str] | None) -> list[_Candidate]:
        """``ranked`` with each region's own answer gated (``_gate``), best first still."""
        if allowed is None or not ranked:
            return ranked
        found: dict[Target, _Candidate] = {}
        for candidate in ranked:
            target = self._gate(candidate.target, allowed)
            if target is not None:
                _keep(found, replace(candidate, target=target))
        return sorted(found.values(), key=lambda c: (-round(c.score, 9), encode(c.target)))

    def _exact_org(self, message: Message, exact: Target) -> Reading:
        """A partner's name alone: its topic when a story names it whole ("huwelijksdwang"),
        else its card."""
        stories = self._stories.ranked(message)
        if stories and stories[0].size == len(message.tokens):
            target = decode(stories[0].target)
            if target is not None:
                return Reading((target,), evidence=(Evidence("signal", stories[0].target),))
        return Reading((exact,), evidence=(Evidence("phrasing", "exact"),))

    def _ground(
        self,
        message: Message,
        lead: frozenset[int],
        place: PlaceFind | None,
        *,
        partners: bool = False,
    ) -> _Ground:
        """The words that can say what ``message`` is about, and the stories they tell;
        ``partners``: a place's contact words kept ("wat doet SAVE daar" asks about SAVE)."""
        placed = frozenset(range(place.span.start, place.span.end)) if place else frozenset()
        blank = place is not None and not partners
        tokens = tuple(
            # The role's lead, the place and — with a place — "veilig thuis", "nummer",
            # "welke regio" (they ask for the place's contacts) say nothing of the topic.
            "" if i in lead or i in placed or (blank and t in CONTACT_WORDS) else t
            for i, t in enumerate(message.tokens)
        )
        # A story's signal may hold a contact word ("neemt SAVE het over"): the stories are
        # read with only the role's lead and the place left out.
        return _Ground(tokens, self._stories.ranked(message, skip=frozenset(lead) | placed))

    def _ranked(
        self,
        message: Message,
        act: ActReading,
        who: Who,
        lead: frozenset[int],
        ground: _Ground,
        focus: Span,
    ) -> list[_Candidate]:
        """Every topic and story for ``message`` on one scale, best first: how well a topic's
        best phrasing is met, and how much of the part that asks (``focus``) all its
        phrasings and signals explain together."""
        tokens, stories = ground.tokens, ground.stories
        said = {
            *message.words(focus),
            *(w for p, w in message.joined if focus.start <= p[-1] < focus.end),
        }
        asked_tree = bool(_TREE_VERBS & said)
        light = self._role_names(message, lead)
        words = tuple(
            # The user's role counts in every part ("ik ben aandachtsfunctionaris, wat is
            # mijn rol …"), weighing like the setting.
            t if (focus.start <= i < focus.end or i in light) and t not in _TREE_VERBS else ""
            for i, t in enumerate(tokens)
        )
        joined = tuple(
            (p, w) for p, w in message.joined if all(focus.start <= i < focus.end for i in p)
        )
        scores = self._topics.score(words, joined)
        inside = {
            s.target: s for s in stories if all(focus.start <= p < focus.end for p in s.positions)
        }
        found: dict[Target, _Candidate] = {}
        for target in sorted({*scores.found, *(_decoded(t) for t in inside)}, key=encode):
            candidate = self._candidate(
                target, scores, inside.get(encode(target)), act, who, asked_tree=asked_tree
            )
            if candidate is not None:
                _keep(found, candidate)
        self._add_named_partners(found, words, who)
        if message.is_story or act.act == "story":
            weights = self._topics.weigh(message.tokens)
            total = sum(weights) or 1.0
            for story in stories:
                explains = sum(weights[p] for p in set(story.positions)) / total
                floor = _STORY_FLOOR + _PRIORITY * story.priority + _EXPLAINED * explains
                target = _decoded(story.target)
                if self._fits(target, who):
                    evidence = Evidence("signal", story.target)
                    _keep(found, _Candidate(target, floor * _OUTSIDE, evidence, explains))
        for raw, hurt in self._hurt.items():
            bonus = _HURT.get((who.hurt, hurt), 0.0)
            if bonus and (hurt != "volwassene" or who.child):
                # Whose injury it is decides: a child's injury is the child's topic; an adult's
                # injury in a story with a child is partner violence seen by a child.
                _keep(found, _Candidate(_decoded(raw), _STORY_FLOOR + bonus, Evidence("hurt")))
        # Best first; equal scores (to rounding) in the order of their ids, the same every run.
        return sorted(
            (c for c in found.values() if c.score > 0),
            key=lambda c: (-round(c.score, 9), encode(c.target)),
        )

    def _role_names(self, message: Message, lead: frozenset[int]) -> frozenset[int]:
        """The words that name the user's role ("ik ben *jeugdarts*"): they count in every part
        of the message ("ik ben aandachtsfunctionaris, wat is mijn rol …")."""
        if not lead:
            return frozenset()
        stated = self._roles.read(message)
        return frozenset(range(stated.name, stated.end)) if stated else frozenset()

    def _candidate(
        self,
        target: Target,
        scores: Scores,
        story: StoryMatch | None,
        act: ActReading,
        who: Who,
        *,
        asked_tree: bool,
    ) -> _Candidate | None:
        """One topic's score: its best phrasing (a story's signal is met whole) and how much of
        the message its phrasings and signals explain together."""
        if not self._fits(target, who):
            return None
        topic = scores.found.get(target)
        positions = set(topic.positions if topic else ())
        if story is not None:
            positions |= set(story.positions)
        explains = scores.explains(positions)
        cover = 1.0 if story is not None else (topic.cover if topic else 0.0)
        if not explains or not cover:
            return None
        score = 2 * cover * explains / (cover + explains)
        if topic is not None:
            score += _SHAPE * topic.same + _QUESTION * topic.agree
        if story is not None:
            if act.act == "story":
                # In a described situation the more specific kind of harm wins (priority),
                # then what explains more of it.
                score = (
                    _STORY_FLOOR
                    + _STORY_PRIORITY * story.priority
                    + _EXPLAINED * explains
                    + _EXPLAINED * min(score, 1.0)
                )
            else:
                score += _PRIORITY * story.priority
        if isinstance(target, OrgTarget) and explains < _ORG_EXPLAINS:
            return None
        if isinstance(target, TreeTarget) and act.act != "story" and not asked_tree:
            if explains < _TREE_EXPLAINS and (act.rule or scores.first in _WH or act.asks):
                score *= _TREE_ASIDE  # the trigger word sits in a question about something else
            if _wh_question(scores):
                score *= _TREE_ABOUT  # "welke vraag van het afwegingskader …" asks about it
        if isinstance(target, TreeTarget) and asked_tree:
            score += _TREE_ASKED
        kind = "signal" if story is not None else "phrasing"
        detail = story.target if story is not None else str(topic.phrase if topic else "")
        return _Candidate(target, score, Evidence(kind, detail), explains)

    def _add_named_partners(
        self, found: dict[Target, _Candidate], words: tuple[str, ...], who: Who
    ) -> None:
        """ "telefoonnummer SAVE": a partner's card, whatever number words come with it."""
        if not any(w in _NUMBER_WORDS for w in words):
            return
        named = tuple("" if w in _NUMBER_WORDS else w for w in words)
        scores = self._topics.score(named)
        for target, topic in scores.found.items():
            if isinstance(target, OrgTarget):
                explains = scores.explains(topic.positions)
                if explains >= _ORG_EXPLAINS and topic.cover >= _ORG_EXPLAINS:
                    score = 2 * topic.cover * explains / (topic.cover + explains)
                    _keep(found, _Candidate(target, score, Evidence("phrasing", "name"), explains))

    def _fits(self, target: Target, who: Who) -> bool:
        """False for a topic about someone else's injury than the story's: a child's injury
        when an adult is hurt, partner violence when the child is."""
        hurt = self._hurt.get(encode(target))
        if hurt in ("kind", "baby") and who.hurt == "volwassene":
            return False
        return not (hurt == "volwassene" and who.hurt in ("kind", "baby"))

    def _choose(
        self,
        message: Message,
        ranked: list[_Candidate],
        place: PlaceFind | None,
        who: Who,
        *,
        contact: bool,
    ) -> Reading:
        top = ranked[0] if ranked and ranked[0].score >= _TOPIC_MIN else None
        place_first = top is None or isinstance(top.target, OrgTarget) or self._place_answers(top)
        if place is not None and place_first:
            regions = {self._region_of(t) for t in place.targets}
            if len(place.targets) > 1 and len(regions) == 1 and None not in regions:
                # "Zwolle en Kampen, welke vt": one region serves them all, so it is answered;
                # only places in different regions are asked about.
                (region,) = regions
                assert region is not None
                target = PlaceTarget(kind="region", code=region)
                return Reading((target,), evidence=place.evidence, guessed=_guessed(place))
            return Reading(
                place.targets[:_MAX_CANDIDATES], evidence=place.evidence, guessed=_guessed(place)
            )
        names_a_place = (
            place is None
            and not _off_topic(message.tokens)
            and self._places.names_a_place(message, self._vocabulary)
        )
        if top is None and message.is_story and who.anyone and not names_a_place:
            # A message about a child, or a story about a parent, that no topic answers: the
            # meldcode's start (signals, advice from Veilig Thuis), never nothing.
            return Reading((_MELDCODE,), evidence=(Evidence("worry", "child"),))
        if top is None:
            if contact:
                return Reading(
                    (IntentTarget("contact"),), evidence=(Evidence("intent", "contact"),)
                )
            return Reading(unknown_place=names_a_place)
        if names_a_place and (self._place_answers(top) or top.explains < _TREE_EXPLAINS):
            return Reading(unknown_place=True)  # "veilig thuis Xyzdorp": a place we do not know
        tied = tuple(c.target for c in ranked if top.score - c.score <= _TIE)[:_MAX_CANDIDATES]
        runner = next(
            (c.target for c in ranked[1:] if top.score - c.score <= _RUNNER_UP),
            None,
        )
        beside = place.targets[0] if place is not None and _sure(place) else None
        targets = tied if len(tied) > 1 else (top.target,)
        evidence = (top.evidence, *(place.evidence if beside is not None and place else ()))
        return Reading(
            targets,
            runner_up=None if len(targets) > 1 else runner,
            evidence=evidence,
            beside=beside,
        )

    def _place_answers(self, candidate: _Candidate) -> bool:
        return encode(candidate.target) in self._stories.place_answers


def _side(
    message: Message, targets: tuple[Target, ...], stated: StatedRole | None
) -> Literal["jgz", "veilig-thuis"] | None:
    """Whose contact a place question asks for: "welke jgz hoort bij …" the JGZ, "welk veilig
    thuis …" Veilig Thuis; None when it names neither or both (the role decides)."""
    if not targets or not all(isinstance(t, PlaceTarget) for t in targets):
        return None
    own = range(stated.start, stated.end) if stated else range(0)
    words = {t for i, t in enumerate(message.tokens) if i not in own}
    jgz, vt = bool(words & _JGZ_WORDS), bool(words & _VT_WORDS)
    if jgz == vt:
        return None
    return "jgz" if jgz else "veilig-thuis"


def _off_topic(tokens: tuple[str, ...]) -> bool:
    """True when ``tokens`` ask about something outside Verbind (weather, traffic, shops)."""
    if _OFF_TOPIC & set(tokens):
        return True
    return any(
        tokens[i : i + len(run)] == run for run in _OFF_TOPIC_RUNS for i in range(len(tokens))
    )


def _guessed(place: PlaceFind) -> bool:
    """True when ``place`` is a spelling correction: asked, never answered silently."""
    return any(e.kind == "typo" for e in place.evidence)


def _one(field: str | tuple[str, ...] | None) -> str | None:
    """A region pack's partner field as one organisation, or None (none, or several)."""
    if isinstance(field, tuple):
        return field[0] if len(field) == 1 else None
    return field or None


def _sure(place: PlaceFind | None) -> bool:
    """True when ``place`` names one place exactly: it may be acted on without asking."""
    return place is not None and len(place.targets) == 1 and not _guessed(place)


def _region_answers(knowledge: KnowledgeBase) -> tuple[dict[Target, str], frozenset[Target]]:
    """The answers of region packs with their region, and the pack FAQ entries that name a
    national entry answering the same question elsewhere (``FaqEntry.national``)."""
    packed: dict[Target, str] = {}
    stand_in: set[Target] = set()
    for entry in knowledge.faq.values():
        region = knowledge.faq_region(entry.id)
        if region is not None:
            packed[FaqTarget(entry.id)] = region
            if entry.national is not None:
                stand_in.add(FaqTarget(entry.id))
    for tree in knowledge.trees.values():
        region = knowledge.tree_region(tree.id)
        if region is not None:
            packed[TreeTarget(tree.id)] = region
    return packed, frozenset(stand_in)


def _lexicon_words(knowledge: KnowledgeBase) -> frozenset[str]:
    """Every word of the understanding's own lexicons (stories, partner actions, danger)."""
    phrases = [
        *(s for story in knowledge.stories.values() for s in story.signals),
        *(s for action in knowledge.partner_actions.values() for s in action.signals),
        *(s for entry in knowledge.danger.values() for s in entry.signals),
    ]
    return frozenset(w for phrase in phrases for w in pattern_words(phrase))


def _wh_question(scores: Scores) -> bool:
    """True when the part that asks starts with a question word."""
    return scores.first in _WH


def _keep(found: dict[Target, _Candidate], candidate: _Candidate) -> None:
    known = found.get(candidate.target)
    if known is None or candidate.score > known.score:
        found[candidate.target] = candidate


def _nothing(target: Target) -> _Candidate:
    return _Candidate(target, 0.0, Evidence("none"))


def _scaled(candidate: _Candidate, weight: float) -> _Candidate:
    return _Candidate(
        candidate.target, candidate.score * weight, candidate.evidence, candidate.explains
    )


def _decoded(raw: str) -> Target:
    target = decode(raw)
    assert target is not None, raw  # story targets are validated content
    return target
