"""What a tree diagram shows, independent of how it is drawn: boxes, arrows, kinds and styles.

Questions are boxes, answers label the arrows, outcomes are coloured by their kind (and named,
so colour is never the only cue), steps with a "Verder" are plain advice boxes, and a marked
cycle is a dashed arrow pointing back up. Nodes with profession wording say so. Drawn as
Mermaid text by ``knowledge.diagrams.mermaid`` and as SVG by ``knowledge.diagrams.svg``; the
HTML page with a text version lives in ``knowledge.diagrams.page``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from knowledge.library import KnowledgeBase
from knowledge.model import AdviceNode, DecisionTree, Outcome, QuestionNode

__all__ = [
    "KINDS",
    "OUTCOME_KINDS",
    "STYLES",
    "Diagram",
    "DiagramEdge",
    "DiagramNode",
    "Style",
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
TEXT = "#111827"
"""The ink of all text in a diagram."""


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
        return DiagramNode(node.id, "vraag", node.question, _one_line(node.question), variants)
    kind = "stap" if node.next is not None or node.outcome is None else node.outcome
    related = tuple((t, knowledge.trees[t].title) for t in node.related if t in knowledge.trees)
    return DiagramNode(node.id, kind, node.advice, _one_line(node.advice), variants, related)


def _one_line(text: str) -> str:
    """The full text on one line; boxes wrap it, never cut it."""
    return " ".join(text.split())


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
