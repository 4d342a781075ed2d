"""Text normalisation shared by choice matching and search."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "slug"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse white space."""
    if text.isascii():  # no accents to strip: most messages, and much faster
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", plain).strip()


def slug(text: str) -> str:
    """A stable id made from a label: ``"Ja, meteen"`` becomes ``"ja-meteen"``."""
    return normalise(text).replace(" ", "-")[:64] or "x"
