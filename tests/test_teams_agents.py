"""The Agents SDK adapter's hardening over real HTTP: real RSA-signed tokens against a local
OpenID metadata and key endpoint (forged tokens 401, unreachable keys 503, a slow endpoint does not
stall the loop), local mode only for this machine, one greeting per install, mentions without
text, the bot's own token on replies."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import jwt
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.app import CONVERSATION, SESSIONS, create_app
from bot.channels.teams import agents_adapter
from bot.channels.teams.connector import ConnectorSender
from bot.settings import Settings
from dialogs.intake import PICKUP_NODE
from knowledge import KnowledgeBase
from tests.test_teams import activity, expect_replies, recording_connector

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]

APP_ID = "00000000-0000-0000-0000-0000000000b0"
ISSUER = "https://api.botframework.com"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SERVICE_URL = "https://smba.trafficmanager.net/emea/"


class Identity:
    """A local OpenID metadata and key set endpoint, counting how often it is asked."""

    def __init__(self, *, delay: float = 0.0, status: int = 200) -> None:
        self.delay = delay
        self.status = status
        self.fetches = 0
        self.asked = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_get("/metadata", self.metadata)
        self.app.router.add_get("/keys", self.keys)

    async def metadata(self, request: web.Request) -> web.Response:
        self.fetches += 1
        self.asked.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status)
        return web.json_response({"jwks_uri": str(request.url.with_path("/keys"))})

    async def keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
        return web.json_response({"keys": [{**jwk, "kid": "k1", "endorsements": ["msteams"]}]})


def token(**changes: Any) -> str:
    """A Bot Framework channel token signed with the test key (``changes`` alter the claims;
    ``_key``, ``_alg`` and ``_kid`` the signature)."""
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": SERVICE_URL,
        "nbf": int(time.time()) - 60,
        "exp": int(time.time()) + 600,
    }
    key = changes.pop("_key", KEY)
    alg = changes.pop("_alg", "RS256")
    kid = changes.pop("_kid", "k1")
    claims.update(changes)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def unsigned_token() -> str:
    """An ``alg: none`` token with otherwise valid claims."""
    claims = {"iss": ISSUER, "aud": APP_ID, "exp": int(time.time()) + 600}
    return jwt.encode(claims, None, algorithm="none", headers={"kid": "k1"})


async def secured(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, identity: Identity, **more: Any
) -> TestClient[Any, Any]:
    """The real app as configured by the environment: the Agents SDK, the bot's id under the SDK's
    own setting name, its signing keys at ``identity``."""
    server = await aiohttp_server(identity.app)
    prefix = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
    env = {
        "VERBIND_TEAMS_SDK": "agents",
        prefix + "CLIENTID": APP_ID,
        prefix + "CLIENTSECRET": "x",
        "VERBIND_TEAMS_OPENID_METADATA_URL": str(server.make_url("/metadata")),
    }
    settings = replace(Settings.from_env(env), **more)
    return await aiohttp_client(create_app(settings))


FORGED = {
    "none": "",
    "garbage": "Bearer garbage",
    "alg-none": "Bearer " + unsigned_token(),
    "hs256": "Bearer " + token(_key="a-secret-shared-by-nobody-at-all-32b", _alg="HS256"),
    "expired": "Bearer " + token(exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200),
    "unknown-kid": "Bearer " + token(_kid="k-unknown"),
    "no-kid": "Bearer " + jwt.encode({"iss": ISSUER, "aud": APP_ID}, KEY, algorithm="RS256"),
    "wrong-key": "Bearer " + token(_key=OTHER_KEY),
    "wrong-audience": "Bearer " + token(aud="someone-else"),
    "wrong-issuer": "Bearer " + token(iss="https://evil.example"),
    "other-service-url": "Bearer " + token(serviceurl="https://evil.example/"),
    "two-words": "Bearer a b",
    "basic": "Basic dXNlcjpwdw==",
}


@pytest.mark.parametrize("header", FORGED.values(), ids=FORGED.keys())
async def test_forged_tokens_are_401_without_a_traceback(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    caplog: pytest.LogCaptureFixture,
    header: str,
) -> None:
    """Every token the adapter cannot verify is 401, and nothing is logged as an error."""
    client = await secured(aiohttp_client, aiohttp_server, Identity())
    headers = {"Authorization": header} if header else {}
    response = await client.post(
        "/api/messages", json=expect_replies(activity("message")), headers=headers
    )
    assert response.status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_a_properly_signed_token_is_answered_like_local_mode(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    """A token signed with the announced key is accepted (the 401s above are verification), the
    keys are fetched once, and the answer is the one local mode gives."""
    identity = Identity()
    client = await secured(aiohttp_client, aiohttp_server, identity)
    for _ in range(2):
        response = await client.post(
            "/api/messages",
            json=expect_replies(activity("message")),
            headers={"Authorization": "Bearer " + token()},
        )
        assert response.status == 200, await response.text()
        body = await response.json()
        assert body["activities"][-1]["text"].startswith("Vraag 1 van 5")
    assert identity.fetches == 1


async def test_a_key_not_endorsed_for_the_channel_is_401(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    """A well-signed token for an activity from a channel its key is not endorsed for is 401."""
    client = await secured(aiohttp_client, aiohttp_server, Identity())
    response = await client.post(
        "/api/messages",
        json=expect_replies(activity("message", channelId="webchat")),
        headers={"Authorization": "Bearer " + token()},
    )
    assert response.status == 401


async def test_unreachable_signing_keys_are_503(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    """An identity endpoint that fails gives 503 (try again), not 500 and not 401."""
    client = await secured(aiohttp_client, aiohttp_server, Identity(status=500))
    response = await client.post(
        "/api/messages",
        json=expect_replies(activity("message")),
        headers={"Authorization": "Bearer " + token()},
    )
    assert response.status == 503


async def test_a_slow_identity_endpoint_does_not_stall_other_requests(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    """While the keys are being fetched other requests are served; the fetch times out as 503."""
    identity = Identity(delay=30)
    client = await secured(aiohttp_client, aiohttp_server, identity, teams_key_timeout_seconds=1.0)
    turn = asyncio.ensure_future(
        client.post(
            "/api/messages",
            json=expect_replies(activity("message")),
            headers={"Authorization": "Bearer " + token()},
        )
    )
    await identity.asked.wait()
    health = await client.get("/healthz")
    assert health.status == 200
    assert not turn.done()
    assert (await turn).status == 503


async def test_local_mode_does_not_relay_to_other_hosts(aiohttp_client: ClientFactory) -> None:
    """Without an app id, a message naming a service URL off this machine is refused (403)."""
    client = await aiohttp_client(create_app(Settings(teams_sdk="agents")))
    body = activity("message", serviceUrl="http://192.0.2.55:9/")
    response = await client.post("/api/messages", json=body)
    assert response.status == 403


async def test_no_outbound_token_is_a_failed_delivery(aiohttp_server: ServerFactory) -> None:
    """When the bot's own token cannot be had, posting is a ConnectionError (the endpoint's 502,
    an intake's "unavailable"), not whatever the token library raised, and nothing is posted."""
    received: list[tuple[str, dict[str, Any]]] = []
    server = await aiohttp_server(recording_connector(received))

    async def no_token() -> str:
        raise RuntimeError("token service unreachable")

    sender = ConnectorSender(token=no_token, timeout=1.0)
    await sender.start()
    try:
        with pytest.raises(ConnectionError, match="no token"):
            await sender.post(str(server.make_url("/")), "19:intake", {"type": "message"})
    finally:
        await sender.stop()
    assert received == []


def outside_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


async def test_local_mode_answers_only_this_machine(aiohttp_server: ServerFactory) -> None:
    """Without an app id, a request from another address gets 403, one from loopback 200."""
    outside = outside_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    server = await aiohttp_server(create_app(Settings(teams_sdk="agents")), host="0.0.0.0")
    body = expect_replies(activity("message"))
    async with ClientSession() as session:
        async with session.post(
            f"http://{outside}:{server.port}/api/messages", json=body
        ) as answer:
            assert answer.status == 403
        async with session.post(
            f"http://127.0.0.1:{server.port}/api/messages", json=body
        ) as answer:
            assert answer.status == 200


async def test_replies_carry_the_bots_own_token(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With an app id, replies go to the verified service URL with the bot's bearer token from
    MSAL, configured with the bot's id and secret (MSAL itself stands in: no network)."""
    credentials: list[Any] = []

    def outbound_token(credential: Any) -> Any:
        credentials.append(credential.configuration)

        async def token() -> str:
            return "bot-token"

        return token

    monkeypatch.setattr(agents_adapter, "_outbound_token", outbound_token)
    headers: list[str] = []

    async def record(request: web.Request) -> web.Response:
        headers.append(request.headers.get("Authorization", ""))
        return web.json_response({"id": "1"})

    fake = web.Application()
    fake.router.add_post("/v3/conversations/{conversation}/activities/{activity}", record)
    connector = await aiohttp_server(fake)
    service_url = str(connector.make_url("/"))
    client = await secured(aiohttp_client, aiohttp_server, Identity())
    response = await client.post(
        "/api/messages",
        json=activity("message", serviceUrl=service_url),
        headers={"Authorization": "Bearer " + token(serviceurl=service_url)},
    )
    assert response.status == 200, await response.text()
    assert headers
    assert set(headers) == {"Bearer bot-token"}
    [configuration] = credentials
    assert (configuration.CLIENT_ID, configuration.CLIENT_SECRET) == (APP_ID, "x")


async def test_install_greets_once_and_never_resets(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    """installationUpdate(add) then conversationUpdate(bot added): one greeting; a later
    upgrade or re-add while a tree is open leaves the conversation where it was."""
    received: list[tuple[str, dict[str, Any]]] = []
    server = await aiohttp_server(recording_connector(received))
    client = await aiohttp_client(create_app(Settings(teams_sdk="agents")))
    base = activity("conversation_update", serviceUrl=str(server.make_url("/")))
    install = {k: v for k, v in base.items() if k != "membersAdded"}
    install.update(type="installationUpdate", action="add")
    for body in (install, base):
        assert (await client.post("/api/messages", json=body)).status == 200
    assert len(received) == 1
    message = expect_replies(activity("message", conversation=base["conversation"]))
    message["from"] = base["from"]
    opened = await (await client.post("/api/messages", json=message)).json()
    assert opened["activities"][-1]["text"].startswith("Vraag 1 van 5")
    for body in ({**install, "action": "add-upgrade"}, install, base):
        assert (await client.post("/api/messages", json=body)).status == 200
    assert len(received) == 1


async def test_mention_without_text_is_removed(aiohttp_client: ClientFactory) -> None:
    """A mention entity without ``text`` still has its <at> tag removed from the message."""
    client = await aiohttp_client(create_app(Settings(teams_sdk="agents")))
    plain = expect_replies(activity("channel_mention"))
    bare = copy.deepcopy(plain)
    for entity in bare["entities"]:
        entity.pop("text", None)
    bare["from"] = {"id": "29:someone-else", "aadObjectId": "00000000-0000-0000-0000-0000000000a2"}
    with_text = await (await client.post("/api/messages", json=plain)).json()
    without = await (await client.post("/api/messages", json=bare)).json()
    assert [a.get("text") for a in without["activities"]] == [
        a.get("text") for a in with_text["activities"]
    ]


class RefusingGate:
    """A pick-up check that refuses every press, and notes where it was pressed."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str | None]] = []

    def refusal(self, token: str, *, channel: str, place: str | None = None) -> str | None:
        self.asked.append((token, channel, place))
        return "Deze knop werkt niet meer."


async def test_a_refused_pickup_press_is_answered_with_the_refusal(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """An "Ik pak dit op" press the pick-up check refuses gets its text as a warning and never
    reaches the conversation; other presses are not checked."""
    settings = Settings(teams_sdk="agents")
    app = create_app(settings, knowledge=shipped)
    gate = RefusingGate()
    endpoint = agents_adapter.TeamsEndpoint(
        app[CONVERSATION], settings, sessions=app[SESSIONS], pickups=gate
    )
    gated = web.Application()
    gated.router.add_post("/api/messages", endpoint.handle)
    gated.on_startup.append(endpoint.start)
    gated.on_cleanup.append(endpoint.stop)
    client = await aiohttp_client(gated)
    press = expect_replies(activity("card_submit", value={"node": PICKUP_NODE, "choice": "tok"}))
    answer = await (await client.post("/api/messages", json=press)).json()
    assert [a["text"] for a in answer["activities"]] == ["Deze knop werkt niet meer."]
    assert gate.asked == [("tok", "teams", "a:1ScrubbedPersonalConversation")]
    other = await client.post("/api/messages", json=expect_replies(activity("message")))
    assert other.status == 200
    assert len(gate.asked) == 1
