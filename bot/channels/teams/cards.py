"""Adaptive Cards 1.5 for Teams, rendered from neutral replies (no SDK needed here).

A reply with a card is sent as the card alone: Teams draws an activity's ``text`` as a bubble of
its own above the card (Microsoft 365 Agents Playground, PLATFORM.md), so the plain text lives in
the card's ``fallbackText`` and a short ``summary`` names the message in notifications.
Adaptive Cards' markdown joins single line breaks, so every line of a reply is a TextBlock of its
own and a blank line starts a paragraph. An emergency reply opens with "Bel 112" and "Bel
0800-2000" as its primary actions; an outcome carries its kind in words ("Uitkomst: melden").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from dialogs.contacts import ContactLink, contact_links, emergency_links
from dialogs.plaintext import (
    UNCONFIRMED,
    contact_fields,
    numbered_choices,
    outcome_label,
    reply_text,
    verified_text,
)
from dialogs.turn import Button, ContactCard, Form, Reply, SourceNote
from knowledge.dates import dutch_date

__all__ = [
    "ADAPTIVE_CARD",
    "CARD_VERSION",
    "MAX_CARD_BYTES",
    "SUMMARY_LENGTH",
    "card_bytes",
    "contact_attachment",
    "reply_activity",
    "reply_card",
    "reply_document",
    "summary",
    "text_blocks",
]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
MAX_CARD_BYTES = 28 * 1024
"""Teams refuses larger cards (message-extension results included)."""
SUMMARY_LENGTH = 120
"""Characters of the reply's first line in ``summary`` (a notification shows about this much)."""
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_OUTCOME_COLOURS = {
    "melden": "Attention",
    "hulp": "Good",
    "contact": "Accent",
    "vervolg": "Warning",
}
"""The diagrams' legend colours (knowledge.diagrams STYLES) in Adaptive Cards' named colours."""

Json = dict[str, Any]


def _text(text: str, **style: Any) -> Json:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def text_blocks(text: str, **style: Any) -> list[Json]:
    """``text`` as TextBlocks: one per line, so line breaks are kept; a blank line starts a
    paragraph (more space above it). ``style`` applies to each block."""
    blocks: list[Json] = []
    for paragraph in _PARAGRAPH.split(text.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        for number, line in enumerate(lines):
            spacing = {"spacing": "None"} if number else ({"spacing": "Medium"} if blocks else {})
            blocks.append(_text(line, **style, **spacing))
    return blocks


def _card(body: list[Json], fallback: str) -> Json:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "fallbackText": fallback,
        "body": body,
    }


def contact_block(card: ContactCard) -> Json:
    """One contact as a container: name, fields ("te bevestigen" kept), tap-to-call and mail.
    A confirmed website is its "Website" link, not an address in the text."""
    fields = contact_fields(card)
    items = [_text(fields[0][1], weight="Bolder")]
    items += [_text(_shown(name, value, card), spacing="None") for name, value in fields[1:]]
    items = [item for item in items if item["text"]]
    if not card.confirmed:
        items.append(_text(verified_text(card), size="Small", isSubtle=True, spacing="Small"))
    links = [_open_url(link) for link in contact_links(card)]
    if links:
        items.append({"type": "ActionSet", "actions": links})
    return {"type": "Container", "style": "emphasis", "separator": True, "items": items}


def _shown(name: str, value: str, card: ContactCard) -> str:
    """A contact field as the card shows it; empty for a website its link already opens."""
    if name != "url" or not card.url:
        return value
    if "url" not in card.unconfirmed:
        return ""
    return f"Website: {_SCHEME.sub('', card.url)} ({UNCONFIRMED})"


def _open_url(link: ContactLink, **style: Any) -> Json:
    return {"type": "Action.OpenUrl", "title": link.label, "url": link.href, **style}


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


def _head(reply: Reply) -> list[Json]:
    """What an outcome and an emergency open with: the kind in words, then the two numbers as
    the card's primary actions, before the text and before any other action."""
    head: list[Json] = []
    label = outcome_label(reply)
    if label is not None:
        colour = _OUTCOME_COLOURS.get(reply.outcome or "", "Default")
        head.append(_text(label, weight="Bolder", color=colour))
    emergency = [_open_url(link, style="positive") for link in emergency_links(reply)]
    if emergency:
        head.append({"type": "ActionSet", "actions": emergency})
    return head


def reply_card(reply: Reply) -> Json:
    """The Adaptive Card for one reply: outcome and emergency actions, text, contacts, sources
    footer, form, answer buttons."""
    weight = "Bolder" if reply.kind == "question" else "Default"
    body = [*_head(reply), *text_blocks(reply.text, weight=weight)]
    body += [contact_block(card) for card in reply.contacts]
    body += _sources(reply.sources)
    body += _inputs(reply.form)
    actions = [_submit(button) for button in reply.buttons]
    if reply.form is not None:
        # The form's own button is the primary action; the others (Annuleren) stay default.
        actions.insert(0, {**_submit(reply.form.submit), "style": "positive"})
    # One answer per row: side by side, Teams cuts answer labels to a few words ("Huwelijks…")
    # and pushes the last buttons out of a narrow card (tests/test_card_rendering.py).
    groups = [""] * (len(actions) - len(reply.buttons)) + [b.group for b in reply.buttons]
    previous = ""
    for action, group in zip(actions, groups, strict=True):
        if group and group != previous:
            # A labelled choice group ("Ik ben:") apart from the answers, under its label.
            body.append(
                {
                    "type": "TextBlock",
                    "text": group,
                    "weight": "Bolder",
                    "wrap": True,
                    "spacing": "Large",
                    "separator": True,
                }
            )
        previous = group
        body.append({"type": "ActionSet", "actions": [action]})
    return _card(body, _fallback(reply))


def _fallback(reply: Reply) -> str:
    """The card as plain text, for a client that cannot draw it: text, contacts, sources and
    the numbered answers (typing a number works)."""
    choices = numbered_choices(reply)
    return f"{reply_text(reply)}\n\n{choices}" if choices else reply_text(reply)


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


def summary(reply: Reply) -> str:
    """What a notification shows of the reply: its first line, cut at SUMMARY_LENGTH."""
    first = next((line.strip() for line in reply.text.splitlines() if line.strip()), "Verbind")
    return first if len(first) <= SUMMARY_LENGTH else first[: SUMMARY_LENGTH - 1].rstrip() + "…"


def reply_activity(reply: Reply) -> Json:
    """A message activity: the card alone, with a ``summary`` for notifications (no ``text``:
    Teams would draw it as a second bubble)."""
    return {
        "type": "message",
        "summary": summary(reply),
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": reply_card(reply)}],
    }


def reply_document(reply: Reply) -> str:
    """:func:`reply_activity` as JSON text (``json.dumps``), as it is posted. Remembered for
    replies without a form (the same question or advice is drawn for turn after turn; bounded,
    in this process): only a form can carry what a user typed (its values), so a reply with one
    is drawn afresh every time and kept nowhere."""
    if reply.form is not None:
        return json.dumps(reply_activity(reply))
    return _remembered_document(reply)


@lru_cache(maxsize=512)
def _remembered_document(reply: Reply) -> str:
    return json.dumps(reply_activity(reply))


def contact_attachment(card: ContactCard) -> Json:
    """A message-extension result: the contact card plus a list preview."""
    content = _card([contact_block(card)], "\n".join(v for _, v in contact_fields(card)))
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
