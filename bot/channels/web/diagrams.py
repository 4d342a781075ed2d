"""Tree diagrams over HTTP: ``/diagrammen`` (the index), ``/diagrammen/{tree}`` (the page with
the text version) and ``/diagrammen/{tree}.svg``.

Served to whom the local web page is served (``VERBIND_WEB_PAGE``: auto, on, off; see
``bot.channels.web.page``); everyone else, and every unknown tree, gets the same 404. Pages
are drawn from the content in force at each request, so a content reload shows at once.
"""

from __future__ import annotations

import base64
import hashlib

from aiohttp import web

from bot.channels.web.page import is_local
from bot.settings import Settings
from dialogs.conversation import Conversation
from knowledge.diagrams import render_svg, tree_diagram
from knowledge.diagrams.page import PAGE_STYLE, render_html, render_index

__all__ = ["DIAGRAM_PATH", "mount_diagrams"]

DIAGRAM_PATH = "/diagrammen"
_STYLE_HASH = base64.b64encode(hashlib.sha256(PAGE_STYLE.encode()).digest()).decode()
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_PAGE_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
_SVG_POLICY = "default-src 'none'; frame-ancestors 'none'"


class _Diagrams:
    def __init__(self, conversation: Conversation, *, everyone: bool) -> None:
        self._conversation = conversation
        self._everyone = everyone

    def _admit(self, request: web.Request) -> None:
        # The same rule and the same 404 as the web page (bot.channels.web.page.WebPage).
        if not (self._everyone or is_local(request)):
            raise web.HTTPNotFound()

    def _tree(self, request: web.Request) -> str:
        tree_id = request.match_info["tree"]
        if tree_id not in self._conversation.knowledge.trees:
            raise web.HTTPNotFound(text="Deze beslisboom bestaat niet.")
        return tree_id

    async def index(self, request: web.Request) -> web.Response:
        """The list of trees with links to their diagrams."""
        self._admit(request)
        return _html(render_index(self._conversation.knowledge))

    async def page(self, request: web.Request) -> web.Response:
        """One tree's page: the SVG inline and the text version."""
        self._admit(request)
        knowledge = self._conversation.knowledge
        tree = knowledge.trees[self._tree(request)]
        return _html(render_html(knowledge, tree, links=True))

    async def svg(self, request: web.Request) -> web.Response:
        """One tree's diagram as an SVG file."""
        self._admit(request)
        knowledge = self._conversation.knowledge
        diagram = tree_diagram(knowledge, knowledge.trees[self._tree(request)])
        response = web.Response(
            text=render_svg(diagram), content_type="image/svg+xml", charset="utf-8"
        )
        response.headers.update({**_HEADERS, "Content-Security-Policy": _SVG_POLICY})
        return response


def _html(body: str) -> web.Response:
    response = web.Response(text=body, content_type="text/html", charset="utf-8")
    response.headers.update({**_HEADERS, "Content-Security-Policy": _PAGE_POLICY})
    return response


def mount_diagrams(app: web.Application, *, conversation: Conversation, settings: Settings) -> None:
    """Add the diagram routes (unless the web page is turned off)."""
    if settings.web_page == "off":
        return
    diagrams = _Diagrams(conversation, everyone=settings.web_page == "on")
    app.router.add_get(DIAGRAM_PATH, diagrams.index)
    app.router.add_get(DIAGRAM_PATH + "/", diagrams.index)
    app.router.add_get(DIAGRAM_PATH + "/{tree:[a-z0-9][a-z0-9-]*}.svg", diagrams.svg)
    app.router.add_get(DIAGRAM_PATH + "/{tree:[a-z0-9][a-z0-9-]*}", diagrams.page)
