"""Proposed merges: alike names are proposed with a score and a reason, never merged."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner

from bench.bench_names import mentions, pair_scores, proposal_scores
from pgraph.build import build_catalogue
from pgraph.cli import cli
from pgraph.partners import forget_tables
from pgraph.review import organisation_names, propose_merges, review_organisations
from pgraph.synth import VARIANTS_FILE, generate_catalogue
from pgraph.synth.variants import KINDS
from tests.test_partners import FIXTURES, ORG, organisations


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def pairs(names, threshold=90.0):
    return {(p.a_label, p.b_label): (p.score, p.reason) for p in propose_merges(
        {name: [name] for name in names}, threshold=threshold)}


def test_alike_names_are_proposed_with_their_reason():
    found = pairs([
        "Met Police", "Metropolitan Police Service", "Leeds Youth Trust Ltd", "Leeds Youth Trust",
        "Leeds Youth Trsut", "Conseil municipal de Lyon", "Lyon City Council", "LCCG",
        "Leicester Clinical Commissioning Group",
    ])
    assert found == {
        ("Leeds Youth Trust", "Leeds Youth Trust Ltd"): (
            100.0, "same name once words such as 'Ltd' or 'the' are left out"),
        ("Conseil municipal de Lyon", "Lyon City Council"): (
            100.0, "same name in French and English"),
        ("LCCG", "Leicester Clinical Commissioning Group"): (
            95.0, "one name is the other's acronym"),
        ("Leeds Youth Trsut", "Leeds Youth Trust"): (
            92.0, 'one word differs by a letter ("trsut" / "trust")'),
        ("Leeds Youth Trsut", "Leeds Youth Trust Ltd"): (
            92.0, 'one word differs by a letter ("trsut" / "trust")'),
        ("Met Police", "Metropolitan Police Service"): (
            90.0, 'a word is shortened ("met" for "metropolitan")'),
    }


def test_different_organisations_with_similar_names_are_not_proposed():
    assert pairs([
        "City of London Police", "City of London Corporation", "London Police Service",
        "Manchester Borough Council", "Manchester City Council",
        "London Housing Association", "London Youth Association",
        "Bern Municipal Police", "Brno Municipal Police", "Riga Court Service",
        "Braga Court Service", "OPHS", "TPHS",
    ]) == {}


def test_the_review_command_writes_pairs_and_accepts_into_the_alias_table(tmp_path, monkeypatch):
    store = tmp_path / "store"
    assert run("build", FIXTURES, "--store", store).exit_code == 0
    out = tmp_path / "review.csv"
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("# curated\nTransport for London: [TfL]\n", encoding="utf-8")
    result = run("organisations", "review", "--store", store, "--out", out,
                 "--accept-above", "90", "--aliases", aliases)
    assert result.exit_code == 0, result.output
    assert "9 organisations compared: 2 pairs proposed, 2 accepted" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["label_a"], r["label_b"], r["score"]) for r in rows} == {
        ("Met Police", "Metropolitan Police", "90.0"),
        ("Met Police", "Metropolitan Police Service", "90.0"),
    }
    assert rows[0]["organisation_a"] == ORG + "met-police"
    text = aliases.read_text(encoding="utf-8")
    assert text.startswith("# curated\n")
    # The fuller name stays; "Met Police" can be one of them only: the first pair wins.
    assert yaml.safe_load(text) == {
        "Transport for London": ["TfL"],
        "Metropolitan Police": ["Met Police"],
    }
    # The next build, reading that table, merges them; the old IRIs are retired.
    monkeypatch.setenv("PGRAPH_ALIASES", str(aliases))
    forget_tables()
    try:
        report = build_catalogue([FIXTURES], store_path=store, jobs=1)
        found = organisations(report.store)
        assert found["metropolitan-police"] == "Metropolitan Police"
        assert "met-police" not in found and "metropolitan-police-service" in found
        assert [n for n in report.notes if "retired" in n] == [
            f"<{ORG}met-police> retired: its names now name <{ORG}metropolitan-police>"
        ]
        assert {(p.a_label, p.b_label) for p in review_organisations(report.store).proposals} == {
            ("Met Police", "Metropolitan Police Service")  # an altLabel of the merged one
        }
    finally:
        monkeypatch.delenv("PGRAPH_ALIASES")
        forget_tables()


# ---------------------------------------------------------------- synthetic variants, measured


def test_synth_writes_name_variants_with_ground_truth(tmp_path):
    plain = generate_catalogue(tmp_path / "plain", practices=30, seed=4)
    varied = generate_catalogue(tmp_path / "varied", practices=30, seed=4, name_variants=0.5)
    assert not (tmp_path / "plain" / VARIANTS_FILE).exists()
    assert "--name-variants 0.5" in varied.command()
    with (tmp_path / "varied" / VARIANTS_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["variant"] for r in rows} <= {"", *KINDS} and len({r["variant"] for r in rows}) > 5
    assert all(r["written"] == r["organisation"] for r in rows if not r["variant"])
    # Only partner names differ from the catalogue without variants.
    for page in sorted((tmp_path / "plain" / "pages").glob("*.txt")):
        a = page.read_text(encoding="utf-8").splitlines()
        b = (tmp_path / "varied" / "pages" / page.name).read_text(encoding="utf-8").splitlines()
        assert len(a) == len(b)
        assert all(x == y or x.startswith("•") for x, y in zip(a, b, strict=True))
    assert plain.pages == varied.pages


def test_merges_are_precise_and_proposals_find_the_rest():
    """The figures of bench/RESULTS.md, on a smaller catalogue."""
    folder = Path(tempfile.mkdtemp()) / "catalogue"
    generate_catalogue(folder, practices=150, seed=2, malformed_share=0.0, name_variants=0.3)
    with (folder / VARIANTS_FILE).open(encoding="utf-8") as handle:
        truth = [((f"catalogue/{r['file']}", " ".join(r["written"].split())), r["organisation"],
                  r["variant"]) for r in csv.DictReader(handle)]
    store = build_catalogue([folder], store_path=None).store
    node_of = mentions(store)
    assert all(key in node_of for key, _, _ in truth)
    precision, recall, certain_recall, mixed = pair_scores(truth, node_of)
    assert precision == 1.0 and mixed == 0
    assert certain_recall > 0.85 and recall < 1.0  # typos, "Ltd" and French are left to a curator
    scores = proposal_scores(truth, node_of, propose_merges(organisation_names(store)))
    proposal_precision, proposal_recall, _, _, _ = scores[90.0]
    assert proposal_recall >= 0.9 and proposal_precision >= 0.8
