"""The network year by year: hand-made graphs, the bundled data's dates, the CSV and the plot."""

# ruff: noqa: N806, RUF002  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest
from PIL import Image

from pgraph.errors import NetworkError
from pgraph.network import build
from pgraph.network.timeline import COLUMNS, by_year
from pgraph.store import open_store


def growing_graph() -> nx.Graph:
    """2010: a–b. 2012: c joins through b (b is then the broker). 2013: d alone, undated e."""
    G = nx.Graph(name="demo network")
    for node, start in (
        ("a", "2010-03-01"),
        ("b", "2010-03-01"),
        ("c", "2012-06-01"),
        ("d", "2013-01-01"),
        ("e", ""),
    ):
        G.add_node(node, label=node.upper(), start_date=start)
    G.add_edge("a", "b", start_date="2010-03-01")
    G.add_edge("b", "c", start_date="2012-06-01")
    G.add_edge("c", "e", start_date="")
    return G


def test_series_of_a_hand_made_graph():
    series = by_year(growing_graph())
    rows = {r["year"]: r for r in series.rows}
    assert list(rows) == [2010, 2011, 2012, 2013]
    assert (rows[2010]["nodes"], rows[2010]["ties"], rows[2010]["density"]) == (2, 1, 1.0)
    assert rows[2011]["nodes"] == 2  # nothing ends: the catalogue has no end dates
    assert (rows[2012]["nodes"], rows[2012]["ties"], rows[2012]["components"]) == (3, 2, 1)
    assert rows[2012]["density"] == pytest.approx(2 / 3)
    assert rows[2012]["top_brokers"] == "B"
    assert rows[2013]["components"] == 2
    assert rows[2013]["largest_component_share"] == pytest.approx(3 / 4)
    assert (series.undated_nodes, series.undated_ties) == (1, 1)
    table = list(csv.DictReader(io.StringIO(series.to_csv())))
    assert list(table[0]) == list(COLUMNS) and table[2]["density"] == "0.666667"


def test_no_dates_no_series():
    G = nx.Graph()
    G.add_edge("a", "b")
    with pytest.raises(NetworkError, match="no practice in this network has a start date"):
        by_year(G)


def test_bundled_ties_start_with_their_first_practice(built_store_path, tmp_path):
    store = open_store(built_store_path, read_only=True)
    G = build("co-partnership", store=store)
    practices = build("practice-organisation", store=store)
    start = {v: d["start_date"] for v, d in practices.nodes(data=True) if d["kind"] == "practice"}
    for *_, data in G.edges(data=True):
        dates = [start[p] for p in data["practices"] if start.get(p)]
        assert data["start_date"] == (min(dates) if dates else "")
    series = by_year(G)
    assert series.rows[-1]["ties"] + series.undated_ties == G.number_of_edges()
    ties = [r["ties"] for r in series.rows]
    assert ties == sorted(ties)  # the network only grows
    path = series.plot(tmp_path / "series.png", width=8, height=6, dpi=100)
    assert Image.open(path).size == (800, 600)
