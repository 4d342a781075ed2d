"""What every report format says in words: titles, the period, the filters and the rules it
counts by (the workbook's "Toelichting" sheet, the notes under the text and the page)."""

from __future__ import annotations

from datetime import date

from dialogs.report.figures import SMALL_COUNT, Period, Report
from dialogs.report.shown import MASK, SHIELDED, TOO_FEW
from knowledge.dates import dutch_date

__all__ = [
    "EMPTY",
    "RULES",
    "SUBTITLE",
    "TITLE",
    "day",
    "notes",
    "period",
]

EMPTY = "Geen consultaties in deze periode."
TITLE = "Consultaties via Verbind"
SUBTITLE = "Cijfers voor de evaluatie van het convenant JGZ en Veilig Thuis"

RULES: tuple[tuple[str, str], ...] = (
    (
        "Consultatie",
        "Een consultatie is een vastgelegde consultatie of een verzoek om consultatie. Elke "
        "referentie telt één keer: een verzoek en de latere vastlegging met dezelfde referentie "
        "zijn samen één consultatie, in de maand van het verzoek, met de soort en partner van de "
        "vastlegging.",
    ),
    (
        "Vertrouwensarts",
        "Overleg met de vertrouwensarts telt als eigen soort, ook als het als advies van "
        "Veilig Thuis is vastgelegd.",
    ),
    (
        "Jeugdbescherming",
        "Overleg met de jeugdbescherming telt als één soort in elke regio, ook wat eerder onder "
        "de eigen naam van een regio is vastgelegd.",
    ),
    (
        "JGZ-organisatie",
        "Een bevraging of terugkoppeling telt bij de JGZ-organisatie waar die naartoe ging. Bij "
        "overleg dat een JGZ-professional zelf begon, staat niet in het register welke "
        "JGZ-organisatie dat was (het register bewaart niets over de gebruiker): 'Niet "
        "vastgelegd'.",
    ),
    (
        "Richting",
        "Van JGZ naar partner: de JGZ vroeg of meldde. Van partner naar JGZ: Veilig Thuis, de "
        "jeugdbescherming of een andere partner vroeg de JGZ of gaf terugkoppeling.",
    ),
    (
        "Oppaktijd",
        "Een verzoek is opgepakt als een partner het heeft aangenomen, ook na de periode. De tijd "
        "tot oppakken loopt van het verzoek tot het oppakken, in werktijd (maandag tot en met "
        "vrijdag, 8.30 tot 17.00 uur, zonder landelijke feestdagen) en in klokuren: de mediaan "
        "en de tijd waarbinnen 90% is opgepakt.",
    ),
    (
        "Aandeel terugkoppeling",
        "Het aandeel meldingen met terugkoppeling is het aantal terugkoppelingen gedeeld door het "
        "aantal meldingen in de periode. Verbind koppelt die niet aan elkaar: er staan geen "
        "cliëntgegevens in het register.",
    ),
    (
        "Kleine aantallen",
        f"Aantallen van 1 tot en met {SMALL_COUNT - 1} staan er als {MASK}. Een mediaan, een "
        f"90%-tijd of een aandeel uit minder dan {SMALL_COUNT} staat er als '{TOO_FEW}'. Staat "
        f"er '{SHIELDED}', dan is ook een groter aantal weggelaten, zodat een klein aantal niet "
        "uit het totaal is terug te rekenen. In grafieken heeft een klein aantal geen staaf.",
    ),
    (
        "Tijd",
        "Dagen, maanden en kwartalen volgen de Nederlandse tijd (Europe/Amsterdam); het register "
        "bewaart de tijd in UTC.",
    ),
    (
        "Vorige periode",
        "De vorige periode is even lang en eindigt de dag vóór deze periode; bij hele maanden "
        "zijn het evenveel hele maanden (een jaar: het jaar ervoor). Dezelfde filters gelden.",
    ),
    (
        "Register",
        "Vóór het tellen wordt de keten van het register gecontroleerd. Een record dat niet te "
        "lezen is (een ongeldige tijd, een onbekende soort …) telt niet mee; bovenaan staat dan "
        "een waarschuwing.",
    ),
)
"""How the report counts: (topic, rule), in the order the workbook and the page list them."""


def day(moment: date) -> str:
    """``3 maart 2026``."""
    return dutch_date(moment)


def period(span: Period) -> str:
    """``1 januari 2026 t/m 31 december 2026``."""
    return f"{day(span.start)} t/m {day(span.end)}"


def notes(report: Report) -> list[str]:
    """The rules, and a warning per purge that may have removed data."""
    purges = [
        f"Let op: het register is opgeschoond op {day(moment)}. Daarbij zijn oude gegevens "
        "verwijderd; cijfers van vóór die datum kunnen onvolledig zijn."
        for moment in report.purges
    ]
    return [*(f"{topic}: {rule}" for topic, rule in RULES), *purges]
