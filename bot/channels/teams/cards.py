"""Adaptive Cards 1.5 for Teams, rendered from neutral replies (no SDK needed here)."""

from __future__ import annotations

import json
from typing import Any

from dialogs.contacts import contact_links
from dialogs.plaintext import contact_fields, numbered_choices, reply_text, verified_text
from dialogs.turn import Button, ContactCard, Form, Reply, SourceNote
from knowledge.dates import dutch_date

__all__ = [
    "ADAPTIVE_CARD",
    "CARD_VERSION",
    "MAX_CARD_BYTES",
    "contact_attachment",
    "reply_activity",
    "reply_card",
]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
MAX_CARD_BYTES = 28 * 1024
"""Teams refuses larger cards (message-extension results included)."""

Json = dict[str, Any]


def _text(text: str, **style: Any) -> Json:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _card(body: list[Json], actions: list[Json], fallback: str) -> Json:
    card: Json = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "fallbackText": fallback,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def contact_block(card: ContactCard) -> Json:
    """One contact as a container: name, fields ("te bevestigen" kept), tap-to-call and mail."""
    fields = contact_fields(card)
    items = [_text(fields[0][1], weight="Bolder")]
    items += [_text(value, spacing="None") for _, value in fields[1:]]
    if not card.confirmed:
        items.append(_text(verified_text(card), size="Small", isSubtle=True, spacing="Small"))
    links = _contact_links(card)
    if links:
        items.append({"type": "ActionSet", "actions": links})
    return {"type": "Container", "style": "emphasis", "separator": True, "items": items}


def _contact_links(card: ContactCard) -> list[Json]:
    return [
        {"type": "Action.OpenUrl", "title": link.label, "url": link.href}
        for link in contact_links(card)
    ]


def _sources(sources: tuple[SourceNote, ...]) -> list[Json]:
    return [
        _text(
            f"Bron: [{s.title}]({s.url}) (gecontroleerd {dutch_date(s.checked)})",
            size="Small",
            isSubtle=True,
            spacing="Small",
        )
        for s in sources
    ]


def reply_card(reply: Reply) -> Json:
    """The Adaptive Card for one reply: text, contacts, sources footer, answer buttons."""
    body = [_text(reply.text, weight="Bolder" if reply.kind == "question" else "Default")]
    body += [contact_block(card) for card in reply.contacts]
    body += _sources(reply.sources)
    body += _inputs(reply.form)
    actions = [_submit(button) for button in reply.buttons]
    if reply.form is not None:
        # The form's own button is the primary action; the others (Annuleren) stay default.
        actions.insert(0, {**_submit(reply.form.submit), "style": "positive"})
    # One answer per row: side by side, Teams cuts answer labels to a few words ("Huwelijks…")
    # and pushes the last buttons out of a narrow card (tests/test_card_rendering.py).
    body += [{"type": "ActionSet", "actions": [action]} for action in actions]
    return _card(body, [], reply_text(reply))


def _submit(button: Button) -> Json:
    return {
        "type": "Action.Submit",
        "title": button.label,
        "data": {"node": button.payload.node, "choice": button.payload.choice},
    }


def _inputs(form: Form | None) -> list[Json]:
    """Form fields as Input.Text; their values arrive merged into the submit's data."""
    if form is None:
        return []
    return [
        {
            "type": "Input.Text",
            "id": field.name,
            "label": field.label,
            "isRequired": field.required,
            "maxLength": field.max_length,
            "style": "Tel" if field.kind == "tel" else "Text",
            "isMultiline": field.kind == "multiline",
            **({"value": field.value} if field.value else {}),
            **({"errorMessage": f"{field.label} is verplicht"} if field.required else {}),
        }
        for field in form.fields
    ]


def reply_activity(reply: Reply) -> Json:
    """A message activity: plain-text fallback in ``text`` and the card as attachment."""
    text = reply_text(reply)
    if reply.buttons:
        text += "\n\n" + numbered_choices(reply)
    return {
        "type": "message",
        "text": text,
        "textFormat": "plain",
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": reply_card(reply)}],
    }


def contact_attachment(card: ContactCard) -> Json:
    """A message-extension result: the contact card plus a list preview."""
    content = _card([contact_block(card)], [], "\n".join(v for _, v in contact_fields(card)))
    return {
        "contentType": ADAPTIVE_CARD,
        "content": content,
        "preview": {
            "contentType": "application/vnd.microsoft.card.thumbnail",
            "content": {"title": card.name, "text": card.role},
        },
    }


def card_bytes(card: Json) -> int:
    """The serialised size Teams counts against its card limit."""
    return len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
