"""Keeps request lines, headers and query strings out of aiohttp's own log records.

aiohttp logs a malformed or oversized request with its raw request line (at ERROR for a line that
is too long, at DEBUG for other bad requests, with the exception and its text), and a client
chooses what that line holds: ``GET /?bsn=...``. A filter on each of aiohttp's loggers replaces
every such record with one that names only the logger, the level and the exception's type.
Records that Verbind writes itself through aiohttp's access logger (:class:`bot.app.AccessLog`)
are marked safe and pass unchanged. A request the client got wrong (aiohttp's
``HttpProcessingError``: a bad or oversized line) is the client's fault, answered 400: it is
logged at INFO, not as a server error.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

__all__ = [
    "AIOHTTP_LOGGERS",
    "SAFE",
    "RedactingFilter",
    "install_log_redaction",
    "logged_method",
    "logged_route",
]

AIOHTTP_LOGGERS = (
    "aiohttp.access",
    "aiohttp.client",
    "aiohttp.internal",
    "aiohttp.server",
    "aiohttp.web",
    "aiohttp.websocket",
)
SAFE = {"verbind_safe": True}
"""``extra=SAFE`` on a record whose arguments Verbind chose (no client-controlled text)."""


class RedactingFilter(logging.Filter):
    """Rewrites a record to "<logger>: <what happened>" without its arguments or traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "verbind_safe", False):
            return True
        error = record.exc_info[1] if record.exc_info else None
        kind = type(error).__name__ if error is not None else None
        if isinstance(error, HttpProcessingError) and record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg = f"{record.name}: request not logged in full" + (f" ({kind})" if kind else "")
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the filter to each aiohttp logger (once; calling again changes nothing)."""
    for name in AIOHTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})


def logged_method(request: web.BaseRequest) -> str:
    """The request's method as it may be logged: a standard one, else ``-``."""
    return request.method if request.method in _METHODS else "-"


def logged_route(request: web.BaseRequest) -> str:
    """The matched route's pattern (``/inbox/{partner}``), never the path as sent, which a
    client fills; ``-`` for a request no route saw (a malformed one)."""
    if not isinstance(request, web.Request):
        return "-"
    try:
        resource = request.match_info.route.resource
    except AssertionError:  # aiohttp asserts when routing never ran
        return "-"
    return resource.canonical if resource is not None else "-"
