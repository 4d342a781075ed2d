"""Tree diagrams: Mermaid, our own SVG and the HTML page, for every shipped tree."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from knowledge import AdviceNode, DecisionTree, KnowledgeBase, QuestionNode, load_knowledge
from knowledge.diagrams import (
    OUTCOME_KINDS,
    STYLES,
    escape_mermaid,
    mermaid_id,
    render_mermaid,
    render_svg,
    tree_diagram,
)
from knowledge.diagrams.layout import Box, Link, crossings, layered_layout
from knowledge.diagrams.page import render_html, render_index
from knowledge.diagrams.svg import BOX_WIDTH

SHIPPED = load_knowledge()
TREES = sorted(SHIPPED.trees)
SVG = "{http://www.w3.org/2000/svg}"
_NODE_LINE = re.compile(r'^    (n_[a-z0-9_]+)(\["|\("|\(\[")(.*)("\]|"\)|"\]\))$')
_EDGE_LINE = re.compile(r'^    (n_[a-z0-9_]+) (-->|-\.->)(?:\|"([^"]*)"\|)? (n_[a-z0-9_]+)$')


def tree(tree_id: str) -> DecisionTree:
    """A shipped tree by id."""
    return SHIPPED.trees[tree_id]


def expected_kind(node: QuestionNode | AdviceNode) -> str:
    """The kind a node must be drawn as."""
    if isinstance(node, QuestionNode):
        return "vraag"
    return "stap" if node.next is not None else str(node.outcome)


@pytest.mark.parametrize("tree_id", TREES)
def test_mermaid_has_every_node_and_edge_with_escaped_labels(tree_id: str) -> None:
    """Each node is declared once with a quoted, escaped label; each answer is an edge."""
    text = render_mermaid(tree_diagram(SHIPPED, tree(tree_id)))
    lines = text.splitlines()
    assert lines[0].startswith("%% ")
    assert lines[1] == "flowchart TD"
    declared: dict[str, str] = {}
    edges: set[tuple[str, str, str | None, bool]] = set()
    for line in lines[2:]:
        if node := _NODE_LINE.match(line):
            assert node.group(1) not in declared
            declared[node.group(1)] = node.group(3)
        elif edge := _EDGE_LINE.match(line):
            edges.add((edge.group(1), edge.group(4), edge.group(3), edge.group(2) == "-.->"))
    for node in tree(tree_id).nodes:
        label = declared[mermaid_id(node.id)]
        assert not re.search(r'["<>&|`]', label.replace("<br/>", "")), label
        assert label.startswith(f"{STYLES[expected_kind(node)].tag}<br/>")
        for option in node.options:
            text_label = option.label if isinstance(node, QuestionNode) else None
            if option.cycle and text_label is None:
                text_label = "terug"
            key = (mermaid_id(node.id), mermaid_id(option.next), text_label, option.cycle)
            assert key in edges
    assert len(edges) == sum(len(n.options) for n in tree(tree_id).nodes)
    for kind, style in STYLES.items():
        assert f"classDef {kind} fill:{style.fill},stroke:{style.stroke}" in text
        assert f"legenda_{kind}" in text


def test_mermaid_escapes_quotes_brackets_ampersands_and_keeps_accents() -> None:
    """Characters that would end a Mermaid label become entity codes; accents stay."""
    assert escape_mermaid('Zeg "ja" & <b>nee</b> | #1 `x`') == (
        "Zeg #quot;ja#quot; #amp; #lt;b#gt;nee#lt;/b#gt; #124; #35;1 #96;x#96;"
    )
    assert escape_mermaid("cliënt (vóór) [ja]") == "cliënt (vóór) [ja]"
    assert mermaid_id("end") == "n_end"


def svg_root(tree_id: str) -> ET.Element:
    """The parsed standalone SVG of a shipped tree."""
    text = render_svg(tree_diagram(SHIPPED, tree(tree_id)))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.split("\n", 1)[1])


def all_text(element: ET.Element) -> str:
    """Every text in ``element``, one space between pieces."""
    return " ".join(" ".join(element.itertext()).split())


@pytest.mark.parametrize("tree_id", TREES)
def test_svg_is_accessible_xml_with_every_node_label_and_colour(tree_id: str) -> None:
    """The SVG parses as XML, has a title and desc, and draws each node in its kind's colours."""
    root = svg_root(tree_id)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert tree(tree_id).title in (title.text or "")
    assert desc is not None
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    groups = {g.get("data-node"): g for g in root.iter(f"{SVG}g") if g.get("class") == "knoop"}
    assert set(groups) == {n.id for n in tree(tree_id).nodes}
    for node in tree(tree_id).nodes:
        group = groups[node.id]
        kind = expected_kind(node)
        assert group.get("data-kind") == kind
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        assert (rect.get("fill"), rect.get("stroke")) == (STYLES[kind].fill, STYLES[kind].stroke)
        shown = all_text(group)
        assert STYLES[kind].tag in shown
        assert " ".join(node.text.split()) in " ".join(shown.split()), node.id
        tooltip = group.find(f"{SVG}title")
        assert tooltip is not None
        assert node.text in (tooltip.text or "")
        for text in node.variants.values():
            assert text in (tooltip.text or "")
        if node.variants:
            assert "Eigen tekst voor" in shown
    legend = {g.get("data-kind") for g in root.iter(f"{SVG}g") if g.get("class") == "legenda-item"}
    assert legend == {*STYLES, "kring"}


@pytest.mark.parametrize("tree_id", TREES)
def test_svg_draws_every_answer_with_a_readable_label(tree_id: str) -> None:
    """Each answer is an arrow with its label on a white box; cycles are dashed."""
    root = svg_root(tree_id)
    arrows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "pijl"]
    labels = [g for g in root.iter(f"{SVG}g") if g.get("class") == "antwoord"]
    drawn = {(g.get("data-from"), g.get("data-to"), g.get("data-cycle")) for g in arrows}
    shown = {(g.get("data-from"), g.get("data-to")): all_text(g) for g in labels}
    for node in tree(tree_id).nodes:
        for option in node.options:
            assert (node.id, option.next, "ja" if option.cycle else "nee") in drawn
            if isinstance(node, QuestionNode):
                assert shown[(node.id, option.next)] == option.label
    for arrow in arrows:
        path = arrow.find(f"{SVG}path")
        assert path is not None
        assert (path.get("stroke-dasharray") is not None) == (arrow.get("data-cycle") == "ja")


def rects(root: ET.Element, kind: str) -> list[tuple[float, float, float, float]]:
    """The first rect of every group of class ``kind``."""
    found = []
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        if group.get("class") == kind and rect is not None:
            found.append(tuple(float(rect.get(k, "0")) for k in ("x", "y", "width", "height")))
    return found  # type: ignore[return-value]


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """True when two rectangles (x, y, w, h) overlap."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("tree_id", TREES)
def test_svg_layout_has_no_overlaps_and_fits_its_canvas(tree_id: str) -> None:
    """No two boxes overlap, no answer label covers a box or another label, all fits."""
    root = svg_root(tree_id)
    boxes, labels = rects(root, "knoop"), rects(root, "antwoord")
    everything = boxes + labels
    for i, a in enumerate(everything):
        assert all(not overlap(a, b) for b in everything[i + 1 :]), a
    width = float(root.get("width", "0"))
    assert all(x >= 0 and x + w <= width for x, _, w, _ in everything)
    assert all(w == BOX_WIDTH for _, _, w, _ in boxes)


def test_layout_puts_a_shared_target_below_both_parents_and_avoids_crossings() -> None:
    """A node reached from two places sits below both; a simple diamond has no crossing."""
    boxes = [Box(n, 100, 40) for n in ("a", "b", "c", "d")]
    links = [
        Link("a", "b"),
        Link("a", "c"),
        Link("b", "d"),
        Link("c", "d"),
        Link("d", "a", back=True),
    ]
    layout = layered_layout(boxes, links, start="a")
    assert layout.layers == (("a",), ("b", "c"), ("d",))
    assert crossings(layout) == 0
    back = layout.routes[-1]
    assert back.points[0][1] > back.points[-1][1], "a marked cycle is drawn pointing up"


def test_layout_survives_an_unmarked_cycle_and_a_self_loop() -> None:
    """Content that was not validated still gets a layout instead of hanging."""
    boxes = [Box(n, 80, 30) for n in ("a", "b", "c")]
    links = [Link("a", "b"), Link("b", "c"), Link("c", "a"), Link("c", "c")]
    layout = layered_layout(boxes, links, start="a")
    assert set(layout.boxes) == {"a", "b", "c"}
    assert len(layout.routes) == 4


class _Page(HTMLParser):
    """Collects the text of the page and the nesting depth of its lists."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.deepest = 0
        self.items = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Count lists and items."""
        if tag == "ul":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
        if tag == "li":
            self.items += 1

    def handle_endtag(self, tag: str) -> None:
        """Close a list."""
        if tag == "ul":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.text.append(data)


@pytest.mark.parametrize("tree_id", TREES)
def test_html_page_has_the_svg_and_a_text_version(tree_id: str) -> None:
    """The page is Dutch, loads nothing from elsewhere, and lists every node and answer."""
    html = render_html(SHIPPED, tree(tree_id))
    assert html.startswith('<!doctype html>\n<html lang="nl">')
    assert "<svg" in html
    assert 'role="img"' in html
    assert "Tekstversie" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external assets"
    assert "<script" not in html
    page = _Page()
    page.feed(html)
    assert page.depth == 0, "lists are balanced"
    assert page.deepest >= 3
    text = " ".join(" ".join(page.text).split())
    for node in tree(tree_id).nodes:
        assert " ".join(node.text.split()) in text
        for option in node.options:
            if isinstance(node, QuestionNode):
                assert f"Antwoord „{option.label}”" in text
        if isinstance(node, AdviceNode) and node.next is None:
            assert STYLES[str(node.outcome)].name in text
        for variant in node.variants.values():
            assert variant in text


def test_html_links_related_trees_only_when_served() -> None:
    """Served pages link the index and related diagrams; a standalone file does not."""
    served = render_html(SHIPPED, tree("meldcode"), links=True)
    assert '<a href="/diagrammen">Alle beslisbomen</a>' in served
    assert '<a href="/diagrammen/afwegingskader">' in served
    alone = render_html(SHIPPED, tree("meldcode"))
    assert "/diagrammen" not in alone


def test_index_links_every_tree() -> None:
    """The index lists every tree with links to its page and its SVG."""
    html = render_index(SHIPPED)
    for tree_id in TREES:
        assert f'href="/diagrammen/{tree_id}"' in html
        assert f'href="/diagrammen/{tree_id}.svg"' in html


def test_every_outcome_kind_has_a_style() -> None:
    """The model's outcome kinds and the diagram's colours stay in step."""
    assert set(OUTCOME_KINDS) <= set(STYLES)
    assert len({s.fill for s in STYLES.values()}) == len(STYLES)


def test_example_trees_render(examples: KnowledgeBase) -> None:
    """The small example trees (with a marked cycle) render in all formats."""
    for example in examples.trees.values():
        diagram = tree_diagram(examples, example)
        ET.fromstring(render_svg(diagram, standalone=False))
        assert "flowchart TD" in render_mermaid(diagram)


def run_verbind(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )


def test_render_command_prints_mermaid_by_default_and_lists_trees() -> None:
    """`verbind render TREE` prints Mermaid; without TREE it lists the trees."""
    result = run_verbind("render", "afwegingskader")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "flowchart TD"
    listing = run_verbind("render")
    assert listing.returncode == 0
    assert "afwegingskader: Afwegingskader (stap 4/5)" in listing.stdout


@pytest.mark.parametrize(("fmt", "start"), [("svg", "<?xml"), ("html", "<!doctype html>")])
def test_render_command_writes_a_file(tmp_path: Path, fmt: str, start: str) -> None:
    """`--format` and `--out` write the chosen format to a file."""
    out = tmp_path / f"meldcode.{fmt}"
    result = run_verbind("render", "meldcode", "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith(start)


def test_render_command_refuses_an_unknown_tree_in_dutch() -> None:
    """An unknown tree exits non-zero with a Dutch message listing the tree ids."""
    result = run_verbind("render", "geen-boom")
    assert result.returncode == 2
    assert "boom 'geen-boom' bestaat niet" in result.stderr
    assert all(tree_id in result.stderr for tree_id in TREES)
    assert result.stdout == ""
