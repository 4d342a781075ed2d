"""The content model: decision trees, FAQ entries, organisations, sources and meta data.

Models are frozen and strict about keys (an unknown key is an error, never ignored); the
loader turns their validation errors into located problems.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from knowledge.normalise import slug

__all__ = [
    "MANAGER_PROFESSION",
    "NURSE_PROFESSION",
    "PARTNER_PROFESSION",
    "PROFESSIONS",
    "ROLES",
    "AdviceNode",
    "Alias",
    "Choice",
    "ConsultationKind",
    "Coverage",
    "DangerSignals",
    "DecisionTree",
    "FaqEntry",
    "Gemeente",
    "Meta",
    "Node",
    "NodeHook",
    "Option",
    "Organisation",
    "Outcome",
    "PartnerAction",
    "PeopleWords",
    "PlaceWords",
    "QuestionNode",
    "Region",
    "RegionPack",
    "RoleLead",
    "RoleWords",
    "Source",
    "Synonyms",
    "Translation",
]

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ToConfirm = tuple[Annotated[str, Field(min_length=1, max_length=400)], ...]
"""Facts a reviewer still has to confirm before they may go into the user-facing text. Never
shown to users; `verbind check --details` lists them (knowledge.review)."""
Label = Annotated[str, Field(min_length=1, max_length=40)]
"""A button's text: Teams draws action titles on one line, cut at about 42 characters on a
phone (tests/test_card_rendering.py)."""
Url = Annotated[str, Field(pattern=r"^https://\S+$")]
GemeenteCode = Annotated[str, Field(pattern=r"^GM[0-9]{4}$")]

ContactField = Literal["name", "role", "phone", "email", "url", "hours", "note"]

Outcome = Literal["melden", "hulp", "afsluiten", "contact", "vervolg"]
"""What an advice node ends in (``vervolg``: go on in a related tree); diagrams colour by it."""

Profession = Literal["jeugdarts", "jeugdverpleegkundige"]
"""Professions with their own wording (KNMG for doctors, V&VN for nurses; DOMAIN.md §1)."""
PROFESSIONS: dict[str, str] = {
    "jeugdarts": "Jeugdarts",
    "jeugdverpleegkundige": "Jeugdverpleegkundige",
}
NURSE_PROFESSION = "jeugdverpleegkundige"
"""The JGZ profession that is no doctor: the vertrouwensarts is reached through the jeugdarts."""
PARTNER_PROFESSION = "veilig-thuis-save"
"""A professional of Veilig Thuis or SAVE: the covenant's other direction (partner → JGZ).
Offered beside :data:`PROFESSIONS`; trees have no wording of their own for it."""
MANAGER_PROFESSION = "manager"
"""An aandachtsfunctionaris or manager, who evaluates the covenant (its yearly figures)."""
Role = Literal["jeugdarts", "jeugdverpleegkundige", "veilig-thuis-save", "manager"]
"""Every role a user can have (the session fact ``beroep``)."""
ROLES: tuple[str, ...] = (*PROFESSIONS, PARTNER_PROFESSION, MANAGER_PROFESSION)

ConsultationKind = Literal[
    "collegiale-consultatie",
    "advies-veilig-thuis",
    "vertrouwensarts",
    "aandachtsfunctionaris",
    "save",
    "melding",
    "procesevaluatie",
    "bevraging",
    "terugkoppeling",
    "opschalen",
    "afschalen",
    "overig",
    "jeugdbescherming",
]
"""The kinds of consultation a user records (the register adds its own ``register`` kind);
a region pack can word the dossier line per kind and give a kind its local name
(``jeugdbescherming`` has its own name in a region with its own team). ``save`` is how a
consultation with SAVE was stored before ``jeugdbescherming`` became a national kind: still
read, never offered."""

CONTINUE_ID = "verder"
CONTINUE_LABEL = "Verder"


def _variant(variants: dict[Profession, str], profession: str | None, default: str) -> str:
    return next((text for key, text in variants.items() if key == profession), default)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(_Strict):
    """The content version in force and when it was last reviewed."""

    version: Annotated[str, Field(min_length=1, max_length=40)]
    reviewed: date
    review_months: Annotated[int, Field(ge=1, le=36)] = 12


class Source(_Strict):
    """A citable source: every advice names at least one."""

    id: Id
    title: Text
    url: Url
    checked: date


class Organisation(_Strict):
    """A contact point. Fields listed in ``unconfirmed`` are shown as "te bevestigen"."""

    id: Id
    name: Text
    aliases: tuple[Annotated[str, Field(min_length=2, max_length=80)], ...] = ()
    """Other names people type for it ("VT Noord", "SAVE")."""
    role: Text
    phone: Annotated[str, Field(pattern=r"^[0-9+][0-9 -]{2,19}$")] | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")] | None = None
    url: Url | None = None
    hours: Text | None = None
    note: Text | None = None
    unconfirmed: tuple[ContactField, ...] = ()
    """Fields not yet confirmed by the organisation; shown with "te bevestigen"."""
    verified: date
    """When the contact data was last verified."""
    sources: Annotated[tuple[Id, ...], Field(min_length=1)]
    gemeenten: tuple[GemeenteCode, ...] = ()
    """The gemeenten (CBS codes) it serves when that is not the whole region its pack covers
    (a city's own teams): offered only for a child there. Empty: no such limit."""

    @property
    def confirmed(self) -> bool:
        """True when every field shown is confirmed."""
        return not self.unconfirmed


class Choice(_Strict):
    """One answer to a question, leading to the node ``next``."""

    label: Label
    next: Id
    id: Id | None = None
    cycle: bool = False
    """Marks a deliberate edge back to an earlier node, so the cycle check accepts it."""

    @cached_property
    def key(self) -> str:
        """The choice id carried in button payloads (derived from the label if not set)."""
        return self.id or slug(self.label)


class Option(BaseModel):
    """An answer offered at a node: a question's choice, or "Verder" after an advice."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    next: str
    cycle: bool


class QuestionNode(_Strict):
    """A question with two or more answers."""

    id: Id
    question: Text
    short: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    """A few words for the route summary ("Vermoeden?"); defaults to the question."""
    info: Text | None = None
    choices: Annotated[tuple[Choice, ...], Field(min_length=1)]
    sources: tuple[Id, ...] = ()
    variants: dict[Profession, Text] = Field(default_factory=dict)
    """The question as a profession's guideline words it, replacing ``question``."""

    @property
    def text(self) -> str:
        return self.question

    def text_for(self, profession: str | None) -> str:
        """The question in the wording for ``profession`` (the general text if it has none)."""
        return _variant(self.variants, profession, self.question)

    @cached_property
    def options(self) -> tuple[Option, ...]:
        # Built once per node: every turn inside a tree reads them several times.
        return tuple(
            Option(key=c.key, label=c.label, next=c.next, cycle=c.cycle) for c in self.choices
        )


class AdviceNode(_Strict):
    """Advice: either an outcome (end of a path) or a step with ``next`` to go on."""

    id: Id
    advice: Text
    outcome: Outcome | None = None
    next: Id | None = None
    cycle: bool = False
    sources: tuple[Id, ...] = ()
    variants: dict[Profession, Text] = Field(default_factory=dict)
    """The advice as a profession's guideline words it, replacing ``advice``."""
    contacts: tuple[Id, ...] = ()
    related: tuple[Id, ...] = ()
    """Trees offered as the next step after this advice."""
    acute: bool = False
    """Advice about acute danger: every channel puts "Bel 112" and "Bel 0800-2000" first, as
    its primary actions, before anything else the reply offers (``Reply.emergency``)."""
    to_confirm: ToConfirm = ()
    """What this advice leaves out until a reviewer confirms it (never shown to users)."""

    @property
    def text(self) -> str:
        return self.advice

    def text_for(self, profession: str | None) -> str:
        """The advice in the wording for ``profession`` (the general text if it has none)."""
        return _variant(self.variants, profession, self.advice)

    @cached_property
    def options(self) -> tuple[Option, ...]:
        if self.next is None:
            return ()
        return (Option(key=CONTINUE_ID, label=CONTINUE_LABEL, next=self.next, cycle=self.cycle),)


def _node_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return "<question>" if isinstance(value, QuestionNode) else "<advice>"
    if not isinstance(value, dict):
        return None
    kinds = [k for k in ("question", "advice") if k in value]
    return f"<{kinds[0]}>" if len(kinds) == 1 else None


Node = Annotated[
    Annotated[QuestionNode, Tag("<question>")] | Annotated[AdviceNode, Tag("<advice>")],
    Discriminator(
        _node_kind,
        custom_error_type="node_kind",
        custom_error_message="een knoop heeft precies één van 'question' of 'advice'",
    ),
]


class DecisionTree(_Strict):
    """A decision tree: questions leading to advice, walked by the engine."""

    id: Id
    title: Label
    """Also the tree's button in the menu, so no longer than a button's text."""
    summary: Text
    start: Id
    triggers: tuple[Annotated[str, Field(min_length=2, max_length=200)], ...] = ()
    asks_profession: bool = False
    """Ask the user's profession (once per session) before the first question."""
    menu: bool = True
    order: int = 100
    nodes: Annotated[tuple[Node, ...], Field(min_length=1)]
    to_confirm: ToConfirm = ()
    """What the tree's title and summary leave out until a reviewer confirms it."""

    # Plain attributes once built (cached_property), not pydantic private attributes: those are
    # read through BaseModel.__getattr__, and every turn inside a tree reads these several times.
    @cached_property
    def walks(self) -> dict[tuple[str, ...], Any]:
        """Walks already replayed, by answers (``knowledge.engine.walk`` keeps them here)."""
        return {}

    @cached_property
    def nodes_by_id(self) -> dict[str, QuestionNode | AdviceNode]:
        """The nodes by id (the first of a duplicated id, which validation refuses anyway)."""
        return {n.id: n for n in reversed(self.nodes)}

    def node(self, node_id: str) -> QuestionNode | AdviceNode:
        """The node with ``node_id``; KeyError if there is none."""
        return self.nodes_by_id[node_id]

    def has_node(self, node_id: str) -> bool:
        return node_id in self.nodes_by_id


class FaqEntry(_Strict):
    """A frequently asked question with natural phrasings and a sourced answer."""

    id: Id
    question: Text
    phrasings: tuple[Annotated[str, Field(min_length=2, max_length=200)], ...] = ()
    answer: Text
    sources: Annotated[tuple[Id, ...], Field(min_length=1)]
    contacts: tuple[Id, ...] = ()
    related: tuple[Id, ...] = ()
    to_confirm: ToConfirm = ()
    """What the answer leaves out until a reviewer confirms it (never shown to users)."""
    national: Id | None = None
    """For an entry of a region pack: the national entry that answers the same question for a
    child elsewhere ("wat doet SAVE?" → what child protection does). A pack's own entry is
    answered only for a child (or a professional) in its region."""


RegionCode = Annotated[str, Field(pattern=r"^VT[0-9]{2}$")]
PlaceName = Annotated[str, Field(min_length=1, max_length=80)]


class Region(_Strict):
    """A Veilig Thuis region (CBS classification); 0800-2000 routes callers to it."""

    code: RegionCode
    name: PlaceName
    cbs_name: PlaceName
    sources: Annotated[tuple[Id, ...], Field(min_length=1)]

    @property
    def id(self) -> str:
        return self.code


class Gemeente(_Strict):
    """A municipality, its Veilig Thuis region and its woonplaatsen as (CBS code, name)."""

    code: GemeenteCode
    name: PlaceName
    region: RegionCode
    places: tuple[tuple[Annotated[int, Field(ge=1)], PlaceName], ...] = ()

    @property
    def id(self) -> str:
        return self.code


class Alias(_Strict):
    """A name people use for a municipality: a former one (``year`` of the merger), or a common
    short name. A former gemeente split over several of today's lists the others in ``also``."""

    name: PlaceName
    gemeente: GemeenteCode
    also: tuple[GemeenteCode, ...] = ()
    year: Annotated[int, Field(ge=1800, le=2100)] | None = None
    note: Text | None = None

    @property
    def gemeenten(self) -> tuple[str, ...]:
        """Every gemeente code this name may mean today, the main one first."""
        return (self.gemeente, *self.also)

    @property
    def id(self) -> str:
        return slug(self.name)


CoverageField = Literal["jgz", "local_team"]


class Coverage(_Strict):
    """Which JGZ organisation and which local team serve a municipality."""

    gemeente: GemeenteCode
    jgz: Id
    local_team: Id | None = None
    """None: the local team is not in Verbind; the answer names the gemeente's own team."""
    jgz_ages: Literal["0-18", "4-18"] | None = None
    """The ages ``jgz`` is known to serve. ``4-18``: the gemeente's GGD, whose JGZ 0–4 may be
    another organisation (a thuiszorg or JGZ foundation the CBS tables do not name)."""
    unconfirmed: tuple[CoverageField, ...] = ()
    verified: date

    @property
    def id(self) -> str:
        return self.gemeente


class Dossier(_Strict):
    """How a professional in the region notes a consultation in their own dossier."""

    line: Text
    """The opening of the dossier line, e.g. "Voor uw dossier (JGZ …: KIDOS, 'intern overleg')"."""
    source: Id | None = None
    """The source that prescribes this wording."""
    kinds: dict[ConsultationKind, Text] = Field(default_factory=dict)
    """A different opening per kind of consultation (a melding is not "intern overleg")."""
    to_confirm: ToConfirm = ()
    """What the dossier lines leave out until a reviewer confirms it (never shown to users)."""
    jgz: tuple[Id, ...] = ()
    """The JGZ organisations whose practice the lines describe (their dossier system): shown
    only when the child's gemeente's JGZ (its coverage) is one of them. Empty: every JGZ."""


class NodeHook(_Strict):
    """What a region pack adds to one node of a national tree (``tree`` and ``node``) or to one
    national FAQ entry (``faq``), for a child in its region: a line after the text, contact
    cards, follow-up trees (choices after an outcome or an answer) and the sources for them.
    National content so holds no region's words."""

    tree: Id | None = None
    node: Id | None = None
    faq: Id | None = None
    line: Text | None = None
    contacts: tuple[Id, ...] = ()
    related: tuple[Id, ...] = ()
    """Trees offered as a next step (after a FAQ answer, or an advice that ends a path)."""
    sources: tuple[Id, ...] = ()

    @model_validator(mode="after")
    def _one_target(self) -> NodeHook:
        on_node = self.tree is not None and self.node is not None and self.faq is None
        on_faq = self.faq is not None and self.tree is None and self.node is None
        if not (on_node or on_faq):
            raise PydanticCustomError(
                "hook_target",
                "een hook hoort bij een knoop ('tree' en 'node') of bij een vraag ('faq')",
            )
        return self

    @property
    def id(self) -> str:
        return f"faq:{self.faq}" if self.faq is not None else f"{self.tree}/{self.node}"


class RegionPack(_Strict):
    """Everything one Veilig Thuis region adds to the national defaults: its chain partners,
    covenant, dossier wording, synonyms and sources. One pack per region, in
    ``regions/<pack>/pack.yaml``. Every region has one: a national default pack generated from
    the CBS tables (``generated: true``; its Veilig Thuis, the vertrouwensarts, each gemeente's
    GGD as JGZ) until the region's authors take it over (``verbind region new``).
    """

    id: Id
    region: RegionCode
    generated: bool = False
    """True for a national default pack written by scripts/build_directory.py (do not edit by
    hand: ``verbind region new`` turns it into a pack of the region's own)."""
    veilig_thuis: Id | None = None
    """The regional Veilig Thuis organisation; None: the national number only."""
    vertrouwensarts: Id | None = None
    """The vertrouwensarts of the region's Veilig Thuis: a partner, and a kind of its own."""
    protection: tuple[Id, ...] = ()
    """Child-protection teams working in the region (a SAVE-like team), shown with places."""
    jgz: tuple[Id, ...] = ()
    """JGZ organisations of the region: a consultation they ask for runs partner → JGZ."""
    chain: tuple[Id, ...] = ()
    """Chain partners offered when recording a process evaluation or another consultation."""
    covenant: Id | None = None
    """The tree that walks the region's JGZ–Veilig Thuis covenant: offered in the menu only for
    a child (or a professional) in this region."""
    kinds: tuple[ConsultationKind, ...] = ()
    """Kinds of consultation the region agreed beyond the national ones (its covenant's
    ``opschalen``/``afschalen``), offered when recording for a child in the region."""
    kind_names: dict[ConsultationKind, Label] = Field(default_factory=dict)
    """The region's own name for a kind (its child-protection team's, for jeugdbescherming)."""
    hooks: tuple[NodeHook, ...] = ()
    """Lines, contacts and choices the region adds to national nodes and FAQ entries."""
    dossier: Dossier | None = None
    synonyms: dict[Annotated[str, Field(pattern=r"^[a-z0-9]{2,12}$")], PlaceName] = Field(
        default_factory=dict
    )
    """Abbreviations people in the region type, and what they mean ("vtu": "veilig thuis …")."""
    sources: tuple[Id, ...] = ()
    """Sources for what the pack says about the region, cited with its place answers."""
    words: tuple[Annotated[str, Field(min_length=2, max_length=80)], ...] = ()
    """Words that belong to this region only besides its organisations' names (its dossier
    system, what its teams are called, its own name): national content never uses them, and
    ``verbind check`` says where it does (knowledge.regionwords)."""

    @property
    def partners(self) -> tuple[Id, ...]:
        """Every organisation the pack names, without repeats, in the order named."""
        named = (self.veilig_thuis, self.vertrouwensarts, *self.protection, *self.jgz, *self.chain)
        return tuple(dict.fromkeys(n for n in named if n is not None))

    def hook(self, tree: str, node: str) -> NodeHook | None:
        """What the pack adds to ``node`` of ``tree``, if anything."""
        return next((h for h in self.hooks if h.tree == tree and h.node == node), None)

    def faq_hook(self, faq: str) -> NodeHook | None:
        """What the pack adds to the national FAQ entry ``faq``, if anything."""
        return next((h for h in self.hooks if h.faq == faq), None)


IntentId = Literal[
    "contact",
    "aanvragen",
    "vastleggen",
    "rapport",
    "verder",
    "help",
    "menu",
    "terug",
    "opnieuw",
    "stop",
    "beroep",
    "bedankt",
    "groet",
]
"""What a message can ask to *do*; each has one handler in dialogs/."""
Phrase = Annotated[str, Field(min_length=1, max_length=120)]


class Intent(_Strict):
    """An action people ask for in their own words.

    ``phrasings`` match the whole message (after normalising); ``patterns`` match when all their
    words occur in the message, in any order and any word form (a Dutch stemmer decides).
    """

    id: IntentId
    phrasings: tuple[Phrase, ...] = ()
    patterns: tuple[Phrase, ...] = ()
    unless: tuple[Phrase, ...] = ()
    """Words that show the message is about something else (recording in one's own
    "dossier" is no record in Verbind's register): then no pattern counts."""


class Story(_Strict):
    """Signals of a described situation that point to a topic (``faq:<id>`` or ``tree:<id>``,
    or one node of a tree: ``tree:<id>:<node>``, "ik twijfel bij vraag 2").

    A signal matches when all its words occur in the message, in any word form.
    """

    target: Annotated[
        str,
        Field(pattern=r"^(faq:[a-z0-9][a-z0-9-]*|tree:[a-z0-9][a-z0-9-]*(:[a-z0-9][a-z0-9-]*)?)$"),
    ]
    signals: Annotated[tuple[Phrase, ...], Field(min_length=1)]
    place_answers: bool = False
    """True for topics a place answers better ("welke regio"): with a place, show the place."""
    priority: Annotated[int, Field(ge=0, le=9)] = 1
    """Which topic wins when several match: the more specific situation (a kind of harm: 2)
    over how it came to light or the general steps (1, 0)."""
    hurt: Literal["baby", "kind", "volwassene"] | None = None
    """Whose injury the topic is about: a baby's, a child's (toegebracht letsel) or an
    adult's, seen by a child (partner violence). A story's injury then decides between them."""

    @property
    def id(self) -> str:
        return self.target


Target = Annotated[str, Field(pattern=r"^(faq|tree|org):[a-z0-9][a-z0-9-]*$")]
"""A content target: an FAQ entry, a tree (opened at its start) or an organisation's card."""


class DangerSignals(_Strict):
    """Words of one kind of acute danger (violence now, a weapon, strangulation, …).

    A signal matches when all its words occur in the message, in any order and word form, and
    no negation ("niet", "geen", "nooit") stands in or just before it. Any match puts the 112 /
    0800-2000 line first; ``then`` is answered after it when the message asks nothing else.
    """

    id: Id
    then: Target
    signals: Annotated[tuple[Phrase, ...], Field(min_length=1)]
    needs: tuple[Phrase, ...] = ()
    """When given, one of these must occur too ("gisteren", "vannacht": recent)."""
    unless: tuple[Phrase, ...] = ()
    """Words that show it is not acute now ("jaren geleden", "vroeger")."""
    despite: tuple[Phrase, ...] = ()
    """Words that show it happens now or again ("gisteren", "opnieuw"): when one occurs,
    ``unless`` does not hold — a past that returns is danger ("vroeger sloeg hij haar,
    gisteren weer")."""
    who: Literal["baby", "kind"] | None = None
    """The signal counts only when the one it happens to is this (``people``: a baby or a
    child) — a mother's bruise is not a baby's injury."""
    contacts: tuple[Id, ...] = ()
    """Partners shown with the danger line itself, first (recent sexual violence: the Centrum
    Seksueel Geweld)."""


class RoleWords(_Strict):
    """What people call a role, after a lead such as "ik ben" or "ik werk bij": the text then
    states the user's role. ``people``: a person's title ("jvk", "aandachtsfunctionaris");
    ``organisations``: where they work ("vt", "save")."""

    id: Role
    people: tuple[Phrase, ...] = ()
    organisations: tuple[Phrase, ...] = ()


class RoleLead(_Strict):
    """Words before a role's name that make it the writer's own role ("ik werk bij",
    "vanuit", "als"). ``before``: what may follow (a person's title, an organisation, or
    both); ``article``: an article may stand between ("ik werk bij de GGD")."""

    words: Phrase
    before: Literal["persoon", "organisatie", "beide"] = "beide"
    article: bool = False

    @property
    def id(self) -> str:
        return slug(self.words)


PartnerKind = Literal["bevraging", "terugkoppeling", "opschalen", "afschalen", "procesevaluatie"]
"""What a Veilig Thuis or SAVE professional sends the JGZ (the covenant's other direction)."""


class PartnerAction(_Strict):
    """Words of a Veilig Thuis / SAVE action towards the JGZ: the request flow opens at its
    kind. A signal matches when all its words occur, in any order and word form."""

    id: PartnerKind
    signals: Annotated[tuple[Phrase, ...], Field(min_length=1)]


class PeopleWords(_Strict):
    """Who is who in a story: ``volwassene`` and ``kind`` (people), ``baby`` (a young child),
    ``letsel`` (words of an injury) and ``getuige`` (words of being there, seeing it)."""

    id: Literal["volwassene", "kind", "baby", "letsel", "getuige"]
    words: Annotated[tuple[Phrase, ...], Field(min_length=1)]


class PlaceWords(_Strict):
    """Place names and ordinary words: ``namen`` are frequent words that are foremost a place
    ("leiden", "zwolle"), found without a place word; ``woorden`` are place names that are
    also ordinary words but not frequent enough for the frequency list ("velden")."""

    id: Literal["namen", "woorden"]
    words: Annotated[tuple[Phrase, ...], Field(min_length=1)]


class Synonyms(_Strict):
    """Words people type for a word of an answer's label ("spoed" for "vandaag"), so a typed
    answer matches the choice on offer in a tree or a flow."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+$", max_length=40)]
    words: Annotated[tuple[Phrase, ...], Field(min_length=1)]


class Translation(_Strict):
    """English words read as the Dutch words the content uses ("consent": toestemming), so a
    message in plain English finds the same intents and topics. An empty ``dutch`` drops the
    words ("do", "to")."""

    dutch: Annotated[str, Field(max_length=120)]
    english: Annotated[tuple[Phrase, ...], Field(min_length=1)]

    @property
    def id(self) -> str:
        return slug(self.dutch) if self.dutch else "-"
