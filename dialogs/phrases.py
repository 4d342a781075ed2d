"""Every fixed Dutch sentence the conversation says, in one place for review.

Region-specific wording (a dossier line, a partner's name) is content, in the region packs.
"""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS",
    "BACK_AT_START",
    "CALL_112",
    "CALL_VEILIG_THUIS",
    "CLIENT_DATA",
    "CONFLICT",
    "CONSULTATION",
    "CONSULTATION_LABELS",
    "CONTACT_ASK",
    "CONTACT_ASK_JGZ",
    "CONTACT_HEADER",
    "CONTACT_SEARCH_LABEL",
    "CONTENT_CHANGED",
    "DANGER",
    "DANGER_FIRST",
    "DID_YOU_MEAN",
    "EMPTY",
    "FALLBACK",
    "FAQ_RESUME",
    "HELP",
    "INBOX",
    "MENU_LABEL",
    "MENU_PROMPT",
    "NEXT_STEP",
    "NOT_UNDERSTOOD_CHOICE",
    "NO_PREVIOUS",
    "OTHER_PLACE",
    "PICKED_UP",
    "PICKUP",
    "PICK_ANSWER",
    "PLACE",
    "PLACE_GUESS",
    "PLACE_GUESSES",
    "PLACE_IN_GEMEENTE",
    "REGION",
    "REPORT",
    "REPORT_LINK",
    "RESTART_LABEL",
    "ROLE_ASK",
    "ROLE_GROUP",
    "ROUTE_HEADER",
    "SAFETY_LINE",
    "SMALL_TALK",
    "STALE_BUTTON",
    "STEPS_FIRST",
    "STOPPED",
    "TOO_LONG",
    "UNDERSTOOD",
    "UNKNOWN_PLACE",
    "VEILIG_THUIS_NUMBER",
    "WELCOME",
]

# Facts: DOMAIN.md §5 (0800-2000, free, 24/7) and §2 (immediate danger: 112).
VEILIG_THUIS_NUMBER = "Veilig Thuis 0800-2000 (gratis, 24/7)"
"""The national number, written once; every sentence that names it uses this."""
DANGER = "Direct gevaar? Bel 112."
SAFETY_LINE = f"{DANGER} Acuut onveilig, zorgen of twijfel? Bel {VEILIG_THUIS_NUMBER}."
"""The 112 / 0800-2000 line: on the first screen of every tree, beside help and fallbacks."""
# DOMAIN.md §1: acute danger comes first, before any step and before anything else asked.
DANGER_FIRST = (
    f"Dit klinkt als acuut gevaar. Direct gevaar: bel 112. Acuut onveilig: bel nu "
    f"{VEILIG_THUIS_NUMBER}, vóór alle andere stappen.\n"
    "Hieronder het antwoord op de rest van uw bericht."
)
"""The first reply to any message that carries danger (the danger lexicon)."""
CALL_112 = "Bel 112"
CALL_VEILIG_THUIS = "Bel 0800-2000"
"""The two emergency actions every channel shows first on an emergency reply (dialogs.contacts
``EMERGENCY_LINKS``)."""

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
DID_YOU_MEAN = "Bedoelde u: {label}"
"""The one button with a close second reading of a message."""
UNDERSTOOD = "Ik lees uw bericht als: {label}"
"""What a described situation or a close call was read as, before its answer."""
EMPTY = "Ik zag geen tekst. Typ een vraag of kies een knop."
TOO_LONG = (
    "Uw bericht is te lang (meer dan {limit} tekens). Typ een korte vraag, zonder gegevens "
    "over de cliënt."
)
STALE_BUTTON = "Die knop hoort bij een eerdere vraag. Hier bent u nu:"
NEXT_STEP = "Hoe wilt u verder? Kies hieronder of typ uw vraag."
"""Shown again with the buttons on offer outside a tree question (after an outcome, an answer
beside the tree, a step of a request)."""
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
PLACE_GUESS = "Die plaats ken ik niet precies. Bedoelde u {place}?"
"""A place name that was spelling-corrected: asked, never answered silently."""
PLACE_GUESSES = "Die plaats ken ik niet precies. Welke bedoelde u?"
OTHER_PLACE = "Een andere plaats"
PLACE_IN_GEMEENTE = "{name} (gemeente {gemeente})"
PICK_ANSWER = "Kies een van de antwoorden hieronder, of typ het nummer ervan."
SMALL_TALK = {
    "bedankt": "Graag gedaan! Typ gerust uw volgende vraag.",
    "groet": "Goed, dank u! Waarmee kan ik u helpen? Typ uw vraag of beschrijf de situatie.",
}
"""Small talk (intents ``bedankt``, ``groet``): a short friendly reply, without the menu."""
NOT_UNDERSTOOD_CHOICE = f"Dat begreep ik niet. {PICK_ANSWER}"
REPORT = (
    "Het jaaroverzicht van consultaties (voor de evaluatie van het convenant) maakt de beheerder "
    "van Verbind met het commando 'verbind report'. Het telt alleen dat er overleg was, nooit "
    "over wie."
)
REPORT_LINK = (
    "De cijfers voor de jaarlijkse evaluatie van het convenant staan op de rapportpagina: {url} "
    "(per kwartaal, soort, partner, JGZ-organisatie en richting, naast de vorige periode; ook als "
    "Excel). Het telt alleen dat er overleg was, nooit over wie."
)
STEPS_FIRST = "De stappen op een rij:"
PICKED_UP = "Uw verzoek {reference} is opgepakt door {partner}. U wordt benaderd zoals u aangaf."
ROLE_GROUP = "Ik ben:"
"""The label above the role buttons, apart from the menu's topics."""
ROLE_ASK = "Wat is uw rol? Tik hem aan, dan passen het menu en de antwoorden zich aan."
CONTACT_ASK_JGZ = (
    "Voor welke gemeente zoekt u de JGZ? Typ de woonplaats of gemeente van het kind; ik noem dan "
    "de JGZ-organisatie en hoe u die bereikt."
)


# -- a region's own answers (its pack's FAQ and covenant) -----------------------------------------

REGION: dict[str, str] = {
    "elsewhere": "Dat geldt in een andere Veilig Thuis-regio dan regio {region}.",
    "national": "Wat daar geldt:",
    "none": "Voor regio {region} heb ik daar geen antwoord op; kies een onderwerp uit het menu.",
    "ask": (
        "Het antwoord hangt af van de regio waar het kind woont. In welke gemeente woont het "
        "kind? Typ de gemeente, dan krijgt u het antwoord dat daar geldt."
    ),
    "ask-more": (
        "In de regio van het kind kan meer gelden. Typ de gemeente waar het kind woont, dan vul "
        "ik het aan."
    ),
}
"""What Verbind says when a question belongs to one region's own content: for a child in
another region (``elsewhere``, then the national answer or ``none``), or while the child's
region is not known (``ask``; after a national answer ``ask-more``)."""


# -- place answers (dialogs.places) ---------------------------------------------------------------

PLACE: dict[str, str] = {
    "gemeente": "Gemeente {name} valt onder Veilig Thuis-regio {region}.",
    "woonplaats": "{name} ligt in de gemeente {gemeente}, Veilig Thuis-regio {region}.",
    "former": (
        "{name} was tot {until} een gemeente en hoort nu bij de gemeente {gemeente}, "
        "Veilig Thuis-regio {region}."
    ),
    "region": "Veilig Thuis-regio {region}.",
    "call": (
        f"Bel {VEILIG_THUIS_NUMBER}. Noem de woonplaats van het kind: {{named}} (niet waar u "
        "werkt)."
    ),
    "call-region": (
        f"Bel {VEILIG_THUIS_NUMBER}. Noem de woonplaats van het kind; u komt dan bij de regio "
        "waar het kind woont."
    ),
    "doctor": (
        "Overleg van arts tot arts: vraag naar de vertrouwensarts (normaal tijdens kantooruren)."
    ),
    # DOMAIN.md §4: the vertrouwensarts advises doctor to doctor; Veilig Thuis advises anyone.
    "nurse": (
        "Veilig Thuis geeft u zelf advies. De vertrouwensarts overlegt van arts tot arts: "
        "betrek daarvoor uw jeugdarts."
    ),
    "jgz": "JGZ in {gemeente}: {jgz}{mark}.",
    "jgz-4-18": (
        "JGZ in {gemeente}: {jgz} voor 4–18 jaar{mark}; JGZ 0–4 jaar kan een andere organisatie "
        "zijn."
    ),
    "team": "Lokaal team: {team}{mark}.",
    "team-unknown": ("Lokaal team: het wijk- of sociaal team van de gemeente ({unconfirmed})."),
    "jgz-first": "JGZ voor een kind in {gemeente}: {jgz}{mark}.",
    "jgz-first-4-18": (
        "JGZ voor een kind in {gemeente}: {jgz} voor 4–18 jaar{mark}; JGZ 0–4 jaar kan een "
        "andere organisatie zijn."
    ),
    "jgz-inbox": "Stuur de JGZ een bevraging of terugkoppeling met de knoppen hieronder.",
    "jgz-phone": "Telefoon: {phone}.",
    "jgz-no-phone": (
        "Een telefoonnummer voor professionals staat nog niet in Verbind ({unconfirmed})."
    ),
}
"""What a place answer says; ``{...}`` fields are filled in by dialogs.places."""


# -- consultations: record one, request one, pick one up (dialogs.consultation) -----------------

CONSULTATION: dict[str, str] = {
    "ask-kind": (
        "Welk overleg wilt u vastleggen? Verbind bewaart alleen dát er overleg was, het soort en "
        "de organisatie: geen namen, geen inhoud."
    ),
    "ask-partner": "Met welke organisatie was het overleg?",
    "ask-direction": "{subject}. Wie vroeg om het overleg?",
    "confirm": "{subject} vastleggen?",
    "recorded": (
        "Vastgelegd. Referentie: {reference}\n"
        "{dossier}: {subject} op {day}, referentie {reference}."
    ),
    "anonymous": "Vermeld of het overleg anoniem was.",
    "dossier": "Voor uw dossier",
    "cancelled": "Niets vastgelegd of verstuurd.",
    "no-region-intake": (
        "Het kind woont in Veilig Thuis-regio {region}; daar kunt u via Verbind nog geen overleg "
        f"aanvragen. Bel {VEILIG_THUIS_NUMBER} en noem de woonplaats van het kind: {{gemeente}}; "
        "vraag naar de vertrouwensarts voor overleg van arts tot arts. Daarna kunt u hier "
        "vastleggen dat u overlegde."
    ),
    "no-region-intake-nurse": (
        "Het kind woont in Veilig Thuis-regio {region}; daar kunt u via Verbind nog geen overleg "
        f"aanvragen. Bel {VEILIG_THUIS_NUMBER} voor advies en noem de woonplaats van het kind: "
        "{gemeente}. De vertrouwensarts overlegt van arts tot arts: betrek daarvoor uw jeugdarts. "
        "Daarna kunt u hier vastleggen dat u overlegde."
    ),
    "no-region-evaluation": (
        "Het kind woont in Veilig Thuis-regio {region}; daar kunt u via Verbind nog geen "
        "procesevaluatie aanvragen. Spreek hem af met de partners die bij het kind uit "
        "{gemeente} betrokken waren; daarna kunt u hier vastleggen dat die plaatsvond."
    ),
    "no-partner-intake": (
        "{partner} heeft hier geen inbox in Verbind. Bel {partner}: {phone}. Daarna kunt u hier "
        "vastleggen dat u overlegde."
    ),
    "no-jgz-intake-phone": (
        "{jgz} heeft hier geen inbox in Verbind. Bel {jgz}: {phone}. Daarna kunt u hier vastleggen "
        "dat u het bericht stuurde."
    ),
    "no-jgz-intake": (
        "{jgz} heeft hier geen inbox in Verbind, en een telefoonnummer voor professionals staat "
        "nog niet in Verbind ({unconfirmed}). Zoek het nummer van {jgz} in uw eigen adresboek of "
        "op de website van de organisatie; daarna kunt u hier vastleggen dat u het bericht "
        "stuurde."
    ),
    "other-region": (
        "{gemeente} ligt in Veilig Thuis-regio {region}; {partner} werkt daar niet. Kies opnieuw "
        "bij wie u overleg aanvraagt."
    ),
    "ask-child-place": "Voor een kind in {gemeente}?",
    "jgz-of": "De JGZ van gemeente {gemeente}",
    "need-gemeente": "Vul de gemeente van het kind in.",
    "form-problems": "Het formulier is nog niet verstuurd. Pas dit aan:",
    "question-cleared": "De vraag is leeggemaakt; typ hem opnieuw zonder cliëntgegevens.",
    "confirm-linked": (
        "{subject} vastleggen onder referentie {reference}? Zo telt het verzoek en het overleg "
        "één keer."
    ),
    "ask-request-partner": "Bij welke organisatie vraagt u overleg aan?",
    "ask-invite": "Wie wilt u uitnodigen voor de procesevaluatie?",
    "ask-jgz-kind": "Wat wilt u de JGZ sturen?",
    "ask-stage": "Hoe staat het onderzoek?",
    "ask-on-behalf": "Namens welke organisatie stuurt u dit?",
    "ask-gemeente": (
        "In welke gemeente woont het kind? Alleen de gemeente, geen adres. Verbind bewaart alleen "
        "de Veilig Thuis-regio."
    ),
    "ask-gemeente-record": (
        "Welk overleg wilt u vastleggen? Eerst: in welke gemeente woont het kind? Alleen de "
        "gemeente, geen adres. Verbind bewaart alleen de Veilig Thuis-regio."
    ),
    "ask-gemeente-request": (
        "Voor een consultatieverzoek eerst: in welke gemeente woont het kind? Dan gaat uw verzoek "
        "naar de partners van die regio. Alleen de gemeente, geen adres."
    ),
    "ambiguous-gemeente": (
        "{typed} ligt in meer dan één gemeente ({gemeenten}). Typ de gemeente waar het kind woont."
    ),
    "unknown-gemeente": (
        "Die gemeente ken ik niet. Typ de naam van de gemeente of woonplaats, bijvoorbeeld Zeist."
    ),
    "address-not-gemeente": "Typ alleen de gemeente, zonder straat, huisnummer of postcode.",
    "gemeente-client-data": (
        "Typ liever geen cliëntgegevens in de chat (naam, BSN, geboortedatum, adres, telefoon, "
        "e-mail of rekeningnummer); ik heb ze niet bewaard. Typ alleen de gemeente waar het kind "
        "woont."
    ),
    "ask-urgency": f"Hoe snel is overleg nodig? {DANGER}",
    "ask-reach": "Hoe kan {partner} u bereiken?",
    "ask-form": (
        "Typ eventueel een korte vraag, zonder cliëntgegevens (geen namen, geboortedata, BSN of "
        "adres). Uw eigen naam, organisatie en werknummer gaan mee zodat {partner} u kan "
        "terugbellen. De vraag gaat alleen naar {partner} en wordt niet bewaard."
    ),
    "ask-form-channel": (
        "Typ eventueel een korte vraag, zonder cliëntgegevens (geen namen, geboortedata, BSN of "
        "adres). {partner} ziet uw naam zoals {reach} die toont, met uw naam en organisatie uit "
        "dit formulier, en neemt via {reach} contact met u op; u krijgt hier bericht zodra het "
        "verzoek is opgepakt. Er gaat geen telefoonnummer mee. De vraag gaat alleen naar "
        "{partner} en wordt niet bewaard."
    ),
    "need-phone": "Vul uw werknummer in, bijvoorbeeld 030 123 45 67.",
    "bad-phone": (
        "{number} is geen geldig Nederlands telefoonnummer. Vul uw werknummer met netnummer in, "
        "bijvoorbeeld 030 123 45 67."
    ),
    "too-long": "{field} is langer dan {limit} tekens. Maak het korter.",
    "sent": (
        f"Verstuurd naar {{partner}}. Referentie: {{reference}}\n"
        f"U krijgt bericht zodra iemand het oppakt. {DANGER}"
    ),
    "send-failed": (
        "Versturen naar {partner} lukte niet. Er is niets verstuurd of bewaard. Bel voor overleg: "
        f"{VEILIG_THUIS_NUMBER}."
    ),
    "record-failed": (
        "Vastleggen lukte nu niet: het register is even niet bereikbaar. Er is niets bewaard; "
        "probeer het zo opnieuw."
    ),
    "picked-up": "U pakt verzoek {reference} op. De aanvrager krijgt bericht.",
    "already": "Verzoek {reference} was al opgepakt.",
    "bad-pickup": "Deze knop is ongeldig of verlopen.",
    "ask-linked": (
        "Gaat het om een verzoek dat is opgepakt? Dan legt Verbind het overleg vast onder "
        "dezelfde referentie, zodat het één keer telt."
    ),
    "request-head": "{subject} {reference} voor {partner}",
    "request-from": "Van: {requester}",
    "request-gemeente": "Gemeente van het kind: {gemeente}",
    "request-urgency": "Urgentie: {urgency}",
    "request-question": "Vraag: {question}",
    "request-no-question": "(geen vraag meegestuurd)",
    "request-callback": "Bereikbaar: {callback}",
    "request-time": "Aangevraagd: {when}",
    "notice-record": "Wilt u het overleg nu vastleggen? Dat gebeurt onder dezelfde referentie.",
    "already-recorded": (
        "Dit overleg is al vastgelegd op {when}, onder referentie {reference}. Het telt één keer; "
        "u hoeft niets meer te doen."
    ),
    "request-not-kept": (
        "Verbind bewaart deze gegevens niet; noteer wat u nodig hebt in uw eigen systeem."
    ),
}
"""The consultation flows' sentences by key; ``{...}`` fields are filled in by the flow."""

CONSULTATION_LABELS: dict[str, str] = {
    "record": "Overleg vastleggen",
    "request": "Overleg aanvragen",
    "request-to": "Overleg aanvragen: {partner}",
    "evaluation": "Procesevaluatie aanvragen",
    "ask-info": "Informatie vragen (bevraging)",
    "feedback": "Terugkoppeling na onderzoek",
    "scale-up": "Opschalen",
    "scale-down": "Afschalen",
    "same-child": "Ja",
    "other-child": "Andere gemeente",
    "record-linked": "Overleg vastleggen: {reference}",
    "record-other": "Ander overleg vastleggen",
    "submit": "Versturen",
    "next": "Verder",
    "cancel": "Annuleren",
    "confirm": "Vastleggen",
    "by-phone": "Op mijn werknummer",
    "by-channel": "Via {reach}",
    "i-asked": "Ik vroeg om overleg",
    "they-asked": "De ander vroeg om overleg",
    "question": "Korte vraag",
    "message": "Korte toelichting",
    "name": "Uw naam",
    "organisation": "Uw organisatie",
    "phone": "Uw werknummer",
    "gemeente": "Gemeente van het kind",
}
"""Button and field labels of the consultation flows."""


# -- picking a request up (dialogs.consultation.pickup, the pick-up link page, the inbox) --------

PICKUP: dict[str, str] = {
    "expired": (
        "Deze knop of link om het verzoek op te pakken is verlopen (hij werkt {days} dagen). "
        "Neem contact op met de aanvrager of vraag om een nieuw verzoek."
    ),
    "elsewhere": (
        "Dit verzoek kan alleen worden opgepakt in het kanaal of de inbox waar het is "
        "binnengekomen."
    ),
    "already": "Verzoek {reference} is al opgepakt ({when}).",
    "already-by": "Verzoek {reference} is al opgepakt door {who} ({when}).",
    "just-now": "zojuist",
    "unavailable": (
        "Oppakken van verzoek {reference} lukte nu niet: het register is even niet bereikbaar. "
        "Er is niets vastgelegd; probeer het zo opnieuw."
    ),
    "confirm": "Pakt u dit verzoek op? De aanvrager krijgt dan bericht.",
}
"""What the one who presses "Ik pak dit op" is told; ``{when}`` is Dutch local time."""

INBOX: dict[str, str] = {
    "title": "Inbox van de ketenpartners",
    "partner-title": "Inbox {partner}",
    "all": "Alle inboxen",
    "open": "Open verzoeken",
    "none-open": "Geen open verzoeken.",
    "mine": "Opgepakt door u",
    "none-mine": "U heeft hier niets opgepakt dat nog openstaat.",
    "colleagues": "Opgepakt door collega's",
    "picked-by": "Opgepakt door {who} ({when})",
    "a-colleague": "een collega",
    "you": "u",
    "counts": "{open} open, {mine} door u opgepakt",
    "close": "Afronden en wissen",
    "closed": "Verzoek {reference} is afgerond en uit de inbox gewist.",
    "not-yours": "Alleen wie het verzoek heeft opgepakt, kan het afronden.",
    "gone": "Dit verzoek staat niet (meer) in de inbox.",
    "back": "Terug naar de inbox",
    "call": "Bel {phone}",
    "kept": (
        "Verbind bewaart een verzoek alleen in het geheugen van deze server: tot het is "
        "afgerond, of tot het {days} dagen oud is. Noteer wat u nodig hebt in uw eigen systeem."
    ),
    "login-title": "Inbox: inloggen",
    "report-login-title": "Rapport: inloggen",
    "login-name": "Uw naam (voor uw collega's)",
    "login-secret": "Gedeeld wachtwoord",
    "login-submit": "Inloggen",
    "logout": "Uitloggen",
    "logged-out": "U bent uitgelogd.",
    "wrong-secret": "Onjuist wachtwoord.",
    "wait": "Te veel pogingen. Probeer het over {seconds} seconden opnieuw.",
    "locked": (
        "Te veel onjuiste pogingen vanaf dit adres. Inloggen is geblokkeerd; probeer het over "
        "{minutes} minuten opnieuw."
    ),
    "other-site": "Dit verzoek komt van een andere site.",
    "bad-origin": "Ongeldige Origin.",
}
"""The partner inbox's texts (``bot.intake.inboxpage``) and the staff login (``bot.access``)."""
