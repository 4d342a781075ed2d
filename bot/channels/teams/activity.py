"""Teams activities as plain JSON: what every Teams adapter shares, whatever SDK it runs on.

An activity here is the request body as parsed JSON (a dict). These functions check the fields
Verbind relies on, turn an activity into a channel-neutral :class:`Turn`, decide which lifecycle
events are a welcome, strip the bot's @mention, answer compose-box searches and address replies.
No SDK is imported: the Bot Framework adapter and the Microsoft 365 Agents SDK adapter call the
same code, so both answer alike (the Activity protocol is the same JSON on the wire).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.channels.keys import session_key as channel_key
from bot.channels.teams.cards import contact_attachment
from dialogs.turn import ContactCard, Payload, Turn

__all__ = [
    "ACTIVITY_TYPES",
    "CHANNEL",
    "COMPOSE_RESULTS",
    "POSTING_TYPES",
    "REACH",
    "BadActivityError",
    "check_activity",
    "compose_query",
    "compose_result",
    "logged_type",
    "mention_free_text",
    "message_turn",
    "reply_address",
    "requester_address",
    "session_key",
    "welcome_key",
    "welcome_turn",
    "welcomes",
]

CHANNEL = "teams"
REACH = "Teams"
"""How a partner is told to reach the user here (``Turn.reach``)."""
COMPOSE_RESULTS = 8
POSTING_TYPES = ("message", "conversationUpdate", "installationUpdate")
"""The activities answered by posting to the service URL (invokes are answered in the HTTP
response, and so is everything with ``deliveryMode: expectReplies``)."""
ACTIVITY_TYPES = frozenset(
    {
        "message",
        "messageUpdate",
        "messageDelete",
        "messageReaction",
        "conversationUpdate",
        "installationUpdate",
        "contactRelationUpdate",
        "typing",
        "endOfConversation",
        "event",
        "invoke",
        "invokeResponse",
        "deleteUserData",
        "suggestion",
        "trace",
        "handoff",
        "command",
        "commandResult",
    }
)
"""The Activity protocol's types: the only values of ``type`` that are ever logged."""
_AT_TAG = re.compile(r"<at\b[^>]*>.*?</at>", re.I | re.S)
_MARKUP = re.compile(r"<[^<>]*>")
_CARD_TYPES = "application/vnd.microsoft.card."


class BadActivityError(ValueError):
    """A request body that is not a usable activity."""


def check_activity(body: Any) -> dict[str, Any]:
    """``body`` when it is an activity Verbind can handle; BadActivityError otherwise.

    Required: a string ``type``; for messages and invokes a conversation id and a sender; for
    messages a service URL; any service URL an absolute http(s) address. The standard fields of
    the Activity schema have their shape (lists of objects, objects, ISO 8601 times): the rules
    the Bot Framework's model enforces when it reads a body, so both adapters refuse alike.
    """
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise BadActivityError("an activity is a JSON object with a 'type'")
    _check_address(body)
    _check_shapes(body)
    return body


def _check_address(body: dict[str, Any]) -> None:
    """Who wrote, in which conversation, and where answers go."""
    kind = body["type"]
    if kind in ("message", "invoke") and not (
        _conversation_id(body) and isinstance(body.get("from"), dict)
    ):
        raise BadActivityError("conversation and from are required")
    service_url = body.get("serviceUrl")
    if service_url is not None and not _web_address(service_url):
        raise BadActivityError("serviceUrl is an http(s) address")
    if kind == "message" and not service_url:
        raise BadActivityError("serviceUrl is required")


def _check_shapes(body: dict[str, Any]) -> None:
    """The standard fields that are lists of objects, objects, flags or times."""
    for name in _LISTS_OF_OBJECTS:
        items = body.get(name)
        if items is not None and not (
            isinstance(items, list) and all(i is None or isinstance(i, dict) for i in items)
        ):
            raise BadActivityError(f"{name} is a list of objects")
    for name in _OBJECTS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            raise BadActivityError(f"{name} is an object")
    is_group = _object(body.get("conversation")).get("isGroup")
    if is_group is not None and not (isinstance(is_group, bool) or is_group in ("true", "false")):
        raise BadActivityError("conversation.isGroup is true or false")
    for name in _TIMES:
        if body.get(name) is not None and not _iso_time(body[name]):
            raise BadActivityError(f"{name} is an ISO 8601 time")


_LISTS_OF_OBJECTS = ("membersAdded", "membersRemoved", "entities", "attachments")
_OBJECTS = ("from", "recipient", "conversation", "suggestedActions")
_TIMES = ("timestamp", "localTimestamp")


def _iso_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _web_address(url: Any) -> bool:
    """An absolute http(s) URL the sender can post to."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[" and other unparsable hosts
        return False


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _conversation_id(body: dict[str, Any]) -> str:
    return _text(_object(body.get("conversation")).get("id"))


def session_key(body: dict[str, Any]) -> str:
    """An opaque key per user within a conversation (channel threads are shared; sessions not).

    The tenant comes from ``channelData.tenant.id`` (PLATFORM.md: the SDK model drops
    ``conversation.tenantId``); the user is the Entra object id when Teams sends it.
    """
    tenant = _text(_object(_object(body.get("channelData")).get("tenant")).get("id"))
    user = _object(body.get("from"))
    user_id = _text(user.get("aadObjectId")) or _text(user.get("id"))
    return channel_key(CHANNEL, tenant, _conversation_id(body), user_id)


def requester_address(body: dict[str, Any]) -> str:
    """Where to tell this user later: the conversation they wrote from."""
    return f"{CHANNEL}:" + json.dumps({"s": body.get("serviceUrl"), "c": _conversation_id(body)})


def _payload(value: Any) -> Payload | None:
    if isinstance(value, dict) and isinstance(value.get("node"), str):
        choice = value.get("choice")
        if isinstance(choice, str):
            return Payload(value["node"], choice)
    return None


def _form(value: Any) -> dict[str, str] | None:
    """Input values that came with a card submit (everything but the button's own data)."""
    if not isinstance(value, dict):
        return None
    fields = {k: v for k, v in value.items() if k not in ("node", "choice") and isinstance(v, str)}
    return fields or None


def mention_free_text(body: dict[str, Any]) -> str:
    """The message text without the @mention of the bot (in channels).

    A mention entity names the bot in ``mentioned.id`` and shows as ``text`` in the message;
    without ``text`` on the entity, the first ``<at>…</at>`` tag is removed. Plain string
    replacement, never the mention's text as a regular expression.
    """
    text = _text(body.get("text"))
    bot_id = _text(_object(body.get("recipient")).get("id"))
    entities = body.get("entities")
    for entity in entities if isinstance(entities, list) else []:
        entity = _object(entity)
        if _text(entity.get("type")).lower() != "mention":
            continue
        if not bot_id or _object(entity.get("mentioned")).get("id") != bot_id:
            continue
        shown = _text(entity.get("text"))
        text = text.replace(shown, "") if shown else _AT_TAG.sub("", text, count=1)
    return text.strip()


def logged_type(body: dict[str, Any]) -> str:
    """The activity's ``type`` as it may be logged: a type of the Activity protocol, else
    "other" (the field is the sender's to fill; nothing it holds reaches the log)."""
    kind = body.get("type")
    return kind if isinstance(kind, str) and kind in ACTIVITY_TYPES else "other"


def _attachments(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("attachments")
    return [_object(item) for item in items] if isinstance(items, list) else []


def _words(body: dict[str, Any]) -> str:
    """What the user wrote: the text without the bot's @mention and, in a message that carries
    attachments, without Teams' markup for them (a card picked in the compose box arrives as a
    placeholder tag in ``text``)."""
    text = mention_free_text(body)
    if _attachments(body):
        text = html.unescape(_MARKUP.sub(" ", text)).strip()
    return text


def _shares_cards_only(body: dict[str, Any]) -> bool:
    """A message that only shares cards (a contact picked in the compose box), no words."""
    cards = [a for a in _attachments(body) if _text(a.get("contentType")).startswith(_CARD_TYPES)]
    return bool(cards) and not _words(body)


def message_turn(body: dict[str, Any]) -> Turn | None:
    """A message activity as a turn: typed text (mention removed) or a card submit; None for a
    message that only shares a card (it is not said to Verbind, and Verbind does not read it)."""
    value = body.get("value")
    payload = _payload(value)
    if payload is None and _shares_cards_only(body):
        return None
    sender = _text(_object(body.get("from")).get("name"))
    return Turn(
        key=session_key(body),
        channel=CHANNEL,
        text="" if payload else _words(body),
        payload=payload,
        form=_form(value) if payload else None,
        sender=sender or None,
        address=requester_address(body),
        reach=REACH,
        place=_conversation_id(body) or None,
    )


def welcome_key(body: dict[str, Any]) -> str:
    """What identifies one install for the welcome: the tenant and the conversation (Teams
    sends installationUpdate and conversationUpdate for the same install, often at once)."""
    tenant = _text(_object(_object(body.get("channelData")).get("tenant")).get("id"))
    return channel_key(f"{CHANNEL}-welcome", tenant, _conversation_id(body))


def welcome_turn(body: dict[str, Any]) -> Turn:
    """The turn that greets a conversation: the menu."""
    return Turn(key=session_key(body), channel=CHANNEL, text="menu")


def welcomes(body: dict[str, Any]) -> bool:
    """Install or the bot being added to a conversation we can answer in (an upgrade, a rename
    or other members coming and going are not a welcome)."""
    if not (body.get("serviceUrl") and _conversation_id(body)):
        return False
    if body.get("type") == "installationUpdate":
        return body.get("action") == "add"
    if body.get("type") == "conversationUpdate":
        bot_id = _text(_object(body.get("recipient")).get("id"))
        members = body.get("membersAdded")
        return bool(bot_id) and any(
            _object(m).get("id") == bot_id for m in (members if isinstance(members, list) else [])
        )
    return False


def compose_query(value: Any) -> str:
    """The search text of a ``composeExtension/query`` invoke (not the ``initialRun`` flag)."""
    query = ""
    parameters = _object(value).get("parameters")
    for parameter in parameters if isinstance(parameters, list) else []:
        if isinstance(parameter, dict) and parameter.get("name") != "initialRun":
            query = str(parameter.get("value") or "")
    return query


def compose_result(cards: Iterable[ContactCard]) -> dict[str, Any]:
    """The invoke response body: a list of contact cards."""
    return {
        "composeExtension": {
            "type": "result",
            "attachmentLayout": "list",
            "attachments": [contact_attachment(card) for card in cards],
        }
    }


def reply_address(body: dict[str, Any]) -> dict[str, Any]:
    """Reply addressing: back to the sender, in the same conversation."""
    sender = _object(body.get("from"))
    bot = _object(body.get("recipient"))
    return {
        "conversation": {"id": _conversation_id(body)},
        "from": {"id": bot.get("id"), "name": bot.get("name")} if bot else {},
        "recipient": {"id": sender.get("id")} if sender else {},
        "replyToId": body.get("id"),
        "channelId": body.get("channelId"),
        "serviceUrl": body.get("serviceUrl"),
    }
