"""What a Teams endpoint does with a checked activity, whichever SDK carries the turn.

Both adapters hand the activity dict here: messages and welcomes become turns for the conversation,
"Ik pak dit op" presses pass the pick-up gate first, replies go to the Bot Connector (or back to
the SDK to buffer, for ``deliveryMode: expectReplies``), compose-box searches get contact cards.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.channels.teams.activity import (
    COMPOSE_RESULTS,
    POSTING_TYPES,
    compose_query,
    compose_result,
    message_turn,
    session_key,
    welcome_key,
    welcome_turn,
    welcomes,
)
from bot.channels.teams.cards import reply_activity, reply_document
from bot.channels.teams.connector import ConnectorSender
from bot.loopback import is_loopback_address
from bot.storage.recent import RecentRequests
from dialogs.conversation import Conversation
from dialogs.session import SessionStore
from dialogs.turn import Turn

__all__ = ["TeamsTurns"]


class TeamsTurns:
    """The SDK-free part of a Teams endpoint: local-mode limits, turns, replies, invokes."""

    def __init__(
        self,
        conversation: Conversation,
        *,
        sessions: SessionStore,
        sender: ConnectorSender,
        local: bool,
        welcomed: RecentRequests,
    ) -> None:
        self.conversation = conversation
        self.sender = sender
        self._sessions = sessions
        self.local = local
        """Local mode: no MicrosoftAppId, so no token is checked (this machine only)."""
        self._welcomed = welcomed

    def refuse_early(self, request: web.Request) -> None:
        """403 for another machine in local mode; 415 for a body that is not JSON."""
        if self.local and not is_loopback_address(request.remote):
            raise web.HTTPForbidden(text="Zonder MicrosoftAppId alleen vanaf deze computer.")
        if request.content_type != "application/json":
            raise web.HTTPUnsupportedMediaType(text="Content-Type moet application/json zijn.")

    def refuse_relay(self, body: dict[str, Any]) -> None:
        """403 when answering would post to a service URL we must not post to (local mode)."""
        posts = (
            body["type"] in POSTING_TYPES
            and body.get("deliveryMode") != "expectReplies"
            and bool(body.get("serviceUrl"))
        )
        if posts and not self.sender.may_post(str(body["serviceUrl"])):
            raise web.HTTPForbidden(
                text="Zonder MicrosoftAppId alleen antwoorden naar deze computer."
            )

    async def answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Run the turn a message or welcome makes; post its replies to the Bot Connector, or
        return them (as activity dicts) for the SDK to buffer when the sender expects replies.
        Raises ConnectionError, ClientError or TimeoutError when posting fails."""
        turn = await self._turn(body)
        if turn is None:
            return []
        expect_replies = body.get("deliveryMode") == "expectReplies"
        replies = await self.sender.while_typing(
            body, self.conversation.handle(turn), show=not expect_replies
        )
        if expect_replies:
            return [reply_activity(r) for r in replies]
        if replies:
            await self.sender.send_documents(body, [reply_document(r) for r in replies])
        return []

    def invoke_result(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The body of an invoke's answer: contact cards for a compose-box search, else None."""
        if body.get("name") != "composeExtension/query":
            return None
        query = compose_query(body.get("value"))
        cards = (
            self.conversation.contacts_for(query, limit=COMPOSE_RESULTS) if query.strip() else ()
        )
        return compose_result(cards)

    async def _turn(self, body: dict[str, Any]) -> Turn | None:
        if body["type"] == "message":
            return message_turn(body)
        if welcomes(body) and await self._first_welcome(body):
            return welcome_turn(body)
        return None

    async def _first_welcome(self, body: dict[str, Any]) -> bool:
        """Teams sends installationUpdate and conversationUpdate for one install, often in the
        same millisecond: greet a conversation that has no session yet (nothing is reset), and
        only once per install — the claim is atomic, and shared by instances on PostgreSQL."""
        if await self._sessions.load(session_key(body)) is not None:
            return False
        return await self._welcomed.first_time(welcome_key(body))
