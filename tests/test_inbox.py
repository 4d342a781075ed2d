"""The built-in partner inbox over the real aiohttp app: who may open it, what it shows, the
pick-up, and how long a request is kept."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from ipaddress import ip_network
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.access import LoginThrottle, inbox_realm
from bot.app import create_app
from bot.intake.inbox import Inbox
from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.intake import ConsultationRequest
from dialogs.register import ConsultationRecord
from knowledge import KnowledgeBase
from tests.test_intakes import SAVE

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]
DAY = 86400.0
COOKIE = inbox_realm(Settings()).cookie
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


def local_time(register_time: str) -> str:
    """A register time (UTC) as a Dutch reader expects it, worked out here independently."""
    moment = datetime.strptime(register_time, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")


def section(page: str, heading: str) -> str:
    """The section of an inbox page whose heading starts with ``heading``."""
    [found] = [
        part
        for part in page.split("<section")[1:]
        if re.search(f"<h2[^>]*>{re.escape(heading)}", part)
    ]
    return found.split("</section>")[0]


def records(settings: Settings) -> list[ConsultationRecord]:
    """What the register holds."""
    register = open_register(settings)
    try:
        return register.records()
    finally:
        register.close()


async def test_a_request_reaches_the_inbox_and_is_picked_up(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """Without an intakes file the request lands in SAVE's inbox; "Ik pak dit op" records the
    pick-up once and moves it under "Opgepakt door u" with the callback details (a tel: link,
    Dutch local time, the urgency); the requester hears of it once, on their next turn."""
    settings = Settings(data_dir=tmp_path)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    index = await (await client.get("/inbox")).text()
    assert 'href="/inbox/save"' in index
    assert 'href="/inbox/jgz-utrecht"' in index
    reference = await ask_save(client)
    page = await (await client.get("/inbox/save")).text()
    assert reference in section(page, "Open verzoeken")
    assert "Van: J. Test" in page
    assert "Hoe pakken we dit op?" in page
    picked = await client.post("/inbox/save", data={"ref": reference})
    assert "De aanvrager krijgt bericht" in await picked.text()
    page = await (await client.get("/inbox/save")).text()
    assert reference not in section(page, "Open verzoeken")
    mine = section(page, "Opgepakt door u")
    [requested, pickup] = records(settings)
    assert (requested.status, pickup.status) == ("aangevraagd", "opgepakt")
    for shown in (reference, "Hoe pakken we dit op?", "J. Test", "Urgentie: Vandaag nog"):
        assert shown in mine
    assert '<a class=bel href="tel:0301234567">Bel 030 123 45 67</a>' in mine
    assert f"Aangevraagd: {local_time(requested.time)}" in mine
    assert "UTC" not in page
    again = await client.post("/inbox/save", data={"ref": reference})
    assert f"{reference} is al opgepakt door u" in await again.text()
    replies = await turn(client, {"text": "menu"})
    assert sum("is opgepakt" in r["text"] for r in replies) == 1
    replies = await turn(client, {"text": "menu"})
    assert not any("is opgepakt" in r["text"] for r in replies)
    assert [r.status for r in records(settings)] == ["aangevraagd", "opgepakt"]


async def test_a_picked_up_request_stays_until_its_colleague_closes_it(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """A colleague in another browser sees who has the request and when, without the callback
    details, and cannot close it; the one who picked it up closes it and it is wiped."""
    settings = Settings(data_dir=tmp_path, inbox_secret="lang-gedeeld-geheim")
    server = await aiohttp_server(create_app(settings, knowledge=shipped))
    anna, bram = await aiohttp_client(server), await aiohttp_client(server)
    for colleague, name in ((anna, "Anna de Vries"), (bram, "Bram")):
        login = {"geheim": "lang-gedeeld-geheim", "naam": name}
        response = await colleague.post("/inbox/login", data=login, headers=OUTSIDE)
        assert response.status == 200, await response.text()
    reference = await ask_save(anna)
    await anna.get("/inbox/save", headers=OUTSIDE)
    picked = await anna.post("/inbox/save", data={"ref": reference}, headers=OUTSIDE)
    assert "De aanvrager krijgt bericht" in await picked.text()
    [_, pickup] = records(settings)
    seen = await (await bram.get("/inbox/save", headers=OUTSIDE)).text()
    others = section(seen, "Opgepakt door collega")
    assert f"Opgepakt door Anna de Vries ({local_time(pickup.time)})" in others
    assert reference in others
    assert "Hoe pakken we dit op?" not in seen
    assert "tel:" not in seen
    late = await bram.post("/inbox/save", data={"ref": reference}, headers=OUTSIDE)
    assert f"al opgepakt door Anna de Vries ({local_time(pickup.time)})" in await late.text()
    refused = await bram.post("/inbox/save/afronden", data={"ref": reference}, headers=OUTSIDE)
    assert "Alleen wie het verzoek heeft opgepakt" in await refused.text()
    closed = await anna.post("/inbox/save/afronden", data={"ref": reference}, headers=OUTSIDE)
    assert f"{reference} is afgerond" in await closed.text()
    for colleague in (anna, bram):
        assert reference not in await (await colleague.get("/inbox/save", headers=OUTSIDE)).text()
    assert [r.status for r in records(settings)] == ["aangevraagd", "opgepakt"]


async def test_two_colleagues_pressing_at_once_get_one_pickup(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """Two browsers press "Ik pak dit op" at the same moment: one wins, the other is told it is
    taken; the register holds one pick-up and the requester hears it once."""
    settings = Settings(data_dir=tmp_path)
    server = await aiohttp_server(create_app(settings, knowledge=shipped))
    requester, one, two = [await aiohttp_client(server) for _ in range(3)]
    reference = await ask_save(requester)
    for colleague in (one, two):
        await colleague.get("/inbox/save")
    presses = await asyncio.gather(
        *(c.post("/inbox/save", data={"ref": reference}) for c in (one, two))
    )
    texts = [await r.text() for r in presses]
    assert sum("De aanvrager krijgt bericht" in t for t in texts) == 1
    assert sum(f"{reference} is al opgepakt door een collega" in t for t in texts) == 1
    assert [r.status for r in records(settings)] == ["aangevraagd", "opgepakt"]
    replies = await turn(requester, {"text": "menu"})
    assert sum("is opgepakt" in r["text"] for r in replies) == 1


async def test_the_inbox_wipes_requests_when_the_pickup_days_are_over(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """Open or picked up, a request is gone from the inbox once VERBIND_PICKUP_DAYS are over."""
    now = [time.time()]
    settings = replace(Settings(data_dir=tmp_path), pickup_days=2)
    client = await aiohttp_client(create_app(settings, knowledge=shipped, clock=lambda: now[0]))
    picked = await ask_save(client)
    await client.get("/inbox/save")
    await client.post("/inbox/save", data={"ref": picked})
    still_open = await ask_save(client)
    now[0] += 2 * DAY - 60
    page = await (await client.get("/inbox/save")).text()
    assert picked in section(page, "Opgepakt door u")
    assert still_open in section(page, "Open verzoeken")
    now[0] += 120
    page = await (await client.get("/inbox/save")).text()
    assert picked not in page
    assert still_open not in page


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
    """With VERBIND_INBOX_SECRET an outsider is sent to the login and back; a wrong secret is
    refused, the right one sets a cookie of that colleague's own that opens the inbox."""
    settings = Settings(data_dir=tmp_path, inbox_secret="lang-gedeeld-geheim")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    first = await client.get("/inbox/save", headers=OUTSIDE, allow_redirects=False)
    assert (first.status, first.headers["Location"]) == (303, "/inbox/login?naar=/inbox/save")
    form = await (await client.get("/inbox/login?naar=/inbox/save")).text()
    assert "Gedeeld wachtwoord" in form
    assert 'value="/inbox/save"' in form
    wrong = await client.post("/inbox/login", data={"geheim": "raden"}, headers=OUTSIDE)
    assert wrong.status == 403
    assert "Onjuist wachtwoord" in await wrong.text()
    now = [time.time() + 5]  # past the one-second wait after the wrong guess
    client = await aiohttp_client(create_app(settings, knowledge=shipped, clock=lambda: now[0]))
    login = {"geheim": "lang-gedeeld-geheim", "naar": "/inbox/save"}
    right = await client.post("/inbox/login", data=login, headers=OUTSIDE, allow_redirects=False)
    assert (right.status, right.headers["Location"]) == (303, "/inbox/save")
    cookie = right.cookies[COOKIE]
    assert "lang-gedeeld-geheim" not in cookie.value
    assert (cookie["httponly"], cookie["samesite"], cookie["path"]) == (True, "Strict", "/inbox")
    assert 0 < int(cookie["max-age"]) <= 8 * 3600
    assert (await client.get("/inbox/save", headers=OUTSIDE)).status == 200
    again = await client.post("/inbox/login", data=login, headers=OUTSIDE, allow_redirects=False)
    assert again.cookies[COOKIE].value != cookie.value, "each login is a session of its own"


async def test_a_colleagues_session_expires(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """A login session ends after eight idle hours, and a day after the login however busy;
    logging out ends it at once, even for a copy of the cookie."""
    now = [time.time()]
    settings = Settings(data_dir=tmp_path, inbox_secret="lang-gedeeld-geheim")
    client = await aiohttp_client(create_app(settings, knowledge=shipped, clock=lambda: now[0]))

    async def status() -> int:
        response = await client.get("/inbox", headers=OUTSIDE, allow_redirects=False)
        return response.status

    await client.post("/inbox/login", data={"geheim": "lang-gedeeld-geheim"}, headers=OUTSIDE)
    for _ in range(3):  # busy: each page renews the idle time, up to a day after the login
        now[0] += 7 * 3600
        assert await status() == 200
    now[0] += 4 * 3600  # 25 hours after the login
    assert await status() == 303
    await client.post("/inbox/login", data={"geheim": "lang-gedeeld-geheim"}, headers=OUTSIDE)
    now[0] += 8 * 3600 + 60  # idle for longer than a working day
    assert await status() == 303
    await client.post("/inbox/login", data={"geheim": "lang-gedeeld-geheim"}, headers=OUTSIDE)
    copy = client.session.cookie_jar.filter_cookies(client.make_url("/inbox"))[COOKIE].value
    assert await status() == 200
    out = await client.post("/inbox/uitloggen", headers=OUTSIDE, allow_redirects=False)
    assert out.status == 303
    assert await status() == 303
    stolen = {**OUTSIDE, "Cookie": f"{COOKIE}={copy}"}
    replay = await client.get("/inbox", headers=stolen, allow_redirects=False)
    assert replay.status == 303


async def test_login_guesses_wait_longer_each_time_then_lock_out(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """Each wrong secret doubles the wait before the next attempt from that address is taken
    (429 with Retry-After, not even the right secret); ten wrong ones lock the address out for a
    quarter of an hour; another address is not affected."""
    now = [time.time()]
    proxy = (ip_network("127.0.0.1/32"),)  # the test client plays a trusted reverse proxy
    settings = Settings(
        data_dir=tmp_path, inbox_secret="lang-gedeeld-geheim", trusted_proxies=proxy
    )
    client = await aiohttp_client(create_app(settings, knowledge=shipped, clock=lambda: now[0]))
    right, wrong = {"geheim": "lang-gedeeld-geheim"}, {"geheim": "raden"}

    async def attempt(data: dict[str, str], address: str = "203.0.113.9") -> Any:
        headers = {"X-Forwarded-For": address}
        return await client.post("/inbox/login", data=data, headers=headers, allow_redirects=False)

    waits = []
    for _ in range(9):
        assert (await attempt(wrong)).status == 403
        early = await attempt(right)
        assert early.status == 429
        assert "Te veel pogingen" in await early.text()
        waits.append(int(early.headers["Retry-After"]))
        now[0] += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert (await attempt(wrong)).status == 403  # the tenth
    locked = await attempt(right)
    assert (locked.status, locked.headers["Retry-After"]) == (429, "900")
    assert "geblokkeerd" in await locked.text()
    now[0] += 899
    assert (await attempt(right)).status == 429
    assert (await attempt(right, "198.51.100.7")).status == 303
    now[0] += 2
    assert (await attempt(right)).status == 303


def test_the_login_limit_keeps_bounded_memory() -> None:
    """A flood of guessing addresses keeps at most the cap, dropping the quietest first."""
    throttle = LoginThrottle(clock=lambda: 1000.0, max_addresses=100)
    for n in range(1000):
        throttle.failed(f"10.0.{n // 250}.{n % 250}")
    assert len(throttle) == 100
    assert throttle.wait("10.0.3.249") > 0
    assert throttle.wait("10.0.0.0") == 0


ORIGINS = {
    "unparsable": ("http://[", 400),
    "bad-port": ("http://127.0.0.1:99999", 400),
    "not-a-site": ("javascript:alert(1)", 400),
    "with-path": ("http://127.0.0.1/x", 400),
    "null": ("null", 403),
    "foreign": ("https://elders.example", 403),
    "foreign-port": ("http://127.0.0.1:1", 403),
}
ROUTES = [
    ("GET", "/inbox"),
    ("GET", "/inbox/save"),
    ("POST", "/inbox/save"),
    ("POST", "/inbox/save/afronden"),
    ("GET", "/inbox/login"),
    ("POST", "/inbox/login"),
    ("POST", "/inbox/uitloggen"),
    ("GET", "/intake/opgepakt?t=x"),
    ("POST", "/intake/opgepakt"),
    ("HEAD", "/inbox/save"),
    ("GET", "/rapport"),
    ("GET", "/rapport/rapport.csv"),
    ("GET", "/rapport/login"),
    ("POST", "/rapport/login"),
    ("POST", "/rapport/uitloggen"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_a_bad_origin_is_refused_on_every_staff_route(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory, method: str, path: str
) -> None:
    """An Origin that cannot be parsed gets 400, another site's (or null) 403, on every inbox,
    report, login and pick-up route and method; never 500."""
    settings = Settings(data_dir=tmp_path, inbox_secret="lang-gedeeld-geheim")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    for name, (origin, status) in ORIGINS.items():
        response = await client.request(
            method, path, data={"ref": "x", "t": "x"}, headers={"Origin": origin}
        )
        assert response.status == status, name
    cross = {"Sec-Fetch-Site": "cross-site"}
    response = await client.request(method, path, data={"ref": "x"}, headers=cross)
    if method == "POST":
        assert response.status == 403, "a form posted from another site"
    else:
        assert response.status in (200, 303, 400, 404), "following a link from elsewhere is fine"


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
