"""Teams hardening over real HTTP: real signed tokens against a local identity endpoint, local mode
limits (no relay, loopback only), lifecycle events and mentions; each on both Teams adapters."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import jwt
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.app import create_app
from bot.settings import TEAMS_SDKS, Settings
from tests.test_teams import activity, expect_replies, shown

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]

APP_ID = "00000000-0000-0000-0000-0000000000b0"
ISSUER = "https://api.botframework.com"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(params=TEAMS_SDKS)
def teams_settings(request: pytest.FixtureRequest) -> Settings:
    """Local-mode settings on each Teams adapter in turn: the tests here run on both."""
    return Settings(teams_sdk=request.param)


class Identity:
    """A local OpenID metadata and JWKS endpoint, counting how often it is asked. Its metadata
    lives under a path of its own: a port reused by an earlier test's server must not hand this
    one the keys the SDK cached for that earlier address."""

    def __init__(self, *, delay: float = 0.0, status: int = 200) -> None:
        self.delay = delay
        self.status = status
        self.fetches = 0
        self.asked = asyncio.Event()
        self.app = web.Application()
        self.path = f"/{uuid.uuid4().hex}/metadata"
        self.app.router.add_get(self.path, self.metadata)
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
    ``_key``, ``_alg`` and ``_kid`` alter the signature)."""
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": "https://smba.trafficmanager.net/emea/",
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
    return jwt.encode(
        {"iss": ISSUER, "aud": APP_ID, "exp": int(time.time()) + 600},
        None,
        algorithm="none",
        headers={"kid": "k1"},
    )


async def secured(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    identity: Identity,
    base: Settings,
    **more: Any,
) -> TestClient[Any, Any]:
    """The real app (on ``base``) with MicrosoftAppId set and its signing keys at ``identity``."""
    server = await aiohttp_server(identity.app)
    settings = replace(
        base,
        app_id=APP_ID,
        app_password="x",
        teams_openid_metadata_url=str(server.make_url(identity.path)),
        **more,
    )
    return await aiohttp_client(create_app(settings))


FORGED = {
    "garbage": "Bearer garbage",
    "alg-none": "Bearer " + unsigned_token(),
    "hs256": "Bearer " + token(_key="a-secret-shared-by-nobody-at-all-32b", _alg="HS256"),
    "expired": "Bearer " + token(exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200),
    "unknown-kid": "Bearer " + token(_kid="k-unknown"),
    "wrong-key": "Bearer " + token(_key=OTHER_KEY),
    "wrong-audience": "Bearer " + token(aud="someone-else"),
    "two-words": "Bearer a b",
    "basic": "Basic dXNlcjpwdw==",
    "none": "",
    "no-kid": "Bearer " + jwt.encode({"iss": ISSUER, "aud": APP_ID}, KEY, algorithm="RS256"),
    "wrong-issuer": "Bearer " + token(iss="https://evil.example"),
    "other-service-url": "Bearer " + token(serviceurl="https://evil.example/"),
}


@pytest.mark.parametrize("header", FORGED.values(), ids=FORGED.keys())
async def test_forged_tokens_are_401_without_a_traceback(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    caplog: pytest.LogCaptureFixture,
    header: str,
    teams_settings: Settings,
) -> None:
    """Every token the SDK cannot verify is 401, and nothing is logged as an error."""
    client = await secured(aiohttp_client, aiohttp_server, Identity(), teams_settings)
    response = await client.post(
        "/api/messages",
        json=expect_replies(activity("message")),
        headers={"Authorization": header},
    )
    assert response.status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_a_key_not_endorsed_for_the_channel_is_401(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, teams_settings: Settings
) -> None:
    """A well-signed token for an activity from a channel its key is not endorsed for is 401."""
    client = await secured(aiohttp_client, aiohttp_server, Identity(), teams_settings)
    response = await client.post(
        "/api/messages",
        json=expect_replies(activity("message", channelId="webchat")),
        headers={"Authorization": "Bearer " + token()},
    )
    assert response.status == 401


async def test_a_properly_signed_token_is_accepted(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
) -> None:
    """A token signed with the announced key is accepted: the 401s above are verification."""
    identity = Identity()
    client = await secured(aiohttp_client, aiohttp_server, identity, teams_settings)
    for _ in range(2):
        response = await client.post(
            "/api/messages",
            json=expect_replies(activity("message")),
            headers={"Authorization": "Bearer " + token()},
        )
        assert response.status == 200, await response.text()
    assert identity.fetches == 1  # the keys are cached


async def test_unreachable_signing_keys_are_503(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
) -> None:
    """An identity endpoint that fails gives 503 (try again), not 500 and not 401."""
    client = await secured(aiohttp_client, aiohttp_server, Identity(status=500), teams_settings)
    response = await client.post(
        "/api/messages",
        json=expect_replies(activity("message")),
        headers={"Authorization": "Bearer " + token()},
    )
    assert response.status == 503


async def test_a_slow_identity_endpoint_does_not_stall_other_requests(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
) -> None:
    """While the keys are being fetched, other requests are served; the fetch times out as 503."""
    identity = Identity(delay=30)
    client = await secured(
        aiohttp_client, aiohttp_server, identity, teams_settings, teams_key_timeout_seconds=1.0
    )
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


@pytest.mark.parametrize(
    "changes",
    [
        {"serviceUrl": None},
        {"conversation": None},
        {"serviceUrl": None, "conversation": None},
        {"recipient": None},
    ],
    ids=["no-service-url", "no-conversation", "neither", "no-recipient"],
)
@pytest.mark.parametrize("kind", ["conversationUpdate", "installationUpdate"])
async def test_lifecycle_events_without_an_address_are_not_500(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    kind: str,
    changes: dict[str, Any],
    teams_settings: Settings,
) -> None:
    """Install and member events that name nowhere to answer are accepted and not answered."""
    received: list[str] = []
    server = await aiohttp_server(connector(received))
    client = await aiohttp_client(create_app(teams_settings))
    base = activity("conversation_update", serviceUrl=str(server.make_url("/")))
    body = {**base, "type": kind, "action": "add", **changes}
    body = {k: v for k, v in body.items() if v is not None}
    response = await client.post("/api/messages", json=body)
    assert response.status == 200
    if "serviceUrl" in changes or "conversation" in changes:
        assert received == []


def connector(received: list[str]) -> web.Application:
    """A fake Bot Connector that records the paths it was posted to."""

    async def record(request: web.Request) -> web.Response:
        received.append(request.path)
        return web.json_response({"id": "1"})

    app = web.Application()
    app.router.add_post("/{tail:.*}", record)
    return app


async def test_local_mode_does_not_relay_to_other_hosts(
    aiohttp_client: ClientFactory, teams_settings: Settings
) -> None:
    """Without an app id, a message naming a service URL off this machine is refused (403)."""
    client = await aiohttp_client(create_app(teams_settings))
    body = activity("message", serviceUrl="http://192.0.2.55:9/")
    response = await client.post("/api/messages", json=body)
    assert response.status == 403


async def test_local_mode_follows_no_redirects(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
) -> None:
    """A connector answering with a redirect is a failed delivery (502); it is not followed."""
    received: list[str] = []
    elsewhere = await aiohttp_server(connector(received))

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(str(elsewhere.make_url(request.path)))

    fake = web.Application()
    fake.router.add_post("/{tail:.*}", redirect)
    server = await aiohttp_server(fake)
    client = await aiohttp_client(create_app(teams_settings))
    body = activity("message", serviceUrl=str(server.make_url("/")))
    response = await client.post("/api/messages", json=body)
    assert response.status == 502
    assert received == []


def _outside_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


async def test_local_mode_answers_only_this_machine(
    aiohttp_server: ServerFactory, teams_settings: Settings
) -> None:
    """Without an app id, a request from another address gets 403, one from loopback 200."""
    outside = _outside_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    server = await aiohttp_server(create_app(teams_settings), host="0.0.0.0")
    body = expect_replies(activity("message"))
    async with ClientSession() as session:
        url = f"http://{outside}:{server.port}/api/messages"
        async with session.post(url, json=body) as response:
            assert response.status == 403
        local = f"http://127.0.0.1:{server.port}/api/messages"
        async with session.post(local, json=body) as response:
            assert response.status == 200


async def test_install_greets_once_and_never_resets(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
) -> None:
    """installationUpdate(add) then conversationUpdate(bot added): one greeting; a later
    upgrade or re-add while a tree is open leaves the conversation where it was."""
    received: list[str] = []
    server = await aiohttp_server(connector(received))
    client = await aiohttp_client(create_app(teams_settings))
    base = activity("conversation_update", serviceUrl=str(server.make_url("/")))
    install = {**base, "type": "installationUpdate", "action": "add"}
    install.pop("membersAdded", None)
    for body in (install, base):
        assert (await client.post("/api/messages", json=body)).status == 200
    assert len(received) == 1
    # A conversation in progress: a tree opened by a message.
    message = expect_replies(activity("message", conversation=base["conversation"]))
    message["from"] = base["from"]
    opened = await (await client.post("/api/messages", json=message)).json()
    assert shown(opened["activities"][-1]).startswith("Vraag 1 van 5")
    upgrade = {**install, "action": "add-upgrade"}
    for body in (upgrade, install, base):
        assert (await client.post("/api/messages", json=body)).status == 200
    assert len(received) == 1


async def test_mention_without_text_is_removed(
    aiohttp_client: ClientFactory, teams_settings: Settings
) -> None:
    """A mention entity without ``text`` still has its <at> tag removed from the message."""
    client = await aiohttp_client(create_app(teams_settings))
    body = expect_replies(activity("channel_mention"))
    for entity in body["entities"]:
        if entity.get("type") == "mention":
            entity.pop("text", None)
    plain = expect_replies(activity("channel_mention"))
    with_text = await (await client.post("/api/messages", json=plain)).json()
    body["from"] = {"id": "29:someone-else", "aadObjectId": "00000000-0000-0000-0000-0000000000a2"}
    without = await (await client.post("/api/messages", json=body)).json()
    assert [shown(a) for a in without["activities"]] == [shown(a) for a in with_text["activities"]]


async def test_keys_in_hand_outlive_a_failed_refresh(aiohttp_server: ServerFactory) -> None:
    """A failed refresh keeps the keys already fetched in use; with no keys at all it is
    reported, and within the back-off the endpoint is not asked again for every request."""
    from bot.channels.teams.signingkeys import (
        KEEP_SECONDS,
        SigningKeySet,
        SigningKeysUnavailableError,
    )

    identity = Identity()
    url = str((await aiohttp_server(identity.app)).make_url(identity.path))
    keys = SigningKeySet(url, timeout=1.0)
    assert await keys.get("k1") is not None
    identity.status = 500
    keys._fetched -= KEEP_SECONDS + 1  # as if a day had passed
    assert await keys.get("k1") is not None
    empty = SigningKeySet(url, timeout=1.0)
    with pytest.raises(SigningKeysUnavailableError):
        await empty.get("k1")
    asked = identity.fetches
    with pytest.raises(SigningKeysUnavailableError):
        await empty.get("k1")
    assert identity.fetches == asked


MARK = "Jansen-BSN-111222333"
"""Client text no log may hold, whatever activity field it comes in."""


def hostile_activities(service_url: str) -> list[dict[str, Any]]:
    """Activities with ``MARK`` in every field a client fills: an unknown type, ids, names,
    channel, locale, text, values, entities, members, invoke names, times."""
    message = activity("message", serviceUrl=service_url)
    everywhere = {
        **message,
        "id": MARK,
        "channelId": MARK,
        "locale": MARK,
        "name": MARK,
        "text": MARK,
        "textFormat": MARK,
        "from": {"id": MARK, "name": MARK, "aadObjectId": MARK},
        "recipient": {"id": MARK, "name": MARK},
        "conversation": {"id": MARK, "conversationType": MARK, "tenantId": MARK},
        "entities": [{"type": MARK, "text": MARK, "mentioned": {"id": MARK}}],
        "attachments": [{"contentType": MARK, "content": MARK}],
        "channelData": {"tenant": {"id": MARK}, "eventType": MARK},
    }
    update = activity("conversation_update", serviceUrl=service_url)
    return [
        {**message, "type": MARK},
        {**message, "type": f"message {MARK}"},
        {**message, "type": "messageReaction", "reactionsAdded": [{"type": MARK}]},
        everywhere,
        {**everywhere, "value": {"node": MARK, "choice": MARK, MARK: MARK}},
        {**update, "type": "installationUpdate", "action": MARK},
        {**update, "membersAdded": [{"id": MARK, "name": MARK}]},
        {**activity("compose_query"), "name": MARK},
        {
            **activity("compose_query"),
            "value": {"commandId": MARK, "parameters": [{"name": MARK, "value": MARK}]},
        },
        {**message, "timestamp": MARK},
        {**message, "serviceUrl": f"{MARK}://{MARK}"},
        {**message, "type": "event", "name": MARK, "value": MARK},
    ]


def assert_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    """``MARK`` is in no log record: message, arguments or exception text."""
    records = caplog.records
    assert records, "the turns were logged"
    logged = caplog.text + "".join(repr(r.args) + str(r.exc_info) for r in records)
    assert MARK not in logged


async def test_activity_fields_never_reach_the_log(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    caplog: pytest.LogCaptureFixture,
    teams_settings: Settings,
) -> None:
    """Whatever a client puts in an activity's fields (an unknown type, names, ids, text), the
    log holds only allow-listed values: the type as one of the protocol's, else "other"."""
    caplog.set_level(logging.DEBUG)
    received: list[str] = []
    server = await aiohttp_server(connector(received))
    client = await aiohttp_client(create_app(teams_settings))
    for body in hostile_activities(str(server.make_url("/"))):
        for variant in (body, expect_replies(body)):
            response = await client.post("/api/messages", json=variant)
            assert response.status in (200, 400), response.status
    assert_not_logged(caplog)
    assert any("type=other" in r.getMessage() for r in caplog.records)


async def test_failed_deliveries_and_refused_tokens_log_no_client_text(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    caplog: pytest.LogCaptureFixture,
    teams_settings: Settings,
) -> None:
    """A reply the connector refuses (502) and a refused token (401) are logged by kind only,
    whatever the activity and the token's header hold."""
    caplog.set_level(logging.DEBUG)

    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=503, text=MARK)

    refusing = web.Application()
    refusing.router.add_post("/{tail:.*}", refuse)
    server = await aiohttp_server(refusing)
    client = await aiohttp_client(create_app(teams_settings))
    body = {**activity("message", serviceUrl=str(server.make_url(f"/{MARK}/"))), "type": "message"}
    body["conversation"] = {"id": MARK}
    assert (await client.post("/api/messages", json=body)).status == 502
    secured_client = await secured(aiohttp_client, aiohttp_server, Identity(), teams_settings)
    forged = jwt.encode({"iss": MARK}, KEY, algorithm="RS256", headers={"kid": MARK})
    for header in (f"Bearer {MARK}", f"{MARK} x", f"Bearer {forged}"):
        response = await secured_client.post(
            "/api/messages",
            json=expect_replies(activity("message")),
            headers={"Authorization": header},
        )
        assert response.status == 401
    assert_not_logged(caplog)


def raw_token(header: Any, payload: Any = None, signature: str = "c2ln") -> str:
    """A token from parts as given (``header`` and ``payload`` as JSON, or as raw text)."""
    import base64

    def part(value: Any) -> str:
        data = value if isinstance(value, str) else json.dumps(value)
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    return f"{part(header)}.{part(payload if payload is not None else {'iss': ISSUER})}.{signature}"


REFUSED_UNSEEN = {
    "alg-none": unsigned_token(),
    "alg-None": raw_token({"alg": "None", "kid": "k1"}),
    "hs256": token(_key="a-secret-shared-by-nobody-at-all-32b", _alg="HS256"),
    "hs512": raw_token({"alg": "HS512", "kid": "k1"}),
    "es256": raw_token({"alg": "ES256", "kid": "k1"}),
    "rs512": raw_token({"alg": "RS512", "kid": "k1"}),
    "ps256": raw_token({"alg": "PS256", "kid": "k1"}),
    "rs256-lowercase": raw_token({"alg": "rs256", "kid": "k1"}),
    "alg-missing": raw_token({"kid": "k1"}),
    "alg-number": raw_token({"alg": 256, "kid": "k1"}),
    "kid-missing": raw_token({"alg": "RS256"}),
    "kid-number": raw_token({"alg": "RS256", "kid": 1}),
    "header-list": raw_token(["RS256"]),
    "header-not-json": raw_token("{not json"),
    "two-parts": "eyJhbGciOiJSUzI1NiJ9.e30",
    "four-parts": raw_token({"alg": "RS256", "kid": "k1"}) + ".x",
    "not-base64": "%%%.%%%.%%%",
    "garbage": "garbage",
}


@pytest.mark.parametrize("bad", REFUSED_UNSEEN.values(), ids=REFUSED_UNSEEN.keys())
async def test_a_token_naming_another_algorithm_is_401_before_any_key_fetch(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    teams_settings: Settings,
    bad: str,
) -> None:
    """A token that names an algorithm other than RS256, or no key, or is not a JWT at all,
    is 401 on its header alone: even while Microsoft's keys cannot be fetched (no 503), and
    without asking for them."""
    identity = Identity(status=500)
    client = await secured(aiohttp_client, aiohttp_server, identity, teams_settings)
    response = await client.post(
        "/api/messages",
        json=expect_replies(activity("message")),
        headers={"Authorization": f"Bearer {bad}"},
    )
    assert response.status == 401
    assert identity.fetches == 0
