"""The HTML shell of every standalone page Verbind writes: the diagrams, the yearly report, the
partner inbox and the pick-up page. Written once so each page is valid, Dutch and phone-ready
in the same way; each page brings its own body and style."""

from __future__ import annotations

from html import escape

__all__ = ["html_page"]


def html_page(title: str, body: str, *, style: str = "") -> str:
    """A whole HTML5 document: ``lang="nl"``, UTF-8, a phone viewport, ``title`` (escaped
    here), ``style`` (a stylesheet, inline: the pages load nothing from elsewhere) and
    ``body`` (HTML, escaped by the caller)."""
    head_style = f"<style>{style}</style>\n" if style else ""
    return (
        '<!doctype html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{head_style}</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
