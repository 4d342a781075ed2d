"""The aiohttp application: one factory, nothing built at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.access import StaffAccess, inbox_realm, report_realm
from bot.channels.teams.endpoint import TeamsEndpoint
from bot.channels.web.diagrams import mount_diagrams
from bot.channels.web.page import TRUSTED_PROXIES, TURN_PATH, mount_web
from bot.intake.inboxpage import mount_inbox
from bot.intake.intakes import PICKUP_PATH
from bot.intake.pickup import add_pickup_routes
from bot.outage import outage_middleware
from bot.privatelog import SAFE, install_log_redaction, logged_method, logged_route
from bot.reload import install_reload
from bot.reportpage import mount_report, report_url
from bot.services import Services, build_services
from bot.settings import Settings
from bot.storage.backends import ExpiringSessionStore, open_database, open_sessions
from bot.storage.recent import MemoryRecentRequests, PostgresRecentRequests, RecentRequests
from dialogs.conversation import Conversation
from dialogs.session import MemorySessionStore, StorageUnavailableError
from knowledge.library import KnowledgeBase
from knowledge.loader import load_knowledge

__all__ = ["CONVERSATION", "SESSIONS", "AccessLog", "create_app"]

CONVERSATION = web.AppKey("conversation", Conversation)
SESSIONS = web.AppKey[ExpiringSessionStore]("sessions")
TURN_PATHS = ("/api/messages", TURN_PATH, "/slack/events", PICKUP_PATH)
"""The routes that take turns: answered 503 while storage is down."""

_log = logging.getLogger("verbind.app")


class AccessLog(AbstractAccessLogger):
    """One line per request: method, route, status, size and time — never the query string or
    the path as sent, which a client could fill with anything: the route's pattern, or ``-`` when
    no route matched (``web.run_app(..., access_log_class=AccessLog)``)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d %d %.1fms",
            logged_method(request),
            logged_route(request),
            response.status,
            response.body_length,
            time * 1000,
            extra=SAFE,
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def _purging(
    sessions: ExpiringSessionStore, *, every: float
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Drop idle sessions now and then, so a long-running server does not keep them."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(every)
                try:
                    await sessions.purge()
                except StorageUnavailableError:
                    _log.warning("session purge skipped: storage unavailable")

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def _storage(services: Services) -> Callable[[web.Application], AsyncIterator[None]]:
    """Connect to the database before serving (StorageUnavailableError: the server does not
    start) and release every connection when it stops."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        await services.open()
        yield
        await services.close()

    return context


def _teams_endpoint(
    settings: Settings,
    conversation: Conversation,
    sessions: ExpiringSessionStore,
    recent: RecentRequests,
) -> TeamsEndpoint:
    """The Teams adapter ``VERBIND_TEAMS_SDK`` names; only that SDK is imported."""
    if settings.teams_sdk == "agents":
        from bot.channels.teams.agents_adapter import TeamsEndpoint as AgentsEndpoint

        return AgentsEndpoint(conversation, settings, sessions=sessions, recent=recent)
    from bot.channels.teams.botbuilder_adapter import TeamsEndpoint as BotFrameworkEndpoint

    return BotFrameworkEndpoint(conversation, settings, sessions=sessions, recent=recent)


async def healthz(request: web.Request) -> web.Response:
    """Liveness and the content version in force."""
    conversation = request.app[CONVERSATION]
    sessions = request.app[SESSIONS]
    body: dict[str, object] = {"status": "ok", "content": conversation.knowledge.meta.version}
    if isinstance(sessions, MemorySessionStore):
        # Only the embedded store is counted here: a count in PostgreSQL is a query per probe.
        body["sessions"] = {
            "count": len(sessions),
            "cap": sessions.max_sessions,
            "evicted": sessions.evicted,
        }
    return web.json_response(body)


def create_app(
    settings: Settings,
    *,
    knowledge: KnowledgeBase | None = None,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """The HTTP app: ``/healthz``, ``/api/messages`` (Teams), ``/slack/events`` when configured,
    the local web chat page at ``/`` (``VERBIND_WEB_PAGE``) and the staff pages (the partner
    inbox and the report; their access rule is bot.access). ``clock``: POSIX seconds, for the
    inbox, the pick-up rule and staff sessions."""
    install_log_redaction()
    loaded = knowledge if knowledge is not None else load_knowledge(settings.content_dir)
    database = open_database(settings)
    sessions = open_sessions(settings, database)
    services = build_services(
        settings,
        loaded,
        sessions=sessions,
        database=database,
        inbox=settings.web_page != "off" or bool(settings.inbox_secret),
        clock=clock,
        report_url=report_url(settings),
    )
    probe = database.probe if database is not None else None
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[outage_middleware(turn_paths=TURN_PATHS, probe=probe)],
    )
    conversation = services.conversation
    app[CONVERSATION] = conversation
    app[SESSIONS] = sessions
    app.cleanup_ctx.append(_storage(services))
    app.cleanup_ctx.append(_purging(sessions, every=settings.session_purge_seconds))
    # Handled Slack requests and Teams welcomes: per process, or shared on PostgreSQL.
    recent: RecentRequests = (
        PostgresRecentRequests(database) if database is not None else MemoryRecentRequests()
    )
    teams = _teams_endpoint(settings, conversation, sessions, recent)
    services.intakes.add_courier("teams", teams.courier)
    install_reload(app, conversation, settings.content_dir)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/messages", teams.handle)
    add_pickup_routes(app, conversation)
    app.on_startup.append(teams.start)
    app.on_cleanup.append(teams.stop)
    app[TRUSTED_PROXIES] = settings.trusted_proxies
    mount_web(app, conversation=conversation, settings=settings, secret=services.secret)
    mount_diagrams(app, conversation=conversation, settings=settings)
    if services.inbox is not None:
        mount_inbox(
            app,
            conversation=conversation,
            inbox=services.inbox,
            partners=services.intakes.partners(),
            settings=settings,
            access=StaffAccess(settings, inbox_realm(settings), key=services.secret, clock=clock),
        )
    mount_report(
        app,
        conversation=conversation,
        register=services.register,
        access=StaffAccess(settings, report_realm(settings), key=services.secret, clock=clock),
    )
    if settings.slack_enabled:
        from bot.channels.slack.bolt import mount_slack

        mount_slack(
            app,
            settings=settings,
            conversation=conversation,
            intakes=services.intakes,
            recent=recent,
        )
    return app
