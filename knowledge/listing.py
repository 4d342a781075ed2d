"""A plain-text listing of a tree, for reviewers who read content without running it."""

from __future__ import annotations

from knowledge.library import KnowledgeBase
from knowledge.model import AdviceNode, DecisionTree, QuestionNode

__all__ = ["tree_listing"]

_INDENT = "    "


def tree_listing(knowledge: KnowledgeBase, tree: DecisionTree) -> str:
    """The tree as indented text: questions, answers, advice, outcomes, variants and sources."""
    lines = [f"{tree.title} [{tree.id}]", tree.summary, ""]
    seen: set[str] = set()
    _node(knowledge, tree, tree.start, 0, seen, lines)
    return "\n".join(lines)


def _node(
    knowledge: KnowledgeBase,
    tree: DecisionTree,
    node_id: str,
    depth: int,
    seen: set[str],
    lines: list[str],
) -> None:
    pad = _INDENT * depth
    if node_id in seen:
        lines.append(f"{pad}(zie [{node_id}] hierboven)")
        return
    seen.add(node_id)
    node = tree.node(node_id)
    if isinstance(node, QuestionNode):
        lines.append(f"{pad}? [{node.id}] {node.question}")
    else:
        kind = f"UITKOMST {node.outcome.upper()}" if node.outcome and not node.next else "ADVIES"
        lines.append(f"{pad}{kind} [{node.id}] {node.advice}")
    lines += [f"{pad}  ({profession}) {text}" for profession, text in node.variants.items()]
    lines += [f"{pad}  bron: {knowledge.sources[s].title}" for s in node.sources]
    if isinstance(node, AdviceNode):
        lines += [f"{pad}  contact: {knowledge.organisations[c].name}" for c in node.contacts]
        lines += [f"{pad}  vervolg: {knowledge.trees[t].title}" for t in node.related]
    for option in node.options:
        mark = " (terug, bedoeld)" if option.cycle else ""
        lines.append(f"{pad}  - {option.label}{mark}:")
        _node(knowledge, tree, option.next, depth + 1, seen, lines)
