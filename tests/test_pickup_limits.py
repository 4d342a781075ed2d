"""Pick-up links and buttons expire, and a chat button counts only in the partner's own intake."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.intake.intakes import PICKUP_PATH, Intakes, IntakeTarget
from bot.intake.pickup import EXPIRED, OTHER_CHAT, PickupGate
from bot.settings import Settings
from dialogs.intake import PICKUP_NODE, Pickup, seal_pickup
from knowledge import KnowledgeBase
from tests.test_intakes import registered
from tests.test_teams import activity, both_teams_sdks, expect_replies, shown

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
KEY = bytes(range(32))
NOW = 2_000_000_000.0
DAY = 86400.0
TEAMS_INTAKE = {"service_url": "http://127.0.0.1:9/", "conversation": "19:save-intake"}


def pickup(partner: str = "save") -> Pickup:
    """A request's pick-up as the conversation seals it."""
    return Pickup("VB-ABC123", "save", partner, "VT20", "jgz-partner", "teams", None)


def gate(days: float = 7) -> PickupGate:
    """A gate on a hand-set clock with SAVE's intake in a Teams channel."""
    intakes = Intakes((IntakeTarget("save", "teams", TEAMS_INTAKE),))
    return PickupGate(KEY, max_age_days=days, intakes=intakes, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("age_days", "days", "refused"),
    [(0, 7, False), (6.9, 7, False), (7.1, 7, True), (2, 1, True), (30, 31, False)],
)
def test_a_pickup_expires_after_the_configured_days(
    age_days: float, days: float, refused: bool
) -> None:
    """A token sealed longer ago than the setting allows is refused with the expiry text."""
    token = seal_pickup(pickup(), KEY, issued=NOW - age_days * DAY)
    answer = gate(days).refusal(token, channel="webhook")
    assert (answer is not None) is refused
    if refused:
        assert answer == EXPIRED.format(days=f"{days:g}")


@pytest.mark.parametrize(
    ("place", "refused"),
    [
        ("19:save-intake", False),
        ("19:save-intake;messageid=1732353165123", False),
        ("19:another-team-channel", True),
        ("a:1ScrubbedPersonalConversation", True),
    ],
)
def test_a_chat_pickup_counts_only_in_the_intake_chat(place: str, refused: bool) -> None:
    """Pressed in the partner's intake channel (or a thread in it) it passes; elsewhere not."""
    token = seal_pickup(pickup(), KEY, issued=NOW)
    answer = gate().refusal(token, channel="teams", place=place)
    assert answer == (OTHER_CHAT if refused else None)


def test_where_the_place_is_unknown_only_the_age_counts() -> None:
    """A link (no place), another channel kind or a partner without a chat intake: no place
    check; a token from before stamps counts as expired; a forged one is left to the core."""
    token = seal_pickup(pickup(), KEY, issued=NOW)
    assert gate().refusal(token, channel="webhook") is None
    assert gate().refusal(token, channel="slack", place="C1") is None
    other = seal_pickup(pickup("veilig-thuis-utrecht"), KEY, issued=NOW)
    assert gate().refusal(other, channel="teams", place="19:x") is None
    assert gate().refusal(
        seal_pickup(pickup(), KEY, issued=0), channel="webhook"
    ) == EXPIRED.format(days="7")
    assert gate().refusal(token[:-2] + "00", channel="webhook") is None


async def test_an_expired_link_gets_a_clear_page_and_records_nothing(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """GET and POST of an expired pick-up link answer 410 with a Dutch page; a fresh one works."""
    settings = replace(Settings(), data_dir=tmp_path, register_key=KEY.hex(), pickup_days=3)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    old = seal_pickup(pickup(), KEY, issued=time.time() - 4 * DAY)
    response = await client.get(PICKUP_PATH, params={"t": old})
    assert response.status == 410
    assert "verlopen" in await response.text()
    response = await client.post(PICKUP_PATH, data={"t": old})
    assert response.status == 410
    assert "werkt 3 dagen" in await response.text()
    assert registered(tmp_path) == []
    fresh = seal_pickup(pickup(), KEY)
    response = await client.post(PICKUP_PATH, data={"t": fresh})
    assert response.status == 200
    assert [r.status for r in registered(tmp_path)] == ["opgepakt"]


@both_teams_sdks
async def test_a_teams_button_copied_to_another_chat_is_refused(
    teams_sdk: str, tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """ "Ik pak dit op" pressed outside SAVE's intake channel is answered with a warning and
    not recorded; in the intake channel it is."""
    intakes = tmp_path / "intakes.yaml"
    intakes.write_text(
        "intakes:\n  - partner: save\n"
        f"    teams: {{service_url: '{TEAMS_INTAKE['service_url']}', "
        f"conversation: '{TEAMS_INTAKE['conversation']}'}}\n",
        encoding="utf-8",
    )
    settings = replace(
        Settings(teams_sdk=teams_sdk),
        data_dir=tmp_path / "data",
        register_key=KEY.hex(),
        intakes_file=intakes,
    )
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    value = {"node": PICKUP_NODE, "choice": seal_pickup(pickup(), KEY)}

    async def press(conversation: str) -> str:
        body = expect_replies(activity("card_submit", value=value))
        body["conversation"] = {"conversationType": "channel", "id": conversation}
        response = await client.post("/api/messages", json=body)
        assert response.status == 200
        return " ".join(shown(a) for a in (await response.json())["activities"])

    assert OTHER_CHAT in await press("19:somewhere-else")
    assert registered(tmp_path / "data") == []
    await press("19:save-intake;messageid=1")
    assert [r.status for r in registered(tmp_path / "data")] == ["opgepakt"]
