"""Strict JSON for request bodies: lone surrogates are refused however the body is encoded."""

from __future__ import annotations

import pytest

from bot.strictjson import loads_strict

_ESCAPED = '{"text": "\\ud800"}'
_RAW = '{"text": "\ud800"}'


@pytest.mark.parametrize(
    "raw",
    [
        _ESCAPED.encode(),
        _ESCAPED.encode("utf-16-le"),
        _ESCAPED.encode("utf-16"),
        _ESCAPED.encode("utf-32"),
        _RAW.encode("utf-8", "surrogatepass"),
        _RAW.encode("utf-16-le", "surrogatepass"),
        _ESCAPED,
        _RAW,
    ],
)
def test_a_lone_surrogate_is_refused_in_every_encoding(raw: bytes | str) -> None:
    """A lone surrogate, escaped or encoded, in UTF-8, UTF-16 or UTF-32 bytes or in a string,
    is a ValueError (the routes answer 400), also where the fast path skips the full check."""
    with pytest.raises(ValueError, match="valid Unicode"):
        loads_strict(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b'{"text": "ja"}', {"text": "ja"}),
        ('{"text": "één \\"x\\" \\u00e9"}'.encode(), {"text": 'één "x" é'}),
        ('{"text": "\\ud83d\\ude00"}'.encode("utf-16"), {"text": "\U0001f600"}),
    ],
)
def test_valid_bodies_are_read(raw: bytes, value: object) -> None:
    """Plain ASCII, UTF-8 with escapes and an escaped surrogate pair in UTF-16 are read as
    written."""
    assert loads_strict(raw) == value
