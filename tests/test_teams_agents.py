"""What only the Agents SDK adapter has: its own setting names, MSAL for the bot's outbound token,
and posting through the SDK-free connector. The hardening both adapters share (forged tokens,
signing keys, local mode, lifecycle, mentions) is in tests/test_teams_security.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.channels.teams import agents_adapter
from bot.channels.teams.connector import ConnectorSender
from bot.settings import Settings
from tests.test_teams import activity, expect_replies, recording_connector, shown
from tests.test_teams_security import APP_ID, Identity, token

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]
AGENTS_CONNECTION = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"


async def configured_by_sdk_names(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> TestClient[Any, Any]:
    """The real app as the environment configures it: the Agents SDK, the bot's id and secret
    under the SDK's own setting names, its signing keys at a local identity endpoint."""
    keys = Identity()
    identity = await aiohttp_server(keys.app)
    env = {
        "VERBIND_TEAMS_SDK": "agents",
        AGENTS_CONNECTION + "CLIENTID": APP_ID,
        AGENTS_CONNECTION + "CLIENTSECRET": "x",
        "VERBIND_TEAMS_OPENID_METADATA_URL": str(identity.make_url(keys.path)),
    }
    return await aiohttp_client(create_app(Settings.from_env(env)))


async def test_the_sdks_setting_names_switch_authentication_on(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory
) -> None:
    """With the bot's id under CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID, a request
    without a token is 401 and one with a properly signed token is answered."""
    client = await configured_by_sdk_names(aiohttp_client, aiohttp_server)
    body = expect_replies(activity("message"))
    assert (await client.post("/api/messages", json=body)).status == 401
    signed = {"Authorization": "Bearer " + token()}
    response = await client.post("/api/messages", json=body, headers=signed)
    assert response.status == 200, await response.text()
    assert shown((await response.json())["activities"][-1]).startswith("Vraag 1 van 5")


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

        async def bot_token() -> str:
            return "bot-token"

        return bot_token

    monkeypatch.setattr(agents_adapter, "_outbound_token", outbound_token)
    headers: list[str] = []

    async def record(request: web.Request) -> web.Response:
        headers.append(request.headers.get("Authorization", ""))
        return web.json_response({"id": "1"})

    fake = web.Application()
    fake.router.add_post("/v3/conversations/{conversation}/activities/{activity}", record)
    connector = await aiohttp_server(fake)
    service_url = str(connector.make_url("/"))
    client = await configured_by_sdk_names(aiohttp_client, aiohttp_server)
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
