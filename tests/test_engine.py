"""The pure tree engine: start, step, back, restart, current node and route."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, Position, StepError, back, restart, start, step, walk


def test_start_is_the_start_node(examples: KnowledgeBase) -> None:
    """A new position stands at the tree's start node with an empty route."""
    tree = examples.trees["question-basic"]
    current = walk(tree, start(tree))
    assert current.node.id == "ask"
    assert current.route == ()
    assert not current.finished


def test_step_follows_the_chosen_answer(examples: KnowledgeBase) -> None:
    """Answering leads to the node that answer names, and the route records why."""
    tree = examples.trees["question-basic"]
    position = step(tree, start(tree), "nee")
    current = walk(tree, position)
    assert current.node.id == "no-end"
    assert current.finished
    assert [(s.node_id, s.answer_label) for s in current.route] == [("ask", "Nee")]


def test_advice_with_next_continues(examples: KnowledgeBase) -> None:
    """An advice with ``next`` offers "Verder" and is not an end."""
    tree = examples.trees["advice-continue"]
    first = walk(tree, start(tree))
    assert [o.label for o in first.node.options] == ["Verder"]
    assert walk(tree, step(tree, start(tree), "verder")).node.id == "then-ask"


def test_unknown_answer_is_refused(examples: KnowledgeBase) -> None:
    """An answer the current node does not offer raises StepError and changes nothing."""
    tree = examples.trees["question-basic"]
    position = start(tree)
    with pytest.raises(StepError):
        step(tree, position, "misschien")
    assert position == Position("question-basic")


def test_position_from_another_tree_is_refused(examples: KnowledgeBase) -> None:
    """Replaying a position in the wrong tree raises StepError."""
    with pytest.raises(StepError):
        walk(examples.trees["question-basic"], Position("marked-cycle"))


def test_back_and_restart(examples: KnowledgeBase) -> None:
    """Back undoes one answer (not past the start); restart returns to the start."""
    tree = examples.trees["advice-continue"]
    position = step(tree, step(tree, start(tree), "verder"), "worked")
    assert walk(tree, back(position)).node.id == "then-ask"
    assert back(back(back(position))) == start(tree)
    assert restart(position) == start(tree)


def test_marked_cycle_can_be_walked_repeatedly(examples: KnowledgeBase) -> None:
    """A marked cycle brings the user back to the question as often as needed."""
    tree = examples.trees["marked-cycle"]
    position = start(tree)
    for _ in range(3):
        position = step(tree, step(tree, position, "try-again"), "verder")
        assert walk(tree, position).node.id == "check"
    assert walk(tree, step(tree, position, "ja")).node.id == "end"
