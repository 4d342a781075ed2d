"""The shipped trees' shape: the afwegingskader's branches and every outcome on some path.

Clicking every path through the conversation is done by the content tests next to the content
(knowledge/content/tests/paden-*.yaml, run by tests/test_content_tests.py, which also fails
while a path has no test). The helpers here drive the same walks for the card tests.
"""

from __future__ import annotations

from collections.abc import Callable

from knowledge import AdviceNode, DecisionTree, KnowledgeBase, load_knowledge
from knowledge.engine import outcome_paths
from tests.conftest import Chat

SHIPPED = load_knowledge()

# The afwegingskader's branches as DOMAIN.md §2 states them: answers -> outcome node. Doubt never
# closes the meldcode (it leads to advice from Veilig Thuis, at vraag 1 and at vraag 2) and acute
# danger is acted on at once.
AFWEGINGSKADER = {
    ("nee",): "afsluiten-geen-vermoeden",
    ("twijfel",): "twijfel-advies",
    ("gevaar",): "acuut",
    ("ja", "ja"): "melden-onveilig",
    ("ja", "twijfel"): "twijfel-onveiligheid",
    ("ja", "nee", "nee"): "melden-geen-hulp",
    ("ja", "nee", "ja", "nee"): "melden-hulp-geweigerd",
    ("ja", "nee", "ja", "ja", "verder", "ja"): "hulp-afsluiten",
    ("ja", "nee", "ja", "ja", "verder", "nee"): "opnieuw-melden",
}


paths = outcome_paths

ALL_PATHS = [
    (tree.id, answers, outcome)
    for tree in SHIPPED.trees.values()
    for answers, outcome in paths(tree)
]
PROFESSIONS = ["jeugdarts", "jeugdverpleegkundige"]
# Trees with profession wording are walked once per profession.
WALKS = [
    (tree_id, answers, outcome, profession)
    for tree_id, answers, outcome in ALL_PATHS
    for profession in (PROFESSIONS if SHIPPED.trees[tree_id].asks_profession else [None])
]


def home(tree: DecisionTree) -> str | None:
    """For a region's own tree (its covenant): a gemeente of that region, where it applies."""
    region = SHIPPED.tree_region(tree.id)
    return min((g.name for g in SHIPPED.gemeenten.values() if g.region == region), default=None)


async def open_tree(chat: Chat, tree: DecisionTree, profession: str | None) -> None:
    """Open ``tree`` by its title — a region's own tree for a child in that region — answering
    the profession question when it is asked."""
    place = home(tree)
    if place is not None:
        await chat.say(f"kind woont in {place}")
    await chat.say(tree.title)
    if tree.asks_profession:
        assert chat.replies[-1].text.startswith("Wat is uw beroep?")
        assert profession is not None
        await chat.click(profession.capitalize())


async def walk_to(chat: Chat, tree: DecisionTree, answers: tuple[str, ...]) -> None:
    """Click the buttons for ``answers`` from the current node on."""
    for key in answers:
        node = tree.node(chat.replies[-1].buttons[0].payload.node)
        await chat.click(next(o.label for o in node.options if o.key == key))


def test_afwegingskader_branches_follow_the_domain_table() -> None:
    """The shipped afwegingskader has exactly the branches of the meldcode's five questions."""
    found = dict(paths(SHIPPED.trees["afwegingskader"]))
    assert found == AFWEGINGSKADER
    kinds = {o: SHIPPED.trees["afwegingskader"].node(o) for o in found.values()}
    melden = {o for o, n in kinds.items() if isinstance(n, AdviceNode) and n.outcome == "melden"}
    assert melden == {
        "acuut",
        "melden-onveilig",
        "melden-geen-hulp",
        "melden-hulp-geweigerd",
        "opnieuw-melden",
    }


def test_every_shipped_outcome_is_on_some_path() -> None:
    """Each end node of each shipped tree is reached by at least one path below."""
    for tree in SHIPPED.trees.values():
        ends = {n.id for n in tree.nodes if not n.options}
        assert ends == {outcome for t, _, outcome in ALL_PATHS if t == tree.id}, tree.id


async def test_acute_outcomes_are_marked_as_emergencies(
    make_chat: Callable[[KnowledgeBase], Chat],
) -> None:
    """Walking the afwegingskader to its acute outcome gives a reply marked as an emergency,
    and no other node of that tree carries the mark."""
    chat = make_chat(SHIPPED)
    tree = SHIPPED.trees["afwegingskader"]
    await open_tree(chat, tree, "jeugdarts")
    await walk_to(chat, tree, ("gevaar",))
    assert chat.replies[-1].emergency
    acute = {n.id for n in tree.nodes if isinstance(n, AdviceNode) and n.acute}
    assert acute == {"acuut"}


def test_every_tree_with_a_danger_choice_marks_its_acute_outcome() -> None:
    """Each shipped tree whose node is called 'acuut' marks it as acute (the channels then put
    the emergency numbers first)."""
    for tree in SHIPPED.trees.values():
        for node in tree.nodes:
            if node.id == "acuut":
                assert isinstance(node, AdviceNode), tree.id
                assert node.acute, tree.id
