"""The synthetic catalogue: deterministic, shaped like the real one, faults where it says."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import SKOS, Literal

from pgraph.cli import cli
from pgraph.records import CRITERIA, FACET_FIELDS
from pgraph.synth import FAULTS, bank, generate_catalogue, iter_catalogue, iter_pages
from pgraph.vocab import fold, vocabularies

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "synthetic"
BUNDLED_ARGS = {"practices": 40, "seed": 7, "lang": "mixed", "malformed_share": 0.1}
UNKNOWN_HEADINGS = bank.UNKNOWN_HEADINGS
URL = re.compile(r"https://synthetic\.pgraph\.invalid/(fr|en)/(practice|resource)/[a-z0-9-]+")
GB_ACTS = {"Crime and Disorder Act (1998)", "Counter-Terrorism and Security Act (2015)"}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def heading_labels(language: str) -> set[str]:
    """Folded prefLabels of the page headings in one interface language, from interface.ttl."""
    vocab = vocabularies()
    keys = [("prose", k) for k in ("description", "objectives", "evidence", "partnerships")]
    keys += [("facet", k) for k in FACET_FIELDS if k != "timeline"]
    keys += [(kind, k) for kind in ("rating", "assessment") for k in CRITERIA]
    return {
        fold(label)
        for kind, key in keys
        for label in vocab.graph.objects(vocab.field(kind, key).concept, SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == language
    }


def partner_lines(text: str) -> list[str]:
    """The "• Name" bullets of a page's cooperation-partnerships section."""
    lines = text.split("\n")
    vocab = vocabularies()
    keys = [getattr(vocab.field_for_heading(line), "key", None) for line in lines]
    start = keys.index("partnerships")
    end = next(i for i in range(start + 1, len(lines)) if keys[i])
    return [line[2:] for line in lines[start:end] if line.startswith("• ")]


def partner_bullets(text: str) -> list[str]:
    """The partner bullets of a well-formed page, quickly: only they start a line with "• "."""
    return [line[2:] for line in text.split("\n") if line.startswith("• ")]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("synthetic")
    report = generate_catalogue(out, practices=400, seed=5, malformed_share=0.05)
    return out, report


@pytest.fixture(scope="module")
def large() -> list:
    return list(iter_pages(practices=2000, seed=11, malformed_share=0))


def test_same_arguments_give_the_same_bytes(tmp_path):
    generate_catalogue(tmp_path / "a", practices=60, seed=3, malformed_share=0.2)
    generate_catalogue(tmp_path / "b", practices=60, seed=3, malformed_share=0.2)
    generate_catalogue(tmp_path / "c", practices=60, seed=4, malformed_share=0.2)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")


def test_streaming_gives_the_files_that_are_written(catalogue):
    out, _ = catalogue
    streamed = dict(iter_catalogue(practices=400, seed=5, malformed_share=0.05))
    on_disk = {k: v.decode("utf-8") for k, v in tree(out).items() if k.startswith("pages/")}
    assert streamed == on_disk


def test_counts_sources_and_readme(catalogue):
    out, report = catalogue
    pages = sorted((out / "pages").glob("*.txt"))
    assert report.pages == len(pages) == 400
    assert len(report.malformed) == 20  # one per block of 1/share pages
    assert set(report.malformed.values()) == set(FAULTS)  # kinds cycle: 2 of each
    sources = yaml.safe_load((out / "sources.yaml").read_text(encoding="utf-8"))
    assert sorted(sources) == [f"pages/{p.name}" for p in pages]
    assert all(URL.fullmatch(url) for url in sources.values())
    assert len(set(sources.values())) == 400  # slugs are unique, like the catalogue's
    assert (out / "sources.yaml").read_text(encoding="utf-8").startswith("# SYNTHETIC")
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# SYNTHETIC")
    command = "pgraph synth -o OUT_DIR --practices 400 --seed 5 --lang mixed --malformed-share 0.05"
    assert command in readme
    assert all(f"`{name}` | {kind}" in readme for name, kind in report.malformed.items())


def test_page_format_matches_the_seed_page(seed_page, catalogue):
    out, report = catalogue
    seed_lines = seed_page.read_text(encoding="utf-8").split("\n")
    name = next(
        f"pages/{p.name}"
        for p in sorted((out / "pages").glob("*.txt"))
        if f"pages/{p.name}" not in report.malformed
    )
    lines = (out / name).read_text(encoding="utf-8").split("\n")
    assert lines[:2] == seed_lines[:2]  # chrome line, blank
    assert lines[3] == ""
    assert lines[4].startswith("  • \u00a0") and lines[5].startswith("  • \u00a0")
    assert re.search(r": \d{1,2}(st|nd|rd|th) [A-Z][a-z]+ (199[5-9]|20[0-2]\d)$", lines[5])
    assert not (out / name).read_text(encoding="utf-8").endswith("\n")  # as scraped
    assert any(re.match(r"^  • [^\u00a0]", line) for line in lines)  # facet bullets: no nbsp


def test_partners_per_practice(catalogue):
    out, report = catalogue
    for page in sorted((out / "pages").glob("*.txt")):
        if f"pages/{page.name}" in report.malformed:
            continue
        partners = partner_lines(page.read_text(encoding="utf-8"))
        assert 3 <= len(partners) <= 15, page.name
        assert len(set(partners)) == len(partners)


def test_statutory_partners_and_acts(large):
    legend = re.compile(r"statutory partners under the (.+? \(\d{4}\)) and")
    legends = [legend.search(p.text) for p in large]
    share = sum(1 for m in legends if m) / len(large)
    assert 0.3 < share < 0.5
    gb_acts = Counter(
        m.group(1) for m, p in zip(legends, large, strict=True) if m and p.country_code == "GB"
    )
    assert (
        set(gb_acts) == GB_ACTS
        and gb_acts["Crime and Disorder Act (1998)"]
        > gb_acts["Counter-Terrorism and Security Act (2015)"]
    )
    other_acts = {
        m.group(1) for m, p in zip(legends, large, strict=True) if m and p.country_code != "GB"
    }
    assert other_acts and not other_acts & GB_ACTS  # made up: pgraph flags them unresolved
    for m, page in zip(legends, large, strict=True):
        if m:
            assert any(line.endswith("*") for line in partner_bullets(page.text))


def test_forty_countries_and_a_skewed_spread(large):
    vocab = vocabularies()
    names = [p.text.split("\n")[4].removeprefix("  • \u00a0") for p in large]
    countries = Counter(vocab.country_code(name) for name in names)
    assert None not in countries
    assert len(countries) >= 40
    (top, top_count), *_ = countries.most_common()
    assert top == "GB" and top_count > 10 * min(countries.values())


def test_partner_reuse_has_a_zipf_head(large):
    uses = Counter(name.rstrip("*") for p in large for name in partner_bullets(p.text))
    (_, most), *_ = uses.most_common()
    assert most > 0.2 * len(large)  # one organisation in a fifth of all practices…
    assert statistics.median(uses.values()) < 0.01 * len(large)  # …most in very few
    assert min(uses.values()) == 1


def test_bundled_partners_are_shared_across_practices():
    faults = _bundled_faults()
    assert len(faults) == 4
    uses = Counter(
        name.rstrip("*")
        for page in (BUNDLED / "pages").glob("*.txt")
        if f"pages/{page.name}" not in faults
        for name in partner_lines(page.read_text(encoding="utf-8"))
    )
    assert sum(1 for n in uses.values() if n >= 5) >= 5


@pytest.mark.parametrize("language", ["fr", "en"])
def test_headings_in_the_interface_language(language):
    wanted, other = heading_labels(language), heading_labels("en" if language == "fr" else "fr")
    for page in iter_pages(practices=30, seed=2, lang=language, malformed_share=0):
        assert page.language == language
        lines = {fold(line) for line in page.text.split("\n")}
        assert wanted <= lines
        assert not (other - wanted) & lines


def facet_values(text: str) -> list[tuple[str, str]]:
    """(facet key, value) of every facet bullet of a page, "n/a" left out."""
    vocab, key, found = vocabularies(), None, []
    for line in text.split("\n"):
        field = vocab.field_for_heading(line)
        if field is not None:
            key = field.key if field.kind == "facet" else None
        elif key and line.startswith("  • ") and not vocab.is_not_reported(line[4:]):
            found.append((key, line[4:]))
    return found


def test_facet_values_mostly_from_the_vocabularies(large):
    vocab = vocabularies()
    values = [(page.language, key, v) for page in large[:500] for key, v in facet_values(page.text)]
    concepts = [vocab.concept(key, value) for _, key, value in values]
    mapped = sum(1 for c in concepts if c is not None) / len(values)
    assert 0.95 < mapped < 0.995  # about 2% unmapped, on purpose
    # French pages name the domains in French, as the seed page does; other facets stay English.
    labels = [
        label
        for concept in vocab.graph.subjects(SKOS.inScheme, vocab.scheme_of_facet("domains"))
        for label in vocab.graph.objects(concept, SKOS.prefLabel)
    ]
    english = {str(label) for label in labels if label.language == "en"}
    french = {str(label) for label in labels if label.language == "fr"} - english
    domains = Counter((lang, v in french) for lang, key, v in values if key == "domains")
    assert domains[("fr", True)] > 0 and domains[("en", True)] == 0


def test_faults_are_planted_where_the_report_says(tmp_path):
    report = generate_catalogue(tmp_path, practices=200, seed=9, malformed_share=0.1)
    # The fault is planted last, so the same page without it is the well-formed one.
    clean = dict(iter_catalogue(practices=200, seed=9, malformed_share=0))
    assert sorted(Counter(report.malformed.values()).values()) == [2] * len(FAULTS)
    checks = {
        "crlf": lambda raw, text: b"\r\n" in raw,
        "bom": lambda raw, text: raw.startswith(b"\xef\xbb\xbf"),
        "impossible_date": lambda raw, text: "31st February" in text,
        "other_bullets": lambda raw, text: "•" not in text,
        "not_a_practice": lambda raw, text: "\nLanguage: English\nCategories: " in text,
        "missing_title": lambda raw, text: text.split("\n")[2].startswith("  • "),
        "not_reported_sections": lambda raw, text: text.count("\n\nn/a\n\n") >= 3,
        "unknown_heading": lambda raw, text: any(f"\n{h}\n\n" in text for h in UNKNOWN_HEADINGS),
        "duplicate_section": lambda raw, text: (
            len(
                [
                    line
                    for line in text.split("\n")
                    if (f := vocabularies().field_for_heading(line)) and f.kind == "prose"
                ]
            )
            == 10
        ),
        "truncated": lambda raw, text: (
            len(text) < len(well_formed) and well_formed.startswith(text)
        ),
    }
    for name, kind in report.malformed.items():
        raw, well_formed = (tmp_path / name).read_bytes(), clean[name]
        assert raw.decode("utf-8") != well_formed
        assert checks[kind](raw, raw.decode("utf-8")), (name, kind)


def test_unknown_headings_and_values_are_unknown_to_the_vocabularies():
    vocab = vocabularies()
    assert all(vocab.field_for_heading(h) is None for h in UNKNOWN_HEADINGS)
    for key, values in bank.UNMAPPED_FACET_VALUES.items():
        assert all(vocab.concept(key, v) is None for v in values), key
    assert all(vocab.rating(c, v) is None for c in CRITERIA for v in bank.UNMAPPED_RATINGS)


def test_bundled_synthetic_data_is_a_fresh_generation(tmp_path):
    generate_catalogue(tmp_path, **BUNDLED_ARGS)
    assert tree(BUNDLED) == tree(tmp_path), (
        "data/synthetic drifted: regenerate it with "
        "pgraph synth -o data/synthetic --practices 40 --seed 7 --lang mixed --malformed-share 0.1"
    )


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="lang"):
        generate_catalogue(tmp_path, practices=1, lang="de")
    with pytest.raises(ValueError, match="malformed_share"):
        generate_catalogue(tmp_path, practices=1, malformed_share=1.5)


def test_cli_writes_a_catalogue_and_prints_one_line(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "synth",
            "-o",
            str(tmp_path / "out"),
            "--practices",
            "12",
            "--seed",
            "2",
            "--lang",
            "en",
            "--malformed-share",
            "0.25",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().split("\n")) == 1
    expected = f"wrote 12 synthetic pages to {tmp_path / 'out'} (3 malformed: "
    assert result.output.startswith(expected)
    assert len(list((tmp_path / "out" / "pages").glob("*.txt"))) == 12
    again = CliRunner().invoke(
        cli, ["synth", "-o", str(tmp_path / "out"), "-n", "5", "--seed", "2"]
    )
    assert again.exit_code == 0  # an earlier synthetic catalogue is replaced…
    assert len(list((tmp_path / "out" / "pages").glob("*.txt"))) == 5


def test_cli_refuses_a_folder_of_other_pages(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "real.txt").write_text("a real page", encoding="utf-8")
    result = CliRunner().invoke(cli, ["synth", "-o", str(tmp_path), "-n", "3"])
    assert result.exit_code == 2
    assert "Error: " in result.output and "did not write" in result.output
    assert (tmp_path / "pages" / "real.txt").is_file()  # …but nobody else's pages


def test_well_formed_pages_read_cleanly(catalogue):
    sources = pytest.importorskip("pgraph.sources")
    for out, report in (catalogue, (BUNDLED, None)):
        urls = sources.load_source_urls(out)
        malformed = report.malformed if report else _bundled_faults()
        for page in sorted((out / "pages").glob("*.txt"))[:100]:
            name = f"pages/{page.name}"
            if name in malformed:
                continue
            records = sources.read_source(page, root=out, source_urls=urls)
            assert records.error is None and records.skipped is None, name
            assert records.warnings == [], (name, [str(w) for w in records.warnings])
            (practice,) = records.practices
            assert practice.source_url == urls[name]
            assert practice.slug == urls[name].rsplit("/", 1)[-1]
            assert len(practice.partnership.partners) == len(partner_lines(page.read_text("utf-8")))


def _bundled_faults() -> dict[str, str]:
    readme = (BUNDLED / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `(pages/[^`]+)` \| (\w+) \|$", readme, flags=re.MULTILINE))
