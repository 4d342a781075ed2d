"""What every report format says: titles, the masked counts, the covenant's key figures and the
notes on how it counts."""

from __future__ import annotations

from datetime import date

from dialogs.report.figures import SMALL_COUNT, Report
from knowledge.dates import dutch_date

__all__ = [
    "EMPTY",
    "MASK",
    "SUBTITLE",
    "TITLE",
    "covenant_rows",
    "format_duration",
    "headline",
    "masked",
    "notes",
    "period",
    "share",
]

MASK = "<5"
"""What is shown instead of a small count."""
EMPTY = "Geen consultaties in deze periode."
TITLE = "Consultaties via Verbind"
SUBTITLE = "Cijfers voor de evaluatie van het convenant JGZ en Veilig Thuis"
_TOO_FEW = "te weinig"

_NOTES = (
    "Zo is geteld: een consultatie is een vastgelegde consultatie of een verzoek om consultatie. "
    "Elke referentie telt één keer.",
    "Een verzoek is opgepakt als een partner het heeft aangenomen. De tijd tot oppakken is in "
    "hele minuten: de mediaan en de tijd waarbinnen 90% is opgepakt.",
    "Het aandeel meldingen met terugkoppeling is het aantal terugkoppelingen gedeeld door het "
    "aantal meldingen in de periode. Verbind koppelt die niet aan elkaar: er staan geen "
    "cliëntgegevens in het register.",
    f"Aantallen van 1 tot en met 4 staan er als {MASK}; daarvan wordt geen aandeel berekend.",
    "Dagen, maanden en kwartalen volgen de UTC-tijd van het register.",
)


def masked(count: int) -> str:
    """A count as it may be shown: 0 and 5 or more as is, 1 to 4 as "<5"."""
    return MASK if 0 < count < SMALL_COUNT else str(count)


def format_duration(minutes: int | None) -> str:
    """Minutes in Dutch: "25 min", "1 uur", "2 uur 5 min"; None is "geen"."""
    if minutes is None:
        return "geen"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} uur {rest} min" if rest else f"{hours} uur"


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage; "te weinig" when either is masked or 0."""
    if whole < SMALL_COUNT or 0 < part < SMALL_COUNT:
        return _TOO_FEW
    return f"{round(100 * part / whole)}%"


def day(moment: date) -> str:
    """``3 maart 2026``."""
    return dutch_date(moment)


def period(report: Report) -> str:
    """``1 januari 2026 t/m 31 december 2026``."""
    return f"{day(report.start)} t/m {day(report.end)}"


def headline(report: Report) -> list[tuple[str, str]]:
    """The totals shown first."""
    return [
        ("Consultaties", masked(report.consultations)),
        ("Verzoeken via Verbind", masked(report.requests)),
        ("Waarvan opgepakt", masked(report.picked_up)),
        ("Mediane tijd tot oppakken", format_duration(report.median_pickup)),
    ]


def covenant_rows(report: Report) -> list[tuple[str, str, str]]:
    """The covenant's own figures: (code, label, shown value)."""
    p90 = report.p90_pickup if report.picked_up >= SMALL_COUNT else None
    return [
        ("meldingen", "Meldingen bij Veilig Thuis", masked(report.kind("melding"))),
        ("terugkoppelingen", "Terugkoppelingen aan de JGZ", masked(report.kind("terugkoppeling"))),
        (
            "aandeel-terugkoppeling",
            "Aandeel meldingen met terugkoppeling",
            share(report.kind("terugkoppeling"), report.kind("melding")),
        ),
        ("bevragingen", "Bevragingen van de JGZ", masked(report.kind("bevraging"))),
        ("opschalen", "Opgeschaald", masked(report.kind("opschalen"))),
        ("afschalen", "Afgeschaald", masked(report.kind("afschalen"))),
        ("procesevaluaties", "Procesevaluaties", masked(report.kind("procesevaluatie"))),
        (
            "p90-minuten",
            "90% opgepakt binnen",
            format_duration(p90) if p90 is not None else _TOO_FEW,
        ),
    ]


def notes(report: Report) -> list[str]:
    """How the report counts, and a warning per purge that may have removed data."""
    purges = [
        f"Let op: het register is opgeschoond op {day(moment)}. Daarbij zijn oude gegevens "
        "verwijderd; cijfers van vóór die datum kunnen onvolledig zijn."
        for moment in report.purges
    ]
    return [*_NOTES, *purges]
