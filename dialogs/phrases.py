"""Every fixed Dutch sentence the conversation says, in one place for review."""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS",
    "BACK_AT_START",
    "CLIENT_DATA",
    "CONFLICT",
    "CONTACT_ASK",
    "CONTACT_HEADER",
    "CONTACT_SEARCH_LABEL",
    "CONTENT_CHANGED",
    "EMPTY",
    "FALLBACK",
    "FAQ_RESUME",
    "HELP",
    "MENU_LABEL",
    "MENU_PROMPT",
    "NO_PREVIOUS",
    "PICKED_UP",
    "PICK_ANSWER",
    "REPORT",
    "RESTART_LABEL",
    "ROUTE_HEADER",
    "SAFETY_LINE",
    "STALE_BUTTON",
    "STEPS_FIRST",
    "STOPPED",
    "TOO_LONG",
    "UNKNOWN_PLACE",
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
CLIENT_DATA = (
    "Typ liever geen cliëntgegevens in de chat (naam, BSN, geboortedatum, adres, telefoon, "
    "e-mail of rekeningnummer). Ik heb ze niet bewaard en beantwoord de rest van uw vraag."
)
CONTACT_ASK = (
    "Voor welke plaats zoekt u een contact? Typ de woonplaats of gemeente van het kind; "
    "ik noem dan de Veilig Thuis-regio en wie daar werkt."
)
CONTACT_SEARCH_LABEL = "Contact zoeken"
UNKNOWN_PLACE = "Die plaats ken ik niet. Typ de gemeente waar het kind woont."
PICK_ANSWER = "Kies een van de antwoorden hieronder, of typ het nummer ervan."
REPORT = (
    "Het jaaroverzicht van consultaties (voor de evaluatie van het convenant) maakt de beheerder "
    "van Verbind met het commando 'verbind report'. Het telt alleen dat er overleg was, nooit "
    "over wie."
)
STEPS_FIRST = "De stappen op een rij:"
