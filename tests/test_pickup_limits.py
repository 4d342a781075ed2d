"""The one pick-up rule: links and buttons expire, and a press counts only in the intake the
request was sent to (its Teams or Slack chat, its inbox, its webhook's link)."""

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
from bot.settings import Settings
from dialogs.consultation.pickup import PickupRefusal, PickupRule, Press
from dialogs.intake import PICKUP_NODE, Pickup, seal_pickup
from dialogs.phrases import PICKUP
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


def rule(days: float = 7, *, places: Intakes | None = None) -> PickupRule:
    """The rule on a hand-set clock, with SAVE's intake in a Teams channel unless told."""
    if places is None:
        places = Intakes((IntakeTarget("save", "teams", TEAMS_INTAKE),))
    return PickupRule(KEY, max_age_days=days, places=places, clock=lambda: NOW)


def refusal(answer: Pickup | PickupRefusal) -> str | None:
    """The refusal's reason, or None when the press may pick up."""
    return answer.reason if isinstance(answer, PickupRefusal) else None


@pytest.mark.parametrize(
    ("age_days", "days", "refused"),
    [(0, 7, False), (6.9, 7, False), (7.1, 7, True), (2, 1, True), (30, 31, False)],
)
def test_a_pickup_expires_after_the_configured_days(
    age_days: float, days: float, refused: bool
) -> None:
    """A token sealed longer ago than the setting allows is refused with the expiry text."""
    token = seal_pickup(pickup(), KEY, issued=NOW - age_days * DAY)
    answer = rule(days).check(Press(token, "teams", "19:save-intake"))
    assert refusal(answer) == ("verlopen" if refused else None)
    if refused:
        assert isinstance(answer, PickupRefusal)
        assert answer.text == PICKUP["expired"].format(days=f"{days:g}")


@pytest.mark.parametrize(
    ("channel", "place", "refused"),
    [
        ("teams", "19:save-intake", False),
        ("teams", "19:save-intake;messageid=1732353165123", False),
        ("teams", "19:another-team-channel", True),
        ("teams", "a:1ScrubbedPersonalConversation", True),
        ("teams", None, True),
        ("slack", "19:save-intake", True),
        ("web", None, True),
        ("terminal", None, True),
        ("inbox", "save", True),
        ("webhook", None, True),
    ],
)
def test_a_pickup_counts_only_in_the_intake_it_was_sent_to(
    channel: str, place: str | None, refused: bool
) -> None:
    """Pressed in the partner's intake channel (or a thread in it) it passes; in another chat,
    through another channel (a copied button on the web page, the link page) it does not."""
    token = seal_pickup(pickup(), KEY, issued=NOW)
    assert refusal(rule().check(Press(token, channel, place))) == ("elders" if refused else None)


def test_every_kind_of_intake_has_its_own_place() -> None:
    """A Slack channel, a built-in inbox and a webhook's link each pick up their own requests;
    a partner without an intake here cannot pick up at all."""
    places = Intakes(
        (
            IntakeTarget("save", "slack", {"channel": "CSAVE"}),
            IntakeTarget("jgz-utrecht", "inbox", {}),
            IntakeTarget("veilig-thuis-utrecht", "webhook", {"url": "https://x.example"}),
        )
    )
    check = rule(places=places).check

    def token(partner: str) -> str:
        return seal_pickup(pickup(partner), KEY, issued=NOW)

    assert refusal(check(Press(token("save"), "slack", "CSAVE"))) is None
    assert refusal(check(Press(token("save"), "slack", "COTHER"))) == "elders"
    assert refusal(check(Press(token("jgz-utrecht"), "inbox", "jgz-utrecht"))) is None
    assert refusal(check(Press(token("jgz-utrecht"), "inbox", "save"))) == "elders"
    assert refusal(check(Press(token("veilig-thuis-utrecht"), "webhook"))) is None
    assert refusal(check(Press(token("ggd-regio-utrecht"), "webhook"))) == "elders"


def test_a_forged_or_unstamped_token_is_refused() -> None:
    """A token from before stamps counts as expired; a forged or garbled one is invalid."""
    unstamped = seal_pickup(pickup(), KEY, issued=0)
    assert refusal(rule().check(Press(unstamped, "teams", "19:save-intake"))) == "verlopen"
    token = seal_pickup(pickup(), KEY, issued=NOW)
    for bad in (token[:-2] + "00", "nonsense", "", seal_pickup(pickup(), b"z" * 32)):
        assert refusal(rule().check(Press(bad, "teams", "19:save-intake"))) == "ongeldig"


def test_without_intake_places_only_the_token_and_its_age_count() -> None:
    """A conversation without intakes (a terminal chat) checks the seal and the age only."""
    bare = PickupRule(KEY, max_age_days=7, clock=lambda: NOW)
    token = seal_pickup(pickup(), KEY, issued=NOW)
    assert refusal(bare.check(Press(token, "terminal"))) is None


async def test_an_expired_link_gets_a_clear_page_and_records_nothing(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """GET and POST of an expired pick-up link answer 410 with a Dutch page; a fresh one works
    (for a partner whose intake is a webhook); one meant for another intake is refused (403)."""
    intakes = tmp_path / "intakes.yaml"
    intakes.write_text(
        "intakes:\n  - partner: save\n    webhook: https://intake.example.nl/x\n", encoding="utf-8"
    )
    settings = replace(
        Settings(), data_dir=tmp_path, register_key=KEY.hex(), pickup_days=3, intakes_file=intakes
    )
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    old = seal_pickup(pickup(), KEY, issued=time.time() - 4 * DAY)
    response = await client.get(PICKUP_PATH, params={"t": old})
    assert response.status == 410
    assert "verlopen" in await response.text()
    response = await client.post(PICKUP_PATH, data={"t": old})
    assert response.status == 410
    assert "werkt 3 dagen" in await response.text()
    assert registered(tmp_path) == []
    elsewhere = seal_pickup(pickup("veilig-thuis-utrecht"), KEY)
    response = await client.post(PICKUP_PATH, data={"t": elsewhere})
    assert response.status == 403
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

    assert PICKUP["elsewhere"] in await press("19:somewhere-else")
    assert registered(tmp_path / "data") == []
    await press("19:save-intake;messageid=1")
    assert [r.status for r in registered(tmp_path / "data")] == ["opgepakt"]
