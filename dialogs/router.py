"""The port for free text that is not an answer: what does the professional mean?"""

from __future__ import annotations

from typing import Protocol

from knowledge.search import Routing

__all__ = ["Router", "Routing"]


class Router(Protocol):
    """Understands free text.

    ``understand`` returns a ``Routing``: an intent (``aanvragen``), target ids best first (such
    as ``tree:afwegingskader`` or ``gemeente:GM0355``; one: go there, several: ask "bedoelt u…",
    none: the honest fallback), a place to show beside a topic, an unknown place, a typed name.
    """

    def understand(self, text: str) -> Routing:
        """How ``text`` (already length-capped and cleaned) is understood."""
        ...
