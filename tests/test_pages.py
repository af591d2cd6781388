"""Catalogue pages → Practice records: the seed page field by field, then messy pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pgraph.errors import SourceError
from pgraph.records import CRITERIA, Practice
from pgraph.sources import (
    NotAPracticePage,
    SourceRecords,
    discover_sources,
    load_source_urls,
    read_page,
    read_source,
)

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
PAGES = FIXTURES / "pages"
DATA = TESTS.parent / "data"
SEED_NAME = "pages/000_370808593d96a53c.txt"
SEED_URL = "https://firstlinepractitioners.com/fr/practice/z-community-policing-in-the-uk"


def read_fixture(name: str) -> SourceRecords:
    return read_source(PAGES / name, root=FIXTURES, source_urls={})


def only_practice(records: SourceRecords) -> Practice:
    assert records.error is None, str(records.error)
    assert records.skipped is None, records.skipped
    assert len(records.practices) == 1
    return records.practices[0]


def messages(records: SourceRecords) -> list[str]:
    return [str(w) for w in records.warnings]


@pytest.fixture(scope="module")
def seed_records() -> SourceRecords:
    return read_source(DATA / SEED_NAME, root=DATA)


@pytest.fixture(scope="module")
def seed(seed_records: SourceRecords) -> Practice:
    return only_practice(seed_records)


def comparable(practice: Practice, *ignore: str) -> dict:
    """The record without where-it-came-from fields (and any others named)."""
    data = practice.model_dump(exclude={"lines", "source_file", "source_url", *ignore})
    data["not_reported"] = sorted(data["not_reported"])
    return data


# ---------------------------------------------------------------- the seed page


def test_seed_reads_without_warnings(seed_records: SourceRecords) -> None:
    assert seed_records.name == SEED_NAME
    assert seed_records.warnings == []
    assert len(seed_records.content_hash) == 64


def test_seed_identity(seed: Practice) -> None:
    assert seed.title == "Z Community Policing in the UK"
    assert seed.slug == "z-community-policing-in-the-uk"
    assert seed.source_url == SEED_URL
    assert seed.source_file == SEED_NAME
    assert seed.country == "Royaume-Uni"
    assert seed.start_date == dt.date(2014, 1, 1)
    assert seed.language == "en"
    assert seed.interface_language == "fr"


def test_seed_prose(seed: Practice) -> None:
    assert seed.description.startswith("Community Policing is at the very heart of daily duties")
    assert seed.description.endswith("in an ever-evolving vibrant City culture.")
    assert seed.objectives.startswith("The City of London Police works with local communities")
    # "Viabilité" (prose) is not "Viabilité de l'évaluation" (rating) nor its qualitative text.
    assert seed.sustainability.startswith("The City of London experiences low levels of crime")
    assert seed.transferability.startswith("The Safer City Partnership has worked together")
    assert seed.evidence.startswith("The Safer City Partnership follows")
    assert seed.partnerships.startswith("The Safer City Partnership involves representation")
    assert "• HM Court Service" in seed.partnerships
    assert seed.cost_description is None
    assert seed.unrecognised_sections == []


def test_seed_facets(seed: Practice) -> None:
    assert seed.timeline == ["Long term / Permanent"]
    assert seed.levels == ["Local", "Regional"]
    assert seed.domains == ["Extrémisme violent", "Criminalité organisée"]
    assert seed.target_audiences == ["Police and LEAs"]
    assert seed.types == [
        "Surveillance",
        "Conflict transformation",
        "Primary prevention",
        "Crime prevention",
        "Early intervention",
    ]
    assert seed.intervention_points == ["Prevention", "Protection", "Pursuit", "Reduction"]
    assert seed.costs == []


def test_seed_not_reported(seed: Practice) -> None:
    assert sorted(seed.not_reported) == ["assessment:impact", "cost_description", "costs"]
    assert "n/a" not in str(seed.model_dump())


def test_seed_partnership(seed: Practice) -> None:
    partnership = seed.partnership
    assert partnership is not None
    assert partnership.name == "Safer City Partnership"
    names = [p.name for p in partnership.partners]
    assert len(names) == 12
    assert names[0] == "The City of London Corporation"
    assert names[-1] == "Voluntary sector representative"
    assert "Residents' representatives" in names
    statutory = [p.name for p in partnership.partners if p.statutory]
    assert statutory == names[:5]
    assert "City and Hackney Clinical Commissioning Group" in statutory
    assert partnership.statutory_basis is not None
    assert partnership.statutory_basis.name == "Crime and Disorder Act"
    assert partnership.statutory_basis.year == 1998


def test_seed_assessments(seed: Practice) -> None:
    assert list(seed.assessments) != []
    assert set(seed.assessments) == set(CRITERIA)
    ratings = {key: a.rating for key, a in seed.assessments.items()}
    assert ratings == {
        "relevance": "Very Relevant",
        "impact": "Positive impact",
        "effectiveness": "Effective",
        "efficiency": "Efficient",
        "inclusiveness": "Very inclusive",
        "sustainability": "Sustainable",
    }
    texts = {key: a.text for key, a in seed.assessments.items()}
    assert texts["impact"] is None
    assert texts["relevance"].startswith("The Safer City Partnership vision\u2019s is")
    assert texts["effectiveness"].startswith("Community Policing is at the very heart of the daily")
    assert texts["efficiency"].startswith("The City of London experiences low levels")
    assert texts["sustainability"].startswith("Sustainability is enhanced through trainings")
    assert texts["inclusiveness"].startswith("This unit is located within the Security")
    assert texts["inclusiveness"].endswith("reduce the threat posed to the City.")


def test_seed_references_and_links(seed: Practice) -> None:
    (reference,) = seed.references
    assert reference.text.startswith("City of London police. January 29, 2014. https://")
    assert reference.date == dt.date(2014, 1, 29)
    assert reference.url == (
        "https://www.cityoflondon.police.uk/community-policing/Pages/About-community-policing.aspx"
    )
    assert seed.links == [
        "https://www.cityoflondon.police.uk/community-policing/Pages/About-community-policing.aspx",
        "https://www.cityoflondon.police.uk/community-policing/Pages/Safer-City-Partnership.aspx",
    ]


def test_seed_lines(seed: Practice) -> None:
    lines = (DATA / SEED_NAME).read_text(encoding="utf-8").split("\n")
    assert seed.lines["title"] == 3
    assert seed.lines["country"] == 5
    assert seed.lines["start_date"] == 6
    assert lines[seed.lines["objectives"] - 1] == "Objectifs"
    assert lines[seed.lines["sustainability"] - 1] == "Viabilité"
    assert lines[seed.lines["timeline"] - 1].startswith("Calendrier Long term")
    assert lines[seed.lines["costs"] - 1] == "Coûts"
    assert lines[seed.lines["assessments.sustainability.rating"] - 1] == "Viabilité de l'évaluation"
    text_line = seed.lines["assessments.sustainability.text"]
    assert lines[text_line - 1] == "Viabilité de l'évaluation qualitative"
    assert lines[seed.lines["partnership"] - 1] == "Partenariats de coopération"
    assert lines[seed.lines["references"] - 1] == "Références"
    assert lines[seed.lines["links"] - 1] == "Liens utiles"


def test_seed_english_interface_gives_the_same_record(seed: Practice) -> None:
    english = only_practice(read_fixture("seed_en.txt"))
    assert english.interface_language == "en"
    assert english.language == "en"
    assert messages(read_fixture("seed_en.txt")) == []
    assert comparable(english, "interface_language", "slug") == comparable(
        seed, "interface_language", "slug"
    )


def test_read_page_without_url_slugs_the_title() -> None:
    text = (DATA / SEED_NAME).read_text(encoding="utf-8")
    practice, warnings = read_page(text, name="x.txt")
    assert practice is not None and warnings == []
    assert practice.slug == "z-community-policing-in-the-uk"
    assert practice.source_url is None


def seed_text() -> str:
    return (DATA / SEED_NAME).read_text(encoding="utf-8")


def test_title_with_a_colon_and_a_not_reported_rating() -> None:
    text = seed_text().replace("Z Community Policing in the UK", "Prevent: Engaging Communities")
    text = text.replace("• Positive impact", "• n/a")
    practice, warnings = read_page(text, name="x.txt")
    assert warnings == []
    assert practice is not None
    assert practice.title == "Prevent: Engaging Communities"
    assert "impact" not in practice.assessments  # neither rated nor described
    assert "rating:impact" in practice.not_reported


def test_start_date_as_a_heading_of_its_own() -> None:
    text = seed_text().replace("  • \u00a0Date de début: 1st January 2014\n", "")
    text = text.replace("Calendrier Long", "Date de début\n  • 1er mars 2015\nCalendrier Long")
    practice, warnings = read_page(text, name="x.txt")
    assert warnings == []
    assert practice is not None and practice.start_date == dt.date(2015, 3, 1)
    assert practice.lines["start_date"] == 60


def test_sources_yaml_gives_the_seed_url() -> None:
    assert load_source_urls(DATA)[SEED_NAME] == SEED_URL
    assert load_source_urls(FIXTURES) == {}


@pytest.mark.parametrize("text", [
    "# a catalogue\npages/a.txt: https://e.org/a\n\npages/b.txt:   https://e.org/b  \n",
    "pages/a.txt: https://e.org/a\r\npages/a.txt: https://e.org/again\r\n",  # the last wins
    "pages/é.txt: https://e.org/ü#part,[x]\n  # an indented comment\n",
    "pages/a.txt: 1/2\npages/b.txt: ~/x\npages/c.txt: x/&y\n",
    # Lines only YAML reads (quotes, comments after a value, indentation, tags, markers …)
    "pages/a.txt: 'https://e.org/a'\n", "pages/a.txt: https://e.org/a # the first\n",
    "  pages/a.txt: https://e.org/a\n", "pages/a.txt: !!str https://e.org/a\n",
    "%YAML 1.1\n---\npages/a.txt: https://e.org/a\n", "a.txt: https://e.org/a\n",
    "pages/a.txt: https://e.org/a\u2028\n", "-pages/a.txt: https://e.org/a\n",
])
def test_a_table_of_paths_reads_as_yaml_reads_it(tmp_path: Path, text: str) -> None:
    # Plain "path: url" lines are read line by line (10,000 lines: 0.02 s, not 0.1-0.2 s);
    # the table is the one YAML gives, whichever reader read it.
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    expected = {k: v.strip() for k, v in yaml.safe_load(text).items()}
    assert load_source_urls(tmp_path) == expected


def test_nested_sources_yaml_gives_urls_of_its_folder(tmp_path: Path) -> None:
    sub = tmp_path / "synthetic" / "pages"
    sub.mkdir(parents=True)
    (sub / "p.txt").write_text(seed_text(), encoding="utf-8")
    (tmp_path / "synthetic" / "sources.yaml").write_text(
        "pages/p.txt: https://example.org/practice/the-slug/\n", encoding="utf-8"
    )
    (tmp_path / "sources.yaml").write_text("# none here\n", encoding="utf-8")
    [(file, root)] = discover_sources([tmp_path])
    records = read_source(file, root=root)
    assert records.name == "synthetic/pages/p.txt"
    assert records.practices[0].source_url == "https://example.org/practice/the-slug/"
    assert records.practices[0].slug == "the-slug"


def test_discover_sources_names_files_from_the_root(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in [
        "pages/a.txt",
        "b.yaml",
        "c.csv",
        "README.md",
        "README.txt",
        "sources.yaml",
        "practice.schema.json",
        "practice.template.yaml",
        ".hidden/d.txt",
        "e.ttl",
    ]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover_sources([tmp_path])
    assert [f.relative_to(root).as_posix() for f, root in found] == [
        "b.yaml",
        "c.csv",
        "e.ttl",  # RDF from other catalogues is a source too (sources/rdf_files.py)
        "pages/a.txt",
    ]
    # A file given alone keeps the name it has under the folder holding sources.yaml.
    assert discover_sources([tmp_path / "pages" / "a.txt"]) == [
        (tmp_path / "pages" / "a.txt", tmp_path)
    ]
    with pytest.raises(SourceError, match="no such file or folder"):
        discover_sources([tmp_path / "missing"])


# ---------------------------------------------------------------- messy pages: same record


@pytest.mark.parametrize(
    "fixture",
    ["crlf.txt", "lone_cr.txt", "bom.txt", "utf16.txt", "spaces.txt", "french_date.txt"],
)
def test_messy_encodings_and_spacing_give_the_seed_record(fixture: str, seed: Practice) -> None:
    records = read_fixture(fixture)
    assert messages(records) == []
    assert comparable(only_practice(records), "slug") == comparable(seed, "slug")


def test_bullet_variants_give_the_same_lists(seed: Practice) -> None:
    records = read_fixture("bullets.txt")
    assert messages(records) == []
    # the cooperation section is kept verbatim, bullets and all
    assert comparable(only_practice(records), "slug", "partnerships") == comparable(
        seed, "slug", "partnerships"
    )


def test_reordered_sections_give_the_same_record(seed: Practice) -> None:
    records = read_fixture("reordered.txt")
    assert messages(records) == []
    practice = only_practice(records)
    assert comparable(practice, "slug") == comparable(seed, "slug")
    assert practice.lines["assessments.relevance.rating"] == 7


def test_latin1_file_is_read_with_a_warning(seed: Practice) -> None:
    records = read_fixture("latin1.txt")
    assert messages(records) == [
        "pages/latin1.txt:5: not UTF-8 (byte 0x95); read as Windows-1252: check accented"
        " letters, and save the file as UTF-8"
    ]
    assert comparable(only_practice(records), "slug") == comparable(seed, "slug")


def test_control_characters_are_removed_with_a_warning(seed: Practice) -> None:
    records = read_fixture("control_chars.txt")
    assert messages(records) == [
        "pages/control_chars.txt:16: 1 control character(s) removed (the first is U+0007)"
    ]
    assert only_practice(records).objectives == seed.objectives


# ---------------------------------------------------------------- messy pages: warnings


def test_impossible_date_warns_and_keeps_the_record() -> None:
    records = read_fixture("impossible_date.txt")
    assert messages(records) == [
        'pages/impossible_date.txt:6: start_date: "Date de début" is "31st February 2014",'
        ' not a date; write it as in "1st January 2014"'
    ]
    practice = only_practice(records)
    assert practice.start_date is None
    assert practice.title == "Z Community Policing in the UK"


def test_missing_sections_are_listed_in_one_warning() -> None:
    records = read_fixture("missing_sections.txt")
    assert messages(records) == [
        "pages/missing_sections.txt: missing sections: no Objectifs, no Transférabilité"
    ]
    practice = only_practice(records)
    assert practice.objectives is None and practice.transferability is None
    assert practice.sustainability is not None


def test_empty_section_warns() -> None:
    records = read_fixture("empty_section.txt")
    assert messages(records) == [
        'pages/empty_section.txt:14: objectives: section "Objectifs" is empty'
    ]
    practice = only_practice(records)
    assert practice.objectives is None
    assert "objectives" not in practice.not_reported
    assert practice.sustainability.startswith("The City of London experiences")


def test_unknown_headings_are_kept_verbatim() -> None:
    records = read_fixture("unknown_heading.txt")
    assert messages(records) == [
        'pages/unknown_heading.txt:19: Budget: unknown heading "Budget": section kept as'
        " unrecognised text",
        'pages/unknown_heading.txt:72: Financement: unknown heading "Financement": section kept'
        " as unrecognised text",
    ]
    practice = only_practice(records)
    sections = [(s.heading, s.text) for s in practice.unrecognised_sections]
    assert sections == [
        ("Budget", "About 5,000 euros a year, from the City's budget."),
        ("Financement", "• Municipal budget"),
    ]
    assert practice.objectives.endswith("which lead to terrorism.")
    assert practice.sustainability.startswith("The City of London experiences")
    assert practice.target_audiences == ["Police and LEAs"]


def test_duplicate_section_keeps_the_first() -> None:
    records = read_fixture("duplicate_section.txt")
    assert messages(records) == [
        'pages/duplicate_section.txt:19: objectives: section "Objectifs" appears again (first'
        " at line 14); the first copy is kept"
    ]
    practice = only_practice(records)
    assert practice.objectives.startswith("The City of London Police works")


def test_truncated_page_keeps_what_it_has() -> None:
    records = read_fixture("truncated.txt")
    assert messages(records) == [
        "pages/truncated.txt:80: page ends early: no Coûts, no ratings, no qualitative assessments"
    ]
    practice = only_practice(records)
    assert practice.intervention_points == ["Prevention", "Protection", "Pursuit", "Reduction"]
    assert practice.assessments == {}


def test_second_title_candidate_is_kept_as_unrecognised() -> None:
    records = read_fixture("two_titles.txt")
    assert messages(records) == [
        "pages/two_titles.txt:5: (before the first section): text before the first section kept"
        " as unrecognised"
    ]
    practice = only_practice(records)
    assert practice.title == "Z Community Policing in the UK"
    assert practice.country == "Royaume-Uni"


def test_non_http_links_are_dropped_with_a_warning(seed: Practice) -> None:
    records = read_fixture("bad_links.txt")
    assert messages(records) == [
        'pages/bad_links.txt:60: links: link "javascript:alert(document.cookie)" dropped: only'
        " http(s) links are kept",
        'pages/bad_links.txt:61: links: link "file:///etc/passwd" dropped: only http(s) links'
        " are kept",
    ]
    assert only_practice(records).links == seed.links


def test_french_asterisk_legend_still_marks_statutory_partners() -> None:
    practice = only_practice(read_fixture("french_legend.txt"))
    assert practice.partnership is not None
    assert [p.statutory for p in practice.partnership.partners] == [True] * 5 + [False] * 7
    assert practice.partnership.statutory_basis is None  # Act names are read in English only


# ---------------------------------------------------------------- not practices, errors


def test_resource_list_is_skipped() -> None:
    records = read_fixture("resource_list.txt")
    assert records.error is None and records.practices == []
    assert records.skipped == (
        'pages/resource_list.txt:5: not a practice page: it has "Language:", "Categories:" lines'
        " and no practice sections, facets or ratings (a resource list, project summary, article"
        " or author archive of the site)"
    )


def test_author_archive_is_skipped() -> None:
    records = read_fixture("author_archive.txt")
    assert records.error is None and records.practices == []
    assert records.skipped is not None
    assert records.skipped.startswith(
        "pages/author_archive.txt: not a practice page: it has no practice sections"
    )


def test_read_page_raises_not_a_practice_page() -> None:
    text = (PAGES / "resource_list.txt").read_text(encoding="utf-8")
    with pytest.raises(NotAPracticePage) as caught:
        read_page(text, name="r.txt")
    assert isinstance(caught.value, SourceError)
    assert caught.value.line == 5


def test_page_without_title_is_an_error() -> None:
    records = read_fixture("no_title.txt")
    assert records.practices == []
    assert isinstance(records.error, SourceError)
    assert records.error.field == "title"
    assert str(records.error) == (
        'pages/no_title.txt:3: title: no title: the first line of text is "• Royaume-Uni";'
        " the title is the first line after the site chrome, before the country bullet"
    )


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("binary.txt", "pages/binary.txt: not a text page: the file has NUL bytes"),
        ("empty.txt", "pages/empty.txt: the file is empty"),
    ],
)
def test_unreadable_files_are_errors(fixture: str, message: str) -> None:
    records = read_fixture(fixture)
    assert records.practices == []
    assert str(records.error).startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "Curricula - Knowledge - Navigation",
        "Title only",
        "Title\n• France\n",
        "Title\nDescription\n",
        "Title\nObjectifs\n\nn/a\nCoûts\n• n/a\nCalendrier\n",
        "Title\nÉchelons\nÉchelons\n•\n-\n*\nDate de début: 1er\n",
        "Title\n\u00a0\u2003\t\r\r\n•\u00a0\n",
        "Title\nPartenariats de coopération\n• *\n• **\nThe Act\n",
        "Title\nRéférences\nhttps://\nLiens utiles\nhttp://\n:\n",
    ],
)
def test_odd_pages_never_crash(text: str) -> None:
    try:
        practice, warnings = read_page(text, name="odd.txt")
    except SourceError as exc:  # no title, empty page, or not a practice page
        assert str(exc).startswith("odd.txt")
    else:
        assert practice is not None
        assert all(str(w).startswith("odd.txt") for w in warnings)
