"""The port for free text that is not an answer, and the types of what it returns.

``Router.understand`` reads one message (already length-capped and cleaned) and returns a
``Reading``: typed targets best first (``dialogs.targets``), each with the evidence it won on, the
danger the message carries, the role it states, what kind of message it is. The conversation acts
on the reading; it never parses target strings. The implementation is ``dialogs.understanding``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from dialogs.targets import PlaceTarget, Target

__all__ = ["Act", "Danger", "Evidence", "Reading", "Router"]

Act = Literal["question", "request", "story"]
"""What kind of message it is: a question (answered), a request or instruction (may start an
action), a described situation (a story: its topic is answered)."""


@dataclass(frozen=True)
class Evidence:
    """Why a target was chosen: a kind of evidence and the content words or ids it rests on
    (a phrasing's id, a place word, a lexicon entry) — never the user's own text."""

    kind: str
    """``phrasing``, ``signal``, ``trigger``, ``intent``, ``place``, ``place-word``, ``capital``,
    ``alone``, ``typo``, ``lives``, ``role``, ``danger``, ``act``."""
    detail: str = ""


@dataclass(frozen=True)
class Danger:
    """Acute danger in the message (the danger lexicon, ``understanding/danger.yaml``): the
    reply opens with 112 and 0800-2000 whatever else is asked."""

    kinds: tuple[str, ...]
    """The lexicon entries that matched (``geweld-nu``, ``wapen``, …), most specific first."""
    then: Target | None = None
    """What to answer after the danger line when the message asks nothing else."""
    contacts: tuple[str, ...] = ()
    """Partners (organisation ids) to show with the danger line itself."""


@dataclass(frozen=True)
class Reading:
    """How one message was understood.

    ``targets``: where to go, best first — one: answer it; several: a real tie, ask which.
    ``runner_up``: a close second to the one target, offered as one "Bedoelde u: …" button.
    ``evidence``: why the first target won. ``beside``: a place named in a story or question,
    answered beside the topic (where the child lives). ``danger``: acute danger, answered first.
    ``role``: a role the text states (``beroep`` ids: ``jeugdarts``, ``veilig-thuis-save``,
    ``manager``, …). ``unknown_place``: the message names a place we do not know. ``person``:
    a person's name was typed (never a place; the user gets a reminder). ``guessed``: the place
    targets are a spelling correction ("Mesch": Esch?) — the conversation asks, never answers.
    """

    targets: tuple[Target, ...] = ()
    act: Act = "question"
    runner_up: Target | None = None
    evidence: tuple[Evidence, ...] = ()
    beside: PlaceTarget | None = None
    danger: Danger | None = None
    role: str | None = None
    unknown_place: bool = False
    person: bool = False
    guessed: bool = False
    side: Literal["jgz", "veilig-thuis"] | None = None
    """For a place: whose contact the message asks for ("welke jgz hoort bij …"), answered
    first whatever the user's role; None: the role decides."""
    employer: str | None = None
    """The organisation the writer says they work for, in the content's words ("save")."""


class Router(Protocol):
    """Understands free text."""

    def understand(
        self,
        text: str,
        *,
        role: str | None = None,
        region: str | None = None,
        own_regions: frozenset[str] = frozenset(),
    ) -> Reading:
        """How ``text`` is understood; ``role`` is the user's role kept for the conversation
        (the ``beroep`` fact), which decides which side of the covenant answers. ``region``:
        the region (``VT20``) of the child the conversation is about, if known; ``own_regions``:
        those of the user's own organisation. A region pack's own answers are read where they
        apply: for a child (or an own organisation) in that region, or while the child's region
        is not known. Elsewhere only those that name a national entry for the same question
        (``FaqEntry.national``) are read, and the conversation answers that one. A place the
        message names is where the child lives."""
        ...
