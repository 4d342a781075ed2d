"""Every fixed Dutch sentence the conversation says, in one place for review."""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS",
    "BACK_AT_START",
    "CONFLICT",
    "CONTACT_HEADER",
    "CONTENT_CHANGED",
    "EMPTY",
    "FALLBACK",
    "FAQ_RESUME",
    "HELP",
    "MENU_LABEL",
    "MENU_PROMPT",
    "NO_PREVIOUS",
    "PICKED_UP",
    "RESTART_LABEL",
    "ROUTE_HEADER",
    "SAFETY_LINE",
    "STALE_BUTTON",
    "STOPPED",
    "TOO_LONG",
    "WELCOME",
]

# Facts: DOMAIN.md §5 (0800-2000, free, 24/7) and §2 (immediate danger: 112).
SAFETY_LINE = (
    "Direct gevaar? Bel 112. Zorgen of twijfel? Bel Veilig Thuis: 0800-2000 (gratis, 24/7)."
)

WELCOME = (
    "Welkom bij Verbind. Ik help u met de meldcode en zoek de juiste contacten. "
    "Typ niets over de cliënt: geen namen, geboortedata of BSN."
)
MENU_PROMPT = "Waarmee kan ik helpen? Kies een onderwerp of typ uw vraag."
MENU_LABEL = "Menu"
RESTART_LABEL = "Opnieuw"
HELP = (
    "Typ uw vraag of kies een knop. U kunt ook het nummer van een antwoord typen.\n"
    "Altijd mogelijk: 'terug' (vorige vraag), 'opnieuw' (begin van dit onderwerp), "
    "'menu', 'beroep', 'help' en 'stop' (gesprek wissen).\n"
    "Inhoud versie {version}, laatst beoordeeld op {reviewed}."
)
FALLBACK = "Daar heb ik geen antwoord op. Kies een onderwerp uit het menu of stel uw vraag anders."
AMBIGUOUS = "Bedoelt u een van deze?"
EMPTY = "Ik zag geen tekst. Typ een vraag of kies een knop."
TOO_LONG = (
    "Uw bericht is te lang (meer dan {limit} tekens). Typ een korte vraag, zonder gegevens "
    "over de cliënt."
)
STALE_BUTTON = "Die knop hoort bij een eerdere vraag. Hier bent u nu:"
BACK_AT_START = "U bent al bij de eerste vraag."
NO_PREVIOUS = "Er is geen vorige vraag."
STOPPED = (
    "Het gesprek is gestopt en gewist. Verbind bewaart niets over wat u typte. "
    "Typ 'menu' om opnieuw te beginnen."
)
CONTENT_CHANGED = "De inhoud is intussen bijgewerkt. We beginnen opnieuw bij het menu."
CONFLICT = "Dit was al verwerkt."
CONTACT_HEADER = "Contactgegevens:"
ROUTE_HEADER = "Zo kwam u bij dit advies:"
FAQ_RESUME = "Verder met {title}"
PICKED_UP = "Uw consultatieverzoek {reference} is opgepakt. U wordt benaderd zoals u aangaf."
