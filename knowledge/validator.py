"""Graph checks over loaded content: references, reachability, endings and cycles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from knowledge.model import AdviceNode, DecisionTree, QuestionNode
from knowledge.problems import Problem
from knowledge.yamldoc import Path_

if TYPE_CHECKING:
    from knowledge.library import KnowledgeBase, Origin

__all__ = ["check_graph"]

Edge = tuple[str, str]


def check_graph(knowledge: KnowledgeBase) -> list[Problem]:
    """Every problem in the references and tree graphs of ``knowledge``."""
    problems: list[Problem] = []
    for tree in knowledge.trees.values():
        problems.extend(_check_tree(knowledge, tree, knowledge.origins[("tree", tree.id)]))
    for entry in knowledge.faq.values():
        origin = knowledge.origins[("faq", entry.id)]
        problems.extend(_references(knowledge, origin, origin.path, entry.sources, "sources"))
        problems.extend(_references(knowledge, origin, origin.path, entry.contacts, "contacts"))
        problems.extend(_references(knowledge, origin, origin.path, entry.related, "related"))
    for organisation in knowledge.organisations.values():
        origin = knowledge.origins[("organisation", organisation.id)]
        problems.extend(
            _references(knowledge, origin, origin.path, organisation.sources, "sources")
        )
    return problems


_TARGETS = {"sources": "bron", "contacts": "organisatie", "related": "boom"}


def _references(
    knowledge: KnowledgeBase, origin: Origin, path: Path_, ids: tuple[str, ...], key: str
) -> Iterator[Problem]:
    known = {
        "sources": knowledge.sources,
        "contacts": knowledge.organisations,
        "related": knowledge.trees,
    }[key]
    for i, ref in enumerate(ids):
        if ref not in known:
            message = f"{_TARGETS[key]} '{ref}' bestaat niet"
            yield origin.document.problem((*path, key, i), message)


def _check_tree(knowledge: KnowledgeBase, tree: DecisionTree, origin: Origin) -> Iterator[Problem]:
    paths: dict[str, Path_] = {}
    for i, node in enumerate(tree.nodes):
        path = (*origin.path, "nodes", i)
        if node.id in paths:
            yield origin.document.problem(
                path, f"knoop-id '{node.id}' staat twee keer in deze boom"
            )
            continue
        paths[node.id] = path
    if not tree.has_node(tree.start):
        yield origin.document.problem(
            (*origin.path, "start"), f"startknoop '{tree.start}' bestaat niet"
        )
        return
    for node in tree.nodes:
        if paths.get(node.id) is not None:
            yield from _check_node(knowledge, tree, node, origin, paths[node.id])
    yield from _check_shape(tree, origin, paths)


def _check_node(
    knowledge: KnowledgeBase,
    tree: DecisionTree,
    node: QuestionNode | AdviceNode,
    origin: Origin,
    path: Path_,
) -> Iterator[Problem]:
    doc = origin.document
    yield from _references(knowledge, origin, path, node.sources, "sources")
    if isinstance(node, QuestionNode):
        seen: set[str] = set()
        for i, choice in enumerate(node.choices):
            if choice.key in seen:
                yield doc.problem((*path, "choices", i), f"antwoord '{choice.key}' staat twee keer")
            seen.add(choice.key)
            if not tree.has_node(choice.next):
                yield doc.problem(
                    (*path, "choices", i, "next"), f"doel '{choice.next}' bestaat niet"
                )
        return
    yield from _references(knowledge, origin, path, node.contacts, "contacts")
    yield from _references(knowledge, origin, path, node.related, "related")
    if not node.sources:
        yield doc.problem(path, "advies zonder bron: noem minstens één bron in 'sources'")
    if node.next is not None and not tree.has_node(node.next):
        yield doc.problem((*path, "next"), f"doel '{node.next}' bestaat niet")
    if node.next is None and node.outcome is None:
        yield doc.problem(path, "doodlopend advies: geef 'outcome' (einde) of 'next' (verder)")


def _edges(tree: DecisionTree) -> dict[str, list[tuple[str, bool]]]:
    """Each node's outgoing edges as (target, marked-as-cycle), existing targets only."""
    return {
        n.id: [(o.next, o.cycle) for o in n.options if tree.has_node(o.next)] for n in tree.nodes
    }


def _check_shape(tree: DecisionTree, origin: Origin, paths: dict[str, Path_]) -> Iterator[Problem]:
    edges = _edges(tree)
    doc = origin.document
    reachable = _reach(tree.start, {k: [t for t, _ in v] for k, v in edges.items()})
    for node_id, path in paths.items():
        if node_id not in reachable:
            yield doc.problem(path, "onbereikbaar: geen pad vanaf de start komt hier")
    ends = [n.id for n in tree.nodes if isinstance(n, AdviceNode) and n.next is None]
    backwards: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target, _ in targets:
            backwards.setdefault(target, []).append(source)
    finishing: set[str] = set()
    for end in ends:
        finishing |= _reach(end, backwards)
    for node_id in sorted(reachable - finishing, key=list(paths).index):
        yield doc.problem(
            paths[node_id], "vanaf hier eindigt geen pad: elke weg moet bij een einde uitkomen"
        )
    yield from _check_cycles(tree, edges, origin, paths)


def _check_cycles(
    tree: DecisionTree,
    edges: dict[str, list[tuple[str, bool]]],
    origin: Origin,
    paths: dict[str, Path_],
) -> Iterator[Problem]:
    everything = {k: [t for t, _ in v] for k, v in edges.items()}
    for node in tree.nodes:
        for i, option in enumerate(node.options):
            closes = tree.has_node(option.next) and node.id in _reach(option.next, everything)
            if option.cycle and not closes:
                path = _edge_path(node, paths[node.id], i)
                yield origin.document.problem(path, "'cycle: true' maar deze stap maakt geen kring")
    for node_id, index in _unmarked_back_edges(tree):
        node = tree.node(node_id)
        target = node.options[index].next
        message = (
            f"kring zonder markering: deze stap gaat terug naar '{target}';"
            " zet 'cycle: true' als dat zo bedoeld is"
        )
        yield origin.document.problem(_edge_path(node, paths[node_id], index), message)


def _unmarked_back_edges(tree: DecisionTree) -> Iterator[tuple[str, int]]:
    """Depth-first from the start over unmarked edges; yield each edge that closes a cycle."""
    on_stack: set[str] = {tree.start}
    done: set[str] = set()
    stack = [(tree.start, 0)]
    while stack:
        node_id, index = stack.pop()
        options = tree.node(node_id).options
        if index >= len(options):
            on_stack.discard(node_id)
            done.add(node_id)
            continue
        stack.append((node_id, index + 1))
        option = options[index]
        if option.cycle or not tree.has_node(option.next):
            continue
        if option.next in on_stack:
            yield node_id, index
        elif option.next not in done:
            on_stack.add(option.next)
            stack.append((option.next, 0))


def _edge_path(node: QuestionNode | AdviceNode, path: Path_, index: int) -> Path_:
    if isinstance(node, QuestionNode):
        return (*path, "choices", index, "next")
    return (*path, "next")


def _reach(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for target in graph.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen
