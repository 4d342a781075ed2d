"""A small layered ("Sugiyama") layout for tree diagrams: pure geometry, no drawing.

Boxes go in layers by their longest distance from the start, so an edge always points down
and a shared target sits below every box that leads to it. Edges that go back up (marked
cycles) are laid out reversed and drawn the other way. Edges longer than one layer pass
through invisible waypoints, so they get room of their own and never cut through a box.
The order inside a layer is improved by barycentre sweeps, keeping the order with the fewest
crossings; horizontal positions pull each box towards its neighbours' centres without overlap.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Box",
    "Layout",
    "Link",
    "Route",
    "crossings",
    "curve_controls",
    "fan_layout",
    "layered_layout",
]

Point = tuple[float, float]
Rect = tuple[float, float, float, float]

BOX_GAP = 36.0
WAYPOINT_GAP = 18.0
LAYER_GAP = 44.0
MARGIN = 20.0
LOOP = 28.0
_WAYPOINT_WIDTH = 8.0
_SWEEPS = 12
_PLACEMENT_ROUNDS = 6
_LABEL_STEPS = (0.5, 0.35, 0.65, 0.22, 0.78, 0.12, 0.88)


@dataclass(frozen=True)
class Box:
    """Something to place: an id and its size."""

    id: str
    width: float
    height: float


@dataclass(frozen=True)
class Link:
    """A directed edge; ``label`` is the size (width, height) of its label, None: unlabelled."""

    source: str
    target: str
    label: tuple[float, float] | None = None
    back: bool = False
    """A marked cycle: laid out as if reversed, drawn pointing back up."""


@dataclass(frozen=True)
class Route:
    """Where a link is drawn: its points from source to target, and its label's centre."""

    link: Link
    points: tuple[Point, ...]
    label_at: Point | None


@dataclass(frozen=True)
class Layout:
    """Top-left corners of the boxes, the routes of the links and the overall size."""

    boxes: dict[str, Point]
    routes: tuple[Route, ...]
    width: float
    height: float
    layers: tuple[tuple[str, ...], ...]
    """Box ids per layer, left to right (waypoints left out)."""


@dataclass
class _Item:
    id: str
    width: float
    height: float
    real: bool
    layer: int = 0
    x: float = 0.0
    """The centre."""


@dataclass(frozen=True)
class _Segment:
    """One layer-to-layer piece of a link, in layout orientation (upper above lower)."""

    upper: str
    lower: str
    link: int


def curve_controls(p: Point, q: Point) -> tuple[Point, Point]:
    """The two control points of the smooth vertical curve drawn from ``p`` to ``q``."""
    middle = (p[1] + q[1]) / 2
    return (p[0], middle), (q[0], middle)


def _curve_point(p: Point, q: Point, t: float) -> Point:
    c1, c2 = curve_controls(p, q)
    s = 1 - t
    weights = (s**3, 3 * s * s * t, 3 * s * t * t, t**3)
    points = (p, c1, c2, q)
    return (
        sum(w * pt[0] for w, pt in zip(weights, points, strict=True)),
        sum(w * pt[1] for w, pt in zip(weights, points, strict=True)),
    )


def layered_layout(boxes: Sequence[Box], links: Sequence[Link], *, start: str) -> Layout:
    """Place ``boxes`` in layers from ``start`` and route ``links`` between them.

    A tree in the strict sense (every box reached by one link only, no cycles) is laid out as
    an outline instead: ``fan_layout``. Side by side its widest layer would be as wide as all
    the boxes in it.
    """
    items = {b.id: _Item(b.id, b.width, b.height, real=True) for b in boxes}
    links = [k for k in links if k.source in items and k.target in items]
    if _is_outline(boxes, links, start):
        return fan_layout(boxes, links, start=start)
    ordered = _discovery_order(items, links, start)
    oriented = _orient(links, ordered)
    _assign_layers(items, ordered, oriented)
    segments = _segments(items, oriented)
    layers = _order_layers(items, ordered, links, segments)
    tops, heights = _vertical(items, layers, links, oriented)
    _horizontal(items, layers, segments)
    _start_left(items, layers, segments)
    loops = any(k.source == k.target for k in links)
    left = min((i.x - i.width / 2 for i in items.values()), default=0.0)
    for item in items.values():
        item.x += MARGIN - left
    positions = {
        i.id: (i.x - i.width / 2, tops[i.layer] + (heights[i.layer] - i.height) / 2)
        for i in items.values()
        if i.real
    }
    routes = _routes(items, links, oriented, segments, positions, tops, heights)
    right = max((i.x + i.width / 2 for i in items.values()), default=0.0)
    width = right + MARGIN + (LOOP if loops else 0.0)
    height = tops[-1] + heights[-1] + MARGIN if tops else 2 * MARGIN
    real_layers = tuple(tuple(i for i in layer if items[i].real) for layer in layers)
    return Layout(positions, tuple(routes), width, height, real_layers)


def _is_outline(boxes: Sequence[Box], links: Sequence[Link], start: str) -> bool:
    """True for a tree in the strict sense: every box but the start is reached by exactly one
    link, all from the start onwards, with no marked cycle."""
    others = {b.id for b in boxes} - {start}
    if len(others) <= 2 or any(k.back or k.source == k.target for k in links):
        return False
    if sorted(k.target for k in links) != sorted(others):
        return False
    children: dict[str, list[str]] = {}
    for link in links:
        children.setdefault(link.source, []).append(link.target)
    seen, stack = {start}, [start]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen == others | {start}


FAN_INDENT = 24.0
"""How far right of a box's left edge the trunk to its answers runs."""
FAN_GAP = 16.0


def fan_layout(boxes: Sequence[Box], links: Sequence[Link], *, start: str) -> Layout:
    """An outline, as a file browser draws folders: the start at the top left; below each box
    its answers, one box per row, each reached by its own branch off a vertical trunk (the
    branch's label on the branch), and each answer's own answers below it, indented further.
    No arrow crosses another, and the width grows with the depth, not with the number of
    boxes, so a phone shows the start at once."""
    sizes = {b.id: b for b in boxes}
    children: dict[str, list[tuple[int, Link]]] = {}
    for index, link in enumerate(links):
        children.setdefault(link.source, []).append((index, link))
    positions: dict[str, Point] = {start: (MARGIN, MARGIN)}
    routes: dict[int, Route] = {}
    """By link index: routes are returned in the order of ``links``, as callers pair them."""
    depths: dict[str, int] = {start: 0}
    bottom = MARGIN + sizes[start].height + LAYER_GAP / 2

    def place(node: str) -> None:
        nonlocal bottom
        x, y = positions[node]
        kids = children.get(node, [])
        trunk = x + FAN_INDENT
        label_width = max((k.label[0] for _, k in kids if k.label), default=0.0)
        left = trunk + max(label_width + 2 * FAN_GAP, 2 * FAN_GAP)
        for index, link in kids:
            box = sizes[link.target]
            label_height = link.label[1] if link.label else 0.0
            branch = bottom + max(box.height, label_height) / 2
            top = branch - box.height / 2
            positions[link.target] = (left, top)
            depths[link.target] = depths[node] + 1
            points = ((trunk, y + sizes[node].height), (trunk, branch), (left, branch))
            label = (trunk + FAN_GAP + link.label[0] / 2, branch) if link.label else None
            routes[index] = Route(link, points, label)
            bottom = max(top + box.height, branch + label_height / 2) + FAN_GAP
            place(link.target)

    place(start)
    width = max(positions[b.id][0] + b.width for b in boxes)
    layers: dict[int, list[str]] = {}
    for node, depth in depths.items():
        layers.setdefault(depth, []).append(node)
    ordered = tuple(tuple(layers[d]) for d in sorted(layers))
    in_order = tuple(routes[i] for i in range(len(links)))
    return Layout(positions, in_order, width + MARGIN, bottom - FAN_GAP + MARGIN, ordered)


def crossings(layout: Layout) -> int:
    """How many pairs of drawn links cross between two neighbouring layers (for tests)."""
    total = 0
    for upper, lower in zip(layout.layers, layout.layers[1:], strict=False):
        rank_u = {n: i for i, n in enumerate(upper)}
        rank_l = {n: i for i, n in enumerate(lower)}
        pairs = [
            (rank_u[r.link.source], rank_l[r.link.target])
            for r in layout.routes
            if r.link.source in rank_u and r.link.target in rank_l
        ]
        total += _count_crossings(pairs)
    return total


# -- structure --------------------------------------------------------------------------------


def _discovery_order(items: dict[str, _Item], links: Sequence[Link], start: str) -> list[str]:
    """Depth-first pre-order from ``start`` in link order, then anything not reached."""
    out: dict[str, list[str]] = {i: [] for i in items}
    for link in links:
        if not link.back:
            out[link.source].append(link.target)
    seen: dict[str, None] = {}
    stack = [start] if start in items else []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen[node] = None
        stack.extend(reversed([t for t in out[node] if t not in seen]))
    return [*seen, *(i for i in items if i not in seen)]


def _orient(links: Sequence[Link], ordered: list[str]) -> list[tuple[str, str] | None]:
    """Per link its (upper, lower) in the layout; None for a box's link to itself.

    Marked cycles point up, so they are laid out reversed. Whatever still closes a cycle
    (content that was not validated) is found by a depth-first search and reversed as well:
    reversing the back edges of a depth-first search always leaves a graph without cycles.
    """
    wanted: list[tuple[str, str] | None] = [
        None if k.source == k.target else ((k.target, k.source) if k.back else (k.source, k.target))
        for k in links
    ]
    out: dict[str, list[tuple[int, str]]] = {n: [] for n in ordered}
    for index, pair in enumerate(wanted):
        if pair is not None:
            out[pair[0]].append((index, pair[1]))
    closing: set[int] = set()
    state: dict[str, int] = {}
    for root in ordered:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                state[node] = 2
                stack.pop()
            elif state.get(step[1]) == 1:
                closing.add(step[0])
            elif step[1] not in state:
                state[step[1]] = 1
                stack.append((step[1], iter(out[step[1]])))
    return [
        (pair[1], pair[0]) if pair is not None and i in closing else pair
        for i, pair in enumerate(wanted)
    ]


def _assign_layers(
    items: dict[str, _Item], ordered: list[str], oriented: list[tuple[str, str] | None]
) -> None:
    """Longest path from the top: each box one layer below its lowest predecessor."""
    below: dict[str, list[str]] = {n: [] for n in ordered}
    indegree = dict.fromkeys(ordered, 0)
    for pair in oriented:
        if pair is not None:
            below[pair[0]].append(pair[1])
            indegree[pair[1]] += 1
    queue = [n for n in ordered if indegree[n] == 0]
    while queue:
        node = queue.pop(0)
        for target in below[node]:
            items[target].layer = max(items[target].layer, items[node].layer + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                queue.append(target)


def _segments(
    items: dict[str, _Item], oriented: list[tuple[str, str] | None]
) -> list[list[_Segment]]:
    """Per link its chain of segments, adding a waypoint in every layer it passes."""
    chains: list[list[_Segment]] = []
    for index, pair in enumerate(oriented):
        if pair is None:
            chains.append([])
            continue
        upper, lower = pair
        chain: list[_Segment] = []
        previous = upper
        for layer in range(items[upper].layer + 1, items[lower].layer):
            waypoint = f"\0{index}:{layer}"
            items[waypoint] = _Item(waypoint, _WAYPOINT_WIDTH, 0.0, real=False, layer=layer)
            chain.append(_Segment(previous, waypoint, index))
            previous = waypoint
        chain.append(_Segment(previous, lower, index))
        chains.append(chain)
    return chains


# -- order within layers ----------------------------------------------------------------------


def _order_layers(
    items: dict[str, _Item],
    ordered: list[str],
    links: Sequence[Link],
    chains: list[list[_Segment]],
) -> list[list[str]]:
    """Layers ordered to limit crossings: barycentre sweeps, the best order seen wins."""
    depth = max((i.layer for i in items.values()), default=0) + 1
    discovery = {n: i for i, n in enumerate(ordered)}
    layers: list[list[str]] = [[] for _ in range(depth)]
    for item in sorted(items.values(), key=lambda i: _initial_key(i, discovery, chains)):
        layers[item.layer].append(item.id)
    segments = [s for chain in chains for s in chain]
    ups: dict[str, list[tuple[str, float]]] = {i: [] for i in items}
    downs: dict[str, list[tuple[str, float]]] = {i: [] for i in items}
    for segment in segments:
        out = [s for s in segments if s.upper == segment.upper]
        inc = [s for s in segments if s.lower == segment.lower]
        ups[segment.lower].append((segment.upper, _port(out, segment)))
        downs[segment.upper].append((segment.lower, _port(inc, segment)))
    best = [list(layer) for layer in layers]
    best_count = _layer_crossings(best, segments)
    for sweep in range(_SWEEPS):
        downward = sweep % 2 == 0
        indices = range(1, depth) if downward else range(depth - 2, -1, -1)
        for k in indices:
            neighbours = layers[k - 1] if downward else layers[k + 1]
            rank = {n: i for i, n in enumerate(neighbours)}
            links_of = ups if downward else downs
            layers[k] = _by_barycentre(layers[k], links_of, rank)
        count = _layer_crossings(layers, segments)
        if count < best_count:
            best, best_count = [list(layer) for layer in layers], count
    return best


def _initial_key(
    item: _Item, discovery: dict[str, int], chains: list[list[_Segment]]
) -> tuple[float, float]:
    if item.real:
        return (discovery[item.id], 0.0)
    index = int(item.id[1:].split(":")[0])
    return (discovery.get(chains[index][0].upper, 0) + 0.5, float(index))


def _port(siblings: list[_Segment], segment: _Segment) -> float:
    """A fraction that keeps a box's answers in their order (first answer leftmost)."""
    return (siblings.index(segment) + 1) / (len(siblings) + 1) - 0.5


def _by_barycentre(
    layer: list[str], links_of: dict[str, list[tuple[str, float]]], rank: dict[str, int]
) -> list[str]:
    keys: dict[str, float] = {}
    for position, node in enumerate(layer):
        near = [rank[n] + 0.9 * port for n, port in links_of[node] if n in rank]
        keys[node] = sum(near) / len(near) if near else float(position)
    current = {n: i for i, n in enumerate(layer)}
    return sorted(layer, key=lambda n: (keys[n], current[n]))


def _layer_crossings(layers: list[list[str]], segments: list[_Segment]) -> int:
    rank = {n: i for layer in layers for i, n in enumerate(layer)}
    layer_of = {n: k for k, layer in enumerate(layers) for n in layer}
    groups: dict[int, list[tuple[int, int]]] = {}
    for segment in segments:
        groups.setdefault(layer_of[segment.upper], []).append(
            (rank[segment.upper], rank[segment.lower])
        )
    return sum(_count_crossings(pairs) for pairs in groups.values())


def _count_crossings(pairs: list[tuple[int, int]]) -> int:
    return sum(
        1
        for i, (a1, b1) in enumerate(pairs)
        for a2, b2 in pairs[i + 1 :]
        if (a1 - a2) * (b1 - b2) < 0
    )


# -- coordinates ------------------------------------------------------------------------------


def _vertical(
    items: dict[str, _Item],
    layers: list[list[str]],
    links: Sequence[Link],
    oriented: list[tuple[str, str] | None],
) -> tuple[list[float], list[float]]:
    """The top and height of each layer; a gap below a layer makes room for its labels."""
    heights = [max((items[n].height for n in layer), default=0.0) for layer in layers]
    label_room = [0.0] * len(layers)
    for link, pair in zip(links, oriented, strict=True):
        if link.label is not None and pair is not None:
            k = items[pair[0]].layer
            label_room[k] = max(label_room[k], link.label[1] + 12)
    tops: list[float] = []
    y = MARGIN
    for k, height in enumerate(heights):
        tops.append(y)
        y += height + LAYER_GAP + label_room[k]
    return tops, heights


def _horizontal(
    items: dict[str, _Item], layers: list[list[str]], chains: list[list[_Segment]]
) -> None:
    """Centres per layer: packed first, then pulled towards neighbours without overlap."""
    segments = [s for chain in chains for s in chain]
    ups: dict[str, list[str]] = {i: [] for i in items}
    downs: dict[str, list[str]] = {i: [] for i in items}
    for segment in segments:
        ups[segment.lower].append(segment.upper)
        downs[segment.upper].append(segment.lower)
    for layer in layers:
        _place(items, layer, [0.0] * len(layer))
    for round_ in range(2 * _PLACEMENT_ROUNDS + 1):
        downward = round_ % 2 == 0
        order = layers[1:] if downward else list(reversed(layers[:-1]))
        for layer in order:
            wanted = []
            for node in layer:
                near = (ups if downward else downs)[node]
                centres = [items[n].x for n in near]
                wanted.append(sum(centres) / len(centres) if centres else items[node].x)
            _place(items, layer, wanted)


def _start_left(
    items: dict[str, _Item], layers: list[list[str]], chains: list[list[_Segment]]
) -> None:
    """Move a lone start above its leftmost answer, and any layer that reaches further left to
    the right: a narrow screen that shows the drawing's left edge first shows where it begins."""
    if not layers or len(layers[0]) != 1 or len(layers) < 2:
        return
    start = layers[0][0]
    below = {s.lower for chain in chains for s in chain if s.upper == start}
    if below:
        items[start].x = min(items[n].x for n in below)
    edge = items[start].x - items[start].width / 2
    for layer in layers[1:]:
        shift = edge - min(items[n].x - items[n].width / 2 for n in layer)
        for node in layer if shift > 0 else ():
            items[node].x += shift


def _place(items: dict[str, _Item], layer: list[str], wanted: list[float]) -> None:
    """Closest centres to ``wanted`` keeping order and spacing (pool-adjacent-violators)."""
    offsets = [0.0]
    for left, right in itertools.pairwise(layer):
        a, b = items[left], items[right]
        gap = BOX_GAP if a.real or b.real else WAYPOINT_GAP
        offsets.append(offsets[-1] + (a.width + b.width) / 2 + gap)
    blocks: list[list[float]] = []  # [sum, count]
    for value in (w - o for w, o in zip(wanted, offsets, strict=True)):
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    fitted = [s / c for s, c in blocks for _ in range(int(c))]
    for node, offset, value in zip(layer, offsets, fitted, strict=True):
        items[node].x = offset + value


# -- routes -----------------------------------------------------------------------------------


def _routes(
    items: dict[str, _Item],
    links: Sequence[Link],
    oriented: list[tuple[str, str] | None],
    chains: list[list[_Segment]],
    positions: dict[str, Point],
    tops: list[float],
    heights: list[float],
) -> list[Route]:
    segments = [s for chain in chains for s in chain]
    placed: list[Rect] = [
        (x, y, items[n].width, items[n].height) for n, (x, y) in positions.items()
    ]
    drawn: list[list[Point]] = [
        list(_loop(items[link.source], positions[link.source]))
        if pair is None
        else _chain_points(items, chains[index], segments, positions, tops, heights)
        for index, (link, pair) in enumerate(zip(links, oriented, strict=True))
    ]
    samples = [_samples(points) for points in drawn]
    routes: list[Route] = []
    for index, link in enumerate(links):
        pair = oriented[index]
        if pair is None:
            routes.append(Route(link, tuple(drawn[index]), None))
            continue
        points = drawn[index]
        label_at = None
        if link.label is not None:
            others = [p for i, line in enumerate(samples) if i != index for p in line]
            label_at = _label_point(points, link.label, placed, others)
            w, h = link.label
            placed.append((label_at[0] - w / 2, label_at[1] - h / 2, w, h))
        if pair != (link.source, link.target):
            points = list(reversed(points))
        routes.append(Route(link, tuple(points), label_at))
    return routes


def _chain_points(
    items: dict[str, _Item],
    chain: list[_Segment],
    segments: list[_Segment],
    positions: dict[str, Point],
    tops: list[float],
    heights: list[float],
) -> list[Point]:
    first, last = chain[0], chain[-1]
    out = sorted((s for s in segments if s.upper == first.upper), key=lambda s: items[s.lower].x)
    inc = sorted((s for s in segments if s.lower == last.lower), key=lambda s: items[s.upper].x)
    top_x, top_y = positions[first.upper]
    upper = items[first.upper]
    points: list[Point] = [
        (top_x + upper.width * (out.index(first) + 1) / (len(out) + 1), top_y + upper.height)
    ]
    for segment in chain[:-1]:
        waypoint = items[segment.lower]
        points.append((waypoint.x, tops[waypoint.layer]))
        points.append((waypoint.x, tops[waypoint.layer] + heights[waypoint.layer]))
    low_x, low_y = positions[last.lower]
    lower = items[last.lower]
    points.append((low_x + lower.width * (inc.index(last) + 1) / (len(inc) + 1), low_y))
    return points


def _samples(points: list[Point]) -> list[Point]:
    """Points along a drawn route, close enough to tell whether it runs through a label."""
    return [
        _curve_point(p, q, step / 16) for p, q in itertools.pairwise(points) for step in range(17)
    ]


def _label_point(
    points: list[Point], size: tuple[float, float], placed: list[Rect], others: list[Point]
) -> Point:
    """On the first piece of the route, where the label overlaps no box and no other label
    and, where it can, no other arrow runs through it."""
    p, q = points[0], points[1]
    candidates = [_curve_point(p, q, t) for t in _LABEL_STEPS]
    free = []
    for x, y in candidates:
        rect = (x - size[0] / 2, y - size[1] / 2, size[0], size[1])
        if not any(_overlap(rect, other) for other in placed):
            free.append((x, y))
            if not any(_inside(point, rect) for point in others):
                return (x, y)
    return free[0] if free else candidates[0]


def _inside(point: Point, rect: Rect) -> bool:
    x, y = point
    return rect[0] < x < rect[0] + rect[2] and rect[1] < y < rect[1] + rect[3]


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _loop(item: _Item, corner: Point) -> tuple[Point, ...]:
    right = corner[0] + item.width
    high, low = corner[1] + item.height * 0.3, corner[1] + item.height * 0.7
    return ((right, high), (right + LOOP, high), (right + LOOP, low), (right, low))
