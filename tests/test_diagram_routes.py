"""The diagram pages over real HTTP: `/diagrammen`, a tree's page and its SVG, same access rule."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from knowledge import KnowledgeBase
from knowledge.diagrams.page import PAGE_STYLE
from tests.test_web import ClientFactory, app_from

PATHS = ["/diagrammen", "/diagrammen/afwegingskader", "/diagrammen/afwegingskader.svg"]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, shipped: KnowledgeBase) -> TestClient[Any, Any]:
    """The real app on its defaults (VERBIND_WEB_PAGE=auto), reached from this machine."""
    return await aiohttp_client(app_from(shipped))


async def test_index_lists_the_trees(client: TestClient[Any, Any], shipped: KnowledgeBase) -> None:
    """GET /diagrammen is a Dutch page linking every tree's diagram."""
    response = await client.get("/diagrammen")
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert '<html lang="nl">' in html
    for tree_id in shipped.trees:
        assert f'href="/diagrammen/{tree_id}"' in html


async def test_tree_page_has_svg_text_version_and_a_strict_policy(
    client: TestClient[Any, Any],
) -> None:
    """A tree's page holds the SVG and the text version; its CSP allows only its own style."""
    response = await client.get("/diagrammen/meldcode")
    assert response.status == 200
    html = await response.text()
    assert "<svg" in html
    assert "Tekstversie" in html
    assert '<a href="/diagrammen/afwegingskader">' in html
    policy = response.headers["Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(PAGE_STYLE.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    assert f"<style>{PAGE_STYLE}</style>" in html
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_tree_svg_is_served_as_svg(client: TestClient[Any, Any]) -> None:
    """GET /diagrammen/{tree}.svg is an SVG document that parses as XML."""
    response = await client.get("/diagrammen/bijzondere-vormen.svg")
    assert response.status == 200
    assert response.content_type == "image/svg+xml"
    text = await response.text()
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.get("data-tree") == "bijzondere-vormen"


@pytest.mark.parametrize(
    "path",
    ["/diagrammen/geen-boom", "/diagrammen/geen-boom.svg", "/diagrammen/meldcode.svg.svg"],
)
async def test_unknown_tree_is_404(client: TestClient[Any, Any], path: str) -> None:
    """An unknown tree gets 404."""
    response = await client.get(path)
    assert response.status == 404


@pytest.mark.parametrize("path", PATHS)
async def test_outsiders_get_404_by_default(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase, path: str
) -> None:
    """With VERBIND_WEB_PAGE=auto a request from another machine gets 404, like the web page."""
    client = await aiohttp_client(app_from(shipped, remote="192.0.2.7"))
    assert (await client.get(path)).status == 404
    assert (await client.get("/")).status == 404


@pytest.mark.parametrize("path", PATHS)
async def test_on_serves_everyone_and_off_serves_nobody(
    aiohttp_client: ClientFactory, shipped: KnowledgeBase, path: str
) -> None:
    """VERBIND_WEB_PAGE=on serves the diagrams to everyone; off mounts nothing."""
    everyone = await aiohttp_client(app_from(shipped, remote="192.0.2.7", web_page="on"))
    assert (await everyone.get(path)).status == 200
    nobody = await aiohttp_client(app_from(shipped, web_page="off"))
    assert (await nobody.get(path)).status == 404


async def test_proxied_local_request_gets_404(client: TestClient[Any, Any]) -> None:
    """A request passed on by a proxy on this machine is not local (same rule as the page)."""
    response = await client.get("/diagrammen", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status == 404


async def test_chat_page_links_the_diagrams(client: TestClient[Any, Any]) -> None:
    """The chat page's link to the diagrams now leads somewhere."""
    html = await (await client.get("/")).text()
    link = re.search(r'<a href="(/diagrammen)">', html)
    assert link is not None
    assert (await client.get(link.group(1))).status == 200
