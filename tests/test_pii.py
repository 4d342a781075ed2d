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
