"""The five networks built from SPARQL: counts, weights and attributes known by hand.

The seed page alone (``data/pages``) names 12 partners, five of them
statutory under the Crime and Disorder Act 1998, and three of them generic
("Residents' representatives", "Business representatives", "Voluntary sector
representative": kinds of participant, left out of organisation networks by
default): its co-partnership network is the complete graph K9 (36 ties of
weight 1; K12 with the generic partners kept), its practice-organisation
network a star of 10 nodes, its organisation-legislation network the five
statutory partners tied to the Act. The bundled data (``data/``: the seed
page and the synthetic pages) gives the other counts, which change only when
the bundled data does.
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from pgraph.build import build_catalogue
from pgraph.errors import NetworkError
from pgraph.network import NetworkKind, build, network_kind
from pgraph.network.build import _jaccard_pairs
from pgraph.store import open_store
from tests.conftest import DATA

ID = "https://w3id.org/pgraph/id/"
SEED = ID + "practice/z-community-policing-in-the-uk"
CDA = "http://www.legislation.gov.uk/id/ukpga/1998/37"
SEED_PARTNERS = {
    "City of London Corporation",
    "City of London Police",
    "London Fire Brigade",
    "London Probation Trust",
    "City and Hackney Clinical Commissioning Group",
    "HM Courts Service",
    "British Transport Police",
    "Transport for London",
    "City of London Crime Prevention Association",
}
SEED_GENERIC = {
    "Residents' representatives",
    "Business representatives",
    "Voluntary sector representative",
}
SEED_STATUTORY = {
    "City of London Corporation",
    "City of London Police",
    "London Fire Brigade",
    "London Probation Trust",
    "City and Hackney Clinical Commissioning Group",
}


@pytest.fixture(scope="module")
def seed_store():
    """A store holding the seed page only."""
    return build_catalogue([DATA / "pages"], store_path=None).store


@pytest.fixture(scope="module")
def bundled(built_store_path):
    """The store built from data/, opened once for the module."""
    return open_store(built_store_path, read_only=True)


def labels(G, nodes=None) -> set[str]:
    return {G.nodes[n]["label"] for n in (G if nodes is None else nodes)}


# ---------------------------------------------------------------- the seed page alone


def test_seed_co_partnership_is_k9_with_unit_weights(seed_store):
    G = build("co-partnership", store=seed_store)
    assert (G.number_of_nodes(), G.number_of_edges()) == (9, 36)
    assert nx.is_isomorphic(G, nx.complete_graph(9))
    assert {d["weight"] for *_, d in G.edges(data=True)} == {1}
    assert all(d["practices"] == [SEED] for *_, d in G.edges(data=True))
    assert labels(G) == SEED_PARTNERS
    assert G.graph["generic_partners_left_out"] == 3


def test_seed_co_partnership_keeps_generic_partners_when_asked(seed_store):
    G = build("co-partnership", store=seed_store, keep_generic=True)
    assert nx.is_isomorphic(G, nx.complete_graph(12))
    assert labels(G) == SEED_PARTNERS | SEED_GENERIC
    generic = {n for n, d in G.nodes(data=True) if d["generic"]}
    assert labels(G, generic) == SEED_GENERIC
    # Scoped to the practice: the node is the partnership's, not a catalogue-wide one.
    assert all(n.startswith(SEED + "/partnership/generic/") for n in generic)
    assert {G.nodes[n]["type"] for n in generic} == {"Residents", "Businesses", "Voluntary sector"}
    assert G.graph["generic_partners_left_out"] == 0


def test_seed_bipartite_network_is_a_star(seed_store):
    G = build("practice-organisation", store=seed_store)
    assert (G.number_of_nodes(), G.number_of_edges()) == (10, 9)
    assert G.degree(SEED) == 9
    assert G.nodes[SEED]["kind"] == "practice" and G.nodes[SEED]["bipartite"] == 0
    assert nx.is_bipartite(G)
    statutory = {G.nodes[o]["label"] for o in G[SEED] if G.edges[SEED, o]["statutory"]}
    assert statutory == SEED_STATUTORY
    assert {G.edges[SEED, o]["act"] for o in G[SEED] if G.edges[SEED, o]["statutory"]} == {
        "Crime and Disorder Act 1998"
    }


def test_seed_legislation_network_ties_five_statutory_partners_to_the_act(seed_store):
    G = build("organisation-legislation", store=seed_store)
    assert (G.number_of_nodes(), G.number_of_edges()) == (6, 5)
    assert G.nodes[CDA] == {
        "iri": CDA,
        "label": "Crime and Disorder Act 1998",
        "kind": "legislation",
        "year": "1998",
        "unresolved": False,
        "start_date": "2014-01-01",
    }
    assert labels(G, G[CDA]) == SEED_STATUTORY
    assert all(
        G.nodes[o]["statutory"] and G.nodes[o]["acts"] == ["Crime and Disorder Act 1998"]
        for o in G[CDA]
    )


def test_seed_practice_attributes(seed_store):
    G = build("practice-organisation", store=seed_store)
    practice = G.nodes[SEED]
    assert practice["label"] == "Z Community Policing in the UK"
    assert (practice["country"], practice["country_name"]) == ("GB", "United Kingdom")
    assert practice["start_date"] == "2014-01-01"
    assert practice["statutory"] is True
    assert practice["domain"] == ["Organised crime", "Violent extremism"]
    assert practice["level"] == ["Local", "Regional"]
    assert practice["intervention_point"] == ["Prevention", "Protection", "Pursuit", "Reduction"]
    police = G.nodes[ID + "organisation/city-of-london-police"]
    assert (police["type"], police["country"], police["practices"]) == ("Police", ["GB"], 1)


def test_seed_practice_concept_network(seed_store):
    G = build("practice-concept", store=seed_store)
    # 2 levels, 2 domains, 1 audience, 5 types, 4 intervention points, 1 timeline
    # ("Coûts: n/a" is not reported, so no costs concept).
    assert (G.number_of_nodes(), G.number_of_edges()) == (16, 15)
    facets = nx.get_node_attributes(G, "facet")
    assert sorted(facets.values()).count("practice_type") == 5
    assert G.nodes["https://w3id.org/pgraph/vocab/domain/violent-extremism"]["label"] == (
        "Violent extremism"
    )


def test_single_practice_similarity_is_one_isolated_node(seed_store):
    G = build("practice-similarity", store=seed_store)
    assert list(G) == [SEED] and G.number_of_edges() == 0


# ---------------------------------------------------------------- the bundled data


@pytest.mark.parametrize(
    ("kind", "nodes", "edges"),
    [
        ("practice-organisation", 173, 223),
        ("co-partnership", 133, 402),
        ("organisation-legislation", 72, 57),
        ("practice-similarity", 40, 24),
        ("practice-concept", 97, 493),
    ],
)
def test_bundled_network_sizes(bundled, kind, nodes, edges):
    G = build(kind, store=bundled)
    assert (G.number_of_nodes(), G.number_of_edges()) == (nodes, edges)
    assert G.graph["kind"] == kind and G.graph["practices"] == 40


def pages_listing(*partners: str) -> list[str]:
    """Return the bundled pages whose partner bullets name all these organisations (by hand)."""
    found = []
    for page in sorted(
        [*(DATA / "pages").glob("*.txt"), *(DATA / "synthetic" / "pages").glob("*.txt")]
    ):
        bullets = {
            line.strip("•\u00a0 *\t")
            for line in page.read_text(encoding="utf-8-sig").splitlines()
            if line.lstrip().startswith("•")
        }
        if all(partner in bullets for partner in partners):
            found.append(page.name)
    return found


def test_bundled_known_weights(bundled):
    G = build("co-partnership", store=bundled)
    # Generic partners are no organisations: none is a node, each page's own is left out.
    assert not any(d["generic"] for _, d in G.nodes(data=True))
    assert ID + "organisation/residents-representatives" not in G
    residents = pages_listing("Residents' representatives")
    assert len(residents) == 26
    assert G.graph["generic_partners_left_out"] == 95
    kept = build("co-partnership", store=bundled, keep_generic=True)
    kept_residents = [
        n for n, d in kept.nodes(data=True) if d["label"] == "Residents' representatives"
    ]
    # One node per partnership that lists them, each in one practice only.
    assert len(kept_residents) == 26
    assert all(kept.nodes[n]["practices"] == 1 for n in kept_residents)
    both = pages_listing("Residents' representatives", "Business representatives")
    assert len(both) == 17
    seed_only = G.edges[
        ID + "organisation/city-of-london-police", ID + "organisation/london-fire-brigade"
    ]
    # Both are the seed's only practice and statutory partners there; the seed names 12
    # partners, 3 of them generic (left out), so n_p = 9 organisations in the network.
    assert seed_only == {
        "weight": 1,
        "shared": 1,
        "newman": 1 / 8,
        "jaccard": 1.0,
        "practices": [SEED],
        "practice_titles": ["Z Community Policing in the UK"],
        "statutory": True,
        "start_date": "2014-01-01",
    }
    L = build("organisation-legislation", store=bundled)
    assert L.degree(CDA) == 9 and labels(L, L[CDA]) >= SEED_STATUTORY
    assert (
        sum(1 for _, d in L.nodes(data=True) if d["kind"] == "legislation" and d["unresolved"]) > 0
    )


def test_similarity_weights_are_jaccard_indices_above_the_threshold(bundled):
    G = build("practice-similarity", store=bundled, threshold=0.5)
    for u, v, data in G.edges(data=True):
        assert 0.5 <= data["weight"] <= 1
        assert data["shared"], (u, v)
    looser = build("practice-similarity", store=bundled, threshold=0.3)
    assert looser.number_of_edges() > G.number_of_edges()
    assert set(G.edges) <= {tuple(e) for e in looser.edges} | {
        tuple(reversed(e)) for e in looser.edges
    }


def test_jaccard_pairs_by_hand():
    sets = [[0, 1], [0, 1, 2], [3], []]
    assert sorted(_jaccard_pairs(sets, 4, 0.5)) == [(0, 1, pytest.approx(2 / 3))]
    assert sorted(_jaccard_pairs(sets, 4, 0.01)) == [(0, 1, pytest.approx(2 / 3))]


# ---------------------------------------------------------------- filters


def test_filters_select_practices(bundled):
    everything = build("practice-organisation", store=bundled)
    gb = build("practice-organisation", store=bundled, country="GB")
    french_name = build("practice-organisation", store=bundled, country="Royaume-Uni")
    assert set(gb) == set(french_name)
    practices = [n for n, d in gb.nodes(data=True) if d["kind"] == "practice"]
    assert SEED in practices and len(practices) < 40
    assert all(gb.nodes[p]["country"] == "GB" for p in practices)
    assert gb.graph["filters"] == 'country="GB"'
    assert len(gb) < len(everything)


def test_facet_and_date_filters(bundled):
    G = build(
        "practice-similarity",
        store=bundled,
        domain="extrémisme violent",
        since=dt.date(2010, 1, 1),
        until="2020-12-31",
    )
    assert len(G) >= 1
    for _, data in G.nodes(data=True):
        assert "Violent extremism" in data["domain"]
        assert "2010-01-01" <= data["start_date"] <= "2020-12-31"
    local = build(
        "practice-similarity", store=bundled, level="https://w3id.org/pgraph/vocab/level/local"
    )
    assert all("Local" in d["level"] for _, d in local.nodes(data=True))


def test_a_filter_matching_nothing_is_a_clear_error(bundled):
    with pytest.raises(
        NetworkError,
        match=r'no practice matches country="Atlantis" '
        r"\(the graph holds 40 practices\)",
    ):
        build("co-partnership", store=bundled, country="Atlantis")


def test_a_date_range_matching_nothing_is_a_clear_error(bundled):
    with pytest.raises(NetworkError, match="no practice matches since=2099-01-01"):
        build("organisation-legislation", store=bundled, since="2099-01-01")


def test_a_network_without_ties_of_that_kind_says_why(seed_store):
    from pgraph.mapping import map_practice
    from pgraph.records import Practice
    from pgraph.store import replace_graphs

    store = open_store(None)
    mapped = map_practice(Practice(slug="lonely", title="Lonely practice", country="France"))
    replace_graphs(store, {ID + "graph/lonely": mapped.triples})
    with pytest.raises(
        NetworkError,
        match="co-partnership network of 1 practice is empty: none of them names a partner",
    ):
        build("co-partnership", store=store)
    assert list(build("practice-similarity", store=store)) == [ID + "practice/lonely"]


def test_an_empty_store_is_a_clear_error():
    with pytest.raises(NetworkError, match="the graph holds no practices"):
        build("co-partnership", store=open_store(None))


def test_bad_arguments(seed_store, tmp_path):
    with pytest.raises(NetworkError, match="unknown network kind 'ego'"):
        build("ego", store=seed_store)
    with pytest.raises(NetworkError, match="since: '1 May' is not a date"):
        build("co-partnership", store=seed_store, since="1 May")
    with pytest.raises(NetworkError, match="threshold"):
        build("practice-similarity", store=seed_store, threshold=0)
    from pgraph.errors import StoreError

    with pytest.raises(StoreError, match="no store here yet"):
        build("co-partnership", store=tmp_path / "missing")


def test_kind_names_and_aliases():
    assert network_kind("bipartite") is NetworkKind.PRACTICE_ORGANISATION
    assert network_kind("Co_Partnership") is NetworkKind.CO_PARTNERSHIP
    assert all(kind.description for kind in NetworkKind)
