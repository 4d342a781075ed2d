"""A form's submit button is drawn only with its form: "help", an old button, an over-long or
empty message while a form waits show the form again, whole — never "Versturen" (or "Verder")
alone — in the conversation core and on every channel (Teams on both SDKs, Slack, the web
page, the terminal)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.channels.terminal import TerminalChannel, choices
from bot.settings import Settings, TeamsSdk
from dialogs import MAX_TEXT_LENGTH, Conversation, MemorySessionStore, Payload, Reply
from dialogs.consultation import SUBMIT
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.phrases import HELP
from dialogs.register import MemoryRegister
from knowledge import KnowledgeBase
from tests.test_consultation import KEY, ChannelChat, Desk
from tests.test_slack import FakeSlack, event, signed, slack_settings
from tests.test_teams import activity, both_teams_sdks, expect_replies
from tests.test_web import app_from, press, say

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]
SUBMITS = (LABEL["submit"], LABEL["next"])
"""The labels of the consultation forms' submit buttons (a request, the child's gemeente)."""


async def request_gemeente_form(chat: ChannelChat) -> None:
    """A request that first asks the child's gemeente."""
    await chat.say("overleg aanvragen")


async def record_gemeente_form(chat: ChannelChat) -> None:
    """A record that first asks the child's gemeente."""
    await chat.say("overleg vastleggen")


async def request_form(chat: ChannelChat) -> None:
    """A request to SAVE about a child in Zeist, at its form."""
    await chat.say("overleg aanvragen")
    await chat.submit(gemeente="Zeist")
    await chat.click("SAVE Jeugdbescherming")
    await chat.click("Vandaag nog")
    await chat.click("Via Teams")


FORMS = {
    "request-gemeente": request_gemeente_form,
    "record-gemeente": record_gemeente_form,
    "request": request_form,
}
INTERJECTIONS: dict[str, Callable[[ChannelChat], Awaitable[object]]] = {
    "help": lambda chat: chat.say("help"),
    "old-button": lambda chat: chat.press(Payload("no-such-node", "no-such-choice")),
    "too-long": lambda chat: chat.say("x" * (MAX_TEXT_LENGTH + 1)),
    "empty": lambda chat: chat.say("   "),
}


@pytest.fixture
def register() -> MemoryRegister:
    """The register of the chat below."""
    return MemoryRegister()


@pytest.fixture
def chat(shipped: KnowledgeBase, register: MemoryRegister) -> ChannelChat:
    """A Teams chat over the shipped content, with SAVE and Veilig Thuis Utrecht taking
    requests."""
    conversation = Conversation(
        shipped,
        sessions=MemorySessionStore(),
        register=register,
        intakes=Desk("save", "veilig-thuis-utrecht"),
        key=KEY,
    )
    return ChannelChat(conversation, "form:1", "teams")


def loose_submits(replies: list[Reply]) -> list[str]:
    """Submit buttons drawn as plain buttons (without the form they belong to)."""
    return [b.label for r in replies for b in r.buttons if b.payload.choice == SUBMIT]


@pytest.mark.parametrize("interjection", INTERJECTIONS)
@pytest.mark.parametrize("form", FORMS)
async def test_a_waiting_form_comes_back_whole(
    chat: ChannelChat, form: str, interjection: str
) -> None:
    """While a form waits, "help", an old button, an over-long or an empty message answer
    and then draw the same form again with its fields; no reply carries its submit button
    without it; the form still works."""
    await FORMS[form](chat)
    [before] = [r.form for r in chat.replies if r.form is not None]
    await INTERJECTIONS[interjection](chat)
    assert loose_submits(chat.replies) == []
    [again] = [r.form for r in chat.replies if r.form is not None]
    assert again.submit.label == before.submit.label
    assert [f.name for f in again.fields] == [f.name for f in before.fields]
    assert [b.label for r in chat.replies for b in r.buttons] == [LABEL["cancel"]]
    await chat.submit(gemeente="Zeist", vraag="Graag overleg")
    assert not [r for r in chat.replies if r.kind == "warning"], chat.text


async def test_typing_the_cancel_button_beside_a_form_cancels(
    chat: ChannelChat, register: MemoryRegister
) -> None:
    """Typing "Annuleren" while a form waits is that button, not a value of the form."""
    await chat.say("overleg vastleggen")
    await chat.say("Annuleren")
    assert chat.replies[0].text.startswith("Niets vastgelegd")
    assert register.records == []


# -- every channel ------------------------------------------------------------------------------


def card_submits(body: dict[str, Any]) -> list[tuple[bool, str]]:
    """For each Action.Submit that sends a form in a Teams reply activity: whether its card
    has the form's inputs, and its title."""
    found: list[tuple[bool, str]] = []
    for attachment in body.get("attachments") or []:
        items = attachment["content"]["body"]
        inputs = any(item["type"] == "Input.Text" for item in items)
        actions = [a for item in items if item["type"] == "ActionSet" for a in item["actions"]]
        found += [
            (inputs, a["title"])
            for a in actions
            if a["type"] == "Action.Submit" and a["data"].get("choice") == SUBMIT
        ]
    return found


@both_teams_sdks
async def test_teams_draws_the_form_again_never_its_button_alone(
    teams_sdk: TeamsSdk, tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """In Teams, "help" at the request form answers and draws the form card again, inputs and
    "Versturen" together; no card has "Versturen" without inputs."""
    settings = Settings(teams_sdk=teams_sdk, data_dir=tmp_path / "data")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))

    async def turn(**changes: Any) -> list[dict[str, Any]]:
        body = expect_replies(activity("card_submit", **changes))
        response = await client.post("/api/messages", json=body)
        assert response.status == 200, await response.text()
        activities: list[dict[str, Any]] = (await response.json())["activities"]
        return activities

    def action(activities: list[dict[str, Any]], title: str) -> dict[str, Any]:
        found = [
            a["data"]
            for body in activities
            for attachment in body.get("attachments") or []
            for item in attachment["content"]["body"]
            if item["type"] == "ActionSet"
            for a in item["actions"]
            if a["title"] == title
        ]
        assert found, title
        return found[-1]

    await turn(type="message", text="kind woont in Zeist", value=None)
    shown = await turn(type="message", text="overleg aanvragen", value=None)
    for title in ("SAVE Jeugdbescherming", "Vandaag nog", "Via Teams"):
        shown = await turn(value=action(shown, title))
    assert [s for body in shown for s in card_submits(body)] == [(True, LABEL["submit"])]
    shown = await turn(type="message", text="help", value=None)
    assert [s for body in shown for s in card_submits(body)] == [(True, LABEL["submit"])]


async def test_slack_draws_the_form_again_never_its_button_alone(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """In Slack, "help" while the child's gemeente is asked posts the input block and its
    button again; no message has a form's button without its input."""
    fake = FakeSlack()
    server = await aiohttp_server(fake.app())
    settings = slack_settings(server, data_dir=tmp_path / "data")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))

    def submits(post: dict[str, Any]) -> list[tuple[bool, str]]:
        blocks = post["blocks"] if isinstance(post["blocks"], list) else json.loads(post["blocks"])
        inputs = any(b["type"] == "input" for b in blocks)
        buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        return [
            (inputs, e["text"]["text"])
            for e in buttons
            if "value" in e and json.loads(e["value"]).get("choice") == SUBMIT
        ]

    seen = 0
    for number, text in enumerate(("overleg aanvragen", "help")):
        body = event("message", f"Ev{number}", channel="D1", channel_type="im", text=text)
        response = await client.post("/slack/events", data=body, headers=signed(body))
        assert response.status == 200
        posts = await fake.wait_for("posts", seen + 1)
        for _ in range(100):  # Bolt answers after its ack: let the turn's posts arrive
            await asyncio.sleep(0.02)
            if any(submits(p) for p in posts[seen:]):
                break
        assert [s for p in posts[seen:] for s in submits(p)] == [(True, LABEL["next"])], text
        seen = len(posts)


async def test_the_web_page_draws_the_form_again_never_its_button_alone(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """On the web page, "help" at the request form answers with the form again; no reply has
    the form's button among its plain buttons."""
    client = await aiohttp_client(app_from(shipped))
    await say(client, {"text": "kind woont in Zeist"})
    replies = await say(client, {"text": "overleg aanvragen"})
    for label in ("SAVE Jeugdbescherming", "Vandaag nog"):
        replies = await say(client, press(replies, label))
    assert [r["form"]["submit"]["label"] for r in replies if r["form"]] == [LABEL["submit"]]
    replies = await say(client, {"text": "help"})
    assert [r["form"]["submit"]["label"] for r in replies if r["form"]] == [LABEL["submit"]]
    plain = [b for r in replies for b in r["buttons"] if b["payload"]["choice"] == SUBMIT]
    assert plain == []


async def test_the_terminal_leaves_a_form_for_a_command_and_asks_it_again(
    shipped: KnowledgeBase,
) -> None:
    """In the terminal, "help" typed at a form field is the command, not the field's value:
    the help, then the form again from its first field; "Versturen" is never a numbered
    choice."""
    terminal = TerminalChannel(Conversation(shipped, sessions=MemorySessionStore()))
    first = await terminal.say("overleg vastleggen")
    replies = await terminal.say("help")
    assert replies[0].text.startswith(HELP.splitlines()[0])
    assert replies[-1].text == first[-1].text, "the first field is asked again"
    assert [r.form for r in replies if r.form is not None]
    assert not [c for r in (*first, *replies) for c in choices(r) if c in SUBMITS]
    after = await terminal.say("Zeist")
    assert not [r for r in after if r.kind == "warning"]
