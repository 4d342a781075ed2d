"""The framework-free conversation core. No channel SDKs and no aiohttp here."""

from dialogs.commands import Command, parse_command
from dialogs.conversation import MAX_TEXT_LENGTH, Conversation, clean_text
from dialogs.matching import match_choice
from dialogs.plaintext import (
    contact_fields,
    contact_text,
    numbered_choices,
    reply_text,
    source_text,
    verified_text,
)
from dialogs.router import Router
from dialogs.session import (
    DEFAULT_IDLE_SECONDS,
    MemorySessionStore,
    Offer,
    Session,
    SessionConflictError,
    SessionStore,
    StorageUnavailableError,
    StoredSession,
)
from dialogs.turn import Button, ContactCard, Payload, Reply, SourceNote, Turn

__all__ = [
    "DEFAULT_IDLE_SECONDS",
    "MAX_TEXT_LENGTH",
    "Button",
    "Command",
    "ContactCard",
    "Conversation",
    "MemorySessionStore",
    "Offer",
    "Payload",
    "Reply",
    "Router",
    "Session",
    "SessionConflictError",
    "SessionStore",
    "SourceNote",
    "StorageUnavailableError",
    "StoredSession",
    "Turn",
    "clean_text",
    "contact_fields",
    "contact_text",
    "match_choice",
    "numbered_choices",
    "parse_command",
    "reply_text",
    "source_text",
    "verified_text",
]
