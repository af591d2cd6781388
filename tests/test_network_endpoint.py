"""The same networks from a SPARQL endpoint as from the local store (a real Oxigraph server)."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
import pytest

from pgraph.network import build
from pgraph.store import open_store
from tests.servers import running_oxigraph

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def endpoint(built_store_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("endpoint")
    dump = folder / "catalogue.nq"
    open_store(built_store_path, read_only=True).dump(str(dump), ox.RdfFormat.N_QUADS)
    # As pgraph queries its own store: the default graph is the union of the named graphs.
    with running_oxigraph(folder, load=[dump], union_default_graph=True) as server:
        yield server.query


@pytest.mark.parametrize(
    "kind",
    [
        "practice-organisation",
        "co-partnership",
        "organisation-legislation",
        "practice-similarity",
        "practice-concept",
    ],
)
def test_endpoint_gives_the_local_network(built_store_path, endpoint, kind):
    local = build(kind, store=open_store(built_store_path, read_only=True))
    remote = build(kind, endpoint=endpoint)
    assert nx.utils.graphs_equal(local, remote)
    assert list(local.nodes) == list(remote.nodes)  # same order: same communities and layout


def test_endpoint_filters(endpoint):
    G = build("co-partnership", endpoint=endpoint, country="Royaume-Uni", since="2000-01-01")
    assert G.graph["filters"] == 'country="Royaume-Uni", since=2000-01-01'
    assert "https://w3id.org/pgraph/id/organisation/city-of-london-police" in G
