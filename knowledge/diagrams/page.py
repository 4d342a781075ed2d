"""Standalone Dutch HTML pages for tree diagrams: the SVG inline plus a text version.

The text version (nested lists) says everything the picture shows, for screen readers and for
anyone who prefers text. Pages load nothing from elsewhere: one ``<style>`` element (its hash
goes in the server's Content-Security-Policy), no scripts, no fonts, no images.
"""

from __future__ import annotations

from html import escape

from knowledge.dates import dutch_date
from knowledge.diagrams import (
    OUTCOME_KINDS,
    STYLES,
    render_mermaid,
    render_svg,
    tree_diagram,
)
from knowledge.library import KnowledgeBase
from knowledge.model import PROFESSIONS, AdviceNode, DecisionTree, QuestionNode
from knowledge.pageshell import html_page

__all__ = ["FORMATS", "PAGE_STYLE", "render_html", "render_index", "render_tree"]

PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #111827; background: #ffffff; margin: 0 auto; padding: 1rem 1.25rem 3rem;
  max-width: 80rem; line-height: 1.5; }
a { color: #1d4ed8; }
a:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.kruimel { margin: 0 0 1rem; }
.meta { color: #4b5563; }
.diagram { border: 1px solid #d1d5db; border-radius: 6px; margin: 0 0 0.5rem; }
.diagram svg { display: block; width: 100%; max-width: 100%; height: auto; }
.vergroot { margin: 0 0 2rem; }
.tekstversie ul { padding-left: clamp(0.35rem, 1.5vw, 1.4rem); border-left: 2px solid #e5e7eb; }
.tekstversie li { margin: 0.35rem 0; overflow-wrap: anywhere; }
.soort { font-weight: bold; }
.id { color: #4b5563; font-family: ui-monospace, monospace; font-size: 0.9em; }
.klein { color: #4b5563; font-size: 0.92em; }
.bomen li { margin: 0.5rem 0; }
.legenda { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0;
  margin: 0 0 0.75rem; font-size: 0.92em; }
.legenda li { display: flex; align-items: center; gap: 0.4rem; }
.staal { display: inline-block; width: 1.75rem; height: 1rem; border: 2px solid; }
.staal-terug { height: 0; border-width: 2px 0 0; border-style: dashed; border-color: #4b5563; }
"""
PAGE_STYLE += "".join(
    f".staal-{kind} {{ background: {style.fill}; border-color: {style.stroke}; "
    f"border-radius: {min(style.radius, 8):g}px; }}\n"
    for kind, style in STYLES.items()
)


def _page(title: str, body: str) -> str:
    return html_page(title, body, style=PAGE_STYLE)


def render_index(knowledge: KnowledgeBase) -> str:
    """The list of trees, each linking to its page and its SVG (relative to ``/diagrammen``)."""
    items = "\n".join(
        f'<li><a href="/diagrammen/{escape(t.id)}">{escape(t.title)}</a>'
        f' <span class="klein">— {escape(t.summary)}'
        f' (<a href="/diagrammen/{escape(t.id)}.svg">SVG</a>)</span></li>'
        for t in sorted(knowledge.trees.values(), key=lambda t: (t.order, t.title))
    )
    body = (
        '<p class="kruimel"><a href="/">Terug naar de chat</a></p>\n'
        "<main>\n<h1>Beslisbomen als diagram</h1>\n"
        "<p>Elke beslisboom als plaatje en als tekst, voor wie de inhoud beoordeelt. "
        f'Inhoud versie {escape(knowledge.meta.version)}.</p>\n<ul class="bomen">\n{items}\n</ul>\n'
        "</main>"
    )
    return _page("Beslisbomen als diagram — Verbind", body)


def render_html(knowledge: KnowledgeBase, tree: DecisionTree, *, links: bool = False) -> str:
    """The page of ``tree``: title, summary, the SVG and the text version.

    With ``links`` the page links the index and related trees under ``/diagrammen`` (served by
    the bot); without, it stands alone as a file.
    """
    svg = render_svg(tree_diagram(knowledge, tree), standalone=False, framed=False)
    asks = (
        " Deze boom vraagt eerst uw beroep (jeugdarts of jeugdverpleegkundige)."
        if tree.asks_profession
        else ""
    )
    crumbs = (
        '<p class="kruimel"><a href="/diagrammen">Alle beslisbomen</a> · '
        '<a href="/">Terug naar de chat</a></p>\n'
        if links
        else ""
    )
    body = (
        f"{crumbs}<main>\n<h1>{escape(tree.title)}</h1>\n<p>{escape(tree.summary)}</p>\n"
        f'<p class="meta">Boom <span class="id">{escape(tree.id)}</span>, inhoud versie '
        f"{escape(knowledge.meta.version)}.{escape(asks)}</p>\n"
        '<h2 id="diagram-kop">Diagram</h2>\n'
        "<p>Vragen en stappen zijn kaders; de antwoorden staan bij de pijlen. Uitkomsten zijn "
        "gekleurd en benoemd per soort. Een gestreepte pijl gaat bewust terug. Dezelfde inhoud "
        'staat hieronder <a href="#tekst-kop">als tekst</a>.</p>\n'
        f"{_legend()}\n"
        f'<figure class="diagram" aria-labelledby="diagram-kop">\n{svg}\n</figure>\n'
        f"{_zoom(tree, links=links)}"
        '<section class="tekstversie" aria-labelledby="tekst-kop">\n'
        '<h2 id="tekst-kop">Tekstversie</h2>\n'
        f"{_text_version(knowledge, tree, links=links)}\n</section>\n</main>"
    )
    return _page(f"Diagram: {tree.title} — Verbind", body)


def _zoom(tree: DecisionTree, *, links: bool) -> str:
    """How to read a big drawing on a small screen: it fits the width, so zoom in (the page
    allows pinch-zoom), or open the drawing alone at full size (served pages only)."""
    alone = (
        f' of <a href="/diagrammen/{escape(tree.id)}.svg">open het diagram op ware grootte</a>'
        if links
        else ""
    )
    return f'<p class="vergroot klein">Te klein? Zoom in{alone}.</p>\n'


def _legend() -> str:
    """The legend as a list that wraps on a narrow screen, in the drawing's colours."""
    items = "".join(
        f'<li><span class="staal staal-{kind}" aria-hidden="true"></span>{escape(style.name)}</li>'
        for kind, style in STYLES.items()
    )
    back = (
        '<li><span class="staal staal-terug" aria-hidden="true"></span>'
        "Gestreepte pijl: bewust terug</li>"
    )
    return f'<ul class="legenda" aria-label="Legenda">{items}{back}</ul>'


def _text_version(knowledge: KnowledgeBase, tree: DecisionTree, *, links: bool) -> str:
    seen: set[str] = set()
    return f"<ul>\n{_item(knowledge, tree, tree.start, seen, links=links)}\n</ul>"


def _anchor(node_id: str) -> str:
    return f"tekst-{node_id}"


def _kind_name(node: QuestionNode | AdviceNode) -> str:
    if isinstance(node, QuestionNode):
        return "Vraag"
    if node.next is None and node.outcome in OUTCOME_KINDS:
        return STYLES[node.outcome].name
    return "Stap"


def _item(
    knowledge: KnowledgeBase, tree: DecisionTree, node_id: str, seen: set[str], *, links: bool
) -> str:
    node = tree.node(node_id)
    seen.add(node_id)
    text = node.question if isinstance(node, QuestionNode) else node.advice
    parts = [
        f'<li id="{_anchor(node.id)}"><span class="soort">{escape(_kind_name(node))}</span>: '
        f"{escape(text)}"
    ]
    details = _details(knowledge, node, links=links)
    if details:
        parts.append(f'<ul class="klein">{"".join(details)}</ul>')
    answers = []
    for option in node.options:
        label = f"Antwoord „{escape(option.label)}”" if isinstance(node, QuestionNode) else "Daarna"
        if option.cycle or option.next in seen:
            target = tree.node(option.next)
            short = getattr(target, "short", None) or target.text
            why = "bewust terug naar" if option.cycle else "verder bij"
            answers.append(
                f'<li>{label}: {why} <a href="#{_anchor(option.next)}">{escape(short)}</a></li>'
            )
            continue
        inner = _item(knowledge, tree, option.next, seen, links=links)
        answers.append(f"<li>{label}:\n<ul>\n{inner}\n</ul></li>")
    if answers:
        parts.append("<ul>\n" + "\n".join(answers) + "\n</ul>")
    return "\n".join(parts) + "</li>"


def _details(
    knowledge: KnowledgeBase, node: QuestionNode | AdviceNode, *, links: bool
) -> list[str]:
    details = [
        f"<li>Tekst voor {escape(PROFESSIONS.get(p, p).lower())}: {escape(text)}</li>"
        for p, text in node.variants.items()
    ]
    if isinstance(node, QuestionNode) and node.info:
        details.append(f"<li>Uitleg: {escape(node.info)}</li>")
    if isinstance(node, AdviceNode):
        details += [
            f"<li>Contact: {escape(knowledge.organisations[c].name)}</li>"
            for c in node.contacts
            if c in knowledge.organisations
        ]
        for related in node.related:
            if related not in knowledge.trees:
                continue
            title = escape(knowledge.trees[related].title)
            target = f'<a href="/diagrammen/{escape(related)}">{title}</a>' if links else title
            details.append(f"<li>Verder met: {target}</li>")
    details += [
        f"<li>Bron: {escape(knowledge.sources[s].title)}"
        f" (gecontroleerd {dutch_date(knowledge.sources[s].checked)})</li>"
        for s in node.sources
        if s in knowledge.sources
    ]
    return details


FORMATS = ("mermaid", "svg", "html")


def render_tree(knowledge: KnowledgeBase, tree: DecisionTree, fmt: str) -> str:
    """``tree`` in one of FORMATS, as ``verbind render`` writes it (pages stand alone)."""
    if fmt == "mermaid":
        return render_mermaid(tree_diagram(knowledge, tree))
    if fmt == "svg":
        return render_svg(tree_diagram(knowledge, tree))
    if fmt == "html":
        return render_html(knowledge, tree)
    raise ValueError(f"unknown format {fmt!r}")
