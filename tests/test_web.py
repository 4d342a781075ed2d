"""The local web chat page over real HTTP: the aiohttp app, its page files and its JSON turns."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.channels.web.page import COOKIE_NAME, MAX_TURN_BYTES, TURN_PATH, page_url, reply_json
from bot.settings import Settings
from dialogs import ContactCard, Reply
from knowledge import AdviceNode, KnowledgeBase
from tests.test_shipped_trees import AFWEGINGSKADER

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PAGE_FILES = ["/", "/web/chat.css", "/web/chat.js"]
ROOT = Path(__file__).parent.parent


def app_from(
    knowledge: KnowledgeBase, *, remote: str | None = None, **settings: Any
) -> web.Application:
    """The real app; with ``remote``, every request looks as if it came from that address.

    The test server only listens on loopback, so a tiny middleware rewrites the peer address the
    way aiohttp itself would see it behind another network interface (``Request.clone``).
    """
    app = create_app(Settings(**settings), knowledge=knowledge)
    if remote is not None:

        @web.middleware
        async def elsewhere(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await handler(request.clone(remote=remote))

        app.middlewares.append(elsewhere)
    return app


@pytest.fixture
async def client(aiohttp_client: ClientFactory, shipped: KnowledgeBase) -> TestClient[Any, Any]:
    """The real app on its defaults (VERBIND_WEB_PAGE=auto), reached from this machine."""
    return await aiohttp_client(app_from(shipped))


async def say(client: TestClient[Any, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """POST one turn; the replies of a 200 answer."""
    response = await client.post(TURN_PATH, json=body)
    assert response.status == 200, await response.text()
    data = await response.json()
    assert set(data) == {"replies"}
    replies: list[dict[str, Any]] = data["replies"]
    return replies


def press(replies: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """The body that clicks the last button labelled ``label`` (its payload sent back as is)."""
    payloads = [b["payload"] for r in replies for b in r["buttons"] if b["label"] == label]
    assert payloads, f"no button {label!r}"
    return {"payload": payloads[-1]}


class _References(HTMLParser):
    """Collects every src and href in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the tag's src and href values."""
        self.found += [value or "" for name, value in attrs if name in ("src", "href")]


# -- the page ----------------------------------------------------------------------------------


async def test_page_is_dutch_labelled_and_says_it_is_a_test_page(
    client: TestClient[Any, Any],
) -> None:
    """GET / is the Dutch page with its notice, labelled input, live region and diagram link."""
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert '<html lang="nl">' in html
    assert "Lokale testpagina" in html
    assert "gebruik geen cliëntgegevens" in html
    assert '<label for="invoer">' in html
    assert 'id="invoer"' in html
    assert 'aria-live="polite"' in html
    assert '<a href="/diagrammen">Beslisbomen als diagram</a>' in html
    assert 'data-text="terug"' in html
    assert 'data-text="opnieuw"' in html


async def test_page_files_are_served_with_their_types(client: TestClient[Any, Any]) -> None:
    """The stylesheet and the script come from the app itself, typed and with a strict CSP."""
    kinds = {"/": "text/html", "/web/chat.css": "text/css", "/web/chat.js": "text/javascript"}
    for path, kind in kinds.items():
        response = await client.get(path)
        assert response.status == 200, path
        assert response.content_type == kind
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_page_has_no_external_references(client: TestClient[Any, Any]) -> None:
    """No file of the page loads or links anything from another host (no CDN, no web fonts)."""
    texts = {path: await (await client.get(path)).text() for path in PAGE_FILES}
    absolute = {
        path: re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, flags=re.IGNORECASE)
        for path, text in texts.items()
    }
    assert absolute == {path: [] for path in PAGE_FILES}
    parser = _References()
    parser.feed(texts["/"])
    assert parser.found, "the page references its own files"
    assert all(ref.startswith(("/", "#", "data:")) for ref in parser.found), parser.found
    assert not re.search(r"@import|url\(", texts["/web/chat.css"])


async def test_page_sets_a_private_random_cookie(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """The page sets an HttpOnly SameSite=Strict cookie, different per visitor, once."""
    values = []
    for _ in range(2):
        visitor = await aiohttp_client(app_from(shipped))
        response = await visitor.get("/")
        header = response.headers["Set-Cookie"]
        assert "HttpOnly" in header
        assert "SameSite=Strict" in header
        assert "Path=/" in header
        values.append(response.cookies[COOKIE_NAME].value)
        again = await visitor.get("/")
        assert "Set-Cookie" not in again.headers
    assert values[0] != values[1]
    assert all(len(value) >= 32 for value in values)


def test_page_files_are_package_data() -> None:
    """Every file of the page is declared package data, so a non-editable install serves it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package = ROOT / "bot" / "channels" / "web"
    patterns = config["tool"]["setuptools"]["package-data"]["bot.channels.web"]
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    on_disk = set((package / "static").iterdir())
    assert len(on_disk) >= 3
    assert on_disk <= shipped


# -- turns -------------------------------------------------------------------------------------


async def test_walk_to_an_outcome_through_the_json_endpoint(
    client: TestClient[Any, Any], shipped: KnowledgeBase
) -> None:
    """Payloads sent back walk the afwegingskader to its outcome, with contacts and sources."""
    tree = shipped.trees["afwegingskader"]
    replies = await say(client, {"text": "menu"})
    assert replies[0]["kind"] == "question"
    replies = await say(client, press(replies, tree.title))
    answers = next(a for a, end in AFWEGINGSKADER.items() if end == "melden-onveilig")
    for key in answers:
        node = tree.node(replies[-1]["buttons"][0]["payload"]["node"])
        label = next(o.label for o in node.options if o.key == key)
        replies = await say(client, press(replies, label))
    end = tree.node("melden-onveilig")
    assert isinstance(end, AdviceNode)
    final = replies[-1]
    assert final["text"].startswith(end.text_for(None))
    assert final["outcome"] == end.outcome
    assert final["diagram"] == "/diagrammen/afwegingskader"
    assert all(r["diagram"] is None for r in replies[:-1])
    diagram = await client.get(final["diagram"])
    assert diagram.status == 200
    assert {c["name"] for c in final["contacts"]} >= {shipped.organisations["veilig-thuis"].name}
    assert any(link["href"].startswith("tel:") for c in final["contacts"] for link in c["links"])
    assert final["sources"]
    assert all(s["url"].startswith("https://") for s in final["sources"])
    date.fromisoformat(final["sources"][0]["checked"])


async def test_terug_and_opnieuw_are_plain_words(client: TestClient[Any, Any]) -> None:
    """The page's terug and opnieuw buttons send words, which the core treats as commands."""
    await say(client, {"text": "afwegingskader"})
    replies = await say(client, press(await say(client, {"text": "1"}), "Nee"))
    assert replies[-1]["text"].startswith("Vraag 3 van 5")
    replies = await say(client, {"text": "terug"})
    assert replies[-1]["text"].startswith("Vraag 2 van 5")
    replies = await say(client, {"text": "opnieuw"})
    assert replies[-1]["text"].startswith("Vraag 1 van 5")


async def test_the_cookie_keys_the_conversation(
    client: TestClient[Any, Any], aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """A payload from another visitor's conversation is stale for a visitor without that cookie."""
    replies = await say(client, {"text": "afwegingskader"})
    body = press(replies, "Ja")
    assert (await say(client, body))[-1]["text"].startswith("Vraag 2 van 5")
    stranger = await aiohttp_client(app_from(shipped))
    replies = await say(stranger, body)
    assert replies[0]["kind"] == "warning"
    assert replies[0]["text"].startswith("Die knop hoort bij een eerdere vraag")


async def test_a_long_message_gets_the_cores_warning(client: TestClient[Any, Any]) -> None:
    """Text over the core's limit but within the body limit is answered, not refused."""
    replies = await say(client, {"text": "zorgen " * 200})
    assert replies[0]["kind"] == "warning"
    assert "te lang" in replies[0]["text"]


def test_contact_json_marks_unconfirmed_fields_and_links_only_confirmed_ones() -> None:
    """Unconfirmed fields say "te bevestigen" and get no link; the verified date is shown."""
    card = ContactCard(
        name="Voorbeeldteam",
        role="Jeugdgezondheidszorg",
        phone="030 123 4567",
        email="team@voorbeeld.invalid",
        url="https://voorbeeld.invalid/",
        hours=None,
        note=None,
        unconfirmed=("phone",),
        verified=date(2025, 3, 4),
    )
    contact = reply_json(Reply("Contact", contacts=(card,)))["contacts"][0]
    assert contact["name"] == "Voorbeeldteam"
    assert {"text": "030 123 4567 (te bevestigen)", "unconfirmed": True} in contact["lines"]
    assert {"text": "team@voorbeeld.invalid", "unconfirmed": False} in contact["lines"]
    assert not contact["confirmed"]
    assert "4 maart 2025" in contact["verified_text"]
    assert "te bevestigen" in contact["verified_text"]
    hrefs = [link["href"] for link in contact["links"]]
    assert hrefs == ["mailto:team@voorbeeld.invalid", "https://voorbeeld.invalid/"]


# -- bad input ---------------------------------------------------------------------------------

BAD_BODIES = {
    "not json": b"{text: hallo}",
    "an array": b'["hallo"]',
    "text not a string": b'{"text": 5}',
    "text and payload": b'{"text": "ja", "payload": {"node": "a", "choice": "b"}}',
    "unknown key": b'{"message": "hallo"}',
    "payload without choice": b'{"payload": {"node": "vraag-1"}}',
    "payload with empty node": b'{"payload": {"node": "", "choice": "ja"}}',
    "payload too long": json.dumps({"payload": {"node": "n" * 201, "choice": "ja"}}).encode(),
    "lone surrogate": b'{"text": "\\ud800"}',
    "not utf-8": b'{"text": "\xff\xfe"}',
    "deeply nested": b"[" * 5000 + b"]" * 5000,
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_bad_json_bodies_get_400(client: TestClient[Any, Any], body: bytes) -> None:
    """A body that is not one text or one button payload is a 400 with a Dutch error."""
    response = await client.post(TURN_PATH, data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"].startswith("Stuur")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_anything_but_json_gets_415(client: TestClient[Any, Any], content_type: str) -> None:
    """Only application/json is accepted, which also forces a CORS preflight cross-site."""
    response = await client.post(
        TURN_PATH, data=b'{"text": "hallo"}', headers={"Content-Type": content_type}
    )
    assert response.status == 415


async def test_a_big_body_gets_413(client: TestClient[Any, Any]) -> None:
    """A body over the turn limit is refused with 413, with or without a Content-Length."""
    big = json.dumps({"text": "a" * MAX_TURN_BYTES}).encode()
    response = await client.post(TURN_PATH, data=big, headers={"Content-Type": "application/json"})
    assert response.status == 413

    async def chunks() -> AsyncIterator[bytes]:
        yield big[: len(big) // 2]
        yield big[len(big) // 2 :]

    response = await client.post(
        TURN_PATH, data=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status == 413


async def test_a_cross_site_origin_gets_403(client: TestClient[Any, Any]) -> None:
    """A post whose Origin is another site (or "null") is refused; the page's own host is fine."""
    response = await client.post(
        TURN_PATH, json={"text": "menu"}, headers={"Origin": "https://elders.invalid"}
    )
    assert response.status == 403
    for scheme in ("http", "https"):
        own = f"{scheme}://{client.host}:{client.port}"
        response = await client.post(TURN_PATH, json={"text": "menu"}, headers={"Origin": own})
        assert response.status == 200, own
    response = await client.post(TURN_PATH, json={"text": "menu"}, headers={"Origin": "null"})
    assert response.status == 403


# -- who may use the page ----------------------------------------------------------------------


async def test_auto_answers_404_to_another_machine(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """With VERBIND_WEB_PAGE=auto a client on another address gets 404; /healthz still answers."""
    outsider = await aiohttp_client(app_from(shipped, remote="203.0.113.9"))
    for path in PAGE_FILES:
        assert (await outsider.get(path)).status == 404, path
    assert (await outsider.post(TURN_PATH, json={"text": "menu"})).status == 404
    assert (await outsider.get("/healthz")).status == 200


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
async def test_auto_serves_loopback_addresses(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase, remote: str
) -> None:
    """Every loopback peer address counts as this machine."""
    local = await aiohttp_client(app_from(shipped, remote=remote))
    assert (await local.get("/")).status == 200


@pytest.mark.parametrize(
    "headers",
    [{"Host": "verbind.example.nl"}, {"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=x"}],
    ids=["foreign host", "x-forwarded-for", "forwarded"],
)
async def test_auto_refuses_rebinding_and_proxied_requests(
    client: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    """A foreign Host (DNS rebinding) or proxy headers mean the request is not from this machine."""
    assert (await client.get("/", headers=headers)).status == 404
    response = await client.post(TURN_PATH, json={"text": "menu"}, headers=headers)
    assert response.status == 404


@pytest.mark.parametrize(
    "name",
    [
        "Via",
        "X-Forwarded-Proto",
        "X-Forwarded-Port",
        "X-Forwarded-Server",
        "X-Real-IP",
        "X-Client-IP",
        "True-Client-IP",
        "CF-Connecting-IP",
        "X-Original-Forwarded-For",
        "X-Cluster-Client-IP",
        "Fastly-Client-IP",
        "x-forwarded-for",
    ],
)
async def test_auto_refuses_every_forwarding_header(
    client: TestClient[Any, Any], name: str
) -> None:
    """Any header of the documented list or its families marks a request as proxied."""
    assert (await client.get("/", headers={name: "203.0.113.9"})).status == 404
    response = await client.post(TURN_PATH, json={"text": "menu"}, headers={name: "x"})
    assert response.status == 404


async def test_auto_refuses_a_configured_proxy_without_headers(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """A peer listed in VERBIND_TRUSTED_PROXIES is a proxy even when it adds no header."""
    proxies = Settings.from_env(
        {"VERBIND_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}
    ).trusted_proxies
    proxied = await aiohttp_client(app_from(shipped, trusted_proxies=proxies))
    assert (await proxied.get("/")).status == 404
    other = await aiohttp_client(app_from(shipped, trusted_proxies=proxies[:1]))
    assert (await other.get("/")).status == 200
    with pytest.raises(ValueError, match="VERBIND_TRUSTED_PROXIES"):
        Settings.from_env({"VERBIND_TRUSTED_PROXIES": "proxy.example.nl"})


async def test_a_cookie_the_server_never_issued_names_no_session(
    client: TestClient[Any, Any],
) -> None:
    """Two visits presenting the same made-up cookie value do not share a conversation: each
    gets a fresh, sealed cookie instead (no session fixation)."""
    made_up = "A" * 43 + "B" * 20  # the shape of an id, but no seal the server made
    jar = client.session.cookie_jar
    jar.update_cookies({COOKIE_NAME: made_up})
    response = await client.post(TURN_PATH, json={"text": "afwegingskader"})
    issued = response.cookies[COOKIE_NAME].value
    assert issued != made_up
    body = press((await response.json())["replies"], "Ja")
    jar.clear()
    jar.update_cookies({COOKIE_NAME: made_up})
    replies = await say(client, body)
    assert replies[0]["text"].startswith("Die knop hoort bij een eerdere vraag")
    jar.clear()
    jar.update_cookies({COOKIE_NAME: issued})
    assert (await say(client, body))[-1]["text"].startswith("Vraag 2 van 5")


async def test_a_genuine_cookie_accepted_before_does_not_vouch_for_an_altered_one(
    client: TestClient[Any, Any],
) -> None:
    """After the server accepted its own cookie (and remembered that check), the same cookie
    with one character of its seal changed still gets a fresh cookie and no session."""
    response = await client.post(TURN_PATH, json={"text": "afwegingskader"})
    issued = response.cookies[COOKIE_NAME].value
    body = press((await response.json())["replies"], "Ja")
    jar = client.session.cookie_jar
    for _ in range(2):  # accepted, then accepted again from the remembered check
        response = await client.post(TURN_PATH, json={"text": "menu"})
        assert COOKIE_NAME not in response.cookies
    altered = issued[:-1] + ("A" if issued[-1] != "A" else "B")
    jar.clear()
    jar.update_cookies({COOKIE_NAME: altered})
    response = await client.post(TURN_PATH, json=body)
    assert response.cookies[COOKIE_NAME].value not in (issued, altered)
    replies = (await response.json())["replies"]
    assert replies[0]["text"].startswith("Die knop hoort bij een eerdere vraag")


async def test_a_cookie_sealed_elsewhere_is_refused_and_a_shared_key_is_accepted(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase
) -> None:
    """A cookie from another server (another key) starts afresh; instances that share
    VERBIND_WEB_COOKIE_KEY accept each other's cookies."""
    key = "ab" * 32
    one = await aiohttp_client(app_from(shipped, web_cookie_key=key))
    value = (await one.get("/")).cookies[COOKIE_NAME].value
    elsewhere = {"register_key": "cd" * 16}
    for settings, accepted in (({"web_cookie_key": key}, True), (elsewhere, False)):
        other = await aiohttp_client(app_from(shipped, **settings))
        other.session.cookie_jar.update_cookies({COOKIE_NAME: value})
        response = await other.get("/")
        assert ("Set-Cookie" not in response.headers) is accepted


async def test_on_serves_everyone(aiohttp_client: ClientFactory, shipped: KnowledgeBase) -> None:
    """With VERBIND_WEB_PAGE=on another machine gets the page and its answers."""
    outsider = await aiohttp_client(app_from(shipped, remote="203.0.113.9", web_page="on"))
    assert (await outsider.get("/")).status == 200
    assert (await say(outsider, {"text": "menu"}))[0]["buttons"]


async def test_off_serves_no_one(aiohttp_client: ClientFactory, shipped: KnowledgeBase) -> None:
    """With VERBIND_WEB_PAGE=off the page and its endpoint do not exist, also on loopback."""
    local = await aiohttp_client(app_from(shipped, web_page="off"))
    for path in PAGE_FILES:
        assert (await local.get(path)).status == 404, path
    assert (await local.post(TURN_PATH, json={"text": "menu"})).status == 404


@pytest.mark.parametrize(
    ("value", "mode"), [(None, "auto"), ("auto", "auto"), (" ON ", "on"), ("off", "off")]
)
def test_web_page_setting_from_the_environment(value: str | None, mode: str) -> None:
    """VERBIND_WEB_PAGE defaults to auto and accepts auto, on and off in any case."""
    env = {} if value is None else {"VERBIND_WEB_PAGE": value}
    assert Settings.from_env(env).web_page == mode


def test_a_wrong_web_page_setting_is_a_dutch_error_without_traceback() -> None:
    """An unknown VERBIND_WEB_PAGE stops the command with a Dutch message and exit code 2."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check"],
        env={**os.environ, "VERBIND_WEB_PAGE": "ja"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "VERBIND_WEB_PAGE moet auto, on of off zijn" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("mode", "host", "url"),
    [
        ("auto", "127.0.0.1", "http://127.0.0.1:3978/"),
        ("auto", "localhost", "http://localhost:3978/"),
        ("auto", "0.0.0.0", "http://127.0.0.1:3978/"),
        ("auto", "::", "http://[::1]:3978/"),
        ("auto", "192.0.2.1", None),
        ("on", "192.0.2.1", "http://192.0.2.1:3978/"),
        ("off", "127.0.0.1", None),
    ],
)
def test_page_url_says_where_to_click(mode: str, host: str, url: str | None) -> None:
    """`verbind serve` shows the page's address only where this machine can open it."""
    assert page_url(Settings(web_page=mode), host=host, port=3978) == url  # type: ignore[arg-type]


# -- privacy -----------------------------------------------------------------------------------


async def test_no_user_text_reaches_the_logs(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG, neither typed text nor refused bodies show up in any log record."""
    secret = "Jansen geboren 01-02-2015 zorgen"
    caplog.set_level(logging.DEBUG)
    await say(client, {"text": secret})
    await say(client, {"text": "afwegingskader"})
    await say(client, {"payload": {"node": "vraag-1", "choice": "ja"}})
    await client.post(TURN_PATH, data=secret.encode(), headers={"Content-Type": "text/plain"})
    await client.post(
        TURN_PATH, data=f"{{{secret}".encode(), headers={"Content-Type": "application/json"}
    )
    assert any("channel=web" in r.getMessage() for r in caplog.records), "turns are logged"
    assert any("refused status=415" in r.getMessage() for r in caplog.records)
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    for word in ("Jansen", "01-02-2015", "afwegingskader", "vraag-1"):
        assert word not in logged
