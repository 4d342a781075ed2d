"""What diagram readers see: whole box texts, no internal node ids, and the widest tree
(bijzondere-vormen) narrow enough for a phone with no arrow crossing another or its label."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from knowledge import load_knowledge
from knowledge.diagrams import render_mermaid, render_svg, tree_diagram
from knowledge.diagrams.layout import Layout, Route, curve_controls
from knowledge.diagrams.page import render_html
from knowledge.diagrams.svg import BOX_WIDTH, diagram_layout

SHIPPED = load_knowledge()
TREES = sorted(SHIPPED.trees)
SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]


def internal_ids(tree_id: str) -> list[str]:
    """Node ids that cannot be ordinary words (they hold a hyphen)."""
    return [n.id for n in SHIPPED.trees[tree_id].nodes if "-" in n.id]


class _Visible(HTMLParser):
    """The text a reader of an HTML page sees (attributes left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("tree_id", TREES)
def test_every_box_shows_its_whole_text(tree_id: str) -> None:
    """Each box's drawn text (not its tooltip) is the node's full text, wrapped, never cut."""
    root = ET.fromstring(
        render_svg(tree_diagram(SHIPPED, SHIPPED.trees[tree_id])).split("\n", 1)[1]
    )
    boxes = {g.get("data-node"): g for g in root.iter(f"{SVG}g") if g.get("class") == "knoop"}
    for node in SHIPPED.trees[tree_id].nodes:
        drawn = [" ".join(t.itertext()) for t in boxes[node.id].iter(f"{SVG}text")]
        whole = " ".join(node.text.split())
        assert whole in [" ".join(line.split()) for line in drawn], node.id
        assert not any("…" in line for line in drawn if "…" not in node.text), node.id


@pytest.mark.parametrize("tree_id", TREES)
def test_no_internal_node_id_in_what_readers_see(tree_id: str) -> None:
    """Box texts, tooltips, descriptions, Mermaid labels and the page's text name no node id."""
    tree = SHIPPED.trees[tree_id]
    root = ET.fromstring(render_svg(tree_diagram(SHIPPED, tree)).split("\n", 1)[1])
    svg_text = " ".join(root.itertext())
    mermaid = render_mermaid(tree_diagram(SHIPPED, tree))
    labels = " ".join(re.findall(r'"([^"]*)"', mermaid))
    page = _Visible()
    page.feed(render_html(SHIPPED, tree, links=True))
    seen = {"svg": svg_text, "mermaid": labels, "page": " ".join(page.text)}
    ids = internal_ids(tree_id)
    assert ids, "the check needs ids that are not words"
    for where, text in seen.items():
        assert [i for i in ids if i in text] == [], where


def _polyline(route: Route) -> list[Point]:
    """The route as straight pieces (curves sampled the way the SVG draws them)."""
    points = [route.points[0]]
    for p, q in itertools.pairwise(route.points):
        if abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5:
            points.append(q)
            continue
        c1, c2 = curve_controls(p, q)
        for step in range(1, 17):
            t, s = step / 16, 1 - step / 16
            points.append(
                (
                    s**3 * p[0] + 3 * s * s * t * c1[0] + 3 * s * t * t * c2[0] + t**3 * q[0],
                    s**3 * p[1] + 3 * s * s * t * c1[1] + 3 * s * t * t * c2[1] + t**3 * q[1],
                )
            )
    return points


def _side(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """A proper crossing: each piece has the other's ends strictly on both sides."""
    d1, d2 = _side(q1, q2, p1), _side(q1, q2, p2)
    d3, d4 = _side(p1, p2, q1), _side(p1, p2, q2)
    return d1 * d2 < -1e-6 and d3 * d4 < -1e-6


def _through(piece: tuple[Point, Point], box: tuple[float, float, float, float]) -> bool:
    """Whether a straight piece runs through the inside of ``box`` (left, top, right, bottom)."""
    (x1, y1), (x2, y2) = piece
    for step in range(21):
        t = step / 20
        x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        if box[0] + 1 < x < box[2] - 1 and box[1] + 1 < y < box[3] - 1:
            return True
    return False


def arrow_problems(layout: Layout) -> list[str]:
    """Pairs of arrows that cross, and arrows that run through another arrow's label."""
    lines = [_polyline(r) for r in layout.routes]
    problems = []
    for (i, a), (j, b) in itertools.combinations(enumerate(lines), 2):
        if any(_cross(*p, *q) for p in itertools.pairwise(a) for q in itertools.pairwise(b)):
            problems.append(f"arrows {i} and {j} cross")
    for i, route in enumerate(layout.routes):
        if route.label_at is None or route.link.label is None:
            continue
        (cx, cy), (w, h) = route.label_at, route.link.label
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        for j, line in enumerate(lines):
            if j != i and any(_through(piece, box) for piece in itertools.pairwise(line)):
                problems.append(f"arrow {j} runs through the label of arrow {i}")
    return problems


def test_the_widest_tree_fits_a_phone_without_crossings() -> None:
    """bijzondere-vormen (one question, seven answers) is at most one label and one box wide
    beside its start, and no arrow crosses another or runs through another's label."""
    diagram = tree_diagram(SHIPPED, SHIPPED.trees["bijzondere-vormen"])
    layout = diagram_layout(diagram)
    assert layout.width <= 2 * BOX_WIDTH + 120
    assert arrow_problems(layout) == []


@pytest.mark.parametrize("tree_id", TREES)
def test_the_start_is_at_the_left_edge(tree_id: str) -> None:
    """Every tree's start box is the leftmost box, so a narrow screen opens on it."""
    tree = SHIPPED.trees[tree_id]
    layout = diagram_layout(tree_diagram(SHIPPED, tree))
    assert layout.boxes[tree.start][0] == min(x for x, _ in layout.boxes.values())


@pytest.mark.parametrize("tree_id", TREES)
def test_no_two_arrows_cross(tree_id: str) -> None:
    """In no shipped tree does an arrow cross another (labels are matched to their arrow)."""
    layout = diagram_layout(tree_diagram(SHIPPED, SHIPPED.trees[tree_id]))
    assert [p for p in arrow_problems(layout) if p.endswith("cross")] == []


def test_the_arrow_check_can_fail() -> None:
    """Two arrows drawn as an X are reported as crossing."""
    from knowledge.diagrams.layout import Link

    cross = Layout(
        {},
        (
            Route(Link("a", "b"), ((0.0, 0.0), (100.0, 100.0)), None),
            Route(Link("c", "d"), ((100.0, 0.0), (10.0, 90.0)), None),
        ),
        100.0,
        100.0,
        (),
    )
    assert arrow_problems(cross) == ["arrows 0 and 1 cross"]


@pytest.mark.parametrize("tree_id", TREES)
def test_each_arrow_is_drawn_for_its_own_answer(tree_id: str) -> None:
    """Routes come back in the order of the diagram's arrows, so each label, drawn with the
    route it is paired with, stands on the arrow from its own question to its own answer."""
    diagram = tree_diagram(SHIPPED, SHIPPED.trees[tree_id])
    layout = diagram_layout(diagram)
    pairs = [(e.source, e.target) for e in diagram.edges]
    drawn = [(r.link.source, r.link.target) for r in layout.routes]
    assert drawn == pairs


def test_a_deeper_tree_is_drawn_as_an_outline() -> None:
    """The topics tree (a question of questions) is an outline: each answer starts right of
    its question and below the answer before it, so the picture stays narrow on a phone."""
    diagram = tree_diagram(SHIPPED, SHIPPED.trees["onderwerpen"])
    layout = diagram_layout(diagram)
    for route in layout.routes:
        source, target = layout.boxes[route.link.source], layout.boxes[route.link.target]
        assert target[0] > source[0]
        assert target[1] > source[1]
    assert layout.width <= len(layout.layers) * (BOX_WIDTH + 200)
