"""The built-in partner inbox over the real aiohttp app: who may open it, what it shows, the
pick-up, and how long a request is kept."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.intake.inbox import Inbox
from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.intake import ConsultationRequest
from knowledge import KnowledgeBase
from tests.test_intakes import SAVE

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
OUTSIDE = {"X-Forwarded-For": "203.0.113.9"}
"""A request passed on by a proxy: not made on this machine."""


async def turn(client: TestClient[Any, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """One web-page turn; its replies."""
    response = await client.post("/web/turn", json=body)
    assert response.status == 200
    replies: list[dict[str, Any]] = (await response.json())["replies"]
    return replies


def press(replies: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """The turn body for the newest button ``label``."""
    [payload, *_] = [
        b["payload"] for r in reversed(replies) for b in r["buttons"] if b["label"] == label
    ]
    return {"payload": payload}


async def ask_save(client: TestClient[Any, Any]) -> str:
    """Request a consultation with SAVE on the web page for a child in Zeist; the reference."""
    await turn(client, {"text": "kind woont in Zeist"})
    replies = await turn(client, {"text": "overleg aanvragen"})
    replies = await turn(client, press(replies, SAVE))
    replies = await turn(client, press(replies, "Vandaag nog"))
    [form] = [r["form"] for r in replies if r["form"]]
    values = {"vraag": "Hoe pakken we dit op?", "naam": "J. Test", "telefoon": "030 123 45 67"}
    replies = await turn(client, {"payload": form["submit"]["payload"], "form": values})
    [reference] = re.findall(r"VB-[A-Z0-9]{4}-[A-Z0-9]{4}", replies[-1]["text"])
    return reference


async def test_a_request_reaches_the_inbox_and_is_picked_up(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """Without an intakes file the request lands in SAVE's inbox; "Ik pak dit op" records the
    pick-up once, empties the inbox and the requester hears of it on their next turn."""
    settings = Settings(data_dir=tmp_path)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    index = await (await client.get("/inbox")).text()
    assert 'href="/inbox/save"' in index
    assert 'href="/inbox/jgz-utrecht"' in index
    reference = await ask_save(client)
    page = await (await client.get("/inbox/save")).text()
    assert reference in page
    assert "Van: J. Test" in page
    assert "Hoe pakken we dit op?" in page
    picked = await client.post("/inbox/save", data={"ref": reference})
    assert "De aanvrager krijgt bericht" in await picked.text()
    assert reference not in await (await client.get("/inbox/save")).text()
    again = await client.post("/inbox/save", data={"ref": reference})
    assert "niet (meer) in de inbox" in await again.text()
    replies = await turn(client, {"text": "menu"})
    assert any("is opgepakt" in r["text"] for r in replies)
    register = open_register(settings)
    try:
        assert [r.status for r in register.records()] == ["aangevraagd", "opgepakt"]
    finally:
        register.close()


async def test_the_inbox_follows_the_web_page_rule(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """By default only this machine sees the inbox; others get the same 404 as for nothing."""
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    assert (await client.get("/inbox", headers=OUTSIDE)).status == 404
    assert (await client.get("/inbox/save", headers=OUTSIDE)).status == 404
    refused = await client.post("/inbox/save", data={"ref": "VB-AAAA-BBBB"}, headers=OUTSIDE)
    assert refused.status == 404
    assert (await client.get("/inbox/login")).status == 404, "no secret set, no login"
    assert (await client.get("/inbox/nergens")).status == 404


async def test_a_shared_secret_opens_the_inbox_on_a_trusted_network(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """With VERBIND_INBOX_SECRET an outsider is sent to the login; a wrong secret is refused,
    the right one sets a cookie that opens the inbox (and holds no secret)."""
    settings = Settings(data_dir=tmp_path, inbox_secret="lang-gedeeld-geheim")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    first = await client.get("/inbox", headers=OUTSIDE, allow_redirects=False)
    assert (first.status, first.headers["Location"]) == (303, "/inbox/login")
    assert "Gedeeld wachtwoord" in await (await client.get("/inbox/login")).text()
    wrong = await client.post("/inbox/login", data={"geheim": "raden"}, headers=OUTSIDE)
    assert wrong.status == 403
    right = await client.post(
        "/inbox/login",
        data={"geheim": "lang-gedeeld-geheim"},
        headers=OUTSIDE,
        allow_redirects=False,
    )
    assert right.status == 303
    cookie = right.cookies["verbind_inbox"]
    assert "lang-gedeeld-geheim" not in cookie.value
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert (await client.get("/inbox/save", headers=OUTSIDE)).status == 200


async def test_bad_pickups_get_a_4xx(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """Another site's form, a body that is not a form or not UTF-8: 403, 415, 400; never 5xx."""
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    foreign = {"Origin": "https://elders.example"}
    assert (await client.post("/inbox/save", data={"ref": "x"}, headers=foreign)).status == 403
    assert (await client.post("/inbox/save", json={"ref": "x"})).status == 415
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert (await client.post("/inbox/save", data=b"ref=\xff\xfe", headers=form)).status == 400
    big = b"ref=" + b"a" * 5000
    assert (await client.post("/inbox/save", data=big, headers=form)).status == 413


async def test_with_an_intakes_file_there_is_no_inbox(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """Configured intakes (webhook, Teams, Slack) stay as they are: no built-in inbox."""
    path = tmp_path / "intakes.yaml"
    path.write_text(
        "intakes:\n  - partner: save\n    webhook: https://intake.example.nl/x\n", encoding="utf-8"
    )
    settings = replace(Settings(data_dir=tmp_path), intakes_file=path)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    assert (await client.get("/inbox")).status == 404


def request(reference: str, partner: str = "save") -> ConsultationRequest:
    """A forwarded request (its content does not matter here)."""
    return ConsultationRequest(
        reference, partner, "SAVE", "Vandaag nog", None, "telefoon 030", "2026-11-30T10:00Z", "t"
    )


def test_the_inbox_forgets_old_requests_and_keeps_a_bounded_number() -> None:
    """Requests older than the limit are dropped; beyond the cap the oldest make way."""
    now = [1000.0]
    inbox = Inbox(max_age_seconds=60, per_partner=2, clock=lambda: now[0])
    inbox.put(request("A"))
    now[0] += 30
    inbox.put(request("B"))
    inbox.put(request("C"))
    assert [i.request.reference for i in inbox.open("save")] == ["C", "B"]
    now[0] += 45
    assert [i.request.reference for i in inbox.open("save")] == ["C", "B"]
    now[0] += 20
    assert inbox.open("save") == ()
