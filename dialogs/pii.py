"""A Dutch PII guard for free text that leaves the bot (a consultation question, for example).

It looks for client data a professional might paste by habit, anywhere in the text and each kind
on its own (one finding never hides another):

- BSN: nine digits passing the 11-proof (``stdnum.nl.bsn``), or digits after "bsn";
- dates (of birth): 12-03-2019, 2019-03-12, 3 maart 2019;
- phone numbers valid in the Netherlands (``phonenumbers``, region NL), except allowed ones;
- e-mail addresses;
- addresses: a postcode (1234 AB), or a street name with a house number (Dorpsstraat 12);
- IBAN (``stdnum.iban``, mod-97), also run together with the words around it;
- a name after naam, cliënt, client, kind, moeder, vader, zoon, dochter (and similar),
  as in "moeder Sanne de Vries" or "naam: Sanne".

Hits are refused with a plain Dutch explanation; the text itself is never stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

__all__ = ["PROMISE", "PiiHit", "explain", "find_pii", "findings"]

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
_DIGIT = re.compile(r"\d")
"""Any decimal digit (Unicode, as ``phonenumbers``' own pattern reads them): every phone number
has one, so text without one skips the matcher, the costliest check of a message."""
_PHONE_SHAPE = re.compile(r"(?<![\w+])0\d(?:[\s-]?\d){8}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
_POSTCODE = re.compile(r"\b[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})\b")
_STREET = re.compile(
    r"\b[A-Za-zÀ-ÿ'-]*(?:straat|laan|weg|plein|singel|gracht|kade|dijk|hof|pad|steeg|dreef|"
    r"park|plantsoen|markt|baan|allee|boulevard|erf|wal|veld|hage|kwartier|ring|zoom|hoek)"
    r"\s+\d{1,5}(?:\s?[a-zA-Z]\b|\s?-\s?\d{1,4})?\b",
    re.I,
)
_NL_ACCOUNT_SHAPE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b", re.I)
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_IBAN_PART = re.compile(r"[ ]?([A-Za-z0-9]+)")
_NAME = re.compile(
    r"(?i:\b(?:naam|voornaam|achternaam|cliënt|client|kind|moeder|vader|ouder|zoon|dochter|"
    r"broer|zus|baby|meisje|jongen)\b)"
    r"(?:\s*[:=,]\s*|\s+(?i:is|heet|genaamd|van)?\s*)"
    r"(?P<name>[A-ZÀ-Þ][a-zà-ÿ'-]+)"
)
_NOT_NAMES = frozenset({"Veilig", "Thuis", "Jeugd", "JGZ", "GGD", "SAVE", "Ik", "Wij", "De", "Het"})

_KINDS = {
    "bsn": "een BSN",
    "datum": "een (geboorte)datum",
    "telefoon": "een telefoonnummer",
    "email": "een e-mailadres",
    "adres": "een adres of postcode",
    "iban": "een rekeningnummer (IBAN)",
    "naam": "een naam",
}
_LABELS = {
    "bsn": "BSN",
    "datum": "geboortedatum",
    "telefoon": "telefoonnummer",
    "email": "e-mailadres",
    "adres": "adres",
    "iban": "rekeningnummer",
    "naam": "naam",
}
PROMISE = "geen namen, geboortedata, BSN, adres, telefoonnummer, e-mailadres of rekeningnummer"
"""What the guard refuses, in the words a form can promise (each kind is checked here)."""
_ALWAYS_ALLOWED = frozenset({"08002000", "112"})


@dataclass(frozen=True)
class PiiHit:
    """One kind of client data found (never the matched text itself)."""

    kind: str


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _ibans(text: str) -> list[tuple[int, int]]:
    """Spans of valid IBANs: from each country code, the shortest run of words that checks."""
    spans = []
    for start in _IBAN_START.finditer(text):
        compact, end = "", start.start()
        for part in _IBAN_PART.finditer(text, start.start()):
            if part.start() != end or len(compact) + len(part.group(1)) > 34:
                break
            compact, end = compact + part.group(1), part.end()
            if len(compact) >= 15 and stdnum_iban.is_valid(compact.upper()):
                spans.append((start.start(), end))
                break
    return spans


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _has_bsn(text: str) -> bool:
    if _BSN_CONTEXT.search(text):
        return True
    return any(stdnum_bsn.is_valid(_digits(m.group(1)).zfill(9)) for m in _BSN.finditer(text))


def _has_phone(text: str, allowed: set[str]) -> bool:
    """A number valid in the Netherlands (``phonenumbers``), or one written as Dutch numbers
    are (ten digits from 0) in a range not handed out yet: typed by hand, it is still one."""
    if not _DIGIT.search(text):
        return False
    matcher = phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID)
    found = [m.raw_string for m in matcher] + [m.group(0) for m in _PHONE_SHAPE.finditer(text)]
    return any(_digits(number) not in allowed for number in found)


def _has_address(text: str) -> bool:
    return bool(_POSTCODE.search(text) or _STREET.search(text))


def _has_name(text: str) -> bool:
    return any(m.group("name") not in _NOT_NAMES for m in _NAME.finditer(text))


def _checks(allowed: set[str]) -> dict[str, Callable[[str], bool]]:
    return {
        "bsn": _has_bsn,
        "datum": lambda text: bool(_DATE.search(text)),
        "telefoon": lambda text: _has_phone(text, allowed),
        "email": lambda text: bool(_EMAIL.search(text)),
        "adres": _has_address,
        "naam": _has_name,
    }


def find_pii(text: str, *, allowed_numbers: Iterable[str] = ()) -> tuple[PiiHit, ...]:
    """The kinds of client data in ``text``; ``allowed_numbers`` are phone numbers that may stay
    (the professional's own callback number, known partner numbers such as 0800-2000)."""
    allowed = {_digits(n) for n in allowed_numbers} | _ALWAYS_ALLOWED
    ibans = _ibans(text)
    # The digits of an account number (even a mistyped one) are no phone number or BSN.
    shaped = [m.span() for m in _NL_ACCOUNT_SHAPE.finditer(text)]
    rest = _masked(text, [*ibans, *shaped])
    found = {kind for kind, check in _checks(allowed).items() if check(rest)}
    if ibans:
        found.add("iban")
    return tuple(PiiHit(kind) for kind in _KINDS if kind in found)


def findings(text: str) -> tuple[str, ...]:
    """Dutch labels of the kinds of client data in a chat message (``("BSN", "naam")``),
    for a reminder not to type them; empty when there are none."""
    return tuple(_LABELS[hit.kind] for hit in find_pii(text))


def explain(hits: Iterable[PiiHit]) -> str:
    """A plain Dutch refusal that says what to remove (and that nothing was kept)."""
    kinds = [_KINDS[h.kind] for h in hits]
    listed = ", ".join(kinds[:-1]) + f" en {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return (
        f"Uw tekst lijkt cliëntgegevens te bevatten: {listed}. Haal die weg en stuur de vraag "
        "opnieuw, zonder gegevens die naar het kind of gezin leiden. "
        "Verbind heeft de tekst niet bewaard."
    )
