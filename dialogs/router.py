"""The port for free text that is not an answer: where should it go?"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Router"]


class Router(Protocol):
    """Finds where free text should go.

    ``route`` returns target ids, best first, such as ``tree:afwegingskader`` or
    ``faq:anoniem-advies``. One target: go there. Several: ask "bedoelt u…". None: the honest
    fallback.
    """

    def route(self, text: str) -> tuple[str, ...]:
        """The targets for ``text`` (already length-capped and cleaned)."""
        ...
