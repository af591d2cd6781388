"""Figures for a paper: size and DPI, labels that overlap nothing and stay on the canvas."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from PIL import Image

from pgraph.network import build
from pgraph.network.draw import LEGEND_GROUPS, OTHER_COLOUR, draw, prepare
from pgraph.network.paper import Rendered, render
from pgraph.store import open_store


@pytest.fixture(scope="module")
def bundled(built_store_path):
    return open_store(built_store_path, read_only=True)


@pytest.fixture(scope="module")
def co_partnership(bundled):
    return build("co-partnership", store=bundled)


def crowded_graph() -> nx.Graph:
    """A dense core with long labels: the case where labels used to pile up."""
    G = nx.barabasi_albert_graph(120, 3, seed=1)
    for v in G:
        G.nodes[v]["label"] = f"Organisation with a long name number {v}"
    return G


def check_labels(drawn: Rendered) -> None:
    boxes = drawn.label_boxes
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for box in boxes:
        assert box.inside(drawn.canvas), box
        x, y, r = drawn.nodes[:, 0], drawn.nodes[:, 1], drawn.nodes[:, 2]
        nearest_x = np.clip(x, box.x0, box.x1)
        nearest_y = np.clip(y, box.y0, box.y1)
        assert (np.hypot(x - nearest_x, y - nearest_y) >= r).all(), box
    if drawn.legend is not None:
        assert drawn.legend.inside(drawn.canvas)
        assert not any(box.overlaps(drawn.legend) for box in boxes)


@pytest.mark.parametrize(
    ("width", "height", "dpi", "labels", "least"),
    [(12, 10, 100, 12, 10), (7, 5, 300, 20, 10), (3.5, 3, 200, 10, 3)],
)
def test_labels_overlap_nothing_and_stay_on_the_canvas(width, height, dpi, labels, least):
    drawn = render(prepare(crowded_graph(), labels=labels), width=width, height=height, dpi=dpi)
    check_labels(drawn)
    assert len(drawn.label_boxes) + len(drawn.left_out) == labels
    # 40-character labels on 120 nodes: a one-column figure has room for a few only.
    assert len(drawn.label_boxes) >= least


def test_bundled_networks_label_cleanly(bundled):
    for kind in ("co-partnership", "organisation-legislation", "practice-organisation"):
        drawn = render(prepare(build(kind, store=bundled), labels=15), width=8, height=6, dpi=110)
        check_labels(drawn)


def test_png_has_the_size_and_dpi_asked_for(co_partnership, tmp_path):
    path = draw(co_partnership, tmp_path / "co.png", width=7, height=5, dpi=300)
    image = Image.open(path)
    assert image.size == (2100, 1500)
    assert tuple(round(d) for d in image.info["dpi"]) == (300, 300)


def test_svg_and_pdf(co_partnership, tmp_path):
    svg = draw(co_partnership, tmp_path / "co.svg", width=6, height=4).read_text(encoding="utf-8")
    assert 'width="432pt" height="288pt"' in svg
    pdf = draw(co_partnership, tmp_path / "co.pdf", width=6, height=4).read_bytes()
    assert pdf.startswith(b"%PDF") and b"/MediaBox [ 0 0 432 288 ]" in pdf


def test_legend_names_every_community_drawn_or_groups_them_as_other(co_partnership):
    picture = prepare(co_partnership)
    drawn_communities = set(picture.community.values())
    named = [name for name, colour in picture.legend if colour != OTHER_COLOUR]
    others = [name for name, colour in picture.legend if colour == OTHER_COLOUR]
    assert len(named) <= LEGEND_GROUPS
    coloured = {c for c in drawn_communities if picture.colours[c] != OTHER_COLOUR}
    assert len(coloured) == len(named)
    if len(coloured) < len(drawn_communities):
        assert len(others) == 1 and others[0].startswith("other (")
    # Named by their most tied members, which are labels of the network.
    labels = {d["label"] for _, d in co_partnership.nodes(data=True)}
    assert any(name.split(", ")[0] in labels for name in named)
    many = nx.Graph()
    for i in range(20):  # 20 separate triangles: 20 communities
        many.add_edges_from([(3 * i, 3 * i + 1), (3 * i + 1, 3 * i + 2), (3 * i, 3 * i + 2)])
    legend = prepare(many).legend
    assert len(legend) == LEGEND_GROUPS + 1
    assert legend[-1] == (f"other ({20 - LEGEND_GROUPS} communities, 24 nodes)", OTHER_COLOUR)


def test_colour_by_type_and_country(co_partnership):
    by_type = prepare(co_partnership, colour_by="type")
    types = {d.get("type") or "unknown" for _, d in co_partnership.nodes(data=True)}
    assert {name for name, _ in by_type.legend} <= types | {"other / unknown", "unknown"}
    by_country = prepare(co_partnership, colour_by="country")
    assert any(len(name) == 2 for name, _ in by_country.legend)  # ISO codes


def test_two_mode_networks_are_drawn_in_two_parts(bundled):
    G = build("practice-organisation", store=bundled)
    picture = prepare(G)
    assert picture.layout == "bipartite"
    xs = {kind: [] for kind in ("practice", "organisation")}
    for v, (x, _) in picture.positions.items():
        xs[picture.graph.nodes[v]["kind"]].append(x)
    assert max(xs["practice"]) < min(xs["organisation"])


def test_legislation_draws_acts_as_hubs(bundled):
    G = build("organisation-legislation", store=bundled)
    picture = prepare(G)
    assert picture.layout == "hubs"
    H, pos = picture.graph, picture.positions
    acts = [v for v in H if H.nodes[v]["kind"] == "legislation"]
    closer = 0
    organisations = [v for v in H if H.nodes[v]["kind"] == "organisation"]
    for v in organisations:
        nearest = min(acts, key=lambda a: np.hypot(*np.subtract(pos[v], pos[a])))
        closer += nearest in H[v]
    assert closer / len(organisations) > 0.8  # organisations sit by their own Act


def test_statutory_ties_are_drawn_apart(bundled, tmp_path):
    G = build("practice-organisation", store=bundled)
    drawn = render(prepare(G), width=6, height=5, dpi=80)
    (legend,) = drawn.figure.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert "statutory tie" in labels and "other tie" in labels
    from matplotlib.collections import LineCollection

    colours = {
        tuple(np.round(c.get_colors()[0][:3], 3))
        for c in drawn.figure.axes[0].collections
        if isinstance(c, LineCollection)
    }
    assert len(colours) == 2  # statutory ties in their own colour
