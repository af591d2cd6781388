"""Pictures: a non-trivial PNG and SVG drawn without a display, and the offline HTML page."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest

from pgraph.errors import NetworkError
from pgraph.network import build
from pgraph.network.draw import DEFAULT_MAX_NODES, draw, prepare
from pgraph.network.html import page_data, render_page
from pgraph.store import open_store


@pytest.fixture(scope="module")
def co_partnership(built_store_path):
    return build("co-partnership", store=open_store(built_store_path, read_only=True))


def test_png_is_non_trivial(co_partnership, tmp_path):
    from PIL import Image

    path = draw(co_partnership, tmp_path / "co.png")
    assert path.stat().st_size > 50_000
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape == (1000, 1200, 3)
    colours = {tuple(c) for c in image.reshape(-1, 3)[::7]}
    assert len(colours) > 200  # anti-aliased nodes, ties and text, not a blank canvas
    # The eight communities' colours (tab20) are all there, and most of the canvas is white.
    picture = prepare(co_partnership)
    for hex_colour in picture.colours.values():
        rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(image.reshape(-1, 3).astype(int) - rgb).sum(axis=1) < 6).sum() > 50
    assert (image.reshape(-1, 3) == 255).all(axis=1).mean() > 0.5


def test_png_shows_no_window_and_leaves_pyplot_alone(co_partnership, tmp_path):
    import matplotlib

    backend = matplotlib.get_backend()
    draw(co_partnership, tmp_path / "co.png")
    assert matplotlib.get_backend() == backend


def test_svg_has_the_labels(co_partnership, tmp_path):
    path = draw(co_partnership, tmp_path / "co.svg", labels=5)
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "co-partnership network" in text
    assert "133 nodes" in text


def test_large_networks_show_their_most_tied_nodes(co_partnership):
    picture = prepare(co_partnership, max_nodes=20, labels=3)
    assert len(picture.graph) == 20
    assert picture.caption.startswith("20 of 133 nodes (the most tied)")
    assert "Leicester Clinical Commissioning Group" in {
        picture.graph.nodes[v]["label"] for v in picture.labelled
    }
    assert DEFAULT_MAX_NODES < 500  # networkx lays out fewer than 500 nodes without scipy


def test_pictures_are_reproducible(co_partnership):
    first, second = prepare(co_partnership), prepare(co_partnership)
    assert first.positions == second.positions and first.community == second.community


def test_single_node_and_empty_graphs(tmp_path):
    G = nx.Graph()
    G.add_node("only", label="Only node")
    assert draw(G, tmp_path / "one.png").stat().st_size > 5_000
    with pytest.raises(NetworkError, match="nothing to draw"):
        draw(nx.Graph(), tmp_path / "none.png")
    with pytest.raises(NetworkError, match=r"end the file name with \.png, \.svg, \.pdf or \.html"):
        draw(G, tmp_path / "one.jpg")


def test_page_is_self_contained(co_partnership, tmp_path):
    page = draw(co_partnership, tmp_path / "co.html").read_text(encoding="utf-8")
    # Nothing to fetch: no element points anywhere, and the policy forbids loading anything.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, flags=re.I)
    assert "default-src 'none'" in page
    assert "sourceMappingURL" not in page
    assert page.count("<script") == 3  # the data, the library, the page's own script
    data = json.loads(
        re.search(
            r'<script type="application/json" id="graph-data">(.*?)</script>', page, flags=re.S
        ).group(1)
    )
    assert len(data["nodes"]) == 133 and len(data["edges"]) == 402
    assert sum(c["size"] for c in data["communities"]) == 133
    assert '<span id="node-count">0</span>' in page


def test_page_data_cannot_break_out_of_its_script():
    G = nx.Graph()
    G.add_edge("a", "b")
    G.nodes["a"]["label"] = "</script><script>alert(1)</script>"
    page = render_page(prepare(G))
    assert "</script><script>alert(1)" not in page
    assert "alert(1)" in page  # kept, as escaped text
    assert page_data(prepare(G))["nodes"][0]["label"] == G.nodes["a"]["label"]
