"""Tree diagrams as SVG drawn here: no server, no external tool, no external assets.

Boxes are placed by ``knowledge.diagrams.layout``; each box names its kind in words, outcomes
carry their kind's colours (``knowledge.diagrams.model.STYLES``), answers label the arrows.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from knowledge.diagrams.layout import Box, Layout, Link, curve_controls, layered_layout
from knowledge.diagrams.model import (
    OUTCOME_KINDS,
    STYLES,
    TEXT,
    Diagram,
    DiagramEdge,
    DiagramNode,
    wrap,
)
from knowledge.model import PROFESSIONS

__all__ = ["BOX_WIDTH", "diagram_layout", "render_svg"]

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
MUTED = "#4b5563"
EDGE = "#4b5563"
TEXT_SIZE = 13.0
LINE = 17.0
SMALL_SIZE = 11.0
SMALL_LINE = 14.0
BOX_WIDTH = 232.0
PAD = 10.0
GLYPH = 0.6
"""Average glyph width in em, on the generous side, so text stays inside its box."""
EDGE_LABEL_CHARS = 24
TITLE_SIZE = 18.0


@dataclass(frozen=True)
class _BoxText:
    """The lines of one box: the tag line, the text lines and the notes in small type."""

    tag: tuple[str, ...]
    lines: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def height(self) -> float:
        small = len(self.tag) + len(self.notes)
        return 2 * PAD + SMALL_LINE * small + LINE * len(self.lines) + 2


def _box_text(node: DiagramNode) -> _BoxText:
    chars = int((BOX_WIDTH - 2 * PAD) / (TEXT_SIZE * GLYPH))
    small = int((BOX_WIDTH - 2 * PAD) / (SMALL_SIZE * GLYPH))
    notes: list[str] = []
    if node.variants:
        names = ", ".join(PROFESSIONS.get(p, p).lower() for p, _ in node.variants)
        notes += wrap(f"Eigen tekst voor: {names}", small)
    if node.related:
        notes += wrap("Verder met: " + ", ".join(t for _, t in node.related), small)
    # Readers see the kind and the full text; internal ids stay in data attributes.
    return _BoxText((STYLES[node.kind].tag,), tuple(wrap(node.label, chars)), tuple(notes))


_BOLD_GLYPH = 0.7


def _edge_label_lines(edge: DiagramEdge) -> list[str]:
    if edge.label is None:
        return ["terug"] if edge.cycle else []
    return wrap(edge.label, EDGE_LABEL_CHARS)


def _label_size(lines: list[str]) -> tuple[float, float]:
    longest = max(len(line) for line in lines)
    return (longest * SMALL_SIZE * GLYPH + 12, len(lines) * SMALL_LINE + 6)


def diagram_layout(diagram: Diagram) -> Layout:
    """Where render_svg puts the boxes and arrows of ``diagram`` (graph coordinates, px)."""
    boxes = [Box(n.id, BOX_WIDTH, _box_text(n).height) for n in diagram.nodes]
    links = [
        Link(e.source, e.target, _label_size(lines) if lines else None, back=e.cycle)
        for e in diagram.edges
        for lines in [_edge_label_lines(e)]
    ]
    return layered_layout(boxes, links, start=diagram.start)


def render_svg(diagram: Diagram, *, standalone: bool = True, framed: bool = True) -> str:
    """The diagram as SVG, laid out in layers; ``standalone`` adds the XML declaration and
    ``framed`` its own title and legend (a page that shows both in HTML leaves them out)."""
    texts = {n.id: _box_text(n) for n in diagram.nodes}
    labels = [_edge_label_lines(e) for e in diagram.edges]
    layout = diagram_layout(diagram)
    prefix = f"d-{diagram.tree_id}"
    room = max(layout.width, 640.0)
    legend, legend_width, legend_bottom = _legend(prefix, room)
    top = legend_bottom + 12 if framed else 0.0
    title_width = _text_width(diagram.title, TITLE_SIZE) + 2 * _MARGIN
    width = max(layout.width, legend_width, title_width) if framed else layout.width
    height = top + layout.height
    svg = _el(
        None,
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {_fmt(width)} {_fmt(height)}",
        width=_fmt(width),
        height=_fmt(height),
        role="img",
        aria_labelledby=f"{prefix}-titel {prefix}-beschrijving",
        font_family=FONT,
        class_="verbind-diagram",
        data_tree=diagram.tree_id,
    )
    _el(svg, "title", f"Beslisboom: {diagram.title}", id=f"{prefix}-titel")
    _el(svg, "desc", _description(diagram), id=f"{prefix}-beschrijving")
    _defs(svg, prefix)
    _el(svg, "rect", x="0", y="0", width=_fmt(width), height=_fmt(height), fill="#ffffff")
    if framed:
        _title_block(svg, diagram)
        svg.append(legend)
    graph = _el(svg, "g", class_="graaf", transform=f"translate(0 {_fmt(top)})")
    _draw_edges(graph, diagram, layout, prefix)
    _draw_nodes(graph, diagram, layout, texts, prefix)
    _draw_labels(graph, diagram, layout, labels)
    ET.indent(svg, space=" ")
    body = ET.tostring(svg, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n' if standalone else body


_MARGIN = 20.0


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """An element with ``attrs`` (``stroke_width`` becomes ``stroke-width``, ``class_`` class)."""
    names = {k: k.rstrip("_").replace("_", "-") for k in attrs}
    attrib = {names[k]: v for k, v in attrs.items()}
    element = ET.Element(tag, attrib) if parent is None else ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH


def _description(diagram: Diagram) -> str:
    questions = sum(1 for n in diagram.nodes if n.kind == "vraag")
    outcomes = sum(1 for n in diagram.nodes if n.kind in OUTCOME_KINDS)
    asks = " De boom vraagt eerst het beroep." if diagram.asks_profession else ""
    return (
        f"{diagram.summary} {questions} vragen en {outcomes} uitkomsten. Vragen en stappen zijn "
        "kaders, de antwoorden staan bij de pijlen, uitkomsten zijn gekleurd en benoemd per "
        f"soort, een gestreepte pijl gaat bewust terug.{asks} Inhoud versie {diagram.version}."
    )


def _defs(svg: ET.Element, prefix: str) -> None:
    defs = _el(svg, "defs")
    marker = _el(
        defs,
        "marker",
        id=f"{prefix}-pijl",
        viewBox="0 0 10 10",
        refX="9",
        refY="5",
        markerWidth="8",
        markerHeight="8",
        orient="auto-start-reverse",
    )
    _el(marker, "path", d="M0,0 L10,5 L0,10 z", fill=EDGE)


def _title_block(svg: ET.Element, diagram: Diagram) -> None:
    y = _MARGIN + TITLE_SIZE
    _el(
        svg,
        "text",
        diagram.title,
        x=_fmt(_MARGIN),
        y=_fmt(y),
        font_size=_fmt(TITLE_SIZE),
        font_weight="bold",
        fill=TEXT,
    )
    meta = [f"boom {diagram.tree_id}", f"inhoud versie {diagram.version}"]
    if diagram.asks_profession:
        meta.append("vraagt eerst het beroep (jeugdarts of jeugdverpleegkundige)")
    _el(
        svg,
        "text",
        " · ".join(meta),
        x=_fmt(_MARGIN),
        y=_fmt(y + 20),
        font_size=_fmt(SMALL_SIZE),
        fill=MUTED,
    )


_LEGEND_TOP = 72.0
_LEGEND_ROW = 26.0
_SWATCH = (28.0, 16.0)


def _legend(prefix: str, room: float) -> tuple[ET.Element, float, float]:
    """The legend in rows within ``room``; returns it, its width and its bottom."""
    legend = _el(None, "g", class_="legenda")
    _el(legend, "title", "Legenda")
    entries: list[tuple[str, str]] = [(k, s.name) for k, s in STYLES.items()]
    entries.append(("kring", "Gestreepte pijl: bewust terug naar een eerdere vraag"))
    x, y, widest = _MARGIN, _LEGEND_TOP, 0.0
    for key, name in entries:
        width = _SWATCH[0] + 8 + _text_width(name, SMALL_SIZE) + 22
        if x > _MARGIN and x + width > room - _MARGIN:
            x, y = _MARGIN, y + _LEGEND_ROW
        item = _el(legend, "g", class_="legenda-item", data_kind=key)
        if key in STYLES:
            style = STYLES[key]
            _el(
                item,
                "rect",
                x=_fmt(x),
                y=_fmt(y),
                width=_fmt(_SWATCH[0]),
                height=_fmt(_SWATCH[1]),
                rx=_fmt(min(style.radius, 8)),
                fill=style.fill,
                stroke=style.stroke,
                stroke_width="1.5",
            )
        else:
            middle = _fmt(y + _SWATCH[1] / 2)
            _el(
                item,
                "path",
                d=f"M{_fmt(x)},{middle} L{_fmt(x + _SWATCH[0])},{middle}",
                stroke=EDGE,
                stroke_width="1.4",
                stroke_dasharray="6 4",
                marker_end=f"url(#{prefix}-pijl)",
            )
        _el(
            item,
            "text",
            name,
            x=_fmt(x + _SWATCH[0] + 8),
            y=_fmt(y + 12),
            font_size=_fmt(SMALL_SIZE),
            fill=TEXT,
        )
        x += width
        widest = max(widest, x)
    return legend, widest + _MARGIN, y + _LEGEND_ROW


def _path(points: tuple[tuple[float, float], ...]) -> str:
    parts = [f"M{_fmt(points[0][0])},{_fmt(points[0][1])}"]
    for p, q in itertools.pairwise(points):
        if abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5:
            parts.append(f"L{_fmt(q[0])},{_fmt(q[1])}")
            continue
        c1, c2 = curve_controls(p, q)
        parts.append(
            f"C{_fmt(c1[0])},{_fmt(c1[1])} {_fmt(c2[0])},{_fmt(c2[1])} {_fmt(q[0])},{_fmt(q[1])}"
        )
    return " ".join(parts)


def _draw_edges(graph: ET.Element, diagram: Diagram, layout: Layout, prefix: str) -> None:
    names = {n.id: _name(n) for n in diagram.nodes}
    for edge, route in zip(diagram.edges, layout.routes, strict=True):
        group = _el(
            graph,
            "g",
            class_="pijl",
            data_from=edge.source,
            data_to=edge.target,
            data_cycle="ja" if edge.cycle else "nee",
        )
        what = f"Antwoord „{edge.label}”" if edge.label else ("Terug" if edge.cycle else "Verder")
        back = " (bewust terug)" if edge.cycle and edge.label else ""
        _el(group, "title", f"{what}{back}: {names[edge.source]} → {names[edge.target]}")
        attrs = {
            "d": _path(route.points),
            "fill": "none",
            "stroke": EDGE,
            "stroke_width": "1.4",
            "marker_end": f"url(#{prefix}-pijl)",
        }
        if edge.cycle:
            attrs["stroke_dasharray"] = "6 4"
        _el(group, "path", **attrs)


def _name(node: DiagramNode) -> str:
    """A box named for a reader: its kind and its first words (whole words, no "…")."""
    words = node.label.split()
    return f"{STYLES[node.kind].tag.lower()} „{' '.join(words[:8])}”"


def _tooltip(node: DiagramNode) -> str:
    lines = [node.text]
    lines += [f"{PROFESSIONS.get(p, p)}: {text}" for p, text in node.variants]
    return "\n".join(lines)


def _draw_nodes(
    graph: ET.Element,
    diagram: Diagram,
    layout: Layout,
    texts: dict[str, _BoxText],
    prefix: str,
) -> None:
    for node in diagram.nodes:
        x, y = layout.boxes[node.id]
        style, text = STYLES[node.kind], texts[node.id]
        group = _el(
            graph,
            "g",
            class_="knoop",
            id=f"{prefix}-knoop-{node.id}",
            data_node=node.id,
            data_kind=node.kind,
        )
        _el(group, "title", _tooltip(node))
        _el(
            group,
            "rect",
            x=_fmt(x),
            y=_fmt(y),
            width=_fmt(BOX_WIDTH),
            height=_fmt(text.height),
            rx=_fmt(style.radius),
            fill=style.fill,
            stroke=style.stroke,
            stroke_width="2.5" if node.kind in OUTCOME_KINDS else "1.2",
        )
        left = _fmt(x + PAD)
        baseline = y + PAD + SMALL_SIZE
        _lines(
            group,
            text.tag,
            left,
            baseline,
            SMALL_SIZE,
            SMALL_LINE,
            font_weight="bold",
            fill=style.stroke,
        )
        baseline += SMALL_LINE * len(text.tag) - SMALL_SIZE + TEXT_SIZE + 2
        _lines(group, text.lines, left, baseline, TEXT_SIZE, LINE, fill=TEXT)
        if text.notes:
            baseline += LINE * (len(text.lines) - 1) + SMALL_LINE
            _lines(
                group,
                text.notes,
                left,
                baseline,
                SMALL_SIZE,
                SMALL_LINE,
                fill=MUTED,
                font_style="italic",
            )


def _lines(
    parent: ET.Element,
    lines: tuple[str, ...] | list[str],
    x: str,
    baseline: float,
    size: float,
    step: float,
    **attrs: str,
) -> ET.Element:
    text = _el(parent, "text", x=x, y=_fmt(baseline), font_size=_fmt(size), **attrs)
    for i, line in enumerate(lines):
        _el(text, "tspan", line, x=x, dy="0" if i == 0 else _fmt(step))
    return text


def _draw_labels(
    graph: ET.Element, diagram: Diagram, layout: Layout, labels: list[list[str]]
) -> None:
    for edge, route, lines in zip(diagram.edges, layout.routes, labels, strict=True):
        if route.label_at is None or route.link.label is None:
            continue
        (cx, cy), (width, height) = route.label_at, route.link.label
        group = _el(graph, "g", class_="antwoord", data_from=edge.source, data_to=edge.target)
        _el(
            group,
            "rect",
            x=_fmt(cx - width / 2),
            y=_fmt(cy - height / 2),
            width=_fmt(width),
            height=_fmt(height),
            rx="4",
            fill="#ffffff",
            stroke="#9ca3af",
        )
        _lines(
            group,
            lines,
            _fmt(cx),
            cy - height / 2 + 3 + SMALL_SIZE,
            SMALL_SIZE,
            SMALL_LINE,
            fill=TEXT,
            text_anchor="middle",
        )
