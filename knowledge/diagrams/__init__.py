"""Drawing decision trees, for reviewers who read pictures, not YAML: ``model`` (what a diagram
shows), ``layout`` (where boxes and arrows go), ``mermaid`` (Mermaid text), ``svg`` (SVG) and
``page`` (the HTML page). The public names of model, mermaid and svg are importable from here."""

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
