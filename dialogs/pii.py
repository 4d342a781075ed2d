"""A Dutch PII guard for free text that leaves the bot (a consultation question, for example).

It looks for client data a professional might paste by habit: BSN (11-proof), dates (of birth),
phone numbers, e-mail addresses, postcode with house number, IBAN (mod-97) and "naam: …" lines.
Hits are refused with a plain Dutch explanation; the text itself is never stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PiiHit", "explain", "find_pii"]

_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december "
    "jan feb mrt apr jun jul aug sep sept okt nov dec"
)
_BSN = re.compile(r"(?<![\d])(\d[\d. ]{7,11}\d)(?![\d])")
_BSN_CONTEXT = re.compile(
    r"\b(bsn|burgerservicenummer|sofinummer)\b\D{0,12}(\d[\d. ]{6,11}\d)", re.I
)
_DATE = re.compile(
    r"\b(\d{1,2}[-/.]\d{1,2}[-/.](\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|\d{1,2}\s+("
    + "|".join(_MONTHS.split())
    + r")\.?\s+\d{4})\b",
    re.I,
)
_PHONE = re.compile(
    r"(?<![\w+])(\+31[\s-]?\(?0?\)?[\s-]?\d(?:[\s-]?\d){7,8}|0\d(?:[\s-]?\d){8}|0\d{3}-\d{4})(?!\d)"
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[a-zA-Z]{2}\b")
_HOUSE_NUMBER = re.compile(r"\b\d{1,5}\s?[a-zA-Z]?\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){10,30}\b")
_NAME = re.compile(
    r"\b(naam|name|voornaam|achternaam|kind|cliënt|client|moeder|vader|ouder|zoon|dochter)\s*[:=]\s*[A-Z][\w'-]+",
    re.I,
)

_KINDS = {
    "bsn": "een BSN",
    "datum": "een (geboorte)datum",
    "telefoon": "een telefoonnummer",
    "email": "een e-mailadres",
    "adres": "een postcode met huisnummer",
    "iban": "een rekeningnummer (IBAN)",
    "naam": "een naam",
}


@dataclass(frozen=True)
class PiiHit:
    """One kind of client data found (never the matched text itself)."""

    kind: str


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _is_bsn(digits: str) -> bool:
    """The 11-proof: weights 9..2 and -1 on the last digit; the sum is a multiple of 11."""
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _is_iban(text: str) -> bool:
    """The mod-97 check of ISO 13616."""
    compact = text.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _phones(text: str, allowed: set[str]) -> bool:
    # Digits inside an account number are not a phone number.
    masked = _IBAN.sub(" ", text.upper())
    return any(_digits(m.group(0)) not in allowed for m in _PHONE.finditer(masked))


def _address(text: str) -> bool:
    for match in _POSTCODE.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if _HOUSE_NUMBER.search(after) or re.search(r"\d{1,5}\s?[a-zA-Z]?\W*$", before):
            return True
    return False


def find_pii(text: str, *, allowed_numbers: Iterable[str] = ()) -> tuple[PiiHit, ...]:
    """The kinds of client data in ``text``; ``allowed_numbers`` are phone numbers that may stay
    (the professional's own callback number, known partner numbers such as 0800-2000)."""
    allowed = {_digits(n) for n in allowed_numbers} | {"08002000", "112"}
    found: list[str] = []
    if any(_is_bsn(_digits(m.group(1))) for m in _BSN.finditer(text)) or _BSN_CONTEXT.search(text):
        found.append("bsn")
    if _DATE.search(text):
        found.append("datum")
    if _phones(text, allowed):
        found.append("telefoon")
    if _EMAIL.search(text):
        found.append("email")
    if _address(text):
        found.append("adres")
    if any(_is_iban(m.group(0)) for m in _IBAN.finditer(text.upper())):
        found.append("iban")
    if _NAME.search(text):
        found.append("naam")
    return tuple(PiiHit(kind) for kind in found)


def explain(hits: Iterable[PiiHit]) -> str:
    """A plain Dutch refusal that says what to remove (and that nothing was kept)."""
    kinds = [_KINDS[h.kind] for h in hits]
    listed = ", ".join(kinds[:-1]) + f" en {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return (
        f"Uw tekst lijkt cliëntgegevens te bevatten: {listed}. Haal die weg en stuur de vraag "
        "opnieuw, zonder gegevens die naar het kind of gezin leiden. "
        "Verbind heeft de tekst niet bewaard."
    )
