"""The Bot Framework's token signing keys, fetched without blocking the event loop.

The SDK's own key cache (``botframework.connector.auth.jwt_token_extractor._OpenIdMetadata``)
fetches the OpenID metadata and the key set with ``requests.get`` inside the event loop and with
no timeout: a slow identity endpoint stalls every request. This replacement fetches both with
aiohttp, bounded by a timeout, one fetch at a time per address, and keeps the keys for a day
(refreshing at most once an hour when a token names a key it does not know), like the SDK.
When a refresh fails the keys in hand stay in use; only without any keys does a request fail with
:class:`SigningKeysUnavailableError` (the endpoint answers 503). After a failure, requests within
``RETRY_AFTER_FAILURE_SECONDS`` fail at once instead of each waiting out another timeout.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout
from jwt.algorithms import RSAAlgorithm

__all__ = ["SigningKey", "SigningKeySet", "SigningKeysUnavailableError"]

KEEP_SECONDS = 24 * 3600.0
RETRY_UNKNOWN_SECONDS = 3600.0
RETRY_AFTER_FAILURE_SECONDS = 10.0
MAX_METADATA_BYTES = 256 * 1024


class SigningKeysUnavailableError(ConnectionError):
    """The signing keys could not be fetched (timeout, network error, unreadable answer)."""


@dataclass(frozen=True)
class SigningKey:
    """One key as the SDK reads it: ``public_key`` and the channels it is ``endorsements`` for."""

    public_key: Any
    endorsements: list[str]


class SigningKeySet:
    """The keys announced at one OpenID metadata address (``get(kid)``, as the SDK calls it)."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self._keys: dict[str, SigningKey] = {}
        self._fetched = float("-inf")
        self._failed = float("-inf")
        self._lock = asyncio.Lock()

    async def get(self, key_id: str | None) -> SigningKey | None:
        """The key with id ``key_id``; None when the key set does not name it.
        SigningKeysUnavailableError when there are no keys and they cannot be fetched."""
        now = time.monotonic()
        stale = now - self._fetched > KEEP_SECONDS
        unknown = key_id not in self._keys and now - self._fetched > RETRY_UNKNOWN_SECONDS
        if stale or unknown:
            try:
                await self._refresh(stale_after=KEEP_SECONDS if stale else RETRY_UNKNOWN_SECONDS)
            except SigningKeysUnavailableError:
                if not self._keys:
                    raise
        return self._keys.get(key_id) if isinstance(key_id, str) else None

    async def _refresh(self, *, stale_after: float) -> None:
        asked = time.monotonic()
        if asked - self._failed < RETRY_AFTER_FAILURE_SECONDS:
            raise SigningKeysUnavailableError("failed just now")
        async with self._lock:
            if self._failed >= asked:
                raise SigningKeysUnavailableError("failed while waiting")
            if time.monotonic() - self._fetched <= stale_after:
                return  # another request fetched them while this one waited
            try:
                async with ClientSession(timeout=ClientTimeout(total=self.timeout)) as session:
                    metadata = await _json(session, self.url)
                    keys = await _json(session, str(metadata["jwks_uri"]))
                self._keys = _parse(keys)
            except (ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
                self._failed = time.monotonic()
                raise SigningKeysUnavailableError(type(exc).__name__) from exc
            self._fetched = time.monotonic()


async def _json(session: ClientSession, url: str) -> Any:
    async with session.get(url, allow_redirects=False) as response:
        response.raise_for_status()
        return json.loads(await response.content.read(MAX_METADATA_BYTES))


def _parse(document: Any) -> dict[str, SigningKey]:
    """``{"keys": [jwk, ...]}`` → keys by id; keys that are not RSA keys are left out."""
    keys: dict[str, SigningKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        try:
            public_key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        except Exception:
            continue
        endorsements = jwk.get("endorsements")
        keys[jwk["kid"]] = SigningKey(
            public_key, [e for e in endorsements if isinstance(e, str)] if endorsements else []
        )
    return keys
