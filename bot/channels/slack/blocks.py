"""Block Kit messages for Slack, rendered from neutral replies (no I/O here).

Every text Verbind sends to Slack is escaped (``&``, ``<``, ``>``), in mrkdwn and plain_text
alike (Slack parses both for its control characters: "Formatting text for app surfaces",
Escaping text, docs.slack.dev, checked 2026-12-07): what someone typed — a question, a name, a
Teams display name — can then make no mention (``<!channel>``, ``<@U…>``), link
(``<https://…|hier>``) or channel link. A request in a Slack intake is also marked ``verbatim``,
so nothing in it is turned into a link or mention automatically either; the one exception is the
requester's own Slack mention, made by Verbind from their Slack user id.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dialogs.contacts import emergency_links
from dialogs.intake import ConsultationRequest, request_reply
from dialogs.plaintext import (
    contact_fields,
    outcome_label,
    reply_text,
    source_text,
    verified_text,
)
from dialogs.turn import ContactCard, Reply

__all__ = [
    "FORM_BLOCK",
    "LINK_ACTION",
    "MAX_BUTTONS_PER_BLOCK",
    "escaped",
    "reply_message",
    "request_message",
]

MAX_BUTTONS_PER_BLOCK = 25
MAX_BUTTON_TEXT = 75
MAX_SECTION_TEXT = 3000
Json = dict[str, Any]


_MENTION = re.compile(r"<@[UW][A-Z0-9]{1,20}>")
"""A Slack user mention as Verbind makes it from a user id (``listeners.sender``)."""


def escaped(text: str) -> str:
    """``text`` as Slack shows it literally: its control characters as HTML entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str) -> Json:
    return {"type": "plain_text", "text": escaped(text)}


def _section(text: str) -> Json:
    """A section of Verbind's own markup around escaped text (``text`` is already escaped)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_TEXT]}}


def _contact(card: ContactCard) -> list[Json]:
    fields = contact_fields(card)
    lines = [f"*{escaped(fields[0][1])}*", *(escaped(value) for _, value in fields[1:])]
    blocks = [_section("\n".join(lines))]
    if not card.confirmed:
        note = {"type": "mrkdwn", "text": escaped(verified_text(card))}
        blocks.append({"type": "context", "elements": [note]})
    return blocks


FORM_BLOCK = "verbind-form-"
"""Input blocks carry this prefix; their values come back in the button's ``state``."""


def _inputs(reply: Reply) -> list[Json]:
    if reply.form is None:
        return []
    return [
        {
            "type": "input",
            "block_id": f"{FORM_BLOCK}{field.name}",
            "optional": not field.required,
            "label": _plain(field.label),
            "element": {
                "type": "plain_text_input",
                "action_id": field.name,
                "multiline": field.kind == "multiline",
                "max_length": field.max_length,
                **({"initial_value": field.value} if field.value else {}),
            },
        }
        for field in reply.form.fields
    ]


def _buttons(reply: Reply) -> list[Json]:
    """Actions blocks for the answers; a labelled choice group ("Ik ben:") follows in blocks of
    its own, under its label."""
    submit = () if reply.form is None else (reply.form.submit,)
    runs: list[tuple[str, list[Json]]] = []
    for i, button in enumerate((*submit, *reply.buttons)):
        element = {
            "type": "button",
            "text": _plain(button.label[:MAX_BUTTON_TEXT]),
            "action_id": f"verbind-{i}",
            "value": json.dumps({"node": button.payload.node, "choice": button.payload.choice}),
        }
        if not runs or runs[-1][0] != button.group:
            runs.append((button.group, []))
        runs[-1][1].append(element)
    blocks: list[Json] = []
    for group, buttons in runs:
        if group:
            blocks.append(_section(f"*{escaped(group)}*"))
        blocks += [
            {"type": "actions", "elements": buttons[start : start + MAX_BUTTONS_PER_BLOCK]}
            for start in range(0, len(buttons), MAX_BUTTONS_PER_BLOCK)
        ]
    return blocks


LINK_ACTION = "verbind-link-"
"""Action ids of url buttons (the emergency numbers): Slack opens the link and also reports the
click, which is acknowledged and nothing more."""


def _head(reply: Reply) -> list[Json]:
    """An outcome's kind in words, then, for an emergency, "Bel 112" and "Bel 0800-2000" as the
    first buttons (url buttons: a tap calls), before the text and every other button."""
    head: list[Json] = []
    label = outcome_label(reply)
    if label is not None:
        text = f"*{escaped(label)}*"
        head.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    links = emergency_links(reply)
    if links:
        buttons = [
            {
                "type": "button",
                "text": _plain(link.label),
                "action_id": f"{LINK_ACTION}{i}",
                "url": link.href,
                "style": "primary",
            }
            for i, link in enumerate(links)
        ]
        head.append({"type": "actions", "elements": buttons})
    return head


def reply_blocks(reply: Reply) -> list[Json]:
    """The blocks for one reply: outcome and emergency buttons, text, contacts, sources (as
    context), form, buttons."""
    blocks = [*_head(reply), _section(escaped(reply.text))]
    for card in reply.contacts:
        blocks += [{"type": "divider"}, *_contact(card)]
    if reply.sources:
        elements = [{"type": "mrkdwn", "text": escaped(source_text(s))} for s in reply.sources[:10]]
        blocks.append({"type": "context", "elements": elements})
    return blocks + _inputs(reply) + _buttons(reply)


def reply_message(reply: Reply) -> Json:
    """``chat.postMessage`` arguments: the blocks and the fallback text (escaped too: Slack
    parses it as mrkdwn for notifications)."""
    return {"text": escaped(reply_text(reply)), "blocks": reply_blocks(reply)}


def request_message(request: ConsultationRequest, *, reach: str) -> Json:
    """A request as a Slack intake shows it: escaped and ``verbatim``, with "Ik pak dit op".
    When the requester asked in Slack (``request.reach == reach``), their own mention is kept
    as a mention, so the partner can reach them; any other ``<@…>`` stays text."""
    message = reply_message(request_reply(request))
    mention = request.sender if request.reach == reach and request.sender else None
    keep = mention if mention is not None and _MENTION.fullmatch(mention) else None
    for block in message["blocks"]:
        if block["type"] == "section":
            block["text"]["verbatim"] = True
            if keep is not None:
                block["text"]["text"] = block["text"]["text"].replace(escaped(keep), keep)
    return message
