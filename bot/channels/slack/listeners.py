"""What Verbind does with each Slack event, command and click: one turn each, answered where
the user wrote (see ``bot.channels.slack.bolt`` for the rules). Registered on Bolt's AsyncApp by
``build_bolt``; nothing here logs message text or request bodies."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.keys import session_key
from bot.channels.slack.blocks import FORM_BLOCK, reply_message
from bot.storage.recent import RecentRequests
from dialogs.conversation import Conversation
from dialogs.turn import Payload, Reply, Turn

__all__ = ["CHANNEL", "REACH", "SlackListeners", "as_object", "text"]

CHANNEL = "slack"
REACH = "Slack"
"""How a partner is told to reach the user here (``Turn.reach``)."""
SEND_ERRORS = (SlackApiError, ClientError, TimeoutError, ValueError)
"""What posting to Slack can raise: an API error, the network, a timeout, a bad address."""
_TEXT_SUBTYPES = frozenset({"file_share", "thread_broadcast", "me_message"})
"""``message`` subtypes that carry words a person wrote (a plain message has no subtype)."""
_NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
"""chat.postMessage errors where the private response_url still reaches the user."""
_MENTION = re.compile(r"<@[A-Z0-9]+>")
_log = logging.getLogger("verbind.slack")

Json = dict[str, Any]


class SlackListeners:
    """Bolt's listeners, as methods over the conversation and the Slack Web API client."""

    def __init__(
        self,
        conversation: Conversation,
        client: AsyncWebClient,
        *,
        seen: RecentRequests,
    ) -> None:
        self._conversation = conversation
        self._client = client
        self._seen = seen

    async def failed(self, error: Exception) -> None:
        """Bolt's error handler: the kind of failure, never the request."""
        if type(error).__name__ == "BoltUnhandledRequestError":
            _log.info("slack request ignored (no listener)")
        else:
            _log.error("slack listener failed error=%s", type(error).__name__)

    async def direct_message(self, body: Json, event: Json) -> None:
        """A message in a DM with the bot (in its thread when written in one)."""
        if event.get("channel_type") != "im" or not user_words(event):
            return
        await self._event_turn(body, event, text(event.get("text")) or "", threaded=False)

    async def mention(self, body: Json, event: Json) -> None:
        """An @mention in a channel: answered in its thread."""
        if not user_words(event):
            return
        words = _MENTION.sub("", text(event.get("text")) or "").strip()
        await self._event_turn(body, event, words, threaded=True)

    async def command(self, ack: Any, body: Json, respond: Any) -> None:
        """``/verbind …``: answered privately (only the user sees it)."""
        await ack()
        if not await self._once(body, "command"):
            return
        key = slack_key(body.get("team_id"), body.get("channel_id"), body.get("user_id"))
        turn = Turn(key, CHANNEL, text(body.get("text")) or "")
        await self._whisper(respond, await self._conversation.handle(turn))

    async def button(self, ack: Any, body: Json, action: Json, respond: Any) -> None:
        """A click on one of Verbind's buttons: answered where the button was."""
        await ack()
        payload = button_payload(action.get("value"))
        container = as_object(body.get("container"))
        channel = text(as_object(body.get("channel")).get("id")) or text(
            container.get("channel_id")
        )
        if payload is None or not channel or not await self._once(body, "action"):
            return
        user = text(as_object(body.get("user")).get("id"))
        team = text(as_object(body.get("team")).get("id"))
        turn = Turn(
            slack_key(team, channel, user),
            CHANNEL,
            payload=payload,
            form=form_values(body),
            sender=sender(user),
            address=f"{CHANNEL}:{channel}",
            reach=REACH,
            place=channel,
        )
        replies = await self._conversation.handle(turn)
        if container.get("is_ephemeral") is True and text(body.get("response_url")):
            await self._whisper(respond, replies)
            return
        thread = text(as_object(body.get("message")).get("thread_ts"))
        fallback = respond if body.get("response_url") else None
        await self._say(channel, replies, thread, fallback)

    async def link(self, ack: Any) -> None:
        """A tap on a url button (an emergency number): Slack opened the link; acknowledged."""
        await ack()

    async def _event_turn(self, body: Json, event: Json, words: str, *, threaded: bool) -> None:
        channel = text(event.get("channel"))
        if channel is None or not await self._once(body, "event"):
            return
        user = text(event.get("user"))
        turn = Turn(
            slack_key(text(body.get("team_id")), channel, user),
            CHANNEL,
            words,
            sender=sender(user),
            address=f"{CHANNEL}:{channel}",
            reach=REACH,
        )
        replies = await self._conversation.handle(turn)
        # In the thread written in; a mention outside a thread starts one on the mention.
        thread = text(event.get("thread_ts")) or (text(event.get("ts")) if threaded else None)
        await self._say(channel, replies, thread)

    async def _once(self, body: Json, kind: str) -> bool:
        unique = once_id(body, kind)
        return unique is None or await self._seen.first_time(unique)

    async def _whisper(self, respond: Any, replies: list[Reply]) -> None:
        """Privately, to the user who wrote (``response_url``)."""
        try:
            for reply in replies:
                await respond(
                    response_type="ephemeral", replace_original=False, **reply_message(reply)
                )
        except SEND_ERRORS as exc:
            _log.warning("slack respond failed error=%s", type(exc).__name__)

    async def _say(
        self, channel: str, replies: list[Reply], thread_ts: str | None, respond: Any = None
    ) -> None:
        sent = 0
        try:
            for reply in replies:
                await self._client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **reply_message(reply)
                )
                sent += 1
        except SlackApiError as exc:
            if respond is not None and exc.response.get("error") in _NOT_A_MEMBER:
                await self._whisper(respond, replies[sent:])
            else:
                _log.warning("slack post failed error=%s", type(exc).__name__)
        except SEND_ERRORS as exc:
            _log.warning("slack post failed error=%s", type(exc).__name__)


def user_words(event: Json) -> bool:
    """A message a person wrote: not an edit, a deletion, a join or a bot's message."""
    subtype = event.get("subtype")
    return not event.get("bot_id") and (subtype is None or subtype in _TEXT_SUBTYPES)


def once_id(body: Json, kind: str) -> str | None:
    """What makes this request unique: the event id, or a command's or click's trigger id."""
    if kind == "event":
        unique = text(body.get("event_id"))
    else:
        actions = [a for a in body.get("actions") or [] if isinstance(a, dict)]
        clicked = text(actions[0].get("action_ts")) if actions else None
        unique = text(body.get("trigger_id")) or clicked
    return f"{kind}:{unique}" if unique else None


def slack_key(team: str | None, channel: str | None, user: str | None) -> str:
    """The session key of one user in one Slack conversation."""
    # Slack's own ids as they were hashed before: a missing id reads "None".
    return session_key(CHANNEL, str(team), str(channel), str(user))


def button_payload(value: Any) -> Payload | None:
    """The payload a Verbind button carries (JSON with node and choice), or None."""
    if not isinstance(value, str):
        return None
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if (
        isinstance(data, dict)
        and isinstance(data.get("node"), str)
        and isinstance(data.get("choice"), str)
    ):
        return Payload(data["node"], data["choice"])
    return None


def form_values(body: Json) -> dict[str, str] | None:
    """Values typed into the message's input blocks, sent along with a button."""
    values = as_object(as_object(body.get("state")).get("values"))
    form: dict[str, str] = {}
    for block_id, actions in values.items():
        if (
            isinstance(block_id, str)
            and block_id.startswith(FORM_BLOCK)
            and isinstance(actions, dict)
        ):
            for action_id, state in actions.items():
                value = state.get("value") if isinstance(state, dict) else None
                if isinstance(value, str):
                    form[str(action_id)] = value
    return form or None


def sender(user: str | None) -> str | None:
    """How a partner is shown the requester: a Slack mention."""
    return f"<@{user}>" if user else None


def as_object(value: Any) -> Json:
    """``value`` when it is a JSON object, else an empty one (payload fields can be anything)."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str | None:
    """``value`` when it is a non-empty string (ids, channels, text), else None."""
    return value if isinstance(value, str) and value else None
