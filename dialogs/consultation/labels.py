"""How consultation kinds, directions, urgencies and stages are named: one set, shared by the
flows and the report."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.register import Direction, Kind
from knowledge.model import RegionPack

__all__ = [
    "DIRECTION_LABELS",
    "JGZ_KINDS",
    "KIND_LABELS",
    "PARTNER_KINDS",
    "REQUEST_KINDS",
    "STAGES",
    "SUBJECTS",
    "URGENCIES",
    "kind_label",
]

KIND_LABELS: Mapping[Kind, str] = {
    "collegiale-consultatie": "Collegiale consultatie",
    "advies-veilig-thuis": "Advies Veilig Thuis",
    "vertrouwensarts": "Vertrouwensarts",
    "aandachtsfunctionaris": "Aandachtsfunctionaris",
    "save": "SAVE",
    "melding": "Melding Veilig Thuis",
    "procesevaluatie": "Procesevaluatie",
    "bevraging": "Informatie gevraagd (bevraging)",
    "terugkoppeling": "Terugkoppeling",
    "opschalen": "Opschalen",
    "afschalen": "Afschalen",
    "overig": "Ander overleg",
    "jeugdbescherming": "Jeugdbescherming",
}
"""Every kind a record can carry, with its national label; the report uses the same labels
(``save``: how a consultation with SAVE was stored before jeugdbescherming became a national
kind; still read, never offered). Button labels fit
a phone: at most 40 characters, like the content's (``knowledge.model.Label``)."""

JGZ_KINDS: tuple[Kind, ...] = (
    "collegiale-consultatie",
    "advies-veilig-thuis",
    "vertrouwensarts",
    "aandachtsfunctionaris",
    "jeugdbescherming",
    "melding",
    "procesevaluatie",
    "overig",
)
"""What a JGZ professional records anywhere; a region pack adds its covenant's kinds
(``RegionPack.kinds``: opschalen, afschalen) for a child in that region."""

PARTNER_KINDS: tuple[Kind, ...] = (
    "bevraging",
    "terugkoppeling",
    "opschalen",
    "afschalen",
    "procesevaluatie",
    "overig",
)
"""What a Veilig Thuis or SAVE professional records or sends to the JGZ."""

REQUEST_KINDS: tuple[Kind, ...] = ("bevraging", "terugkoppeling", "opschalen", "afschalen")
"""What a Veilig Thuis or SAVE professional sends to the JGZ through Verbind."""

SUBJECTS: Mapping[str, str] = {
    "melding": "Melding bij {partner}",
    "advies-veilig-thuis": "Advies van {partner}",
    "bevraging": "Bevraging van {partner}",
    "terugkoppeling": "Terugkoppeling aan {partner}",
    "opschalen": "Opschalen met {partner}",
    "afschalen": "Afschalen met {partner}",
    "procesevaluatie": "Procesevaluatie met {partner}",
}
"""How a record is described; other kinds: the kind "met" the partner, or the partner alone
when its name already says the kind (no "Vertrouwensarts met Vertrouwensarts")."""

DIRECTION_LABELS: Mapping[Direction, str] = {
    "jgz-partner": "Van JGZ naar partner",
    "partner-jgz": "Van partner naar JGZ",
    "intern": "Binnen JGZ (collega)",
}

URGENCIES: Mapping[str, str] = {
    "vandaag": "Vandaag nog",
    "deze-week": "Binnen 3 werkdagen",
    "geen-haast": "Geen haast",
}

STAGES: Mapping[str, str] = {
    "gestart": "Onderzoek gestart",
    "afgerond": "Onderzoek afgerond",
    "lokaal-team": "Overgedragen: lokaal team",
    "jeugdbescherming": "Overgedragen: jeugdbescherming",
    "raad": "Overgedragen: Raad Kinderbescherming",
}
"""Terugkoppeling after an investigation: started, finished, or handed over to whom (DOMAIN.md
§5–6). Chosen, never typed, so no client data can slip in."""


def kind_label(kind: str, pack: RegionPack | None = None) -> str:
    """The Dutch label of ``kind``: the region's own name for it where ``pack`` has one ("SAVE"),
    else the national label (the code itself for one without a label)."""
    if pack is not None and kind in pack.kind_names:
        return pack.kind_names[kind]
    return KIND_LABELS.get(kind, kind)  # type: ignore[call-overload, no-any-return]
