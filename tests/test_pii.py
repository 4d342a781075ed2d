"""The PII guard finds Dutch client data and lets ordinary professional questions pass."""

from __future__ import annotations

import pytest

from dialogs.pii import explain, find_pii


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("het kind met bsn 111222333 heeft blauwe plekken", "bsn"),
        ("111222333", "bsn"),
        ("nummer 111.222.333 in het dossier", "bsn"),
        ("BSN: 12345678", "bsn"),
        ("geboren 12-03-2019, woont bij moeder", "datum"),
        ("geb. 3 maart 2019", "datum"),
        ("afspraak op 2026-11-23", "datum"),
        ("bel de moeder op 06-12345678", "telefoon"),
        ("moeder: +31 6 1234 5678", "telefoon"),
        ("vader 010-1234567 belde", "telefoon"),
        ("bel de moeder op ０６１２３４５６７８", "telefoon"),  # full-width digits
        ("bel de moeder op ٠٦١٢٣٤٥٦٧٨", "telefoon"),  # Arabic-Indic digits
        ("mail ouder@example.nl", "email"),
        ("woont op Dorpsstraat 12, 3511 AB Utrecht", "adres"),
        ("3511AB 12", "adres"),
        ("betaalt van NL91 ABNA 0417 1643 00", "iban"),
        ("naam: Sanne", "naam"),
        ("Kind = Mo", "naam"),
    ],
)
def test_client_data_is_found(text: str, kind: str) -> None:
    """Each kind of client data is recognised, with or without context words."""
    assert kind in {hit.kind for hit in find_pii(text)}


@pytest.mark.parametrize(
    "text",
    [
        "ik twijfel of ik moet melden, wat nu?",
        "meisje van 8 met blauwe plekken op de rug, ouders geven geen verklaring",
        "bel mij terug op 0800-2000",
        "bij direct gevaar 112",
        "111222334 is geen bsn",
        "NL91 ABNA 0417 1643 01 klopt niet",
        "stap 4 en 5 van de meldcode, vraag 2 van 5",
        "postcodegebied 3511 in Utrecht",
        "de moeder heeft een verslaving",
    ],
)
def test_ordinary_questions_pass(text: str) -> None:
    """Questions without client data, invalid numbers and known partner numbers are not refused."""
    assert find_pii(text) == ()


def test_the_callback_number_may_stay() -> None:
    """The professional's own work number, when given as callback, is allowed."""
    assert find_pii("terugbellen op 030-1234567", allowed_numbers=["0301234567"]) == ()
    assert find_pii("terugbellen op 030-1234567") != ()


def test_explanation_names_what_to_remove_and_not_the_text() -> None:
    """The refusal says which kinds to remove, in Dutch, and never repeats the data."""
    text = "bsn 111222333, geboren 12-03-2019"
    message = explain(find_pii(text))
    assert "een BSN en een (geboorte)datum" in message
    assert "111222333" not in message
    assert "12-03-2019" not in message


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("rekening NL91ABNA0417164300 van de moeder", {"iban"}),
        ("rekening NL91ABNA0417164300 van de moeder, bel 06-12345678", {"iban", "telefoon"}),
        ("nl91abna0417164300 en verder niets", {"iban"}),
        ("IBAN NL91 ABNA 0417 1643 00 bsn 111222333", {"iban", "bsn"}),
        ("woont Dorpsstraat 12 sinds kort", {"adres"}),
        ("Kerkstraat 3a, moeder Sanne de Vries", {"adres", "naam"}),
        ("Van Asch van Wijckstraat 15-2 bovenwoning", {"adres"}),
        ("postcode 3511 AB, verder onbekend", {"adres"}),
        ("het gaat om moeder Sanne de Vries, 06 1234 5678", {"naam", "telefoon"}),
        ("cliënt Sanne is 8 jaar", {"naam"}),
        ("de dochter heet Fatima en zit op school", {"naam"}),
        ("zoon, Daan, valt op school", {"naam"}),
        ("client: Mo", {"naam"}),
        ("vader is Piet", {"naam"}),
        ("bel 030 123 45 67 of mail a@b.nl", {"telefoon", "email"}),
        ("0031612345678", {"telefoon"}),
    ],
)
def test_each_kind_is_found_in_any_position_without_hiding_another(
    text: str, kinds: set[str]
) -> None:
    """Each kind is found wherever it stands, and one finding never hides the next."""
    assert {hit.kind for hit in find_pii(text)} == kinds


@pytest.mark.parametrize(
    "text",
    [
        "de moeder heeft een verslaving en de vader is onbekend",
        "kind van 4 uit Zeist, wat nu?",
        "moeder belde Veilig Thuis al",
        "de straat is onveilig voor het kind",
        "in 2019 en 2020 al eerder gemeld",
        "NL91ABNA0417164301 is geen geldig rekeningnummer",
        "stap 3 van 5",
        "vraag 12345",
        "naam van de school weet ik niet",
    ],
)
def test_near_misses_are_not_client_data(text: str) -> None:
    """Words near a pattern (kin without a name, a year, an invalid IBAN) are not refused."""
    assert find_pii(text) == ()


def test_findings_gives_dutch_labels() -> None:
    """``findings`` names the kinds in Dutch, for a reminder in chat; nothing when clean."""
    from dialogs.pii import findings

    assert findings("bsn 111222333, moeder Sanne") == ("BSN", "naam")
    assert findings("wat moet ik doen?") == ()


def test_the_form_promises_what_the_guard_checks() -> None:
    """Every kind the consultation form asks to leave out is a kind the guard refuses."""
    from dialogs.phrases import CONSULTATION
    from dialogs.pii import PROMISE

    promised = {
        "namen": "moeder Sanne",
        "geboortedata": "geboren 12-03-2019",
        "BSN": "111222333",
        "adres": "Dorpsstraat 12",
        "telefoonnummer": "06-12345678",
        "e-mailadres": "a@b.nl",
        "rekeningnummer": "NL91ABNA0417164300",
    }
    form = CONSULTATION["ask-form"]
    for word, example in promised.items():
        if word in form or word in PROMISE:
            assert find_pii(example), word
    assert all(word in PROMISE for word in promised)
