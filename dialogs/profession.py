"""The user's profession, asked once per session for trees with profession wording."""

from __future__ import annotations

from dataclasses import replace

from dialogs.session import Offer, Session
from dialogs.targets import ProfessionTarget, encode
from knowledge.model import MANAGER_PROFESSION, PARTNER_PROFESSION, PROFESSIONS
from knowledge.normalise import normalise

__all__ = [
    "ASK_PROFESSION",
    "CHOICES",
    "KNOWN",
    "PROFESSION_FACT",
    "PROFESSION_NODE",
    "PROFESSION_SET",
    "asking",
    "chosen",
    "label",
    "typed",
]

PROFESSION_FACT = "beroep"
PENDING_TREE_FACT = "na-beroep"
PROFESSION_NODE = "_beroep"
CHOICES: dict[str, str] = {
    **PROFESSIONS,
    PARTNER_PROFESSION: "Veilig Thuis / jeugdbescherming",
}
"""The roles offered as buttons: a JGZ profession, or a Veilig Thuis or child-protection
professional (who then asks and informs the JGZ: the other direction of the covenant)."""
KNOWN: dict[str, str] = {**CHOICES, MANAGER_PROFESSION: "Aandachtsfunctionaris / manager"}
"""Every role the ``beroep`` fact can hold: the offered ones, and the aandachtsfunctionaris or
manager (who evaluates the covenant), understood from what they type ("als
aandachtsfunctionaris")."""
ASK_PROFESSION = (
    "Wat is uw beroep? Dan toon ik de stappen zoals uw beroepsgroep ze beschrijft "
    "(jeugdarts: KNMG-meldcode; jeugdverpleegkundige: V&VN). Werkt u bij Veilig Thuis of de "
    "jeugdbescherming, dan helpt Verbind u de JGZ te bereiken. Wijzigen kan altijd met 'beroep'."
)
PROFESSION_SET = "Genoteerd: {label}. Wijzigen kan altijd met 'beroep'."


def asking(session: Session, *, then_open: str | None) -> Session:
    """``session`` offering the professions, remembering which tree to open afterwards."""
    targets = tuple(encode(ProfessionTarget(p)) for p in CHOICES)
    offer = Offer(PROFESSION_NODE, targets)
    return replace(session.with_fact(PENDING_TREE_FACT, then_open), offer=offer)


def chosen(session: Session, profession: str) -> tuple[Session, str | None]:
    """``session`` with ``profession`` set, and the tree that was waiting for it (if any)."""
    pending = session.facts.get(PENDING_TREE_FACT)
    updated = session.with_fact(PROFESSION_FACT, profession).with_fact(PENDING_TREE_FACT, None)
    return updated, pending


def label(profession: str) -> str:
    """The button label for a profession id."""
    return KNOWN.get(profession, profession)


_SAID = {
    "arts": "jeugdarts",
    "jgz arts": "jeugdarts",
    "consultatiebureauarts": "jeugdarts",
    "cb arts": "jeugdarts",
    "verpleegkundige": "jeugdverpleegkundige",
    "jvk": "jeugdverpleegkundige",
    "jgz verpleegkundige": "jeugdverpleegkundige",
}
"""What people call the professions besides their names."""


def typed(text: str) -> str | None:
    """The profession ``text`` names on its own ("jeugdarts", "ik ben jvk"), or None."""
    said = normalise(text)
    for lead in ("ik ben een ", "ik ben ", "als "):
        said = said.removeprefix(lead)
    by_name = {normalise(name): p for p, name in PROFESSIONS.items()}
    # A role button's own label typed ("Veilig Thuis / jeugdbescherming") is that role,
    # with or without the welcome's buttons on screen.
    by_name |= {normalise(name): p for p, name in KNOWN.items()}
    return by_name.get(said) or (said if said in PROFESSIONS else None) or _SAID.get(said)
