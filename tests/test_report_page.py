"""``/rapport`` over the real aiohttp app: who may open it, the filters, the downloads, the
warning about the register, and the chat's link to it."""

from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Awaitable, Callable
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from bot.access import LOCKOUT_AFTER
from bot.app import create_app
from bot.reportpage import report_url
from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.register import ConsultationRecord
from knowledge import KnowledgeBase

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
OUTSIDE = {"X-Forwarded-For": "203.0.113.9"}
"""A request passed on by a proxy: not made on this machine."""
YEAR = "van=2026-01-01&tot=2026-12-31"


def fill(data_dir: Path) -> None:
    """A register with 2026 and 2025 consultations in two regions."""
    register = open_register(Settings(data_dir=data_dir))
    for i in range(12):
        register.append_now(_record(f"VB-A{i:03d}-0000", "2026-03-10T10:00Z"))
    for i in range(7):
        register.append_now(_record(f"VB-B{i:03d}-0000", "2026-05-10T10:00Z", partner="save"))
    for i in range(6):
        register.append_now(_record(f"VB-C{i:03d}-0000", "2026-06-10T10:00Z", region="VT05"))
    for i in range(9):
        register.append_now(_record(f"VB-D{i:03d}-0000", "2025-03-10T10:00Z"))
    register.close()


async def test_the_report_opens_on_this_machine_only(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """By default the report opens on this machine; elsewhere, also with the web page "on" for
    everyone, it is the same 404 as for nothing (never public)."""
    fill(tmp_path)
    for mode in ("auto", "on"):
        settings = Settings(data_dir=tmp_path, web_page=mode)  # type: ignore[arg-type]
        client = await aiohttp_client(create_app(settings, knowledge=shipped))
        page = await client.get(f"/rapport?{YEAR}")
        assert page.status == 200
        assert "Consultaties via Verbind" in await page.text()
        for path in ("/rapport", "/rapport/rapport.csv", "/rapport/rapport.xlsx"):
            assert (await client.get(path, headers=OUTSIDE)).status == 404, (mode, path)
        assert (await client.get("/rapport/login")).status == 404, "no secret set, no login"
        await client.close()
    off = await aiohttp_client(
        create_app(Settings(data_dir=tmp_path, web_page="off"), knowledge=shipped)
    )
    assert (await off.get("/rapport")).status == 404


async def test_the_page_shows_the_figures_beside_the_previous_period(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """The page has the filters, the downloads, tiles with the previous period and a chart per
    split; a region filter counts that region only."""
    fill(tmp_path)
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    response = await client.get(f"/rapport?{YEAR}")
    html = await response.text()
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert 'type="date" name="van" value="2026-01-01" required>' in html
    assert '<option value="VT20">Utrecht</option>' in html
    assert f'href="/rapport/rapport.xlsx?{YEAR.replace("&", "&amp;")}"' in html
    assert '<dt>Consultaties</dt><dd>25</dd><dd class="vorige">vorige periode: 9</dd>' in html
    assert html.count("<svg") == 7
    region = await (await client.get(f"/rapport?{YEAR}&regio=VT05")).text()
    assert "<dt>Consultaties</dt><dd>6</dd>" in region
    assert "Alleen regio Gelderland-Midden" in region
    assert '<option value="VT05" selected>' in region


async def test_the_organisation_filter_lists_register_partners_only(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """The Organisatie filter offers partners and JGZ organisations a record can name, never
    112, the police or one's own aandachtsfunctionaris."""
    fill(tmp_path)
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    html = await (await client.get(f"/rapport?{YEAR}")).text()
    select = html[html.index('name="organisatie"') :]
    select = select[: select.index("</select>")]
    for partner in ("save", "veilig-thuis-utrecht", "vertrouwensarts", "ggd-regio-utrecht"):
        assert f'<option value="{partner}"' in select
    for never in ("alarmnummer", "politie", "aandachtsfunctionaris", "helpwanted"):
        assert f'<option value="{never}"' not in select


async def test_the_downloads_are_the_same_report(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """The CSV and the workbook carry the page's filters and figures."""
    fill(tmp_path)
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    csv = await client.get(f"/rapport/rapport.csv?{YEAR}&organisatie=save")
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    body = (await csv.read()).decode("utf-8-sig")
    assert "totaal;consultaties;Consultaties;aantal;7;;0;" in body
    xlsx = await client.get(f"/rapport/rapport.xlsx?{YEAR}")
    assert xlsx.content_type.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(await xlsx.read()))
    assert [c.value for c in book["Overzicht"]["B"] if c.value == 25]


@pytest.mark.parametrize(
    "query",
    [
        "van=gisteren",
        "van=2026-12-31&tot=2026-01-01",
        "van=2000-01-01&tot=2026-01-01",
        "regio=VT99",
        "organisatie=%3DHYPERLINK(1)",
    ],
)
async def test_bad_filters_get_a_dutch_400(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory, query: str
) -> None:
    """A filter that cannot be read is a 400 with a Dutch reason, never a 500."""
    fill(tmp_path)
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    for path in ("/rapport", "/rapport/rapport.xlsx"):
        response = await client.get(f"{path}?{query}")
        assert response.status == 400
        assert 'lang="nl"' in await response.text()


async def test_the_page_warns_about_a_tampered_register(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """A changed record shows as the same warning the command line gives, above the figures."""
    fill(tmp_path)
    db = sqlite3.connect(tmp_path / "register.sqlite3")
    db.execute("DROP TRIGGER consultations_append_only")
    db.execute("UPDATE consultations SET partner = 'save' WHERE seq = 3")
    db.commit()
    db.close()
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    html = await (await client.get(f"/rapport?{YEAR}")).text()
    assert '<p class="waarschuwing" role="alert">Let op: het register is niet in orde' in html
    assert "record 3 (VB-A002-0000) is gewijzigd" in html


async def test_a_shared_secret_opens_the_report_with_a_cookie_per_colleague(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """With VERBIND_REPORT_SECRET an outsider is sent to the login; the right secret sets a
    cookie of its own (no secret in it, HttpOnly, SameSite=Strict, expiring) that opens the
    report; a login from another site is refused."""
    fill(tmp_path)
    settings = Settings(data_dir=tmp_path, report_secret="jaarcijfers-geheim")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    first = await client.get("/rapport", headers=OUTSIDE, allow_redirects=False)
    assert (first.status, first.headers["Location"]) == (303, "/rapport/login?naar=/rapport")
    foreign = await client.post(
        "/rapport/login",
        data={"geheim": "jaarcijfers-geheim"},
        headers={**OUTSIDE, "Origin": "https://evil.example"},
    )
    assert foreign.status == 403
    cookies = []
    for _ in range(2):
        right = await client.post(
            "/rapport/login",
            data={"geheim": "jaarcijfers-geheim"},
            headers=OUTSIDE,
            allow_redirects=False,
        )
        assert right.status == 303
        cookie = right.cookies["verbind_rapport"]
        assert "jaarcijfers-geheim" not in cookie.value
        assert (cookie["httponly"], cookie["samesite"], cookie["max-age"]) == (
            True,
            "Strict",
            "28800",
        )
        cookies.append(cookie.value)
    assert cookies[0] != cookies[1], "each login its own cookie"
    assert (await client.get(f"/rapport?{YEAR}", headers=OUTSIDE)).status == 200
    client.session.cookie_jar.clear()
    forged = {**OUTSIDE, "Cookie": f"verbind_rapport={cookies[0][:-4]}abcd"}
    assert (await client.get("/rapport", headers=forged, allow_redirects=False)).status == 303


async def test_login_guesses_wait_longer_and_are_locked_out(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """The staff pages' one login rule: after a miss the next try must wait (429 with
    Retry-After, growing), and after ten misses the address is locked out, even for the right
    secret; another address is not affected."""
    now = [time.time()]
    proxy = (ip_network("127.0.0.1/32"),)  # the test client plays a trusted reverse proxy
    settings = Settings(
        data_dir=tmp_path, report_secret="jaarcijfers-geheim", trusted_proxies=proxy
    )
    client = await aiohttp_client(create_app(settings, knowledge=shipped, clock=lambda: now[0]))

    async def guess(secret: str = "raden", address: str = "203.0.113.9") -> Any:
        return await client.post(
            "/rapport/login",
            data={"geheim": secret},
            headers={"X-Forwarded-For": address},
            allow_redirects=False,
        )

    waits = []
    for _ in range(LOCKOUT_AFTER):
        assert (await guess()).status == 403
        waiting = await guess("jaarcijfers-geheim")
        assert waiting.status == 429
        waits.append(int(waiting.headers["Retry-After"]))
        now[0] += waits[-1] if len(waits) < LOCKOUT_AFTER else 0
    assert waits[:3] == [1, 2, 4]
    assert waits[-1] == 15 * 60
    assert (await guess("jaarcijfers-geheim", "198.51.100.8")).status == 303
    now[0] += 15 * 60 + 1
    assert (await guess("jaarcijfers-geheim")).status == 303


def test_the_chat_links_to_the_report_where_it_is_served(tmp_path: Path) -> None:
    """The public address when a login protects the report, the local page otherwise, and no
    link where nobody may open it."""
    public = Settings(data_dir=tmp_path, report_secret="x", public_url="https://verbind.example.nl")
    assert report_url(public) == "https://verbind.example.nl/rapport"
    assert report_url(Settings(data_dir=tmp_path, port=4000)) == "http://127.0.0.1:4000/rapport"
    assert report_url(Settings(data_dir=tmp_path, web_page="off")) is None


async def test_asking_for_the_yearly_figures_gives_the_link(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """ "jaarverslag" in the web chat answers with the report page's address."""
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path), knowledge=shipped))
    response = await client.post("/web/turn", json={"text": "jaarverslag"})
    replies = (await response.json())["replies"]
    assert any("http://127.0.0.1:3978/rapport" in reply["text"] for reply in replies)


def _record(
    reference: str, time: str, *, partner: str = "veilig-thuis-utrecht", region: str = "VT20"
) -> ConsultationRecord:
    return ConsultationRecord(
        reference=reference,
        time=time,
        kind="save" if partner == "save" else "advies-veilig-thuis",
        partner=partner,
        region=region,
        direction="jgz-partner",
        channel="web",
        content_version="2026.1",
        status="vastgelegd",
    )
