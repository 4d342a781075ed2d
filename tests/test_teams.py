"""Teams over real HTTP: the aiohttp app, recorded Teams activities, a local fake Bot Connector.

Every test here runs on both Teams adapters (``VERBIND_TEAMS_SDK=botbuilder`` and ``agents``):
build the app from the ``client`` or ``teams_settings`` fixture, not from ``Settings()``. Tests in
other modules opt in with ``@both_teams_sdks`` and a ``teams_sdk`` argument."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import CONVERSATION, SESSIONS, create_app
from bot.channels.teams import connector
from bot.settings import TEAMS_SDKS, Settings, TeamsSdk

FIXTURES = Path(__file__).parent / "fixtures" / "teams"
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]


def activity(name: str, **changes: Any) -> dict[str, Any]:
    """A recorded, scrubbed Teams activity with some fields changed."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def shown(reply: dict[str, Any]) -> str:
    """What a reply activity says: a plain message's text, or its card's ``fallbackText`` (a
    reply with a card carries no ``text``: Teams would draw it as a second bubble)."""
    if reply.get("text"):
        return str(reply["text"])
    cards = [
        a["content"]
        for a in reply.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]
    return str(cards[0]["fallbackText"]) if cards else ""


def expect_replies(data: dict[str, Any]) -> dict[str, Any]:
    """The activity asking for its replies in the HTTP response (no connector needed)."""
    return {**copy.deepcopy(data), "deliveryMode": "expectReplies"}


both_teams_sdks = pytest.mark.parametrize("teams_sdk", TEAMS_SDKS)
"""Runs a test on each Teams adapter (for tests outside this module that use ``teams_sdk``)."""


@pytest.fixture(params=TEAMS_SDKS)
def teams_sdk(request: pytest.FixtureRequest) -> TeamsSdk:
    """Each Teams adapter in turn: every test in this module runs on both SDKs."""
    sdk: TeamsSdk = request.param
    return sdk


@pytest.fixture
def teams_settings(teams_sdk: TeamsSdk) -> Settings:
    """Settings in local mode (no MicrosoftAppId) on the Teams adapter under test."""
    return Settings(teams_sdk=teams_sdk)


@pytest.fixture
async def client(aiohttp_client: ClientFactory, teams_settings: Settings) -> TestClient[Any, Any]:
    """The real app in local mode (no MicrosoftAppId)."""
    return await aiohttp_client(create_app(teams_settings))


async def post(client: TestClient[Any, Any], body: dict[str, Any]) -> Any:
    """POST an activity; the JSON answer (expectReplies or invoke body)."""
    response = await client.post("/api/messages", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_healthz_reports_content_version(client: TestClient[Any, Any]) -> None:
    """/healthz answers ok with the content version in force."""
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["content"]
    assert body["sessions"] == {"count": 0, "cap": 20_000, "evicted": 0}


async def test_healthz_counts_memory_sessions_and_evictions(aiohttp_client: ClientFactory) -> None:
    """With a cap of one, a second user's session evicts the first; /healthz counts both."""
    client = await aiohttp_client(create_app(replace(Settings(), max_memory_sessions=1)))
    first = expect_replies(activity("message"))
    second = {
        **first,
        "from": {"id": "29:other", "aadObjectId": "00000000-0000-0000-0000-0000000000a2"},
    }
    await post(client, first)
    await post(client, second)
    body = await (await client.get("/healthz")).json()
    assert body["sessions"] == {"count": 1, "cap": 1, "evicted": 1}


async def test_message_then_card_submit_walks_the_tree(client: TestClient[Any, Any]) -> None:
    """A typed message opens the tree; the card's Action.Submit data advances it."""
    body = await post(client, expect_replies(activity("message")))
    question = body["activities"][-1]
    card = question["attachments"][0]["content"]
    assert shown(question).startswith("Vraag 1 van 5")
    assert card["version"] == "1.5"
    first = next(item for item in card["body"] if item["type"] == "ActionSet")
    assert first["actions"][0]["data"] == {"node": "vraag-1", "choice": "ja"}
    assert question["recipient"]["id"] == "29:1aScrubbedUserId"
    body = await post(client, expect_replies(activity("card_submit")))
    assert shown(body["activities"][-1]).startswith("Vraag 2 van 5")


async def test_typed_answer_still_works(client: TestClient[Any, Any]) -> None:
    """Typing "1" answers the question as well as the button does."""
    await post(client, expect_replies(activity("message")))
    body = await post(client, expect_replies(activity("message", text="1")))
    assert shown(body["activities"][-1]).startswith("Vraag 2 van 5")


async def test_welcome_on_install(client: TestClient[Any, Any]) -> None:
    """Adding the bot to a conversation sends the welcome with the menu."""
    body = await post(client, expect_replies(activity("conversation_update")))
    welcome = body["activities"][0]
    assert "Welkom bij Verbind" in shown(welcome)
    card = welcome["attachments"][0]["content"]
    assert [item for item in card["body"] if item["type"] == "ActionSet"]


async def test_mention_is_stripped_and_sessions_are_per_user(client: TestClient[Any, Any]) -> None:
    """In a channel the @mention is removed; two users in one thread have their own sessions."""
    body = await post(client, expect_replies(activity("channel_mention")))
    assert "Gemeente Zeist valt onder Veilig Thuis-regio Utrecht." in shown(body["activities"][-1])
    first = activity("channel_mention", text="<at>Verbind</at> afwegingskader")
    await post(client, expect_replies(first))
    other = copy.deepcopy(first)
    other["from"] = {"id": "29:2otherUser", "aadObjectId": "00000000-0000-0000-0000-0000000000a2"}
    other["text"] = "<at>Verbind</at> ja"
    body = await post(client, expect_replies(other))
    assert not shown(body["activities"][-1]).startswith("Vraag 2 van 5")


async def test_compose_extension_returns_contact_cards(client: TestClient[Any, Any]) -> None:
    """composeExtension/query answers with contact cards for a place, each under 28 KB."""
    body = await post(client, activity("compose_query"))
    result = body["composeExtension"]
    assert result["type"] == "result"
    titles = [a["preview"]["content"]["title"] for a in result["attachments"]]
    assert titles[:2] == ["Veilig Thuis Utrecht", "Vertrouwensarts van Veilig Thuis Utrecht"]
    for attachment in result["attachments"]:
        assert len(json.dumps(attachment["content"]).encode()) < 28 * 1024
        assert attachment["content"]["version"] == "1.5"


async def test_unknown_activity_types_are_ignored(client: TestClient[Any, Any]) -> None:
    """An activity type Verbind does not handle gets 200 and no reply."""
    response = await client.post("/api/messages", json=activity("message", type="messageReaction"))
    assert response.status == 200
    assert await response.text() == ""


@pytest.mark.parametrize(
    ("headers", "data", "status"),
    [
        ({"Content-Type": "text/plain"}, b"hallo", 415),
        ({"Content-Type": "application/json"}, b"{not json", 400),
        ({"Content-Type": "application/json"}, b"[1, 2]", 400),
        ({"Content-Type": "application/json"}, b'{"type": "message"}', 400),
        ({"Content-Type": "application/json"}, b"\xff\xfe", 400),
        ({"Content-Type": "application/json"}, b"{" + b" " * (300 * 1024) + b"}", 413),
    ],
    ids=["wrong-type", "malformed", "not-object", "no-conversation", "not-utf8", "too-large"],
)
async def test_bad_requests_get_4xx_never_500(
    client: TestClient[Any, Any], headers: dict[str, str], data: bytes, status: int
) -> None:
    """Malformed, wrongly typed and oversized bodies get 400, 415 or 413."""
    response = await client.post("/api/messages", data=data, headers=headers)
    assert response.status == status


async def test_app_id_without_token_is_unauthorized(
    aiohttp_client: ClientFactory, teams_settings: Settings
) -> None:
    """With MicrosoftAppId set, a request without a valid token gets 401 and no turn."""
    settings = replace(
        teams_settings, app_id="00000000-0000-0000-0000-0000000000b0", app_password="x"
    )
    app = create_app(settings)
    client = await aiohttp_client(app)
    response = await client.post("/api/messages", json=expect_replies(activity("message")))
    assert response.status == 401


def recording_connector(received: list[tuple[str, dict[str, Any]]]) -> web.Application:
    """A fake Bot Connector that records the path and JSON of every reply posted to it."""

    async def connector(request: web.Request) -> web.Response:
        received.append((request.path, await request.json()))
        return web.json_response({"id": f"reply-{len(received)}"})

    fake = web.Application()
    fake.router.add_post("/v3/conversations/{conversation}/activities", connector)
    fake.router.add_post("/v3/conversations/{conversation}/activities/{activity}", connector)
    return fake


async def test_replies_go_to_the_bot_connector(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, teams_settings: Settings
) -> None:
    """Without expectReplies the replies are posted to the conversation's service URL."""
    received: list[tuple[str, dict[str, Any]]] = []
    server = await aiohttp_server(recording_connector(received))
    client = await aiohttp_client(create_app(teams_settings))
    message = activity("message", serviceUrl=str(server.make_url("/")))
    response = await client.post("/api/messages", json=message)
    assert response.status == 200
    paths = {path for path, _ in received}
    assert paths == {"/v3/conversations/a:1ScrubbedPersonalConversation/activities/1732353165123"}
    bodies = [body for _, body in received if body["type"] == "message"]
    assert shown(bodies[-1]).startswith("Vraag 1 van 5")
    assert bodies[-1]["replyToId"] == "1732353165123"
    assert bodies[-1]["conversation"]["id"] == "a:1ScrubbedPersonalConversation"


async def test_slow_turn_shows_typing_first(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A turn that is not answered at once gets a typing indicator before its replies; a quick
    one gets none."""
    posted: list[tuple[str, dict[str, Any]]] = []
    server = await aiohttp_server(recording_connector(posted))
    client = await aiohttp_client(create_app(teams_settings))
    message = activity("message", serviceUrl=str(server.make_url("/")))
    assert (await client.post("/api/messages", json=message)).status == 200
    assert "typing" not in [body["type"] for _, body in posted]
    monkeypatch.setattr(connector, "TYPING_AFTER_SECONDS", 0)
    conversation = client.server.app[CONVERSATION]
    handle = conversation.handle

    async def slow_handle(turn: Any) -> Any:
        await asyncio.sleep(0.05)  # still thinking when the typing threshold (0 s) passes
        return await handle(turn)

    monkeypatch.setattr(conversation, "handle", slow_handle)
    posted.clear()
    assert (await client.post("/api/messages", json=message)).status == 200
    assert [body["type"] for _, body in posted][:2] == ["typing", "message"]
    assert posted[0][1]["recipient"]["id"] == "29:1aScrubbedUserId"


async def test_connector_failure_is_a_bad_gateway(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, teams_settings: Settings
) -> None:
    """When the connector refuses the reply the endpoint says 502, not 500."""

    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=503)

    fake = web.Application()
    fake.router.add_post("/v3/conversations/{conversation}/activities/{activity}", refuse)
    server = await aiohttp_server(fake)
    client = await aiohttp_client(create_app(teams_settings))
    response = await client.post(
        "/api/messages", json=activity("message", serviceUrl=str(server.make_url("/")))
    )
    assert response.status == 502


async def test_idle_sessions_are_purged_while_serving(
    aiohttp_client: ClientFactory, teams_settings: Settings
) -> None:
    """A running server drops idle sessions by itself (no unbounded growth)."""
    settings = replace(teams_settings, session_idle_seconds=0.05, session_purge_seconds=0.02)
    app = create_app(settings)
    client = await aiohttp_client(app)
    await post(client, expect_replies(activity("message")))
    assert len(app[SESSIONS]) == 1
    for _ in range(100):
        if len(app[SESSIONS]) == 0:
            break
        await asyncio.sleep(0.02)
    assert len(app[SESSIONS]) == 0


def test_teams_sdk_setting() -> None:
    """VERBIND_TEAMS_SDK picks the adapter (botbuilder by default); a typo is refused in Dutch."""
    assert Settings.from_env({}).teams_sdk == "botbuilder"
    assert Settings.from_env({"VERBIND_TEAMS_SDK": " Agents "}).teams_sdk == "agents"
    with pytest.raises(ValueError, match="VERBIND_TEAMS_SDK moet botbuilder of agents zijn"):
        Settings.from_env({"VERBIND_TEAMS_SDK": "agent"})


def test_agents_sdk_setting_names_are_read() -> None:
    """The Agents SDK's names for the bot's credentials work; the Bot Framework names win."""
    prefix = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
    env = {prefix + "CLIENTID": "id-a", prefix + "CLIENTSECRET": "s-a", prefix + "TENANTID": "t-a"}
    settings = Settings.from_env(env)
    assert (settings.app_id, settings.app_password, settings.app_tenant_id) == (
        "id-a",
        "s-a",
        "t-a",
    )
    assert Settings.from_env({**env, "MicrosoftAppId": "id-b"}).app_id == "id-b"


def install_events(service_url: str, conversation: dict[str, Any]) -> list[dict[str, Any]]:
    """What Teams sends for one install: installationUpdate(add) and conversationUpdate with
    the bot among the members added."""
    added = activity("conversation_update", serviceUrl=service_url, conversation=conversation)
    install = {**added, "type": "installationUpdate", "action": "add"}
    install.pop("membersAdded")
    return [install, added]


def messages_in(received: list[tuple[str, dict[str, Any]]]) -> dict[str, list[str]]:
    """What was posted to each conversation: the text of every message."""
    posted: dict[str, list[str]] = {}
    for path, body in received:
        if body.get("type") == "message":
            posted.setdefault(path.split("/")[3], []).append(shown(body))
    return posted


def one_welcome_each(received: list[tuple[str, dict[str, Any]]], places: list[str]) -> bool:
    """Each conversation got exactly one message, and it is the welcome."""
    posted = messages_in(received)
    return sorted(posted) == sorted(places) and all(
        len(texts) == 1 and "Welkom bij Verbind" in texts[0] for texts in posted.values()
    )


async def test_install_events_arriving_together_make_one_welcome(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """installationUpdate and conversationUpdate of one install, arriving at the same moment
    (as Teams sends them in a channel or group chat): one welcome per conversation."""
    received: list[tuple[str, dict[str, Any]]] = []
    server = await aiohttp_server(recording_connector(received))
    app = create_app(teams_settings)
    client = await aiohttp_client(app)
    sessions = app[SESSIONS]
    load = sessions.load

    async def slow_load(key: str) -> Any:
        await asyncio.sleep(0.01)  # as a shared store answers: the two events interleave
        return await load(key)

    monkeypatch.setattr(sessions, "load", slow_load)
    places = [{"conversationType": "channel", "id": f"19:team-{n}"} for n in range(12)]
    bodies = [b for place in places for b in install_events(str(server.make_url("/")), place)]
    responses = await asyncio.gather(*(client.post("/api/messages", json=b) for b in bodies))
    assert [r.status for r in responses] == [200] * len(bodies)
    assert one_welcome_each(received, [p["id"] for p in places]), messages_in(received)


async def test_one_welcome_across_instances(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
    pg_dsn: str,
    tmp_path: Path,
) -> None:
    """Two instances on one PostgreSQL database, each taking one of an install's two events
    at the same moment: one welcome per conversation."""
    received: list[tuple[str, dict[str, Any]]] = []
    server = await aiohttp_server(recording_connector(received))
    shared = replace(teams_settings, database_url=pg_dsn, register_key="ab" * 16, data_dir=tmp_path)
    first = await aiohttp_client(create_app(shared))
    second = await aiohttp_client(create_app(shared))
    places = [{"conversationType": "groupChat", "id": f"19:group-{n}"} for n in range(8)]
    posts = []
    for place in places:
        install, added = install_events(str(server.make_url("/")), place)
        posts += [
            first.post("/api/messages", json=install),
            second.post("/api/messages", json=added),
        ]
    responses = await asyncio.gather(*posts)
    assert [r.status for r in responses] == [200] * len(posts)
    assert one_welcome_each(received, [p["id"] for p in places]), messages_in(received)


async def test_a_reply_with_a_card_is_the_card_alone(client: TestClient[Any, Any]) -> None:
    """Every reply is sent as its Adaptive Card without a text copy beside it (Teams draws
    ``text`` as a bubble of its own), with a short summary for notifications and the text in
    the card's fallbackText."""
    for text in ("hallo", "vt nummer zeist", "afwegingskader", "wat is een vertrouwensarts"):
        body = await post(client, expect_replies(activity("message", text=text)))
        for reply in body["activities"]:
            assert "text" not in reply, reply.get("text")
            [attachment] = reply["attachments"]
            card = attachment["content"]
            assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
            assert card["fallbackText"].startswith(reply["summary"].rstrip("…"))
            assert 0 < len(reply["summary"]) <= 120


PLAYGROUND_CARD_TEXT = (
    '\n<span class="inline-compose-card" itemid="0" '
    'itemtype="http://schema.skype.com/InputExtension">\n'
    '  <span content="0" itemprop="cardId"></span>\n</span>\n'
)
"""The text Microsoft's Teams client (the Agents Playground) sends with a card picked in the
compose box: markup standing for the attachment, no words of the user."""


@pytest.mark.parametrize(
    "text",
    [PLAYGROUND_CARD_TEXT, '<attachment id="a1b2c3"></attachment>', "", "  "],
    ids=["playground-placeholder", "teams-attachment-tag", "empty", "blank"],
)
async def test_a_shared_contact_card_gets_no_fallback(
    client: TestClient[Any, Any], text: str
) -> None:
    """A contact card picked in the compose box and sent into the chat with Verbind is the
    user sharing it, not a question: no "Daar heb ik geen antwoord op" and no menu."""
    query = await post(client, activity("compose_query"))
    card = query["composeExtension"]["attachments"][0]
    shared = activity(
        "message", text=text, attachments=[{k: card[k] for k in ("contentType", "content")}]
    )
    response = await client.post("/api/messages", json=expect_replies(shared))
    assert response.status == 200
    replies = (await response.json() if await response.text() else {}).get("activities", [])
    assert replies == []


async def test_words_with_a_shared_card_are_answered(client: TestClient[Any, Any]) -> None:
    """A card sent with words of the user's own is answered on the words (the markup that
    stands for the card is left out)."""
    query = await post(client, activity("compose_query"))
    card = query["composeExtension"]["attachments"][0]
    shared = activity(
        "message",
        text="vt nummer zeist" + PLAYGROUND_CARD_TEXT,
        attachments=[{k: card[k] for k in ("contentType", "content")}],
    )
    body = await post(client, expect_replies(shared))
    assert "Gemeente Zeist valt onder" in shown(body["activities"][-1])
