"""Structured practice records: YAML, JSON and CSV files read into ``Practice`` objects.

A file holds one record or a list of them (YAML/JSON; also a mapping with a
``practices`` list), or one record per row (CSV, header = field names). Each
record is validated by the ``Practice`` model; a bad value is left out with a
warning naming the file, line and field, a record that cannot stand (no
title, not a mapping, wrong column count) is skipped with a warning, and the
other records still land. YAML is read with a ``SafeLoader`` that refuses
Python tags and alias bombs.

Example:
    >>> text = "title: Street Watch\\ncountry: France\\n"
    >>> practices, warnings = read_yaml_records(text, name="r.yaml")
    >>> practices[0].slug, practices[0].lines, warnings
    ('street-watch', {'title': 1, 'country': 2}, [])
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from pgraph.errors import SourceError, Warning_
from pgraph.records import CRITERIA, FACET_FIELDS, Practice, link_problem
from pgraph.sources.dates import parse_date
from pgraph.sources.page_fields import reference_from_text
from pgraph.sources.partnerships import act_mention, read_partner
from pgraph.sources.safe_yaml import load_yaml, node_line, yaml_line_of
from pgraph.vocab import slugify

LIST_FIELDS = (*FACET_FIELDS, "links", "not_reported")
_REQUIRED = ("slug", "title")
_LineOf = Callable[[tuple[Any, ...]], int | None]


class NotPracticeRecords(SourceError):  # noqa: N818 - parallel to pages.NotAPracticePage
    """A YAML/JSON file of another kind (an alias table, a config), not practice records."""


# ---------------------------------------------------------------- YAML


def read_yaml_records(text: str, *, name: str) -> tuple[list[Practice], list[Warning_]]:
    """Return the practices of a YAML file (one record, or a list) and warnings."""
    data, node = load_yaml(text, name=name)
    items, node_items = _items(data, node, name)
    practices, warnings = [], []
    for index, (item, item_node) in enumerate(zip(items, node_items, strict=True), start=1):
        line_of = yaml_line_of(item_node)
        lines = {}
        if isinstance(item_node, yaml.MappingNode):
            lines = {
                str(k.value): node_line(k) for k, _ in item_node.value if isinstance(k.value, str)
            }
        practice, problems = practice_from_data(
            item, name=name, index=index, line_of=line_of, lines=lines
        )
        warnings += problems
        if practice is not None:
            practices.append(practice)
    return practices, warnings


def _items(data: Any, node: Any, name: str) -> tuple[list[Any], list[Any]]:
    if isinstance(data, dict) and set(data) == {"practices"}:
        data = data["practices"]
        node = node.value[0][1] if isinstance(node, yaml.MappingNode) else None
    if isinstance(data, list):
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [None] * len(data)
        items = (data, list(nodes))
    elif isinstance(data, dict):
        items = ([data], [node])
    else:
        items = None
    if items is not None:
        keys = {str(k) for item in items[0] if isinstance(item, dict) for k in item}
        if keys and not keys & set(Practice.model_fields):
            # An alias table or another data file beside the records: not ours to read.
            shown = ", ".join(sorted(keys)[:3])
            raise NotPracticeRecords(
                f"not practice records: none of its keys ({shown}, …) is a practice field",
                path=name,
            )
        return items
    raise SourceError(
        f"expected a record (a mapping) or a list of records, found {type(data).__name__}",
        path=name,
        line=1,
    )


# ---------------------------------------------------------------- JSON


def read_json_records(text: str, *, name: str) -> tuple[list[Practice], list[Warning_]]:
    """Return the practices of a JSON file (one object, or an array of them) and warnings.

    Example:
        >>> read_json_records('[{"title": "A"}, {"title": ""}]', name="r.json")[0][0].slug
        'a'
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg}", path=name, line=exc.lineno) from None
    except RecursionError:
        raise SourceError("JSON nested too deeply", path=name) from None
    items, _ = _items(data, None, name)
    practices, warnings = [], []
    for index, item in enumerate(items, start=1):
        practice, problems = practice_from_data(item, name=name, index=index)
        warnings += problems
        if practice is not None:
            practices.append(practice)
    return practices, warnings


# ---------------------------------------------------------------- CSV

_ASSESSMENT_COLUMN = re.compile(
    rf"^(?:(?P<kind>rating|assessment)_(?P<c1>{'|'.join(CRITERIA)})"
    rf"|assessments\.(?P<c2>{'|'.join(CRITERIA)})\.(?P<part>rating|text))$"
)


def read_csv_records(text: str, *, name: str) -> tuple[list[Practice], list[Warning_]]:
    """Return one practice a CSV row (header = field names) and warnings.

    List fields (facets, links, not_reported, references) split on ";";
    ``partners`` is "A*; B" (``*`` = statutory), with optional
    ``partnership_name`` and ``statutory_act`` columns; ``rating_<criterion>``
    and ``assessment_<criterion>`` fill the assessments.

    Example:
        >>> rows = "title,domains,partners,rating_impact\\n"
        >>> rows += "X,Cybercrime; Fraud,Police*; NGO,Positive impact\\n"
        >>> p = read_csv_records(rows, name="r.csv")[0][0]
        >>> p.domains, p.partnership.partners[0].statutory, p.assessments["impact"].rating
        (['Cybercrime', 'Fraud'], True, 'Positive impact')
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    practices: list[Practice] = []
    warnings: list[Warning_] = []
    header: list[str] | None = None
    previous_end = 0
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().removeprefix("\ufeff") for cell in row]
                warnings += _check_header(header, name, start)
                continue
            if len(row) != len(header):
                warnings.append(
                    Warning_(
                        f"row has {len(row)} values but the header has {len(header)} columns;"
                        " row skipped (a value with a comma needs quotes)",
                        path=name,
                        line=start,
                        record_skipped=True,
                    )
                )
                continue
            data = _row_data(header, row)
            lines = {key: start for key in data}
            practice, problems = practice_from_data(
                data,
                name=name,
                index=len(practices) + 1,
                line_of=_at_line(start),
                lines=lines,
                what=f"row at line {start}",
            )
            warnings += problems
            if practice is not None:
                practices.append(practice)
    except csv.Error as exc:
        raise SourceError(f"not valid CSV: {exc}", path=name, line=reader.line_num) from None
    if header is None:
        raise SourceError("the CSV file has no header row", path=name, line=1)
    return practices, warnings


def _at_line(line: int) -> _LineOf:
    # every field of a CSV record is on its row's line
    def line_of(_loc: tuple[Any, ...]) -> int | None:
        return line

    return line_of


def _csv_date(value: str) -> Any:
    # CSV cells are text: accept the page's forms too ("1st January 2014",
    # "01/02/2014" day first); anything else is left for the model to refuse.
    try:
        return parse_date(value) or value
    except ValueError:
        return value


# Fields made of parts: a CSV cell cannot hold them (they come from the
# partners / rating_<criterion> / … columns), and a cell would clash with those.
_STRUCTURED_FIELDS = frozenset({"assessments", "partnership", "lines", "unrecognised_sections"})


def _known_column(column: str) -> bool:
    return (
        (column in Practice.model_fields and column not in _STRUCTURED_FIELDS)
        or column in {"partners", "partnership_name", "partnership.name", "statutory_act"}
        or _ASSESSMENT_COLUMN.match(column) is not None
    )


def _check_header(header: list[str], name: str, line: int) -> list[Warning_]:
    return [
        Warning_("unknown column; its values are ignored", path=name, line=line, field=column)
        for column in header
        if not _known_column(column)
    ]


def _row_data(header: list[str], row: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, raw in zip(header, row, strict=True):
        value = raw.strip()
        if not value or not _known_column(column):
            continue
        parts = [v.strip() for v in value.split(";") if v.strip()]
        partnership = data.setdefault("partnership", {})
        if column == "start_date":
            data[column] = _csv_date(value)
        elif column in LIST_FIELDS:
            data[column] = parts
        elif column == "references":
            data[column] = [reference_from_text(p).model_dump() for p in parts]
        elif column == "partners":
            partnership["partners"] = [p.model_dump() for p in map(read_partner, parts) if p]
        elif column in {"partnership_name", "partnership.name"}:
            partnership["name"] = value
        elif column == "statutory_act":
            act = act_mention(value)
            partnership["statutory_basis"] = act.model_dump() if act else {"name": value}
        elif match := _ASSESSMENT_COLUMN.match(column):
            criterion = match["c1"] or match["c2"]
            part = match["part"] or ("rating" if match["kind"] == "rating" else "text")
            data.setdefault("assessments", {}).setdefault(criterion, {})[part] = value
        else:
            data[column] = value
        if not partnership:
            del data["partnership"]
    return data


# ---------------------------------------------------------------- one record


def practice_from_data(
    data: Any,
    *,
    name: str,
    index: int,
    line_of: _LineOf | None = None,
    lines: dict[str, int] | None = None,
    what: str | None = None,
) -> tuple[Practice | None, list[Warning_]]:
    """Return a validated practice from one record's data (or None) and warnings.

    A missing ``slug`` comes from ``source_url`` or the title. A bad value of
    an optional field is left out with a warning; a record without a usable
    title or slug is skipped with a warning.

    Example:
        >>> data = {"title": "A", "start_date": "2014-02-31"}
        >>> p, w = practice_from_data(data, name="r.json", index=1)
        >>> p.start_date, str(w[0])[:52]
        (None, 'r.json: start_date: "2014-02-31" is not a date; writ')
    """
    what = what or f"record {index}"
    where = line_of or (lambda _loc: None)
    if not isinstance(data, dict):
        return None, [
            Warning_(
                f"{what} skipped: a record is a mapping of field names to values,"
                f" found {type(data).__name__}",
                path=name,
                line=where(()),
                record_skipped=True,
            )
        ]
    data = {str(k): v for k, v in data.items()}
    _fill_defaults(data, name, lines or {})
    warnings: list[Warning_] = []
    for _attempt in range(3):
        try:
            practice = Practice.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
        else:
            if practice.start_date is not None and practice.start_date > dt.date.today():
                warnings.append(Warning_(
                    f'"{practice.start_date.isoformat()}" is a date in the future; kept, check it',
                    path=name, line=where(("start_date",)), field="start_date",
                ))
            return practice, warnings
        fatal = [e for e in errors if not e["loc"] or e["loc"][0] in _REQUIRED]
        if any(e["loc"] == ("title",) for e in fatal):
            # the slug is derived from the title: one message about the title says it all
            fatal = [e for e in fatal if e["loc"] != ("slug",)]
        for error in fatal or errors:
            loc = tuple(error["loc"])
            message = _message(error)
            if fatal:
                message = f"{what} skipped: {message}"
            elif error["type"] != "extra_forbidden":
                message += f"; the {_part_left_out(data, loc)} is left out"
            field = ".".join(str(p) for p in loc) or None
            warnings.append(Warning_(message, path=name, line=where(loc), field=field,
                                     record_skipped=bool(fatal)))
        if fatal:
            return None, warnings
        if any(tuple(e["loc"]) == ("start_date",) for e in errors) and data.get("start_date"):
            data["start_date_as_written"] = str(data["start_date"])
        _leave_out(data, [tuple(error["loc"]) for error in errors])
    return None, warnings  # pragma: no cover - each round removes at least one field


_ITEM_KEYS_REQUIRED = {"text", "name", "heading"}


def _part_left_out(data: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """Return what a bad value's removal takes out: "field", "value" (one list item) or "part"."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data.get(str(loc[0])), list):
        item = data[str(loc[0])][loc[1]] if loc[1] < len(data[str(loc[0])]) else None
        if len(loc) >= 3 and isinstance(item, dict) and loc[2] not in _ITEM_KEYS_REQUIRED:
            return "part"
        return "value"
    return "field"


def _leave_out(data: dict[str, Any], locs: list[tuple[Any, ...]]) -> None:
    """Remove what each bad ``loc`` points at: one list item (or part of it), else the field.

    A bad link among good ones loses only itself; a reference with a bad URL
    keeps its text.
    """
    items: dict[str, set[int]] = {}
    for loc in locs:
        key = str(loc[0]) if loc else ""
        part = _part_left_out(data, loc) if loc else "field"
        if part == "part":
            data[key][loc[1]].pop(loc[2], None)
        elif part == "value":
            items.setdefault(key, set()).add(loc[1])
        else:
            data.pop(key, None)
    for key, indexes in items.items():
        if isinstance(data.get(key), list):
            data[key] = [v for i, v in enumerate(data[key]) if i not in indexes]


def _fill_defaults(data: dict[str, Any], name: str, lines: dict[str, int]) -> None:
    title = data.get("title")
    if not data.get("slug") and isinstance(title, str) and title.strip():
        url = data.get("source_url")
        last = ""
        if isinstance(url, str) and link_problem(url.strip()) is None:
            last = urlsplit(url.strip()).path.rstrip("/").rsplit("/", 1)[-1]
        # A title no slug can spell (Cyrillic, Greek) stays the key: the IRI minting digests it.
        data["slug"] = last or slugify(title) or title.strip()
    data.setdefault("source_file", name)
    if "lines" not in data and lines:
        data["lines"] = {k: v for k, v in lines.items() if k in Practice.model_fields}


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field; ignored"
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"].startswith("date_") and isinstance(error.get("input"), str):
        return f'"{error["input"]}" is not a date; write it as in "2014-01-01" (year-month-day)'
    shown = repr(error.get("input"))
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{error['msg'].removeprefix('Value error, ')} (got {shown})"
