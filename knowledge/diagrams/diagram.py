"""Decision trees as flowcharts for reviewers who read pictures, not YAML.

The public names of the three modules in one place: ``knowledge.diagrams.model`` (what a diagram
shows), ``knowledge.diagrams.mermaid`` (Mermaid text) and ``knowledge.diagrams.svg`` (SVG).
"""

from __future__ import annotations

from knowledge.diagrams.mermaid import escape_mermaid, mermaid_id, render_mermaid
from knowledge.diagrams.model import (
    KINDS,
    OUTCOME_KINDS,
    STYLES,
    Diagram,
    DiagramEdge,
    DiagramNode,
    Style,
    tree_diagram,
    wrap,
)
from knowledge.diagrams.svg import render_svg

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
