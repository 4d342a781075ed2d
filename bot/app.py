"""The aiohttp application: one factory, nothing built at import time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from bot.pickup import add_pickup_routes
from bot.reload import install_reload
from bot.services import build_services
from bot.settings import Settings
from bot.teams import TeamsEndpoint
from bot.web import mount_web
from dialogs.conversation import Conversation
from dialogs.session import MemorySessionStore
from knowledge.library import KnowledgeBase
from knowledge.loader import load_knowledge

__all__ = ["CONVERSATION", "SESSIONS", "create_app"]

CONVERSATION = web.AppKey("conversation", Conversation)
SESSIONS = web.AppKey("sessions", MemorySessionStore)


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
    install_reload(app, conversation, settings.content_dir)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/messages", teams.handle)
    add_pickup_routes(app, conversation)
    app.on_startup.append(teams.start)
    app.on_cleanup.append(teams.stop)
    app.on_cleanup.append(lambda _: services.close())
    mount_web(app, conversation=conversation, settings=settings)
    if settings.slack_enabled:
        from bot.slack import mount_slack

        mount_slack(app, settings=settings, conversation=conversation, intakes=services.intakes)
    return app
