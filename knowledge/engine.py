"""The pure tree engine: positions are values, every function is side-effect free.

A position is the tree id plus the answers given from the start. The current node and the
route ("which answers led here") are derived by replaying those answers, so a position is
small, serialisable and can never point at a node the answers do not lead to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from knowledge.model import AdviceNode, DecisionTree, QuestionNode

__all__ = [
    "Position",
    "RouteStep",
    "StepError",
    "Walk",
    "back",
    "outcome_paths",
    "restart",
    "start",
    "step",
    "walk",
]


class StepError(ValueError):
    """An answer that the current node does not offer, or a position that no longer fits."""


@dataclass(frozen=True)
class Position:
    """Where a conversation stands in a tree: the answers (option keys) given so far."""

    tree_id: str
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteStep:
    """One answered question on the way to the current node."""

    node_id: str
    question: str
    answer_key: str
    answer_label: str


@dataclass(frozen=True)
class Walk:
    """The current node of a position and the route that led there."""

    node: QuestionNode | AdviceNode
    route: tuple[RouteStep, ...]

    @property
    def finished(self) -> bool:
        """True at an outcome: advice with nothing after it."""
        return not self.node.options


def start(tree: DecisionTree) -> Position:
    """The position at the start of ``tree``."""
    return Position(tree.id)


def walk(tree: DecisionTree, position: Position) -> Walk:
    """Replay ``position`` in ``tree``; StepError if its answers do not fit the tree."""
    if position.tree_id != tree.id:
        raise StepError(f"position is in tree {position.tree_id!r}, not {tree.id!r}")
    known = tree.walks.get(position.answers)
    if isinstance(known, Walk):
        return known  # a tree is immutable: the same answers always walk the same way
    found = _replay(tree, position)
    if len(tree.walks) < _WALKS_KEPT:
        tree.walks[position.answers] = found
    return found


_WALKS_KEPT = 4096
"""Walks remembered per tree (answer paths are few; a marked cycle could make them many)."""


def _replay(tree: DecisionTree, position: Position) -> Walk:
    node = tree.node(tree.start)
    route: list[RouteStep] = []
    for key in position.answers:
        option = next((o for o in node.options if o.key == key), None)
        if option is None:
            raise StepError(f"node {node.id!r} has no answer {key!r}")
        route.append(RouteStep(node.id, node.text, option.key, option.label))
        node = tree.node(option.next)
    return Walk(node, tuple(route))


def step(tree: DecisionTree, position: Position, answer_key: str) -> Position:
    """The position after answering ``answer_key`` at the current node."""
    node = walk(tree, position).node
    if all(o.key != answer_key for o in node.options):
        raise StepError(f"node {node.id!r} has no answer {answer_key!r}")
    return Position(position.tree_id, (*position.answers, answer_key))


def back(position: Position) -> Position:
    """The position one answer earlier (the start stays the start)."""
    return Position(position.tree_id, position.answers[:-1])


def restart(position: Position) -> Position:
    """The start of the same tree."""
    return Position(position.tree_id)


def outcome_paths(tree: DecisionTree) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every (answer keys, outcome node id) from the start, not following marked cycles."""
    stack: list[tuple[str, tuple[str, ...]]] = [(tree.start, ())]
    while stack:
        node_id, answers = stack.pop()
        options = tree.node(node_id).options
        if not options:
            yield answers, node_id
        stack.extend((o.next, (*answers, o.key)) for o in reversed(options) if not o.cycle)
