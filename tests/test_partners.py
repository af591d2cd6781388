"""Partners you can trust: generic partners, certain merges, preferred names, retired IRIs.

``tests/fixtures/partners`` holds four practices whose partners mix generic
descriptors with written variants of one organisation. The organisations
they give are written here by hand.
"""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from pgraph.build import build_catalogue
from pgraph.mapping import organisation_key
from pgraph.partners import (
    forget_tables,
    generic_kind,
    preferred_name,
    read_partner_name,
    split_acronym,
)
from pgraph.publish import write_dump
from tests.conftest import DATA

FIXTURES = DATA.parent / "tests" / "fixtures" / "partners"
ID = "https://w3id.org/pgraph/id/"
ORG = ID + "organisation/"
KIND = "https://w3id.org/pgraph/vocab/partner-kind/"

EXPECTED_ORGANISATIONS = {
    # "Greater Manchester Police (GMP)", "GMP" (resolved through the acronym),
    # "GREATER MANCHESTER POLICE.", "Greater Manchester Police": one organisation,
    # named by its most written, well-written form.
    "greater-manchester-police": "Greater Manchester Police",
    # "Transport for London (TfL)", "TfL", "Transport for London".
    "transport-for-london": "Transport for London",
    # "The Metropolitan Police" twice.
    "metropolitan-police": "Metropolitan Police",
    # Alike but not certainly the same: proposed to a curator, never merged.
    "metropolitan-police-service": "Metropolitan Police Service",
    "met-police": "Met Police",
    "city-of-london-police": "City of London Police",
    "city-of-london-corporation": "City of London Corporation",
    "london-police-service": "London Police Service",
    "leeds-youth-trust": "Leeds Youth Trust",
}
EXPECTED_GENERIC = {
    # practice: {(name as written, kind)}
    "alpha": {
        ("Residents' representatives", "residents"),
        ("Local businesses", "businesses"),
        ("Neighbourhood safety volunteers", "other"),
    },
    "beta": {("Residents' representatives", "residents")},
    "gamma": {("Représentants des habitants", "residents"), ("Parents", "parents")},
    "delta": {("Faith community representatives", "faith-communities")},
}


def organisations(store: ox.Store) -> dict[str, str]:
    rows = store.query(
        "SELECT ?o ?label WHERE { ?o a <http://www.w3.org/ns/org#Organization> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
        use_default_graph_as_union=True,
    )
    return {row["o"].value.removeprefix(ORG): row["label"].value for row in rows}


def generic_partners(store: ox.Store) -> dict[str, set[tuple[str, str]]]:
    rows = store.query(
        """PREFIX pg: <https://w3id.org/pgraph/ontology#>
        SELECT ?slug ?label ?kind WHERE {
          ?practice pg:partnership/<http://www.w3.org/ns/org#hasMember> ?g ;
                    <http://purl.org/dc/terms/identifier> ?slug .
          ?g a pg:GenericPartner ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?label ;
             pg:partnerKind ?kind }""",
        use_default_graph_as_union=True,
    )
    found: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        found.setdefault(row["slug"].value, set()).add(
            (row["label"].value, row["kind"].value.removeprefix(KIND))
        )
    return found


def member_of(store: ox.Store, slug: str, name: str) -> str:
    rows = list(store.query(
        f"""SELECT ?o WHERE {{ ?m <https://w3id.org/pgraph/ontology#partnerName> "{name}" ;
              <http://www.w3.org/ns/org#member> ?o .
              FILTER STRSTARTS(STR(?m), "{ID}practice/{slug}/") }}""",
        use_default_graph_as_union=True,
    ))
    assert len(rows) == 1
    return rows[0]["o"].value.removeprefix(ORG)


@pytest.fixture(scope="module")
def fixture_store():
    return build_catalogue([FIXTURES], store_path=None)


def test_the_organisations_are_the_ones_written_by_hand(fixture_store):
    assert organisations(fixture_store.store) == EXPECTED_ORGANISATIONS


def test_generic_partners_are_scoped_to_their_practice(fixture_store):
    assert generic_partners(fixture_store.store) == EXPECTED_GENERIC
    rows = fixture_store.store.query(
        "SELECT ?g WHERE { ?g a <https://w3id.org/pgraph/ontology#GenericPartner> }",
        use_default_graph_as_union=True,
    )
    # "Residents' representatives" twice: two nodes, one per partnership.
    assert len(list(rows)) == 7


def test_how_many_practices_involve_residents_is_one_query(fixture_store):
    (row,) = fixture_store.store.query(
        f"""SELECT (COUNT(DISTINCT ?practice) AS ?n) WHERE {{
          ?practice <https://w3id.org/pgraph/ontology#partnership>
                    /<http://www.w3.org/ns/org#hasMember> ?g .
          ?g <https://w3id.org/pgraph/ontology#partnerKind> <{KIND}residents> }}""",
        use_default_graph_as_union=True,
    )
    assert int(row["n"].value) == 3


def test_an_unlisted_descriptor_is_generic_by_the_rule_with_a_warning(fixture_store):
    warnings = [str(w) for w in fixture_store.warnings if "kind of partner" in str(w)]
    assert len(warnings) == 1
    assert '"Neighbourhood safety volunteers" reads as a kind of partner' in warnings[0]
    assert warnings[0].startswith("partners/a.yaml")


def test_a_bare_acronym_names_the_organisation_defined_elsewhere(fixture_store):
    assert member_of(fixture_store.store, "beta", "GMP") == "greater-manchester-police"
    assert any('"GMP" (' in note and "Greater Manchester Police" in note
               for note in fixture_store.notes)
    (row,) = fixture_store.store.query(
        f"SELECT ?a WHERE {{ <{ORG}greater-manchester-police> "
        "<https://w3id.org/pgraph/ontology#acronym> ?a }",
        use_default_graph_as_union=True,
    )
    assert row["a"].value == "GMP"


def test_the_statutory_flag_and_altlabels_survive_the_merge(fixture_store):
    labels = {
        row["l"].value
        for row in fixture_store.store.query(
            f"SELECT ?l WHERE {{ <{ORG}greater-manchester-police> "
            "<http://www.w3.org/2004/02/skos/core#altLabel> ?l }",
            use_default_graph_as_union=True,
        )
    }
    assert labels == {"Greater Manchester Police (GMP)", "GMP", "GREATER MANCHESTER POLICE."}


def test_networks_of_the_fixture(fixture_store):
    from pgraph.network import build

    network = build("co-partnership", store=fixture_store.store)
    assert {network.nodes[n]["label"] for n in network} == set(EXPECTED_ORGANISATIONS.values())
    assert network.graph["generic_partners_left_out"] == 7
    gmp = ORG + "greater-manchester-police"
    assert network.nodes[gmp]["practices"] == 4 and network.nodes[gmp]["statutory"]


# ---------------------------------------------------------------- incremental = full


def _dump(store: ox.Store, tmp_path, name: str) -> bytes:
    path = tmp_path / f"{name}.nt"
    write_dump(store, path, "nquads", graphs=None)
    return b"\n".join(
        sorted(line for line in path.read_bytes().splitlines() if b"/graph/builds" not in line)
    )


def test_acronym_resolution_follows_incremental_builds(tmp_path):
    folder = tmp_path / "partners"
    shutil.copytree(FIXTURES, folder)
    (folder / "b.yaml").unlink()
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    shutil.copy(FIXTURES / "b.yaml", folder / "b.yaml")  # "GMP" arrives after its definition
    report = build_catalogue([folder], store_path=store_path)
    assert member_of(report.store, "beta", "GMP") == "greater-manchester-police"
    incremental = _dump(report.store, tmp_path, "incremental")
    report.store.close()
    full = build_catalogue([folder], store_path=None)
    assert incremental == _dump(full.store, tmp_path, "full")

    (folder / "a.yaml").unlink()  # the definition goes: "GMP" is its own organisation again
    report = build_catalogue([folder], store_path=store_path)
    assert member_of(report.store, "beta", "GMP") == "gmp"
    incremental = _dump(report.store, tmp_path, "incremental2")
    report.store.close()
    full = build_catalogue([folder], store_path=None)
    assert incremental == _dump(full.store, tmp_path, "full2")


def test_an_iri_retired_by_a_merge_points_to_its_replacement(tmp_path):
    folder = tmp_path / "partners"
    folder.mkdir()
    shutil.copy(FIXTURES / "b.yaml", folder / "b.yaml")  # "GMP" alone: its own organisation
    store_path = tmp_path / "store"
    report = build_catalogue([folder], store_path=store_path)
    assert "gmp" in organisations(report.store)
    report.store.close()
    shutil.copy(FIXTURES / "a.yaml", folder / "a.yaml")  # defines "GMP"
    report = build_catalogue([folder], store_path=store_path)
    assert "gmp" not in organisations(report.store)
    replaced = {
        (row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], row["o"].value)
        for row in report.store.query(
            f"SELECT ?p ?o WHERE {{ <{ORG}gmp> ?p ?o }}", use_default_graph_as_union=True
        )
    }
    assert replaced == {
        ("isReplacedBy", ORG + "greater-manchester-police"),
        ("sameAs", ORG + "greater-manchester-police"),
    }
    assert any(f"<{ORG}gmp> retired" in note for note in report.notes)


def test_an_alias_edit_retires_the_old_iri(tmp_path, monkeypatch):
    folder = tmp_path / "partners"
    shutil.copytree(FIXTURES, folder)
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text((DATA / "aliases.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("PGRAPH_ALIASES", str(aliases))
    forget_tables()
    try:
        store_path = tmp_path / "store"
        build_catalogue([folder], store_path=store_path, jobs=1)
        with aliases.open("a", encoding="utf-8") as handle:
            handle.write("Metropolitan Police Service: [Met Police, The Metropolitan Police]\n")
        forget_tables()
        report = build_catalogue([folder], store_path=store_path, jobs=1)
        found = organisations(report.store)
        assert "met-police" not in found and "metropolitan-police" not in found
        assert found["metropolitan-police-service"] == "Metropolitan Police Service"
        rows = report.store.query(
            "SELECT ?old ?new WHERE { ?old <http://purl.org/dc/terms/isReplacedBy> ?new }",
            use_default_graph_as_union=True,
        )
        assert {(r["old"].value, r["new"].value) for r in rows} == {
            (ORG + "met-police", ORG + "metropolitan-police-service"),
            (ORG + "metropolitan-police", ORG + "metropolitan-police-service"),
        }
    finally:
        monkeypatch.delenv("PGRAPH_ALIASES")
        forget_tables()


# ---------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The City of London Police", "city of london police"),
        ("CITY OF LONDON POLICE.", "City of London Police"),
        ("Residents\u2019 Association of Leeds", "Residents Association of Leeds"),
        ("HM Courts & Tribunals Service", "HM Courts and Tribunals Service"),
        ("Greater Manchester Police (GMP)", "Greater Manchester Police"),
        ("Transport  for London", "Transport for London (TfL)"),
    ],
)
def test_certainly_equal_names_share_an_iri(a, b):
    assert organisation_key(a) == organisation_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Met Police", "Metropolitan Police Service"),
        ("City of London Police", "City of London Corporation"),
        ("City of London Police", "London Police Service"),
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("Police nationale", "National Police"),
    ],
)
def test_names_that_only_look_alike_stay_apart(a, b):
    assert organisation_key(a) != organisation_key(b)


def test_a_bracket_is_an_acronym_only_when_its_letters_are_the_name_s():
    assert split_acronym("Police Service (Northern Ireland)") == (
        "Police Service (Northern Ireland)", None
    )
    assert split_acronym("London Fire Brigade (XYZ)") == ("London Fire Brigade (XYZ)", None)
    assert split_acronym("Préfecture de police (PP)") == ("Préfecture de police", "PP")


def test_preferred_name_is_the_most_written_well_written_form():
    assert preferred_name({"LEEDS POLICE.": 1, "Leeds police": 1, "LEEDS POLICE": 1}) == (
        "Leeds police"
    )
    # The alias table's name is a curator's choice: it wins.
    assert preferred_name({"CITY OF LONDON POLICE.": 3}) == "City of London Police"
    assert preferred_name({"CITY POLICE": 3, "City Police": 1}) == "CITY POLICE"  # most written
    assert preferred_name({"CITY POLICE": 1, "City Police.": 1, "City Police": 1}) == "City Police"
    assert preferred_name({"GMP": 5, "Greater Manchester Police (GMP)": 1}) == (
        "Greater Manchester Police"
    )


def test_generic_descriptors_in_english_and_french():
    for name, kind in [
        ("Residents' representatives", "residents"),
        ("Business representatives", "businesses"),
        ("Voluntary sector representative", "voluntary-sector"),
        ("Local businesses", "businesses"),
        ("Schools", "schools"),
        ("Parents", "parents"),
        ("Faith community representatives", "faith-communities"),
        ("Représentants des habitants", "residents"),
        ("Commerçants", "businesses"),
        ("the local schools network", "schools"),
    ]:
        found, by_rule = generic_kind(read_partner_name(name).name)
        assert (found.removeprefix(KIND), by_rule) == (kind, False), name
    for organisation in ("Victim Support", "Leeds Residents' Association", "Youth Offending Team",
                         "Association des habitants de Belleville", "Schools Trust No. 3"):
        assert read_partner_name(organisation).kind is None, organisation


def test_the_site_redirects_a_retired_iri_and_shows_generic_partners(tmp_path):
    from pgraph.publish.site import write_site

    folder = tmp_path / "partners"
    folder.mkdir()
    shutil.copy(FIXTURES / "b.yaml", folder / "b.yaml")
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    shutil.copy(FIXTURES / "a.yaml", folder / "a.yaml")
    store = build_catalogue([folder], store_path=store_path).store
    report = write_site(store, tmp_path / "site", base="https://w3id.org/pgraph/",
                        dumps=False, docs=False)
    assert report.pages["retired"] == 1
    page = (tmp_path / "site" / "id" / "organisation" / "gmp.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=greater-manchester-police.html"' in page
    assert '<link rel="canonical" href="https://w3id.org/pgraph/id/organisation/greater-' in page
    turtle = (tmp_path / "site" / "id" / "organisation" / "gmp.ttl").read_text(encoding="utf-8")
    assert "isReplacedBy" in turtle and "greater-manchester-police" in turtle
    # Generic partners have no organisation page; their partnership lists them by kind.
    organisation_pages = tmp_path / "site" / "id" / "organisation"
    assert not (organisation_pages / "residents-representatives.html").exists()
    partnership = (tmp_path / "site" / "id" / "practice" / "beta" / "partnership.html")
    text = partnership.read_text(encoding="utf-8")
    assert "Residents&#39; representatives" in text or "Residents' representatives" in text
    assert "Residents" in text
