"""The bearer token of a Bot Framework request, refused on its header alone where it can be.

The Bot Framework and Teams sign their tokens with RS256 and name the key (``kid``). A token that
is not three base64url parts, whose header is not a JSON object, names another algorithm
(``none``, HS256, ES256, ...) or no key, cannot be valid whatever keys Microsoft announces: it is
refused (401) before any signing key is looked up or fetched, so such a token never waits on, or
gets a 503 from, an identity endpoint that is slow or down. Both Teams adapters call this first;
the SDK's own verification (signature, issuer, audience, expiry, endorsements) follows.
"""

from __future__ import annotations

import jwt

__all__ = ["ALGORITHM", "bearer_token"]

ALGORITHM = "RS256"
"""The only algorithm Bot Framework tokens are signed with."""


def bearer_token(header: str) -> str:
    """The token of an ``Authorization: Bearer <token>`` header whose JWT header names RS256
    and a key id; PermissionError (401) for anything else, with the reason's kind only."""
    scheme, _, rest = header.partition(" ")
    token = rest.strip()
    if scheme.lower() != "bearer" or not token or any(ch.isspace() for ch in token):
        raise PermissionError("not a bearer token")
    try:
        head = jwt.get_unverified_header(token)
    except Exception as exc:  # PyJWT raises DecodeError, and more kinds for odd input
        raise PermissionError("malformed token") from exc
    if head.get("alg") != ALGORITHM:
        raise PermissionError("algorithm not RS256")
    key_id = head.get("kid")
    if not isinstance(key_id, str) or not key_id:
        raise PermissionError("no key id")
    return token
