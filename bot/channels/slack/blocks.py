"""Block Kit messages for Slack, rendered from neutral replies (no I/O here)."""

from __future__ import annotations

import json
from typing import Any

from dialogs.contacts import emergency_links
from dialogs.plaintext import (
    contact_fields,
    outcome_label,
    reply_text,
    source_text,
    verified_text,
)
from dialogs.turn import ContactCard, Reply

__all__ = ["FORM_BLOCK", "LINK_ACTION", "MAX_BUTTONS_PER_BLOCK", "reply_message"]

MAX_BUTTONS_PER_BLOCK = 25
MAX_BUTTON_TEXT = 75
MAX_SECTION_TEXT = 3000
Json = dict[str, Any]


def _section(text: str) -> Json:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_TEXT]}}


def _contact(card: ContactCard) -> list[Json]:
    fields = contact_fields(card)
    lines = [f"*{fields[0][1]}*", *(value for _, value in fields[1:])]
    blocks = [_section("\n".join(lines))]
    if not card.confirmed:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": verified_text(card)}]}
        )
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
            "label": {"type": "plain_text", "text": field.label},
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
    submit = () if reply.form is None else (reply.form.submit,)
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": button.label[:MAX_BUTTON_TEXT]},
            "action_id": f"verbind-{i}",
            "value": json.dumps({"node": button.payload.node, "choice": button.payload.choice}),
        }
        for i, button in enumerate((*submit, *reply.buttons))
    ]
    return [
        {"type": "actions", "elements": buttons[start : start + MAX_BUTTONS_PER_BLOCK]}
        for start in range(0, len(buttons), MAX_BUTTONS_PER_BLOCK)
    ]


LINK_ACTION = "verbind-link-"
"""Action ids of url buttons (the emergency numbers): Slack opens the link and also reports the
click, which is acknowledged and nothing more."""


def _head(reply: Reply) -> list[Json]:
    """An outcome's kind in words, then, for an emergency, "Bel 112" and "Bel 0800-2000" as the
    first buttons (url buttons: a tap calls), before the text and every other button."""
    head: list[Json] = []
    label = outcome_label(reply)
    if label is not None:
        head.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"*{label}*"}]})
    links = emergency_links(reply)
    if links:
        buttons = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": link.label},
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
    blocks = [*_head(reply), _section(reply.text)]
    for card in reply.contacts:
        blocks += [{"type": "divider"}, *_contact(card)]
    if reply.sources:
        elements = [{"type": "mrkdwn", "text": source_text(s)} for s in reply.sources[:10]]
        blocks.append({"type": "context", "elements": elements})
    return blocks + _inputs(reply) + _buttons(reply)


def reply_message(reply: Reply) -> Json:
    """``chat.postMessage`` arguments: the blocks and the plain-text fallback."""
    return {"text": reply_text(reply), "blocks": reply_blocks(reply)}
