"""Builds a deployment's conversation with its register, intakes and notifier from settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.intakes import ChannelNotifier, Intakes, WebhookCourier, load_intakes
from bot.settings import Settings
from bot.sqliteregister import SqliteRegister
from bot.storage import open_register, register_key
from dialogs.conversation import Conversation
from dialogs.session import SessionStore
from knowledge.library import KnowledgeBase

__all__ = ["Services", "build_services"]


@dataclass(frozen=True)
class Services:
    """What one process serves with."""

    conversation: Conversation
    register: SqliteRegister
    intakes: Intakes
    webhook: WebhookCourier

    async def close(self) -> None:
        """Release connections."""
        await self.webhook.close()
        self.register.close()


def build_services(
    settings: Settings, knowledge: KnowledgeBase, *, sessions: SessionStore
) -> Services:
    """The conversation and its ports; raises ContentError for a bad intakes file and
    ValueError for a bad register key."""
    targets = load_intakes(settings.intakes_file, knowledge) if settings.intakes_file else ()
    intakes = Intakes(targets)
    webhook = WebhookCourier(public_url=settings.public_url)
    intakes.add_courier("webhook", webhook)
    register = open_register(settings)
    conversation = Conversation(
        knowledge,
        sessions=sessions,
        register=register,
        intakes=intakes,
        notifier=ChannelNotifier(intakes),
        key=register_key(settings),
    )
    return Services(conversation, register, intakes, webhook)
