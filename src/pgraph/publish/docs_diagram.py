"""The ontology as a diagram: an SVG drawn in pure Python, no external tool.

Boxes are classes (with their datatype properties listed inside, as in
UML); solid arrows are object properties from their domain to their range
(properties sharing both are drawn as one arrow, their names together);
dashed arrows with hollow heads are ``rdfs:subClassOf``. The layout is a
small layered (Sugiyama-style) one: layers by longest path, dummy points for
arrows that skip a layer, a few barycentre sweeps to reduce crossings. Every
text is XML-escaped where the SVG is written.

Example:
    >>> from rdflib import Graph
    >>> g = Graph().parse(data='''
    ...   @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ...   @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...   @prefix : <https://example.org/> .
    ...   :A a owl:Class ; rdfs:label "A <&>" . :B a owl:Class .
    ...   :p a owl:ObjectProperty ; rdfs:domain :A ; rdfs:range :B .''', format="turtle")
    >>> svg = ontology_diagram(g, name=lambda iri: iri.rsplit("/", 1)[-1])
    >>> svg.count('class="class"'), "A &lt;&amp;&gt;" in svg
    (2, True)
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup
from rdflib import OWL, RDF, RDFS, Graph, URIRef

CHAR = 7.0  # average width of a 12px sans-serif character, generous
LINE = 16
PAD = 8
GAP_Y = 26
MIN_GAP_X = 70
MARGIN = 20


@dataclass
class _Node:
    key: str
    lines: list[str]
    real: bool = True
    layer: int = 0
    order: float = 0.0
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


@dataclass
class _Edge:
    source: str
    target: str
    label: list[str]
    subclass: bool = False
    chain: list[str] = field(default_factory=list)


def _label(graph: Graph, iri: URIRef, name: Callable[[str], str]) -> str:
    """Return the English label (else an untagged one, else any), or the short name."""
    labels = sorted(graph.objects(iri, RDFS.label),
                    key=lambda x: ({"en": 0, None: 1}.get(getattr(x, "language", None), 2), str(x)))
    return str(labels[0]) if labels else name(str(iri))


def ontology_diagram(graph: Graph, *, name: Callable[[str], str]) -> Markup:
    """Return the SVG diagram of the classes and object properties of an OWL ontology graph.

    ``name`` turns an IRI into the short name shown for classes outside the
    ontology and for ranges (a CURIE such as ``skos:Concept``).
    """
    classes = sorted(URIRef(str(c)) for c in graph.subjects(RDF.type, OWL.Class))
    nodes: dict[str, _Node] = {}

    def node(iri: URIRef) -> _Node:
        key = str(iri)
        if key not in nodes:
            title = _label(graph, iri, name) if (iri, RDF.type, OWL.Class) in graph else name(key)
            nodes[key] = _Node(key, [title])
        return nodes[key]

    for cls in classes:
        node(cls)
    grouped: dict[tuple[str, str], list[str]] = {}
    loops: dict[str, list[str]] = {}
    for prop in sorted(URIRef(str(p)) for p in graph.subjects(RDF.type, OWL.ObjectProperty)):
        label = _label(graph, prop, name)
        for domain in graph.objects(prop, RDFS.domain):
            for range_ in graph.objects(prop, RDFS.range):
                source, target = node(URIRef(str(domain))), node(URIRef(str(range_)))
                if source.key == target.key:
                    loops.setdefault(source.key, []).append(label)
                else:
                    grouped.setdefault((source.key, target.key), []).append(label)
    for prop in sorted(URIRef(str(p)) for p in graph.subjects(RDF.type, OWL.DatatypeProperty)):
        for domain in graph.objects(prop, RDFS.domain):
            ranges = [name(str(r)) for r in graph.objects(prop, RDFS.range)]
            node(URIRef(str(domain))).lines.append(
                f"{_label(graph, prop, name)} : {', '.join(ranges) or 'literal'}")
    edges = [_Edge(s, t, textwrap.wrap(", ".join(labels), 30)) for (s, t), labels in
             sorted(grouped.items())]
    for cls in classes:
        for parent in sorted(str(p) for p in graph.objects(cls, RDFS.subClassOf)
                             if isinstance(p, URIRef)):
            if parent:
                edges.append(_Edge(str(cls), node(URIRef(parent)).key, [], subclass=True))
    for n in nodes.values():
        n.width = max(len(line) for line in n.lines) * CHAR + 2 * PAD
        n.height = len(n.lines) * LINE + 2 * PAD + (4 if len(n.lines) > 1 else 0)
    _layout(nodes, edges)
    return _draw(nodes, edges, loops)


# ---------------------------------------------------------------- layout


def _layout(nodes: dict[str, _Node], edges: list[_Edge]) -> None:
    successors: dict[str, list[str]] = {k: [] for k in nodes}
    for e in edges:
        successors[e.source].append(e.target)
    # Longest-path layering over an acyclic version of the graph (back edges ignored).
    state: dict[str, int] = {}
    order: list[str] = []

    def visit(key: str) -> None:
        state[key] = 1
        for nxt in successors[key]:
            if state.get(nxt) is None:
                visit(nxt)
        state[key] = 2
        order.append(key)

    for key in sorted(nodes, key=lambda k: (-len(successors[k]), k)):
        if key not in state:
            visit(key)
    position = {k: i for i, k in enumerate(reversed(order))}
    for key in reversed(order):
        for nxt in successors[key]:
            if position[nxt] > position[key]:
                nodes[nxt].layer = max(nodes[nxt].layer, nodes[key].layer + 1)
    # Dummy points where an arrow skips layers.
    for i, e in enumerate(edges):
        a, b = nodes[e.source], nodes[e.target]
        low, high = sorted((a.layer, b.layer))
        e.chain = [e.source]
        for layer in range(low + 1, high):
            dummy = _Node(f"_dummy{i}_{layer}", [], real=False, layer=layer, width=0, height=12)
            nodes[dummy.key] = dummy
            e.chain.append(dummy.key)
        e.chain.append(e.target)
        if a.layer > b.layer:
            e.chain = [e.source, *reversed(e.chain[1:-1]), e.target]
    layers: dict[int, list[_Node]] = {}
    for n in sorted(nodes.values(), key=lambda n: n.key):
        layers.setdefault(n.layer, []).append(n)
    for members in layers.values():
        for i, n in enumerate(members):
            n.order = float(i)
    neighbours: dict[str, list[str]] = {k: [] for k in nodes}
    for e in edges:
        for left, right in itertools.pairwise(e.chain):
            neighbours[left].append(right)
            neighbours[right].append(left)
    for _sweep in range(6):
        for layer in sorted(layers):
            for n in layers[layer]:
                near = [nodes[k].order for k in neighbours[n.key] if nodes[k].layer != layer]
                n.order = sum(near) / len(near) if near else n.order
            layers[layer].sort(key=lambda n: (n.order, n.key))
            for i, n in enumerate(layers[layer]):
                n.order = float(i)
    _coordinates(nodes, edges, layers)


def _coordinates(
    nodes: dict[str, _Node], edges: list[_Edge], layers: dict[int, list[_Node]]
) -> None:
    gaps: dict[int, float] = {}
    for e in edges:
        first = min(nodes[e.chain[0]].layer, nodes[e.chain[1]].layer)
        width = max((len(line) for line in e.label), default=0) * CHAR + 30
        gaps[first] = max(gaps.get(first, MIN_GAP_X), width)
    x: float = MARGIN
    heights: dict[int, float] = {}
    for layer in sorted(layers):
        members = layers[layer]
        column = max((n.width for n in members), default=0)
        y = 0.0
        for n in members:
            # A dummy spans its column: an arrow passes straight through it.
            n.x = x + (column - n.width) / 2 if n.real else x
            n.width = n.width if n.real else column
            n.y = y
            y += n.height + GAP_Y
        heights[layer] = y
        x += column + gaps.get(layer, MIN_GAP_X)
    tallest = max(heights.values(), default=0)
    for layer, members in layers.items():
        shift = MARGIN + 40 + (tallest - heights[layer]) / 2
        for n in members:
            n.y += shift


# ---------------------------------------------------------------- drawing


def _draw(nodes: dict[str, _Node], edges: list[_Edge], loops: dict[str, list[str]]) -> Markup:
    real = [n for n in nodes.values() if n.real]
    width = max(n.x + n.width for n in real) + MARGIN + (60 if loops else 0)
    height = max(n.y + n.height for n in real) + MARGIN + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
        f'aria-labelledby="diagram-title" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="system-ui, sans-serif" '
        f'font-size="12">',
        '<title id="diagram-title">Classes and object properties of the ontology</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#34495e"/></marker><marker id="generalisation" viewBox="0 0 12 12" refX="12" '
        'refY="6" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path '
        'd="M0,0 L12,6 L0,12 z" fill="#fff" stroke="#34495e"/></marker></defs>',
    ]
    labels = []
    for e, points in zip(edges, _ported_points(nodes, edges), strict=True):
        path = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            if y1 == y2:
                path += f" L{x2:.1f},{y2:.1f}"
                continue
            dx = (x2 - x1) / 2
            path += f" C{x1 + dx:.1f},{y1:.1f} {x2 - dx:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        style = ('stroke-dasharray="5 4" marker-end="url(#generalisation)"' if e.subclass
                 else 'marker-end="url(#arrow)"')
        kind = "subclass" if e.subclass else "property"
        out.append(f'<path class="{kind}" d="{path}" fill="none" stroke="#34495e" {style}/>')
        if e.label:
            (x1, y1), (x2, y2) = points[0], points[1]
            labels.append(((x1 + x2) / 2, (y1 + y2) / 2, e.label))
    out += _edge_labels(labels)
    for key, names in sorted(loops.items()):
        n = nodes[key]
        x0, y0 = n.x + n.width - 24, n.y
        out.append(f'<path class="property" d="M{x0:.1f},{y0:.1f} C{x0:.1f},{y0 - 34:.1f} '
                   f'{x0 + 40:.1f},{y0 - 34:.1f} {x0 + 12:.1f},{y0:.1f}" fill="none" '
                   'stroke="#34495e" marker-end="url(#arrow)"/>')
        out.append(f'<text x="{x0 + 30:.1f}" y="{y0 - 24:.1f}" class="edge-label">'
                   f'{escape(", ".join(names))}</text>')
    for n in sorted(real, key=lambda n: n.key):
        out.append(f'<g class="class" data-iri="{escape(n.key)}">')
        out.append(f'<rect x="{n.x:.1f}" y="{n.y:.1f}" width="{n.width:.1f}" '
                   f'height="{n.height:.1f}" rx="4" fill="#eef4fb" stroke="#34495e"/>')
        out.append(f'<text x="{n.x + n.width / 2:.1f}" y="{n.y + PAD + 12:.1f}" '
                   f'text-anchor="middle" font-weight="bold">{escape(n.lines[0])}</text>')
        if len(n.lines) > 1:
            rule = n.y + PAD + LINE + 2
            out.append(f'<line x1="{n.x:.1f}" y1="{rule:.1f}" x2="{n.x + n.width:.1f}" '
                       f'y2="{rule:.1f}" stroke="#34495e"/>')
            for i, line in enumerate(n.lines[1:], start=1):
                out.append(f'<text x="{n.x + PAD:.1f}" y="{n.y + PAD + 16 + i * LINE:.1f}">'
                           f'{escape(line)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("\n".join(out))


def _points(nodes: dict[str, _Node], chain: list[str]) -> list[tuple[float, float]]:
    points = []
    for i, key in enumerate(chain):
        n = nodes[key]
        middle = n.y + n.height / 2
        if not n.real:
            ends = [(n.x, middle), (n.x + n.width, middle)]
            points += ends if nodes[chain[i - 1]].layer < n.layer else ends[::-1]
            continue
        forward = (i == 0 and nodes[chain[1]].layer > n.layer) or (
            i > 0 and nodes[chain[i - 1]].layer > n.layer)
        points.append((n.x + n.width if forward else n.x, middle))
    return points


def _ported_points(nodes: dict[str, _Node], edges: list[_Edge]) -> list[list[tuple[float, float]]]:
    """Return each edge's points, its ends spread along the side of a box many arrows share."""
    all_points = [_points(nodes, e.chain) for e in edges]
    sides: dict[tuple[str, float], list[tuple[float, int, int]]] = {}
    for i, (e, points) in enumerate(zip(edges, all_points, strict=True)):
        sides.setdefault((e.chain[0], points[0][0]), []).append((points[1][1], i, 0))
        sides.setdefault((e.chain[-1], points[-1][0]), []).append((points[-2][1], i, -1))
    for (key, _x), ends in sides.items():
        n = nodes[key]
        for j, (_y, i, end) in enumerate(sorted(ends)):
            x = all_points[i][end][0]
            all_points[i][end] = (x, n.y + n.height * (0.2 + 0.6 * (j + 0.5) / len(ends)))
    return all_points


def _edge_labels(labels: list[tuple[float, float, list[str]]]) -> list[str]:
    """Return the edge labels' SVG, each moved down below any label it would overlap."""
    out: list[str] = []
    placed: list[tuple[float, float, float, float]] = []  # left, top, right, bottom
    for x, y, lines in sorted(labels, key=lambda item: (item[1], item[0])):
        half = max(len(line) for line in lines) * CHAR * 0.85 / 2
        height = len(lines) * 14
        top = y - height / 2
        moved = True
        while moved:
            moved = False
            for left, other_top, right, bottom in placed:
                overlaps = x - half < right and x + half > left
                if overlaps and top < bottom and top + height > other_top:
                    top, moved = bottom + 1, True
        placed.append((x - half, top, x + half, top + height))
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{14 if i else 0}">{escape(line)}</tspan>'
            for i, line in enumerate(lines))
        out.append(f'<text class="edge-label" x="{x:.1f}" y="{top + 11:.1f}" '
                   f'text-anchor="middle" paint-order="stroke" stroke="#fff" '
                   f'stroke-width="4" stroke-linejoin="round">{spans}</text>')
    return out
