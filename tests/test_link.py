"""``pgraph link``: candidates from a local Wikidata-shaped endpoint, scores, files written.

The endpoint is an Oxigraph server on 127.0.0.1 loaded with
tests/fixtures/wikidata.ttl (fictional Q-numbers); a guard makes any
connection to another host fail, so these tests never touch the internet.
"""

from __future__ import annotations

import csv
import shutil
import socket

import pytest
import yaml
from click.testing import CliRunner

from pgraph.cli import cli
from pgraph.errors import PublishError
from pgraph.publish.link import (
    Candidate,
    Organisation,
    Proposal,
    RemoteItem,
    add_organisation_links,
    decide,
    link_organisations,
    name_similarity,
    name_variants,
    organisations_to_link,
    read_organisation_links,
    score_candidate,
)
from pgraph.resources import data_dir
from tests.conftest import TESTS
from tests.servers import free_port, running_oxigraph

WIKIDATA_FIXTURE = TESTS / "fixtures" / "wikidata.ttl"
UK = "http://www.wikidata.org/entity/Q145"
EXPECTED_LINKS = {
    "City of London Police": "Q9900001",
    "London Fire Brigade": "Q9900002",
    "Bergen Municipal Police": "Q9900003",
    "Manchester Borough Council": "Q9900004",
}


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Refuse every connection that does not go to 127.0.0.1."""
    connect = socket.socket.connect

    def guarded(self, address):
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "localhost"):
            raise OSError(f"test tried to reach {address[0]}")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory):
    with running_oxigraph(tmp_path_factory.mktemp("wikidata"), load=[WIKIDATA_FIXTURE]) as server:
        yield server


@pytest.fixture
def alignments(tmp_path):
    path = tmp_path / "alignments.yaml"
    shutil.copy(data_dir() / "alignments.yaml", path)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def read_review(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- against the endpoint


@pytest.mark.integration
def test_link_writes_accepted_links_and_a_review_list(built_store, wikidata, alignments):
    before = alignments.read_text(encoding="utf-8")
    review = alignments.with_name("link-review.csv")
    report = link_organisations(built_store, wikidata.query, alignments=alignments)

    assert report.added == EXPECTED_LINKS
    after = alignments.read_text(encoding="utf-8")
    table = yaml.safe_load(after)
    assert {k: v for k, v in table["organisations"].items()} == EXPECTED_LINKS
    assert table["countries"] == yaml.safe_load(before)["countries"]
    assert after.startswith(before.split("organisations:")[0])  # comments and countries kept
    assert "# pgraph link, score 1.00" in after

    rows = read_review(review)
    by_organisation = {}
    for row in rows:
        by_organisation.setdefault(row["organisation"], []).append(row)
    # "Social services" is a generic partner (a kind of participant), not an organisation:
    # it is never looked up, whatever Wikidata holds under that name.
    assert set(by_organisation) == {"Transport for London", "British Transport Police"}
    assert by_organisation["Transport for London"][0]["reason"] == "another kind of organisation"
    assert "Social services" not in {p.organisation.name for p in report.proposals}
    assert {r["candidate"] for r in by_organisation["British Transport Police"]} == {
        "Q9900008", "Q9900009"}
    assert by_organisation["British Transport Police"][0]["reason"] == "2 candidates score alike"
    assert all(r["candidate"] != "Q9900010" for r in rows)  # "The Bill" matches no partner


@pytest.mark.integration
def test_a_second_run_adds_nothing_and_keeps_the_file(built_store, wikidata, alignments):
    link_organisations(built_store, wikidata.query, alignments=alignments)
    first = alignments.read_bytes()
    report = link_organisations(built_store, wikidata.query, alignments=alignments)
    assert report.added == {}
    assert alignments.read_bytes() == first
    looked_up = {p.organisation.name for p in report.proposals}
    assert not looked_up & set(EXPECTED_LINKS)  # linked names are not looked up again


@pytest.mark.integration
def test_the_namesake_in_another_country_scores_lower(built_store, wikidata, alignments):
    report = link_organisations(built_store, wikidata.query, alignments=alignments, dry_run=True)
    manchester = next(p for p in report.proposals
                      if p.organisation.name == "Manchester Borough Council")
    assert [c.qid for c in manchester.candidates] == ["Q9900004", "Q9900005"]
    assert manchester.candidates[1].country_score == 0
    assert manchester.decision == "accepted"


@pytest.mark.integration
def test_the_cli_links_and_a_dry_run_writes_nothing(built_store_path, wikidata, alignments,
                                                     tmp_path):
    before = alignments.read_bytes()
    review = tmp_path / "review.csv"
    dry = run("link", "--store", built_store_path, "--wikidata", wikidata.query,
              "--alignments", alignments, "--review", review, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "4 accepted, 2 to review" in dry.output  # "Social services" is generic, not looked up
    assert alignments.read_bytes() == before and not review.exists()

    result = run("link", "--store", built_store_path, "--wikidata", wikidata.query,
                 "--alignments", alignments, "--review", review, "--accept-above", "0.95")
    assert result.exit_code == 0, result.output
    assert "accepted City of London Police -> Q9900001" in result.output
    assert f"wrote 4 links to {alignments}" in result.output
    assert review.exists()


def test_an_unreachable_endpoint_is_a_clear_error(built_store_path, alignments):
    port = free_port()
    before = alignments.read_bytes()
    result = run("link", "--store", built_store_path, "--endpoint",
                 f"http://127.0.0.1:{port}/query", "--alignments", alignments)
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: cannot reach the reconciliation endpoint http://127.0.0.1:{port}/query")
    assert alignments.read_bytes() == before


def test_the_default_endpoint_is_never_contacted_in_tests(built_store, alignments):
    with pytest.raises(PublishError, match="cannot reach the reconciliation endpoint"):
        link_organisations(built_store, alignments=alignments)


# ---------------------------------------------------------------- the local side


def test_organisations_to_link_carry_country_and_type_clues(built_store):
    organisations = {o.name: o for o in organisations_to_link(built_store)}
    police = organisations["City of London Police"]
    assert UK in police.countries
    assert "police" in police.keywords
    assert "COLP" not in police.other_names or "City of London Police Service" in police.names
    skipped = organisations_to_link(built_store, skip_names=["City of London Police"])
    assert "City of London Police" not in {o.name for o in skipped}


# ---------------------------------------------------------------- scoring


def organisation(**clues) -> Organisation:
    return Organisation("https://w3id.org/pgraph/id/organisation/x", "City of London Police",
                        **clues)


def test_a_full_match_scores_one():
    candidate = score_candidate(
        organisation(countries={UK}, keywords={"police"}),
        RemoteItem("http://www.wikidata.org/entity/Q1", {"City of London Police"}, {UK},
                   {"territorial police force"}))
    assert (candidate.score, candidate.name_score, candidate.country_score,
            candidate.type_score) == (1.0, 1.0, 1.0, 1.0)


def test_unknown_clues_count_half_and_wrong_ones_nothing():
    item = RemoteItem("http://www.wikidata.org/entity/Q1", {"City of London Police"})
    assert score_candidate(organisation(), item).score == 0.75
    other = RemoteItem("http://www.wikidata.org/entity/Q2", {"City of London Police"},
                       {"http://www.wikidata.org/entity/Q30"}, {"television series"})
    assert score_candidate(organisation(countries={UK}, keywords={"police"}), other).score == 0.5


def test_name_similarity_folds_case_accents_and_the():
    assert name_similarity(["The City of London Police"], ["city of london police"]) == 1.0
    assert name_similarity(["Préfecture de police"], ["Prefecture de Police"]) == 1.0
    assert 0.5 < name_similarity(["City of London Police"], ["City of London Police Service"]) < 1


def test_name_variants_add_and_drop_the_article():
    variants = name_variants(Organisation("x", "The Met", other_names={"Metropolitan Police"}))
    assert variants == {"Met", "The Met", "met", "Metropolitan Police",
                        "The Metropolitan Police", "metropolitan police"}


def candidate(score: float, qid: str = "Q1") -> Candidate:
    return Candidate(f"http://www.wikidata.org/entity/{qid}", "x", score, 1.0, 1.0, 1.0)


@pytest.mark.parametrize("scores, decision", [
    ([1.0], "accepted"),
    ([1.0, 0.5], "accepted"),
    ([1.0, 0.95], "review"),
    ([0.75], "review"),
    ([0.4], "none"),
    ([], "none"),
])
def test_decisions_follow_thresholds_and_margin(scores, decision):
    proposal = Proposal(organisation(), [candidate(s, f"Q{i}") for i, s in enumerate(scores)])
    assert decide(proposal, accept_above=0.85, review_above=0.5).decision == decision


# ---------------------------------------------------------------- the alignment file


def test_links_are_added_without_touching_comments_or_other_entries(tmp_path):
    path = tmp_path / "alignments.yaml"
    path.write_text(
        "# curated by hand\ncountries:\n  GB: Q145\n"
        "# organisations: name -> item\n"
        "organisations:\n  Existing Org: Q1  # checked 2024\n"
        "# legislation\nlegislation: {}\n", encoding="utf-8")
    added = add_organisation_links(path, {
        "HM Courts & Tribunals Service": ("Q7", 0.91),
        "Aarhus West Residents' Association": ("Q8", 0.9),
        "Odd: name": ("Q9", 0.88),
        "Existing Org": ("Q2", 1.0),
    })
    assert added == {"Aarhus West Residents' Association": "Q8",
                     "HM Courts & Tribunals Service": "Q7", "Odd: name": "Q9"}
    text = path.read_text(encoding="utf-8")
    assert "  Existing Org: Q1  # checked 2024\n" in text
    assert text.startswith("# curated by hand\ncountries:\n  GB: Q145\n")
    assert text.endswith("# legislation\nlegislation: {}\n")
    assert read_organisation_links(path) == {
        "Existing Org": "Q1", "HM Courts & Tribunals Service": "Q7",
        "Aarhus West Residents' Association": "Q8", "Odd: name": "Q9"}


def test_an_empty_organisations_section_is_filled(tmp_path):
    path = tmp_path / "alignments.yaml"
    path.write_text("countries:\n  GB: Q145\norganisations: {}\nlegislation: {}\n")
    add_organisation_links(path, {"London Fire Brigade": ("Q2", 1.0)})
    assert read_organisation_links(path) == {"London Fire Brigade": "Q2"}
    assert yaml.safe_load(path.read_text())["legislation"] == {}


def test_a_broken_alignment_file_is_named(tmp_path):
    path = tmp_path / "alignments.yaml"
    path.write_text("organisations: [unclosed\n")
    with pytest.raises(PublishError, match="not valid YAML"):
        read_organisation_links(path)
