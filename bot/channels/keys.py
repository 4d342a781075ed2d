"""The opaque session key every channel derives from who is talking where."""

from __future__ import annotations

import hashlib

__all__ = ["session_key"]


def session_key(channel: str, *parts: str | None) -> str:
    """``channel:`` plus a hash of ``parts`` (workspace, conversation, user, or a cookie).

    Sessions are stored under this key, so the ids it is made of (and a cookie, a bearer id)
    are never stored themselves. Parts are joined with a unit separator, which no id holds.
    """
    raw = "\x1f".join(part or "" for part in parts)
    return f"{channel}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"
