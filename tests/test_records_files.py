"""Structured records (YAML, JSON, CSV) → Practice records; the schema and the template."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
import yaml

from pgraph.errors import SourceError
from pgraph.records import Practice, practice_json_schema
from pgraph.sources import SourceRecords, read_source
from pgraph.sources.records_files import (
    load_yaml,
    read_csv_records,
    read_json_records,
    read_yaml_records,
)

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
RECORDS = FIXTURES / "records"
DATA = TESTS.parent / "data"


def read_fixture(name: str) -> SourceRecords:
    return read_source(RECORDS / name, root=FIXTURES, source_urls={})


def messages(records: SourceRecords) -> list[str]:
    return [str(w) for w in records.warnings]


# ---------------------------------------------------------------- YAML


def test_yaml_single_record() -> None:
    records = read_fixture("single.yaml")
    assert records.error is None and messages(records) == []
    (practice,) = records.practices
    assert practice.slug == "z-community-policing-in-the-uk"
    assert practice.start_date == dt.date(2014, 1, 1)
    assert practice.domains == ["Extrémisme violent", "Criminalité organisée"]
    assert practice.partnership is not None
    assert practice.partnership.name == "Safer City Partnership"
    assert [(p.name, p.statutory) for p in practice.partnership.partners] == [
        ("The City of London Police", True),
        ("HM Court Service", False),
    ]
    assert practice.partnership.statutory_basis.year == 1998
    assert practice.assessments["impact"].rating == "Positive impact"
    assert "assessment:impact" in practice.not_reported
    assert practice.source_file == "records/single.yaml"
    assert practice.lines["title"] == 3 and practice.lines["domains"] == 8


def test_yaml_list_with_a_bad_record_keeps_the_others() -> None:
    records = read_fixture("list.yaml")
    assert records.error is None
    assert [p.slug for p in records.practices] == ["street-mediators-in-lyon", "youth-forum-sofia"]
    assert messages(records) == [
        "records/list.yaml:5: title: record 2 skipped: required field is missing"
    ]
    assert records.practices[1].lines["start_date"] == 9


def test_yaml_bad_values_are_left_out_with_warnings() -> None:
    records = read_fixture("bad_values.yaml")
    (practice,) = records.practices
    assert practice.start_date is None
    assert practice.levels == ["Local"]
    assert messages(records) == [
        'records/bad_values.yaml:3: start_date: "2015-02-31" is not a date; write it as in'
        ' "2014-01-01" (year-month-day); the field is left out',
        "records/bad_values.yaml:4: budget: unknown field; ignored",
    ]


def test_yaml_python_tag_is_refused() -> None:
    records = read_fixture("python_tag.yaml")
    assert records.practices == []
    assert str(records.error) == (
        "records/python_tag.yaml:2: YAML tag !!python/object/apply:os.system is not allowed:"
        " records are plain data (maps, lists, text, numbers, dates); remove the tag"
    )


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    records = read_fixture("alias_bomb.yaml")
    assert time.perf_counter() - started < 2
    assert records.practices == []
    assert "expands to more than 100000 values through aliases" in str(records.error)
    assert str(records.error).startswith("records/alias_bomb.yaml:")


def test_yaml_self_referencing_alias_is_refused() -> None:
    with pytest.raises(SourceError, match="refers to itself"):
        load_yaml("a: &x [1, *x]", name="x.yaml")


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(SourceError) as caught:
        read_yaml_records("title: A\ncountry: [France\nlevels: x\n", name="r.yaml")
    assert caught.value.path == "r.yaml" and caught.value.line is not None
    assert "not valid YAML" in str(caught.value)


@pytest.mark.parametrize("text", ["just text", "42", "- 1\n- 2\n", "[]", "{}", "~"])
def test_yaml_that_is_not_records_never_crashes(text: str) -> None:
    try:
        practices, warnings = read_yaml_records(text, name="r.yaml")
    except SourceError as exc:
        assert str(exc).startswith("r.yaml")
    else:
        assert all(str(w).startswith("r.yaml") for w in warnings)
        assert all(isinstance(p, Practice) for p in practices)


def test_a_table_of_another_kind_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "aliases.yaml").write_text("City Police: [COLP]\nTfL: []\n", encoding="utf-8")
    records = read_source(tmp_path / "aliases.yaml", root=tmp_path)
    assert records.error is None and records.practices == []
    assert records.skipped == (
        "aliases.yaml: not practice records: none of its keys (City Police, TfL, …) is a"
        " practice field"
    )


# ---------------------------------------------------------------- JSON


def test_json_records() -> None:
    records = read_fixture("practices.json")
    assert records.error is None and messages(records) == []
    first, second = records.practices
    assert first.slug == "exit-programme-stockholm"
    assert first.start_date == dt.date(2012, 3, 15)
    assert first.references[0].url == "https://example.org/report"
    assert second.assessments["relevance"].rating == "Very Relevant"


def test_json_syntax_error_names_the_line() -> None:
    records = read_fixture("broken.json")
    assert records.practices == []
    assert str(records.error) == (
        "records/broken.json:3: not valid JSON: Expecting property name enclosed in double quotes"
    )


def test_json_all_records_bad_is_a_file_error() -> None:
    practices, warnings = read_json_records('[{"country": "France"}, 3]', name="r.json")
    assert practices == []
    assert [str(w) for w in warnings] == [
        "r.json: title: record 1 skipped: required field is missing",
        "r.json: record 2 skipped: a record is a mapping of field names to values, found int",
    ]


# ---------------------------------------------------------------- CSV


def test_csv_records() -> None:
    records = read_fixture("practices.csv")
    assert records.error is None
    assert messages(records) == [
        "records/practices.csv:4: row has 13 values but the header has 12 columns; row skipped"
        " (a value with a comma needs quotes)"
    ]
    first, second = records.practices
    assert (
        first.description == "Community Policing is at the heart.\nSecond line of the description."
    )
    assert first.domains == ["Extrémisme violent", "Criminalité organisée"]
    assert first.types == ["Surveillance", "Crime prevention"]
    partnership = first.partnership
    assert partnership is not None and partnership.name == "Safer City Partnership"
    assert [(p.name, p.statutory) for p in partnership.partners] == [
        ("The City of London Police", True),
        ("London Fire Brigade", True),
        ("HM Court Service", False),
    ]
    assert (partnership.statutory_basis.name, partnership.statutory_basis.year) == (
        "Crime and Disorder Act",
        1998,
    )
    assert first.assessments["effectiveness"].rating == "Effective"
    assert first.assessments["effectiveness"].text == "Crime fell."
    assert first.lines["title"] == 2
    # the row after the quoted newline and the bad row starts on line 5
    assert second.slug == "street-mediators-in-lyon"
    assert second.lines["title"] == 5
    assert second.start_date is None and second.partnership is None


def test_csv_unknown_column_and_bad_value() -> None:
    text = "title,budget,start_date,links\nA,10,31/02/2014,https://a.org; https://b.org\n"
    text += "B,,1er mars 2015,\n"
    practices, warnings = read_csv_records(text, name="r.csv")
    practice, other = practices
    assert practice.links == ["https://a.org", "https://b.org"]
    assert practice.start_date is None
    assert other.start_date == dt.date(2015, 3, 1)
    assert [str(w) for w in warnings] == [
        "r.csv:1: budget: unknown column; its values are ignored",
        'r.csv:2: start_date: "31/02/2014" is not a date; write it as in "2014-01-01"'
        " (year-month-day); the field is left out",
    ]


def test_csv_without_rows() -> None:
    with pytest.raises(SourceError, match="no header row"):
        read_csv_records("\n\n", name="r.csv")
    assert read_csv_records("title,country\n", name="r.csv") == ([], [])


# ---------------------------------------------------------------- schema and template


def test_schema_file_is_up_to_date() -> None:
    committed = json.loads((DATA / "practice.schema.json").read_text(encoding="utf-8"))
    assert committed == practice_json_schema(), (
        "data/practice.schema.json is stale: regenerate it from"
        " pgraph.records.practice_json_schema()"
    )


def test_template_is_a_valid_record() -> None:
    text = (DATA / "practice.template.yaml").read_text(encoding="utf-8")
    practices, warnings = read_yaml_records(text, name="practice.template.yaml")
    assert warnings == []
    (practice,) = practices
    assert practice.partnership is not None and practice.assessments["effectiveness"].rating
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    jsonschema.validate(data, practice_json_schema())
