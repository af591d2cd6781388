"""The query library: every query's result on the bundled data and on a small hand-made catalogue.

Expected values come from two places: facts known by hand (the seed practice
has 12 partners, 5 of them statutory under the Crime and Disorder Act 1998,
domains violent extremism and organised crime, country GB; the small
catalogue below), and the same answer computed in plain Python over the
store's triples — not SPARQL — so that the bundled synthetic pages can
change without the tests going stale.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

import pgraph
from pgraph.derived import rebuild_derived
from pgraph.errors import QueryError, StoreError
from pgraph.mapping import (
    Iris,
    add_mentions,
    country_triples,
    describe_organisations,
    describe_unresolved,
    map_practice,
)
from pgraph.query import list_queries, run_query
from pgraph.query.library import PARAM_TYPES
from pgraph.records import ActMention as Act
from pgraph.records import Assessment, Partner, Partnership, Practice
from pgraph.resources import queries_dir
from pgraph.store import from_oxigraph, replace_graphs
from pgraph.vocab import ORG, PG, PGV, load_vocabulary_graph

ID = "https://w3id.org/pgraph/id/"
SEED = URIRef(ID + "practice/z-community-policing-in-the-uk")
CLP = URIRef(ID + "organisation/city-of-london-police")
CDA = URIRef("http://www.legislation.gov.uk/id/ukpga/1998/37")
STATUTORY = PGV["role/statutory-partner"]
OWN = sorted(p.stem for p in queries_dir().glob("*.rq") if not p.stem.startswith("network-"))


# ---------------------------------------------------------------- stores


def union_graph(store: ox.Store) -> Graph:
    """The store's union default graph as an rdflib Graph (a triple in two graphs once)."""
    graph = Graph()
    for quad in store:
        graph.add(
            (from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object))
        )
    return graph


def small_catalogue() -> list[Practice]:
    """Four practices whose every query answer is known by hand."""
    return [
        Practice(
            slug="ecole-sure",
            title="École sûre",
            language="fr",
            country="France",
            start_date=dt.date(2012, 9, 1),
            description="Prévention de la délinquance à l'école, avec les élèves.",
            objectives="Réduire le harcèlement.",
            domains=["Juvenile delinquency", "Bullying on the moon"],
            types=["Primary prevention"],
            levels=["Local"],
            partnership=Partnership(
                name="Lyon school partnership",
                partners=[
                    Partner(name="Lyon Police", statutory=True),
                    Partner(name="Lyon Schools"),
                ],
                statutory_basis=Act(name="School Safety Act", year=2011),
            ),
            assessments={
                "effectiveness": Assessment(rating="Effective"),
                "relevance": Assessment(rating="Relevant", text="Bien ciblé."),
                "impact": Assessment(text="Pas encore mesuré."),
            },
        ),
        Practice(
            slug="street-watch",
            title="Street Watch",
            language="en",
            country="GB",
            start_date=dt.date(2016, 3, 1),
            description="Neighbourhood watch on the high street.",
            domains=["Property crime"],
            types=["Primary prevention", "Surveillance"],
            levels=["Local", "Regional"],
            partnership=Partnership(
                name="Street Watch partnership",
                partners=[
                    Partner(name="City of London Police", statutory=True),
                    Partner(name="Lyon Police"),
                    Partner(name="Transport for London"),
                ],
                statutory_basis=Act(name="Crime and Disorder Act", year=1998),
            ),
            assessments={
                "effectiveness": Assessment(rating="Partly effective"),
                "relevance": Assessment(rating="Very Relevant"),
            },
        ),
        Practice(
            slug="night-bus",
            title="Night Bus Safety",
            language="en",
            country="United Kingdom",
            start_date=dt.date(2019, 1, 15),
            description="Safer night buses.",
            domains=["Property crime", "Violent extremism"],
            types=["Surveillance"],
            partnership=Partnership(
                name="Night bus partnership",
                partners=[
                    Partner(name="City of London Police"),
                    Partner(name="Transport for London"),
                    Partner(name="Lyon Police"),
                ],
            ),
            assessments={"effectiveness": Assessment(rating="Highly rated")},
        ),
        Practice(slug="lonely", title="Lonely Practice", language="en", country="Atlantis"),
    ]


def store_of(practices: list[Practice]) -> ox.Store:
    """An in-memory store as a build makes it: vocabularies, one graph per practice, the
    organisations and unresolved-values graphs and the derived graph."""
    iris = Iris()
    store = ox.Store()
    graphs = {iris.graph("vocabularies"): [*load_vocabulary_graph(), *country_triples()]}
    mentions: dict = {}
    values: dict = {}
    for practice in practices:
        mapped = map_practice(practice)
        graphs[iris.source_graph(practice.slug)] = mapped.triples
        add_mentions(mentions, mapped.organisations)
        add_mentions(values, mapped.unresolved)
    graphs[iris.graph("organisations")] = describe_organisations(mentions)
    graphs[iris.graph("unresolved")] = describe_unresolved(values, iris)
    replace_graphs(store, graphs)
    rebuild_derived(store, iris.base)
    return store


@pytest.fixture(scope="module")
def small() -> ox.Store:
    return store_of(small_catalogue())


@pytest.fixture(scope="module")
def data(built_store_path: Path) -> tuple[ox.Store, Graph]:
    store = ox.Store.read_only(str(built_store_path))
    return store, union_graph(store)


def rows(name: str, store, **params) -> list[dict]:
    return run_query(name, store=store, params=params).rows


def practices_of(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, PG.Practice))


# ---------------------------------------------------------------- the library itself


def test_the_library_has_at_least_twelve_documented_queries():
    infos = [q for q in list_queries() if q.name in OWN]
    assert len(infos) >= 12
    for info in infos:
        assert info.title and len(info.description) > 40, info.name
        assert info.example.startswith(f"pgraph query {info.name}"), info.name
        for spec in info.params:
            assert spec.type in PARAM_TYPES and spec.description, (info.name, spec)


SAMPLE_VALUES = {
    "iri": "https://example.org/x",
    "string": "x",
    "langstring": "x@en",
    "date": "2000-01-01",
    "integer": "1",
    "concept": "x",
}


def required_params(info) -> dict[str, str]:
    """A value for each required parameter of a query (defaults cover the others)."""
    return {p.name: SAMPLE_VALUES[p.type] for p in info.params if p.required}


def test_every_query_in_queries_parses_including_other_colleagues():
    for info in list_queries():
        run_query(info, store=ox.Store(), params=required_params(info))  # parses, binds, runs


def test_every_own_query_has_a_result_check_here():
    checked = {
        name.removeprefix("test_").replace("_", "-")
        for name in globals()
        if name.startswith("test_") and name.removeprefix("test_").replace("_", "-") in OWN
    }
    assert checked == set(OWN)


def test_pgraph_query_is_the_notebook_shortcut_and_still_a_module(small):
    import pgraph.query as module

    assert module.run_query is run_query
    found = pgraph.query("practices-per-country", store=small, lang="fr")
    assert {r["code"]: r["label"] for r in found}["FR"] == "France"
    assert list(found.to_dataframe().columns) == ["country", "code", "label", "practices"]
    assert pgraph.query("is-statutory-partner", store=small, act=str(CDA)) is True


# ---------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("name", "prop", "variable"),
    [
        ("practices-per-domain", PG.domain, "domain"),
        ("practices-per-level", PG.level, "level"),
        ("practices-per-intervention-point", PG.interventionPoint, "interventionPoint"),
    ],
)
def test_counts_per_facet_match_the_triples(data, name, prop, variable):
    store, graph = data
    expected = Counter(o for p in practices_of(graph) for o in set(graph.objects(p, prop)))
    found = rows(name, store)
    assert {URIRef(r[variable]): r["practices"] for r in found} == expected
    assert [r["practices"] for r in found] == sorted((r["practices"] for r in found), reverse=True)


def test_practices_per_domain(data, small):
    found = {r["label"]: r["practices"] for r in rows("practices-per-domain", small)}
    assert found == {
        "Property crime": 2,
        "Juvenile delinquency": 1,
        "Violent extremism": 1,
        "Bullying on the moon": 1,
    }
    french = {r["label"] for r in rows("practices-per-domain", data[0], lang="fr")}
    assert {"Extrémisme violent", "Criminalité organisée"} <= french


def test_practices_per_level(small):
    assert {r["label"]: r["practices"] for r in rows("practices-per-level", small, lang="fr")} == {
        "Local": 2,
        "Régional": 1,
    }


def test_practices_per_intervention_point(data):
    found = {r["label"] for r in rows("practices-per-intervention-point", data[0])}
    assert {"Prevention", "Protection", "Pursuit", "Reduction"} <= found  # the seed's four


def test_practices_per_country(data, small):
    store, graph = data
    codes = {
        c: str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.inScheme, PGV.country)
    }
    expected = Counter(
        codes.get(c) for p in practices_of(graph) for c in graph.objects(p, PG.country)
    )
    found = rows("practices-per-country", store)
    assert Counter({r["code"]: r["practices"] for r in found}) == expected
    assert next(r for r in found if r["code"] == "GB")["label"] == "United Kingdom"
    small_found = {
        r["label"]: (r["code"], r["practices"]) for r in rows("practices-per-country", small)
    }
    assert small_found == {"United Kingdom": ("GB", 2), "France": ("FR", 1), "Atlantis": (None, 1)}


def test_practices_domain_by_type(data, small):
    store, graph = data
    expected = Counter(
        (d, t)
        for p in practices_of(graph)
        for d in set(graph.objects(p, PG.domain))
        for t in set(graph.objects(p, PG.practiceType))
    )
    found = rows("practices-domain-by-type", store)
    assert {(URIRef(r["domain"]), URIRef(r["type"])): r["practices"] for r in found} == expected
    cells = {
        (r["domainLabel"], r["typeLabel"]): r["practices"]
        for r in rows("practices-domain-by-type", small)
    }
    assert cells[("Property crime", "Surveillance")] == 2
    assert cells[("Property crime", "Primary prevention")] == 1


# ---------------------------------------------------------------- ratings


def _rated_at_least(graph: Graph, criterion: str, minimum: int) -> set[URIRef]:
    crit = PGV[f"criterion/{criterion}"]
    return {
        p
        for p in practices_of(graph)
        for a in graph.objects(p, PG.assessment)
        if (a, PG.criterion, crit) in graph
        for r in graph.objects(a, PG.rating)
        for rank in graph.objects(r, PG.rank)
        if int(rank) >= minimum
    }


def test_practices_rated_at_least(data, small):
    store, graph = data
    found = rows("practices-rated-at-least", store)
    assert {URIRef(r["practice"]) for r in found} == _rated_at_least(graph, "effectiveness", 3)
    assert SEED in {URIRef(r["practice"]) for r in found}
    # Labels in French, any case, no accents; the threshold uses the scale's order.
    relevant = rows("practices-rated-at-least", store, criterion="PERTINENCE", rating="pertinent")
    assert {URIRef(r["practice"]) for r in relevant} == _rated_at_least(graph, "relevance", 2)
    # Country and domain filters, by ISO code, French name or IRI.
    gb_extremism = {
        p
        for p in _rated_at_least(graph, "relevance", 3)
        if (p, PG.country, PGV["country/GB"]) in graph
        and (p, PG.domain, PGV["domain/violent-extremism"]) in graph
    }
    for country, domain in [
        ("GB", "Violent extremism"),
        ("royaume-uni", "extremisme VIOLENT"),
        (str(PGV["country/GB"]), str(PGV["domain/violent-extremism"])),
    ]:
        found = rows(
            "practices-rated-at-least",
            store,
            criterion="relevance",
            rating="Very relevant",
            country=country,
            domain=domain,
        )
        assert {URIRef(r["practice"]) for r in found} == gb_extremism, (country, domain)
    assert SEED in gb_extremism
    # A domain alone: the query then starts from the domain's practices.
    extremism = {
        p for p in _rated_at_least(graph, "relevance", 3)
        if (p, PG.domain, PGV["domain/violent-extremism"]) in graph
    }
    found = rows("practices-rated-at-least", store, criterion="relevance",
                 rating="Very relevant", domain="Violent extremism")
    assert {URIRef(r["practice"]) for r in found} == extremism > gb_extremism
    # The small catalogue: Effective (3) passes "at least Partly effective" (2), and so
    # does Partly effective; "Highly rated" is unmapped, unranked, never included.
    titles = [
        r["title"] for r in rows("practices-rated-at-least", small, rating="Partly effective")
    ]
    assert titles == ["Street Watch", "École sûre"]
    assert rows("practices-rated-at-least", small, rating="Effective", country="GB") == []
    # A value that names nothing is an error, not an empty answer.
    with pytest.raises(QueryError, match='"Nowhere" is not a country in the graph'):
        rows("practices-rated-at-least", small, country="Nowhere")


# ---------------------------------------------------------------- partners


def test_practice_partners(data, small):
    found = rows("practice-partners", data[0], practice=str(SEED))
    assert len(found) == 12
    statutory = {r["name"] for r in found if r["role"] == "statutory partner"}
    assert statutory == {
        "City of London Corporation",
        "City of London Police",
        "London Fire Brigade",
        "London Probation Trust",
        "City and Hackney Clinical Commissioning Group",
    }
    assert {r["act"] for r in found if r["act"]} == {str(CDA)}
    assert {r["actLabel"] for r in found if r["act"]} == {"Crime and Disorder Act 1998"}
    small_found = rows("practice-partners", small, practice=ID + "practice/ecole-sure")
    assert [(r["name"], r["role"], r["actLabel"]) for r in small_found] == [
        ("Lyon Police", "statutory partner", "School Safety Act 2011"),
        ("Lyon Schools", "partner", None),
    ]


def test_organisation_practices(data, small):
    store, graph = data
    expected = {
        p
        for m in graph.subjects(ORG.member, CLP)
        for ps in graph.objects(m, ORG.organization)
        for p in graph.subjects(PG.partnership, ps)
    }
    found = rows("organisation-practices", store)  # default: City of London Police
    assert {URIRef(r["practice"]) for r in found} == expected and SEED in expected
    seed_row = next(r for r in found if r["practice"] == str(SEED))
    assert (seed_row["country"], seed_row["role"], seed_row["act"]) == (
        "GB",
        "statutory partner",
        str(CDA),
    )
    lyon = rows("organisation-practices", small, organisation=ID + "organisation/lyon-police")
    assert [(r["title"], r["role"]) for r in lyon] == [
        ("Night Bus Safety", "partner"),
        ("Street Watch", "partner"),
        ("École sûre", "statutory partner"),
    ]


def test_statutory_partners(data, small):
    store, graph = data
    expected = {
        (o, act)
        for m, act in graph.subject_objects(PG.statutoryBasis)
        for o in graph.objects(m, ORG.member)
    }
    found = rows("statutory-partners", store)
    assert {(URIRef(r["organisation"]), URIRef(r["act"])) for r in found} == expected
    under_cda = rows("statutory-partners", store, act=str(CDA))
    assert {r["act"] for r in under_cda} == {str(CDA)}
    assert {"City of London Police", "London Fire Brigade"} <= {r["name"] for r in under_cda}
    assert all(r["unresolved"] is False for r in under_cda)
    small_found = {
        (r["name"], r["actLabel"], r["unresolved"], r["practices"])
        for r in rows("statutory-partners", small)
    }
    assert small_found == {
        ("Lyon Police", "School Safety Act 2011", True, 1),
        ("City of London Police", "Crime and Disorder Act 1998", False, 1),
    }


def test_is_statutory_partner(data, small):
    assert run_query("is-statutory-partner", store=data[0]).boolean is True
    other = ID + "organisation/british-transport-police"
    assert (
        run_query("is-statutory-partner", store=data[0], params={"organisation": other}).boolean
        is False
    )
    assert (
        run_query(
            "is-statutory-partner",
            store=small,
            params={"organisation": ID + "organisation/lyon-police"},
        ).boolean
        is False
    )  # statutory elsewhere


def _pairs(graph: Graph) -> Counter:
    members: dict[URIRef, set] = defaultdict(set)
    organisations = set(graph.subjects(RDF.type, ORG.Organization))  # generic partners left out
    for practice, partnership in graph.subject_objects(PG.partnership):
        members[practice] |= set(graph.objects(partnership, ORG.hasMember)) & organisations
    return Counter(
        (a, b) for orgs in members.values() for a in orgs for b in orgs if str(a) < str(b)
    )


def test_co_partnerships(data, small):
    store, graph = data
    found = rows("co-partnerships", store)
    assert {(URIRef(r["a"]), URIRef(r["b"])): r["shared"] for r in found} == _pairs(graph)
    assert len(found) == len({(r["a"], r["b"]) for r in found})
    assert all(r["a"] < r["b"] for r in found)
    generic = {str(g) for g in graph.subjects(RDF.type, PG.GenericPartner)}
    assert generic and not generic & ({r["a"] for r in found} | {r["b"] for r in found})
    seed_pairs = [r for r in found if str(CLP) in (r["a"], r["b"])]
    assert len(seed_pairs) == 8  # the seed names 9 organisations (and generic partners)
    strong = rows("co-partnerships", store, min_shared=2)
    assert {(r["a"], r["b"]) for r in strong} == {
        (r["a"], r["b"]) for r in found if r["shared"] >= 2
    }
    assert [
        (r["aName"], r["bName"], r["shared"]) for r in rows("co-partnerships", small, min_shared=2)
    ] == [
        ("City of London Police", "Lyon Police", 2),
        ("City of London Police", "Transport for London", 2),
        ("Lyon Police", "Transport for London", 2),
    ]


def test_organisations_ranked(data, small):
    store, graph = data
    practices: dict[URIRef, set] = defaultdict(set)
    for practice, partnership in graph.subject_objects(PG.partnership):
        for org in graph.objects(partnership, ORG.hasMember):
            practices[org].add(practice)
    found = rows("organisations-ranked", store)
    assert {URIRef(r["organisation"]): r["practices"] for r in found} == {
        o: len(p) for o, p in practices.items()
    }
    for r in found:
        countries = {
            c for p in practices[URIRef(r["organisation"])] for c in graph.objects(p, PG.country)
        }
        assert r["countries"] == len(countries)
    keys = [(-r["practices"], -r["countries"]) for r in found]
    assert keys == sorted(keys)
    small_found = [
        (r["name"], r["practices"], r["countries"], r["statutory"])
        for r in rows("organisations-ranked", small, min_practices=2)
    ]
    assert small_found == [
        ("Lyon Police", 3, 2, 1),
        ("City of London Police", 2, 1, 1),
        ("Transport for London", 2, 1, 0),
    ]


# ---------------------------------------------------------------- text, dates


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def test_search_practices(data, small):
    store, graph = data
    found = rows("search-practices", store, text="COMMUNITY policing")
    expected = {
        p
        for p in practices_of(graph)
        for prop in (DCTERMS.title, DCTERMS.description, PG.objectives)
        for text in graph.objects(p, prop)
        if "community policing" in _fold(str(text))
    }
    assert {URIRef(r["practice"]) for r in found} == expected and SEED in expected
    assert {r["field"] for r in found if r["practice"] == str(SEED)} == {"title", "description"}
    # Accents and case do not matter, on either side.
    for needle in ("delinquance a l'ecole", "DÉLINQUANCE À L\u2019ÉCOLE", "ecole sure"):
        assert [r["title"] for r in rows("search-practices", small, text=needle)] == ["École sûre"]
    assert rows("search-practices", small, text="délinquance", lang="en") == []
    assert [
        r["language"] for r in rows("search-practices", small, text="harcelement", lang="fr")
    ] == ["fr"]
    assert rows("search-practices", small, text='"} ; DROP ALL ; {') == []


def test_practices_started_between(data, small):
    store, graph = data
    started = {
        p: d.toPython() for p in practices_of(graph) for d in graph.objects(p, PG.startDate)
    }
    found = rows("practices-started-between", store, **{"from": "2010-01-01", "to": "2015-12-31"})
    assert {URIRef(r["practice"]): r["started"] for r in found} == {
        p: d for p, d in started.items() if dt.date(2010, 1, 1) <= d <= dt.date(2015, 12, 31)
    }
    assert {r["started"] for r in found if r["practice"] == str(SEED)} == {dt.date(2014, 1, 1)}
    assert len(rows("practices-started-between", store)) == len(started)
    titles = [
        r["title"] for r in rows("practices-started-between", small, **{"from": "2016-03-01"})
    ]
    assert titles == ["Street Watch", "Night Bus Safety"]
    assert [
        r["title"] for r in rows("practices-started-between", small, to=dt.date(2016, 2, 29))
    ] == ["École sûre"]


def test_practice_by_title(data):
    found = rows("practice-by-title", data[0])
    assert [(r["practice"], r["identifier"], r["country"]) for r in found] == [
        (str(SEED), "z-community-policing-in-the-uk", "GB")
    ]
    assert rows("practice-by-title", data[0], title="Z Community Policing in the UK@fr") == []


# ---------------------------------------------------------------- data quality


def test_quality_missing_evaluations(data, small):
    store, graph = data
    criteria = set(graph.subjects(SKOS.inScheme, URIRef("https://w3id.org/pgraph/vocab/criterion")))
    expected = {
        (p, c)
        for p in practices_of(graph)
        for c in criteria
        if not any(
            (a, PG.criterion, c) in graph and graph.value(a, PG.rating) is not None
            for a in graph.objects(p, PG.assessment)
        )
    }
    found = rows("quality-missing-evaluations", store)
    assert {(URIRef(r["practice"]), URIRef(r["criterion"])) for r in found} == expected
    small_found = {
        (r["title"], r["criterionLabel"], r["hasText"])
        for r in rows("quality-missing-evaluations", small)
    }
    assert ("École sûre", "Impact", True) in small_found
    assert ("École sûre", "Efficiency", False) in small_found
    assert ("École sûre", "Effectiveness", False) not in small_found
    assert sum(1 for t, _, _ in small_found if t == "Lonely Practice") == 6
    assert sum(1 for t, _, _ in small_found if t == "Night Bus Safety") == 5  # unranked still rated


def test_quality_missing_partners(data, small):
    store, graph = data
    expected = {
        p
        for p in practices_of(graph)
        if not any(graph.objects(ps, ORG.hasMember) for ps in graph.objects(p, PG.partnership))
    }
    assert {URIRef(r["practice"]) for r in rows("quality-missing-partners", store)} == expected
    assert [(r["title"], r["problem"]) for r in rows("quality-missing-partners", small)] == [
        ("Lonely Practice", "no partnership")
    ]


def test_quality_unmapped_values(data, small):
    store, graph = data
    unmapped = set(graph.subjects(PG.unmapped, Literal(True)))
    used = {v for p in practices_of(graph) for _, v in graph.predicate_objects(p) if v in unmapped}
    used |= {
        r
        for p in practices_of(graph)
        for a in graph.objects(p, PG.assessment)
        for r in graph.objects(a, PG.rating)
        if r in unmapped
    }
    assert {URIRef(r["value"]) for r in rows("quality-unmapped-values", store)} == used
    small_found = {
        (r["field"], r["valueLabel"], r["practices"])
        for r in rows("quality-unmapped-values", small)
    }
    assert small_found == {
        ("domain", "Bullying on the moon", 1),
        ("country", "Atlantis", 1),
        ("rating:effectiveness", "Highly rated", 1),
    }


def test_quality_unresolved_legislation(data, small):
    store, graph = data
    expected = set(graph.subjects(PG.unresolved, Literal(True)))
    assert {URIRef(r["act"]) for r in rows("quality-unresolved-legislation", store)} == expected
    assert CDA not in expected
    assert [
        (r["actLabel"], r["actYear"], r["practices"], r["memberships"])
        for r in rows("quality-unresolved-legislation", small)
    ] == [("School Safety Act 2011", "2011", 1, 1)]


def test_quality_summary(data, small):
    found = {r["check"]: r["cases"] for r in rows("quality-summary", small)}
    assert found == {
        "practices without any rating": 1,
        "practices missing a rating": 4,
        "practices without partners": 1,
        "unmapped concepts": 3,
        "unresolved Acts": 1,
        "practices without a start date": 1,
        "practices without a country": 0,
        "unrecognised sections": 0,
    }
    store, _ = data
    on_data = {r["check"]: r["cases"] for r in rows("quality-summary", store)}
    assert on_data["unresolved Acts"] == len(rows("quality-unresolved-legislation", store))
    assert on_data["practices without partners"] == len(rows("quality-missing-partners", store))


# ---------------------------------------------------------------- graphs


def test_practice_record(data, small):
    result = run_query("practice-record", store=data[0])
    graph = result.graph
    assert result.kind == "graph" and set(graph.subjects(RDF.type, PG.Practice)) == {SEED}
    partnership = graph.value(SEED, PG.partnership)
    members = set(graph.objects(partnership, ORG.hasMember))
    assert len(members) == 12 and all(graph.value(m, SKOS.prefLabel) for m in members)
    assert len(set(graph.subjects(PG.statutoryBasis, CDA))) == 5
    assert graph.value(CDA, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is not None
    assert len(set(graph.objects(SEED, PG.assessment))) == 6
    assert Literal("Extrémisme violent", lang="fr") in set(
        graph.objects(PGV["domain/violent-extremism"], SKOS.prefLabel)
    )
    assert graph.value(PGV["country/GB"], SKOS.notation) == Literal("GB", datatype=PG.ISO3166Alpha2)
    ranks = {
        int(r)
        for a in graph.objects(SEED, PG.assessment)
        for rating in graph.objects(a, PG.rating)
        for r in graph.objects(rating, PG.rank)
    }
    assert ranks == {3}
    assert "Street Watch" not in result.serialize("turtle")
    other = run_query(
        "practice-record", store=small, params={"practice": ID + "practice/street-watch"}
    )
    assert set(other.graph.subjects(RDF.type, PG.Practice)) == {
        URIRef(ID + "practice/street-watch")
    }


def test_describe_resource(data):
    result = run_query("describe-resource", store=data[0], params={"resource": str(CDA)})
    assert result.kind == "graph"
    assert (
        CDA,
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Crime and Disorder Act 1998", lang="en"),
    ) in result.graph
    default = run_query("describe-resource", store=data[0]).graph
    assert (CLP, SKOS.prefLabel, Literal("City of London Police")) in default


# ---------------------------------------------------------------- local store by path


def test_a_store_path_is_opened_read_only(built_store_path):
    found = run_query("practices-per-country", store=built_store_path).rows
    assert any(r["code"] == "GB" for r in found)


def test_no_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no store here yet"):
        run_query("practices-per-domain", store=tmp_path / "nothing")


# ---------------------------------------------------------------- the CLI


def test_cli_lists_the_library():
    from click.testing import CliRunner

    from pgraph.cli import cli

    result = CliRunner().invoke(cli, ["queries", "--verbose"])
    assert result.exit_code == 0
    assert "practices-rated-at-least  Practices rated at least a given rating on a criterion" in (
        result.output
    )
    assert "    --param criterion (concept, default Effectiveness)  the criterion assessed" in (
        result.output
    )
    assert "    example: pgraph query co-partnerships --param min_shared=2" in result.output


def test_cli_writes_every_format(built_store_path, tmp_path):
    import json
    import xml.etree.ElementTree as ET

    from click.testing import CliRunner

    from pgraph.cli import cli

    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, ["query", *args, "--store", str(built_store_path)])
        assert result.exit_code == 0, result.output
        return result.stdout

    args = ["practice-partners"]
    table = run(*args)
    # Tables put labels before IRIs (csv, tsv, json, xml keep the query's order).
    assert table.splitlines()[0].split() == ["name", "role", "actLabel", "organisation", "act"]
    assert run(*args, "--full-iris").splitlines()[0].split() == [
        "organisation", "name", "role", "act", "actLabel"]
    assert table.rstrip().endswith("(12 rows)")
    assert run(*args, "-f", "csv").splitlines()[0] == "organisation,name,role,act,actLabel"
    assert run(*args, "-f", "tsv").splitlines()[0] == "?organisation\t?name\t?role\t?act\t?actLabel"
    document = json.loads(run(*args, "-f", "json"))
    assert document["head"]["vars"][:2] == ["organisation", "name"]
    assert len(document["results"]["bindings"]) == 12
    root = ET.fromstring(run(*args, "-f", "xml"))
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 12
    assert run(*args, "-f", "markdown").startswith("| name")
    assert run("is-statutory-partner") == "true\n"
    turtle = run("practice-record")  # graph results default to Turtle
    assert Graph().parse(data=turtle, format="turtle").value(SEED, DCTERMS.identifier) == Literal(
        "z-community-policing-in-the-uk"
    )
    out = tmp_path / "partners.csv"
    result = runner.invoke(
        cli, ["query", *args, "-f", "csv", "-o", str(out), "--store", str(built_store_path)]
    )
    assert result.exit_code == 0 and result.stderr == f"Wrote {out} (12 rows)\n"
    assert out.read_bytes().count(b"\r\n") == 13
    refused = runner.invoke(cli, ["query", *args, "-f", "turtle", "--store", str(built_store_path)])
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: turtle is for CONSTRUCT and DESCRIBE results; a SELECT result is written as "
        "table, csv, tsv, json, xml or markdown\n"
    )


def test_rated_at_least_keeps_practices_without_a_country_unless_one_is_asked_for():
    """The country filter is a join on the country's IRI; given none, every practice
    counts, also one without a country (the derived graph's pg:NoCountry) or with an
    unmapped one; an unmapped country or domain asked for finds nothing."""
    effective = {"effectiveness": Assessment(rating="Effective")}
    store = store_of([
        Practice(slug="paris", title="Paris", language="en", country="France",
                 domains=["Cybercrime"], assessments=effective),
        Practice(slug="nowhere", title="Nowhere", language="en", assessments=effective),
        Practice(slug="atlantis", title="Atlantis", language="en", country="Atlantis",
                 domains=["Bullying on the moon"], assessments=effective),
    ])
    assert [r["title"] for r in rows("practices-rated-at-least", store)] == [
        "Atlantis", "Nowhere", "Paris"]
    assert [r["title"] for r in rows("practices-rated-at-least", store, country="FR")] == [
        "Paris"]
    assert [r["title"] for r in rows("practices-rated-at-least", store,
                                     domain="cybercrime")] == ["Paris"]
    assert rows("practices-rated-at-least", store, country="Atlantis") == []
    assert rows("practices-rated-at-least", store, domain="Bullying on the moon") == []
