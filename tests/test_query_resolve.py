"""Parameter values checked against the graph, and tables a person can read."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pgraph.cli import cli
from pgraph.errors import QueryError
from pgraph.query import run_query

SEED = "https://w3id.org/pgraph/id/practice/z-community-policing-in-the-uk"
COLP = "https://w3id.org/pgraph/id/organisation/city-of-london-police"


def run(store, name, **params):
    return run_query(name, store=store, params=params)


@pytest.mark.parametrize("params, message", [
    ({"criterion": "Effectivness"}, 'criterion: "Effectivness" is not a criterion in the graph; '
                                    'did you mean "Effectiveness"?'),
    ({"rating": "Fantastic"}, 'rating: "Fantastic" is not a rating on that criterion\'s scale; '
                              'choose one of "Effective"'),
    ({"rating": "Efective"}, 'did you mean "Effective"'),
    ({"country": "Untied Kingdom"}, 'did you mean "United Kingdom"'),
    ({"domain": "Terorism"}, 'did you mean "Terrorism"'),
], ids=["criterion", "rating-unknown", "rating-typo", "country", "domain"])
def test_a_concept_value_that_names_nothing_is_an_error_with_candidates(built_store, params,
                                                                        message):
    with pytest.raises(QueryError) as caught:
        run(built_store, "practices-rated-at-least", **params)
    assert message in str(caught.value)


@pytest.mark.parametrize("params", [
    {"criterion": "Efficacité", "rating": "Efficace"},  # French labels
    {"criterion": "effectiveness", "rating": "EFFECTIVE", "country": "Royaume-Uni"},
    {"country": "GB"},  # a notation
    {"criterion": "https://w3id.org/pgraph/vocab/criterion/effectiveness"},  # an IRI
])
def test_labels_in_any_language_codes_and_iris_are_accepted(built_store, params):
    english = run(built_store, "practices-rated-at-least", country="United Kingdom")
    assert len(run(built_store, "practices-rated-at-least", **params)) >= len(english) > 0


def test_an_entity_parameter_accepts_a_name_and_resolves_it_to_the_iri(built_store):
    by_name = run(built_store, "organisation-practices", organisation="city of london police")
    by_iri = run(built_store, "organisation-practices", organisation=COLP)
    by_prefix = run(built_store, "organisation-practices",
                    organisation="pgid:organisation/city-of-london-police")
    assert by_name.rows == by_iri.rows == by_prefix.rows
    assert [r["practice"] for r in by_name.rows] == [SEED]


@pytest.mark.parametrize("value, message", [
    (COLP[:-1], f"<{COLP[:-1]}> is not an organisation in the graph; did you mean \"{COLP}\""),
    ("Manchester Borough Councl", 'no organisation is named "Manchester Borough Councl"; '
                                  'did you mean "Manchester Borough Council"?'),
    (COLP[:40] + "…", 'was cut short (it ends with "…")'),
    (COLP[:40] + "...", 'was cut short (it ends with ".")'),
])
def test_an_entity_value_that_names_nothing_or_was_cut_is_refused(built_store, value, message):
    with pytest.raises(QueryError) as caught:
        run(built_store, "organisation-practices", organisation=value)
    assert message in str(caught.value)


def test_the_cli_says_did_you_mean_and_exits_2(built_store_path):
    result = CliRunner().invoke(cli, ["query", "practices-rated-at-least", "--store",
                                      str(built_store_path), "-p", "criterion=Effectivness"])
    assert result.exit_code == 2
    assert result.output == ('Error: criterion: "Effectivness" is not a criterion in the graph; '
                             'did you mean "Effectiveness"?\n')


# ---------------------------------------------------------------- tables


def test_tables_put_labels_first_and_write_prefixed_names(built_store_path):
    args = ["query", "organisation-practices", "--store", str(built_store_path),
            "-p", f"organisation={COLP}"]
    table = CliRunner().invoke(cli, args).output.splitlines()
    header = table[0].split()
    assert header == ["title", "country", "role", "practice", "act"]
    assert "pgid:practice/z-community-policing-in-the-uk" in table[2]
    assert "leg:ukpga/1998/37" in table[2] and "…" not in table[2]
    full = CliRunner().invoke(cli, [*args, "--full-iris"]).output.splitlines()
    assert full[0].split() == ["practice", "title", "country", "role", "act"]  # projection order
    assert SEED in full[2] and "http://www.legislation.gov.uk/id/ukpga/1998/37" in full[2]


def test_select_star_keeps_the_query_order(built_store):
    result = run_query("SELECT * WHERE { ?zeta a ?alpha } LIMIT 1", store=built_store)
    assert result.variables == ["zeta", "alpha"]
