"""The aiohttp application: one factory, nothing built at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.diagrams import mount_diagrams
from bot.pickup import add_pickup_routes
from bot.services import build_services
from bot.settings import Settings
from bot.teams import TeamsEndpoint
from bot.web import mount_web
from dialogs.conversation import Conversation
from dialogs.session import MemorySessionStore
from knowledge.library import KnowledgeBase
from knowledge.loader import load_knowledge

__all__ = ["CONVERSATION", "SESSIONS", "AccessLog", "create_app"]

CONVERSATION = web.AppKey("conversation", Conversation)
SESSIONS = web.AppKey("sessions", MemorySessionStore)


class AccessLog(AbstractAccessLogger):
    """One line per request: method, path, status, size and time — never the query string,
    which a client could fill with anything (``web.run_app(..., access_log_class=AccessLog)``)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d %d %.1fms",
            request.method,
            request.rel_url.path,
            response.status,
            response.body_length,
            time * 1000,
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def _purging(
    sessions: MemorySessionStore, *, every: float
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Drop idle sessions now and then, so a long-running server does not keep them."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(every)
                sessions.purge()

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


async def healthz(request: web.Request) -> web.Response:
    """Liveness and the content version in force."""
    conversation = request.app[CONVERSATION]
    return web.json_response({"status": "ok", "content": conversation.knowledge.meta.version})


def create_app(settings: Settings, *, knowledge: KnowledgeBase | None = None) -> web.Application:
    """The HTTP app: ``/healthz``, ``/api/messages`` (Teams), ``/slack/events`` when configured,
    and the local web chat page at ``/`` (``VERBIND_WEB_PAGE``)."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    loaded = knowledge if knowledge is not None else load_knowledge(settings.content_dir)
    sessions = MemorySessionStore(idle_seconds=settings.session_idle_seconds)
    services = build_services(settings, loaded, sessions=sessions)
    conversation = services.conversation
    app[CONVERSATION] = conversation
    app[SESSIONS] = sessions
    app.cleanup_ctx.append(_purging(sessions, every=settings.session_purge_seconds))
    teams = TeamsEndpoint(conversation, settings)
    services.intakes.add_courier("teams", teams.courier)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/messages", teams.handle)
    add_pickup_routes(app, conversation)
    app.on_startup.append(teams.start)
    app.on_cleanup.append(teams.stop)
    app.on_cleanup.append(lambda _: services.close())
    mount_web(app, conversation=conversation, settings=settings)
    mount_diagrams(app, conversation=conversation, settings=settings)
    if settings.slack_enabled:
        from bot.slack import mount_slack

        mount_slack(app, settings=settings, conversation=conversation, intakes=services.intakes)
    return app
