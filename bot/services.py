"""Builds a deployment's conversation with its register, intakes and notifier from settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.intake.inbox import Inbox, InboxCourier, inbox_targets
from bot.intake.intakes import ChannelNotifier, Intakes, WebhookCourier, load_intakes
from bot.settings import Settings
from bot.storage.backends import Register, open_register, register_key
from dialogs.consultation import MemoryRequesterBook
from dialogs.conversation import Conversation
from dialogs.session import SessionStore
from knowledge.library import KnowledgeBase

if TYPE_CHECKING:
    from bot.storage.postgres import Database

__all__ = ["Services", "build_services"]


@dataclass(frozen=True)
class Services:
    """What one process serves with."""

    conversation: Conversation
    register: Register
    intakes: Intakes
    webhook: WebhookCourier
    secret: bytes
    """The register key: what sealed tokens and cookies derive their keys from."""
    database: Database | None = None
    """The shared PostgreSQL pool, when the deployment has one."""
    inbox: Inbox | None = None
    """The built-in partner inbox (the embedded default, without an intakes file)."""

    async def open(self) -> None:
        """Connect to the database (migrating its schema); StorageUnavailableError if it is
        unreachable. Nothing to do for the embedded defaults."""
        if self.database is not None:
            await self.database.open()

    async def close(self) -> None:
        """Release connections."""
        await self.webhook.close()
        self.register.close()
        if self.database is not None:
            await self.database.close()


def build_services(
    settings: Settings,
    knowledge: KnowledgeBase,
    *,
    sessions: SessionStore,
    database: Database | None = None,
    inbox: bool = False,
    clock: Callable[[], float] = time.time,
    report_url: str | None = None,
) -> Services:
    """The conversation and its ports; raises ContentError for a bad intakes file and
    ValueError for a bad register key. With ``database``, call :meth:`Services.open` first.
    ``inbox``: without an intakes file, give every pack partner a built-in inbox (for a server,
    which shows it at ``/inbox``; a terminal chat has no one to read it). ``clock``: POSIX
    seconds, for the inbox's expiry and the pick-up rule. ``report_url``: where the server shows
    the report (``/rapport``), for the chat to link to."""
    targets = load_intakes(settings.intakes_file, knowledge) if settings.intakes_file else ()
    keep = settings.pickup_days * 86400  # a request outlives its pick-up button by no second
    wanted = inbox and settings.intakes_file is None
    store = Inbox(max_age_seconds=keep, clock=clock) if wanted else None
    if store is not None:
        targets = inbox_targets(knowledge)
    intakes = Intakes(targets)
    webhook = WebhookCourier(public_url=settings.public_url, timeout=settings.send_timeout_seconds)
    intakes.add_courier("webhook", webhook)
    if store is not None:
        intakes.add_courier("inbox", InboxCourier(store))
    register = open_register(settings, database)
    key = register_key(settings)
    conversation = Conversation(
        knowledge,
        sessions=sessions,
        register=register,
        intakes=intakes,
        notifier=ChannelNotifier(intakes),
        # The requester's own name and organisation live as long as a session does.
        requesters=MemoryRequesterBook(idle_seconds=settings.session_idle_seconds),
        key=key,
        clock=clock,
        pickup_days=settings.pickup_days,
        intake_places=intakes,
        report_url=report_url,
    )
    return Services(conversation, register, intakes, webhook, key, database, store)
