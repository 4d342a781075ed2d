"""Tree diagrams as Mermaid flowcharts (top-down), with classes per kind and a legend."""

from __future__ import annotations

import re

from knowledge.diagrams.model import OUTCOME_KINDS, STYLES, TEXT, Diagram, DiagramNode, wrap

__all__ = ["escape_mermaid", "mermaid_id", "render_mermaid"]

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
    parts = [STYLES[node.kind].tag, *wrap(node.label, 40)]
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
