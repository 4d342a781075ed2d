"""What the app needs from a Teams adapter, whichever SDK it runs on."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from bot.intake.intakes import Courier

__all__ = ["TeamsEndpoint"]


class TeamsEndpoint(Protocol):
    """``POST /api/messages`` plus the courier that posts intake requests and notices."""

    @property
    def courier(self) -> Courier:
        """Delivers consultation requests to Teams intake channels."""
        ...

    async def start(self, app: web.Application) -> None:
        """Open the outbound HTTP session (``app.on_startup``)."""

    async def stop(self, app: web.Application) -> None:
        """Close it (``app.on_cleanup``)."""

    async def handle(self, request: web.Request) -> web.Response:
        """One activity in, its HTTP answer out."""
        ...
