"""The two Teams adapters side by side: the same activities get the same answers from the Bot
Framework adapter and the Microsoft 365 Agents SDK adapter (recorded, odd and random ones)."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given

from bot.app import create_app
from bot.settings import TEAMS_SDKS, Settings
from knowledge import KnowledgeBase
from tests.test_fuzz import fuzz_settings, pools, teams_activities
from tests.test_teams import activity, expect_replies

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
NOWHERE = "http://127.0.0.1:9/"
"""A service URL on this machine where nothing listens: posting fails as 502 on both."""


async def both_apps(
    aiohttp_client: ClientFactory, knowledge: KnowledgeBase
) -> dict[str, TestClient[Any, Any]]:
    """The real app on each Teams SDK, in local mode, as the environment chooses it."""
    return {
        sdk: await aiohttp_client(
            create_app(Settings.from_env({"VERBIND_TEAMS_SDK": sdk}), knowledge=knowledge)
        )
        for sdk in TEAMS_SDKS
    }


async def test_both_adapters_answer_alike(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """The same expectReplies and invoke activities get the same status and JSON from the Bot
    Framework adapter and the Agents SDK adapter."""
    bodies = [
        expect_replies(activity("conversation_update")),
        expect_replies(activity("message")),
        expect_replies(activity("card_submit")),
        expect_replies(activity("channel_mention")),
        activity("compose_query"),
        expect_replies(activity("compose_query")),
        {**activity("compose_query"), "name": "composeExtension/unknown"},
        expect_replies(activity("message", type="messageReaction")),
        activity("message", type="messageReaction"),
    ]
    answers: dict[str, list[tuple[int, Any]]] = {}
    for sdk, client in (await both_apps(aiohttp_client, shipped)).items():
        answers[sdk] = []
        for body in bodies:
            response = await client.post("/api/messages", json=body)
            text = await response.text()
            answers[sdk].append((response.status, json.loads(text) if text else None))
    botbuilder, agents = answers["botbuilder"], answers["agents"]
    assert len(botbuilder[1][1]["activities"]) >= 1
    assert agents == botbuilder


ODD_FIELDS: list[dict[str, Any]] = [
    {"deliveryMode": ""},
    {"deliveryMode": 5},
    {"id": ""},
    {"id": 5},
    {"locale": ""},
    {"name": ""},
    {"name": 5},
    {"type": ""},
    {"channelId": ""},
    {"channelId": 5},
    {"from": {"id": "u", "role": "admin"}},
    {"from": {"id": ""}},
    {"from": {"id": 5}},
    {"from": {}},
    {"recipient": {"id": ""}},
    {"recipient": None},
    {"recipient": {}},
    {"conversation": {"id": "c", "isGroup": "maybe"}},
    {"conversation": {"id": "c", "tenantId": 5}},
    {"conversation": {"id": "c", "conversationType": ""}},
    {"conversation": {"id": ""}},
    {"conversation": None},
    {"text": 5},
    {"text": None},
    {"entities": "x"},
    {"entities": [5]},
    {"entities": [{"type": "mention"}]},
    {"value": "x"},
    {"channelData": 5},
    {"timestamp": "never"},
    {"timestamp": "2024-11-23T10:12:45.123Z"},
    {"attachments": "x"},
    {"attachments": [5]},
    {"membersAdded": [{"id": 5}]},
    {"type": "installationUpdate", "action": "add"},
    {"serviceUrl": None},
    {"serviceUrl": 5},
    {"suggestedActions": "x"},
    {"importance": "huge"},
]
"""Fields of the wrong kind, empty or missing: what a fuzzer or a broken client sends."""


@pytest.mark.parametrize("base", ["message", "conversation_update", "compose_query", "card_submit"])
async def test_both_adapters_refuse_and_accept_alike(
    aiohttp_client: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    shipped: KnowledgeBase,
    base: str,
) -> None:
    """Odd, empty and missing fields get the same status from both adapters: 200, 400, or the
    502 of a connector that is not there; never another 5xx, and no error in the log."""
    clients = await both_apps(aiohttp_client, shipped)
    for number, changes in enumerate(ODD_FIELDS):
        body = expect_replies(activity(base, serviceUrl=NOWHERE))
        body["channelData"] = {"tenant": {"id": f"t{number}"}}  # a fresh session per case
        body = {k: v for k, v in {**body, **copy.deepcopy(changes)}.items() if v is not None}
        statuses = {}
        for sdk, client in clients.items():
            statuses[sdk] = (await client.post("/api/messages", json=body)).status
        assert statuses["agents"] == statuses["botbuilder"], changes
        assert statuses["agents"] in (200, 400, 502), changes
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_random_activities_get_the_same_status(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """Random activities (odd types, fields of the wrong kind, missing parts) get the same
    status from both adapters."""
    clients = await both_apps(aiohttp_client, shipped)
    loop = asyncio.get_running_loop()
    differences: list[tuple[dict[str, int], Any]] = []

    async def statuses(body: bytes) -> dict[str, int]:
        headers = {"Content-Type": "application/json"}
        return {
            sdk: (await client.post("/api/messages", data=body, headers=headers)).status
            for sdk, client in clients.items()
        }

    @fuzz_settings(150)
    @given(teams_activities(pools(shipped), NOWHERE))
    def run(body: dict[str, Any]) -> None:
        future = asyncio.run_coroutine_threadsafe(statuses(json.dumps(body).encode()), loop)
        answer = future.result(timeout=60)
        if len(set(answer.values())) > 1:
            differences.append((answer, body))

    await asyncio.to_thread(run)
    assert differences == []
