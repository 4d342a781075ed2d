"""Decision trees as flowcharts for reviewers who read pictures, not YAML.

Questions are boxes, answers label the arrows, outcomes are coloured by their kind (and named,
so colour is never the only cue), steps with a "Verder" are plain advice boxes, and a marked
cycle is a dashed arrow pointing back up. Nodes with profession wording say so. Two outputs
here: Mermaid text and an SVG drawn by this module (no server, no external tool, no external
assets); the HTML page with a text version lives in ``knowledge.diagrams.page``.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import get_args

from knowledge.diagrams.layout import Box, Layout, Link, curve_controls, layered_layout
from knowledge.library import KnowledgeBase
from knowledge.model import PROFESSIONS, AdviceNode, DecisionTree, Outcome, QuestionNode

__all__ = [
    "KINDS",
    "OUTCOME_KINDS",
    "STYLES",
    "Diagram",
    "DiagramEdge",
    "DiagramNode",
    "Style",
    "escape_mermaid",
    "mermaid_id",
    "render_mermaid",
    "render_svg",
    "tree_diagram",
    "wrap",
]

OUTCOME_KINDS: tuple[str, ...] = get_args(Outcome)


@dataclass(frozen=True)
class Style:
    """How a kind of node looks, and its name in the legend."""

    name: str
    tag: str
    fill: str
    stroke: str
    radius: float


# Light fills with dark borders and text keep a contrast above 7:1; the tag names the kind too.
STYLES: dict[str, Style] = {
    "vraag": Style("Vraag", "VRAAG", "#ffffff", "#1f2937", 2),
    "stap": Style("Stap (advies, daarna verder)", "STAP", "#ede9fe", "#5b21b6", 8),
    "melden": Style("Uitkomst: melden", "MELDEN", "#fde2e1", "#b42318", 16),
    "hulp": Style("Uitkomst: hulp", "HULP", "#dcfce7", "#15803d", 16),
    "afsluiten": Style("Uitkomst: afsluiten", "AFSLUITEN", "#e5e7eb", "#374151", 16),
    "contact": Style("Uitkomst: contact", "CONTACT", "#dbeafe", "#1d4ed8", 16),
    "vervolg": Style("Uitkomst: verder in een andere boom", "VERVOLG", "#fef3c7", "#92400e", 16),
}
KINDS = tuple(STYLES)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
TEXT = "#111827"
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
LABEL_CHARS = 200
EDGE_LABEL_CHARS = 24
TITLE_SIZE = 18.0


@dataclass(frozen=True)
class DiagramNode:
    """A box: its id, kind (a key of STYLES), full text and the text shown in the box."""

    id: str
    kind: str
    text: str
    label: str
    variants: tuple[tuple[str, str], ...] = ()
    """(profession, text) for each profession with its own wording."""
    related: tuple[tuple[str, str], ...] = ()
    """(tree id, title) of the trees offered after this outcome."""


@dataclass(frozen=True)
class DiagramEdge:
    """An arrow: an answer (labelled) or a "Verder" step (unlabelled); ``cycle``: goes back."""

    source: str
    target: str
    label: str | None
    cycle: bool = False


@dataclass(frozen=True)
class Diagram:
    """What a tree's picture shows, in the order a reader meets it from the start."""

    tree_id: str
    title: str
    summary: str
    version: str
    start: str
    asks_profession: bool
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]


def tree_diagram(knowledge: KnowledgeBase, tree: DecisionTree) -> Diagram:
    """The diagram of ``tree``: every node reached from its start, then any others."""
    order: dict[str, None] = {}
    stack = [tree.start]
    while stack:
        node_id = stack.pop()
        if node_id in order or not tree.has_node(node_id):
            continue
        order[node_id] = None
        stack.extend(reversed([o.next for o in tree.node(node_id).options]))
    order.update((n.id, None) for n in tree.nodes)
    nodes = tuple(_diagram_node(knowledge, tree.node(n)) for n in order)
    edges = tuple(
        DiagramEdge(n, o.next, o.label if isinstance(tree.node(n), QuestionNode) else None, o.cycle)
        for n in order
        for o in tree.node(n).options
        if tree.has_node(o.next)
    )
    return Diagram(
        tree.id,
        tree.title,
        tree.summary,
        knowledge.meta.version,
        tree.start,
        tree.asks_profession,
        nodes,
        edges,
    )


def _diagram_node(knowledge: KnowledgeBase, node: QuestionNode | AdviceNode) -> DiagramNode:
    variants = tuple((p, t) for p, t in node.variants.items())
    if isinstance(node, QuestionNode):
        return DiagramNode(node.id, "vraag", node.question, _shorten(node.question), variants)
    kind = "stap" if node.next is not None or node.outcome is None else node.outcome
    related = tuple((t, knowledge.trees[t].title) for t in node.related if t in knowledge.trees)
    return DiagramNode(node.id, kind, node.advice, _shorten(node.advice), variants, related)


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—- ") + "…"


def wrap(text: str, chars: int) -> list[str]:
    """Greedy word wrap to lines of at most ``chars`` characters (long words are split)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > chars:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:chars])
            word = word[chars:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= chars:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


# -- Mermaid ----------------------------------------------------------------------------------

_MERMAID_ENTITIES = {
    "#": "#35;",
    "&": "#amp;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
    "\\": "#92;",
}
_MERMAID_SHAPES = {"vraag": ('["', '"]'), "stap": ('("', '")')}
_OUTCOME_SHAPE = ('(["', '"])')


def escape_mermaid(text: str) -> str:
    """Text safe inside a quoted Mermaid label: special characters as Mermaid entity codes."""
    text = " ".join(text.split())
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text)


def mermaid_id(node_id: str) -> str:
    """A Mermaid node id for a content id (never a keyword such as ``end``)."""
    return "n_" + re.sub(r"[^a-z0-9]", "_", node_id)


def _mermaid_label(node: DiagramNode) -> str:
    parts = [f"{STYLES[node.kind].tag} · {node.id}", *wrap(node.label, 40)]
    if node.variants:
        parts.append("eigen tekst: " + ", ".join(p for p, _ in node.variants))
    if node.related:
        parts.append("vervolg: " + ", ".join(title for _, title in node.related))
    return "<br/>".join(escape_mermaid(p) for p in parts)


def render_mermaid(diagram: Diagram) -> str:
    """A Mermaid flowchart (top-down) with classes per kind and a legend."""
    lines = [
        f"%% {escape_mermaid(diagram.title)} [{diagram.tree_id}], inhoud {diagram.version}",
        "flowchart TD",
    ]
    for node in diagram.nodes:
        opening, closing = _MERMAID_SHAPES.get(node.kind, _OUTCOME_SHAPE)
        lines.append(f"    {mermaid_id(node.id)}{opening}{_mermaid_label(node)}{closing}")
    for edge in diagram.edges:
        arrow = "-.->" if edge.cycle else "-->"
        text = edge.label if edge.label is not None else ("terug" if edge.cycle else None)
        label = f'|"{escape_mermaid(text)}"|' if text is not None else ""
        lines.append(f"    {mermaid_id(edge.source)} {arrow}{label} {mermaid_id(edge.target)}")
    lines.append('    subgraph legenda["Legenda"]')
    lines.append("        direction LR")
    for kind, style in STYLES.items():
        opening, closing = _MERMAID_SHAPES.get(kind, _OUTCOME_SHAPE)
        lines.append(f"        legenda_{kind}{opening}{escape_mermaid(style.name)}{closing}")
    lines.append("    end")
    for kind, style in STYLES.items():
        lines.append(
            f"    classDef {kind} fill:{style.fill},stroke:{style.stroke},color:{TEXT},"
            f"stroke-width:{2 if kind in OUTCOME_KINDS else 1}px"
        )
    for kind in STYLES:
        members = [mermaid_id(n.id) for n in diagram.nodes if n.kind == kind]
        lines.append(f"    class {','.join([*members, f'legenda_{kind}'])} {kind}")
    return "\n".join(lines) + "\n"


# -- SVG --------------------------------------------------------------------------------------


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
    tag: tuple[str, ...] = (f"{STYLES[node.kind].tag} · {node.id}",)
    if len(tag[0]) * SMALL_SIZE * _BOLD_GLYPH > BOX_WIDTH - 2 * PAD:
        tag = (STYLES[node.kind].tag, node.id)
    return _BoxText(tag, tuple(wrap(node.label, chars)), tuple(notes))


_BOLD_GLYPH = 0.7


def _edge_label_lines(edge: DiagramEdge) -> list[str]:
    if edge.label is None:
        return ["terug"] if edge.cycle else []
    return wrap(edge.label, EDGE_LABEL_CHARS)


def _label_size(lines: list[str]) -> tuple[float, float]:
    longest = max(len(line) for line in lines)
    return (longest * SMALL_SIZE * GLYPH + 12, len(lines) * SMALL_LINE + 6)


def render_svg(diagram: Diagram, *, standalone: bool = True) -> str:
    """The diagram as SVG, laid out in layers; ``standalone`` adds the XML declaration."""
    texts = {n.id: _box_text(n) for n in diagram.nodes}
    boxes = [Box(n.id, BOX_WIDTH, texts[n.id].height) for n in diagram.nodes]
    labels = [_edge_label_lines(e) for e in diagram.edges]
    links = [
        Link(e.source, e.target, _label_size(lines) if lines else None, back=e.cycle)
        for e, lines in zip(diagram.edges, labels, strict=True)
    ]
    layout = layered_layout(boxes, links, start=diagram.start)
    prefix = f"d-{diagram.tree_id}"
    room = max(layout.width, 640.0)
    legend, legend_width, legend_bottom = _legend(prefix, room)
    top = legend_bottom + 12
    title_width = _text_width(diagram.title, TITLE_SIZE) + 2 * _MARGIN
    width = max(layout.width, legend_width, title_width)
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
    for edge, route in zip(diagram.edges, layout.routes, strict=True):
        group = _el(
            graph,
            "g",
            class_="pijl",
            data_from=edge.source,
            data_to=edge.target,
            data_cycle="ja" if edge.cycle else "nee",
        )
        what = f": {edge.label}" if edge.label else (" (verder)" if not edge.cycle else "")
        back = " (bewust terug)" if edge.cycle else ""
        _el(group, "title", f"{edge.source} → {edge.target}{what}{back}")
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


def _tooltip(node: DiagramNode) -> str:
    lines = [f"{node.id}: {node.text}"]
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
