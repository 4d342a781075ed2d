"""Sealed tokens: ids a button or link carries that nobody can forge or alter.

Two forms, both with an HMAC-SHA256 keyed with the deployment's key and a ``purpose``, so a token
sealed for one use (a pick-up) is never accepted for another (a record after a notice):

- ``seal``: the URL-safe base64 of a JSON object, with the moment it was sealed (``iat``);
- ``seal_ids``: a few ids joined by dots, compact enough for a button's payload everywhere
  (the web page takes at most 200 characters).

Tokens are readable, not secret: they carry ids only (a reference, a kind, a partner id), never
typed text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["seal", "seal_ids", "unseal", "unseal_ids"]

_MAC_LENGTH = 32
"""Hex digits of the HMAC kept (128 bits)."""


def seal(data: Mapping[str, Any], key: bytes, *, purpose: str, issued: float | None = None) -> str:
    """``data`` (JSON-serialisable ids) as a token for ``purpose``, stamped with ``issued``
    (Unix seconds; now when None)."""
    stamped = {**data, "iat": int(time.time() if issued is None else issued)}
    body = base64.urlsafe_b64encode(json.dumps(stamped).encode()).decode().rstrip("=")
    return f"{body}.{_mac(body, key, purpose)}"


def unseal(token: str, key: bytes, *, purpose: str) -> tuple[dict[str, Any], float] | None:
    """The data sealed in ``token`` for ``purpose`` and when it was sealed (Unix seconds; 0 for
    a token without a stamp), or None when it is malformed, forged or sealed for another use."""
    body, _, mac = token.partition(".")
    if not body or not hmac.compare_digest(mac.encode(), _mac(body, key, purpose).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    issued = data.pop("iat", 0)
    return data, float(issued) if isinstance(issued, int | float) else 0.0


_ID = re.compile(r"[A-Za-z0-9_-]*")
"""An id as the content spells them (an empty one stands for none)."""


def seal_ids(ids: Sequence[str], key: bytes, *, purpose: str) -> str:
    """``ids`` (letters, digits, ``-`` and ``_``; "" for none) as a compact token for
    ``purpose``; ValueError for anything else."""
    if not all(_ID.fullmatch(i) for i in ids):
        raise ValueError("only ids can be sealed")
    body = ".".join(ids)
    return f"{body}.{_mac(body, key, purpose)}"


def unseal_ids(token: str, key: bytes, *, purpose: str, count: int) -> tuple[str, ...] | None:
    """The ``count`` ids sealed in ``token`` for ``purpose``, or None when it is not such a
    token (malformed, forged, altered, sealed for another use)."""
    body, _, mac = token.rpartition(".")
    if not body or not hmac.compare_digest(mac.encode(), _mac(body, key, purpose).encode()):
        return None
    ids = tuple(body.split("."))
    return ids if len(ids) == count else None


def _mac(body: str, key: bytes, purpose: str) -> str:
    message = f"{purpose}:{body}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_MAC_LENGTH]
