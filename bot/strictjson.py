"""Request bodies as strict JSON: UTF-8, well formed, not absurdly deep, no lone surrogates.

``json.loads`` accepts ``"\\ud800"`` and returns a string that cannot be encoded again; such a
string fails later (hashing a session key, posting a reply) and would answer 500. Every route
that reads JSON from a client goes through here and answers 400 instead.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads_strict", "valid_unicode"]


def loads_strict(raw: bytes | str) -> Any:
    """The JSON value in ``raw``; ValueError when it is not strict JSON as described above."""
    try:
        value = json.loads(raw)
    except RecursionError as exc:  # "[[[[…" nested deeper than the parser goes
        raise ValueError("JSON nested too deeply") from exc
    # ASCII bytes without a backslash hold no surrogate in any encoding json.loads reads
    # (UTF-8/16/32: a surrogate needs a byte above 0x7F or a \u escape): only then is the
    # check skipped (it encodes the whole value again).
    if isinstance(raw, bytes) and raw.isascii() and b"\\" not in raw:
        return value
    if not valid_unicode(value):
        raise ValueError("JSON strings must be valid Unicode")
    return value


def valid_unicode(value: Any) -> bool:
    """True when every string in ``value`` (keys too) can be encoded as UTF-8."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (ValueError, TypeError, RecursionError):
        return False
    return True
