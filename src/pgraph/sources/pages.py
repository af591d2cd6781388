"""Catalogue practice pages (plain text as scraped) read into ``Practice`` records.

A page is: the site's chrome line, the title, bullets with the country and
the start date, prose sections under headings, facet blocks (heading, then
bullet values), six rating blocks and six qualitative blocks. Which heading
means which field comes only from the label table (``ontology/vocabularies``),
in any interface language it has labels for.

Choices for messy pages: a section that comes twice keeps its first copy (the
second is reported); unknown headings are kept verbatim in
``unrecognised_sections``; a page cut off part-way keeps what it has, with one
warning listing what is missing.

Example:
    >>> from pgraph.resources import data_dir
    >>> path = data_dir() / "pages" / "000_370808593d96a53c.txt"
    >>> practice, warnings = read_page(path.read_text(encoding="utf-8"), name="seed.txt")
    >>> practice.title, practice.start_date, practice.assessments["impact"].rating, warnings
    ('Z Community Policing in the UK', datetime.date(2014, 1, 1), 'Positive impact', [])
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from pgraph.errors import SourceError, Warning_
from pgraph.records import Assessment, Practice, Section, link_problem
from pgraph.sources import page_fields as fields
from pgraph.sources.page_lines import (
    PageLine,
    PageSection,
    cut_sections,
    is_chrome,
    known_heading,
    label_value,
    section_text,
    split_page,
)
from pgraph.vocab import fold, slugify, vocabularies

MAX_LIST_VALUES = 500
"""Most values kept from one list section (facet values, partners, references, links)."""
TITLE_HINT = "the title is the first line after the site chrome, before the country bullet"


class NotAPracticePage(SourceError):  # noqa: N818 - the name the build stage expects
    """The page is one of the site's other pages (resource list, article, author archive)."""


class _PageReader:
    """State of reading one page: the record's fields, warnings, headings seen."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[str, Any] = {}
        self.assessments: dict[str, dict[str, str]] = {}
        self.not_reported: list[str] = []
        self.lines: dict[str, int] = {}
        self.unrecognised: list[Section] = []
        self.warnings: list[Warning_] = []
        self.labels: list[str] = []  # headings as matched, for the interface language
        self.seen: dict[tuple[str, str], int] = {}  # (kind, key) -> line of first copy

    def warn(self, message: str, line: int | None = None, field: str | None = None) -> None:
        self.warnings.append(Warning_(message, path=self.name, line=line, field=field))

    def not_reported_as(self, key: str) -> None:
        if key not in self.not_reported:
            self.not_reported.append(key)


def read_page(
    text: str, *, name: str, source_url: str | None = None
) -> tuple[Practice | None, list[Warning_]]:
    """Return the practice a catalogue page describes and the warnings about its content.

    Raises ``NotAPracticePage`` for the site's other pages and ``SourceError``
    for a practice page without a title. Anything else odd is a warning.

    Example:
        >>> page = "Curricula - Knowledge - Navigation\\n\\nStreet Watch\\n • France\\n"
        >>> page += "Objectives\\n\\nSafer streets.\\n"
        >>> p, w = read_page(page, name="p.txt")
        >>> p.title, p.country, p.objectives, p.interface_language
        ('Street Watch', 'France', 'Safer streets.', 'en')
        >>> str(w[0])[:60]
        'p.txt: missing sections: no Start date, no Description, no S'
    """
    return read_page_lines(split_page(text), name=name, source_url=source_url)


def read_page_lines(
    lines: list[PageLine], *, name: str, source_url: str | None = None
) -> tuple[Practice | None, list[Warning_]]:
    """Return the practice that a page's lines describe, as ``read_page`` does for its text.

    The lines may come from another rendering of the page (an HTML page's
    blocks, ``html_pages``): their numbers are whatever the messages should cite.

    Example:
        >>> lines = split_page("Street Watch\\n • France\\nObjectives\\n\\nSafer streets.\\n")
        >>> read_page_lines(lines, name="p.html")[0].objectives
        'Safer streets.'
    """
    start = next((i for i, x in enumerate(lines) if not x.blank and not is_chrome(x)), None)
    if start is None:
        raise SourceError("the page has no text", path=name, field="title", hint=TITLE_HINT)
    reader = _PageReader(name)
    first = lines[start]
    has_title = not first.bullet and known_heading(first) is None and not _labelled(first)
    sections = cut_sections(lines, start + 1 if has_title else start)
    _check_is_practice(lines, sections, name)
    if not has_title:
        raise SourceError(
            f'no title: the first line of text is "{first.text}"',
            path=name,
            line=first.number,
            field="title",
            hint=TITLE_HINT,
        )
    reader.values["title"] = first.text
    reader.lines["title"] = first.number
    _read_header(reader, sections[0])
    for section in sections[1:]:
        _read_section(reader, section)
    interface_language = _interface_language(reader.labels)
    _warn_missing(reader, lines, interface_language)
    return _practice(reader, first.text, source_url, interface_language), reader.warnings


def _labelled(line: PageLine) -> bool:
    # "Date de début: …" is a header value, not a title; "Prevent: Engaging
    # Communities" is a title with a colon.
    pair = label_value(line.text)
    return pair is not None and vocabularies().field_for_heading(pair[0]) is not None


def _check_is_practice(lines: list[PageLine], sections: list[PageSection], name: str) -> None:
    markers = fields.non_practice_markers(lines)
    kinds = {s.field.kind for s in sections if s.field is not None and s.field.key != "description"}
    structure = kinds & {"prose", "facet", "rating", "assessment"}
    if structure and not (markers and not kinds & {"facet", "rating"}):
        return
    found = ", ".join(f'"{label}:"' for label, _ in markers[:3])
    because = f"it has {found} lines and " if markers else "it has "
    raise NotAPracticePage(
        f"not a practice page: {because}no practice sections, facets or ratings"
        " (a resource list, project summary, article or author archive of the site)",
        path=name,
        line=markers[0][1] if markers else None,
    )


def _read_header(reader: _PageReader, header: PageSection) -> None:
    # The bullets under the title: the country (no "label:") and labelled
    # values such as "Date de début: 1st January 2014".
    for line in header.body:
        if line.blank:
            continue
        pair = label_value(line.value)
        found = vocabularies().field_for_heading(pair[0]) if pair else None
        if pair and found is not None and found.kind == "meta":
            reader.labels.append(pair[0])
            _read_meta(reader, found.key, pair[1], line.number, pair[0])
        elif pair is None and line.bullet and "country" not in reader.values:
            if vocabularies().is_not_reported(line.value):
                reader.not_reported_as("country")
            else:
                reader.values["country"] = line.value
            reader.lines["country"] = line.number
        else:
            heading = pair[0] if pair else "(before the first section)"
            reader.unrecognised.append(
                Section(heading=heading, text=pair[1] if pair else line.text)
            )
            reader.warn("text before the first section kept as unrecognised", line.number, heading)


def _read_meta(reader: _PageReader, key: str, value: str, line: int, label: str) -> None:
    if key != "start_date":
        return
    if ("meta", key) in reader.seen:
        first = reader.seen[("meta", key)]
        reader.warn(f'"{label}" given again (first at line {first}); the first is kept', line, key)
        return
    reader.seen[("meta", key)] = line
    reader.lines[key] = line
    if vocabularies().is_not_reported(value):
        reader.not_reported_as(key)
        return
    date, problem = fields.start_date(value, label)
    if problem:
        reader.warn(problem, line, key)
    reader.values[key] = date
    if date is None:
        reader.values["start_date_as_written"] = value


def _read_section(reader: _PageReader, section: PageSection) -> None:
    found = section.field
    text = section_text(section.body)
    if found is None:
        reader.unrecognised.append(Section(heading=section.heading, text=text))
        reader.warn(
            f'unknown heading "{section.heading}": section kept as unrecognised text',
            section.line,
            section.heading,
        )
        return
    reader.labels.append(section.label)
    values = [line.value for line in section.body if not line.blank]
    if found.kind == "meta":
        if values:
            _read_meta(reader, found.key, values[0], section.line, section.heading)
        return
    where = (found.kind, found.key)
    if where in reader.seen:
        reader.warn(
            f'section "{section.heading}" appears again (first at line {reader.seen[where]});'
            " the first copy is kept",
            section.line,
            found.key,
        )
        return
    reader.seen[where] = section.line
    line_key = fields.line_key(found)
    reader.lines[line_key] = section.line
    if not values:
        reader.warn(f'section "{section.heading}" is empty', section.line, found.key)
        return
    if all(vocabularies().is_not_reported(v) for v in values):
        reader.not_reported_as(fields.not_reported_key(found))
        return
    if found.kind == "facet":
        reader.values[found.key] = fields.facet_values(_capped(reader, section, values, "values"))
    elif found.kind == "rating":
        if len(values) > 1:
            reader.warn(
                f'"{section.heading}" has {len(values)} values; the first, "{values[0]}", is kept',
                section.line,
                found.key,
            )
        reader.assessments.setdefault(found.key, {})["rating"] = values[0]
    elif found.kind == "assessment":
        reader.assessments.setdefault(found.key, {})["text"] = text
    else:
        _read_prose(reader, section, text)


def _read_prose(reader: _PageReader, section: PageSection, text: str) -> None:
    assert section.field is not None
    key = section.field.key
    body = [line for line in section.body if not line.blank]
    if key == "references":
        reader.values[key] = fields.references(_capped(reader, section, body, "references"))
    elif key == "links":
        links, problems = fields.links(_capped(reader, section, body, "links"))
        reader.values[key] = links
        for line, problem in problems:
            reader.warn(problem, line, key)
    else:
        reader.values[key] = text
        if key == "partnerships":
            partners = [line for line in body if line.bullet]
            kept = _capped(reader, section, partners, "partners")
            kept_ids = {id(x) for x in kept}
            partnership = fields.partnership([x for x in body if not x.bullet or id(x) in kept_ids])
            if partnership is not None:
                reader.values["partnership"] = partnership
                reader.lines["partnership"] = section.line


def _capped(reader: _PageReader, section: PageSection, items: list, what: str) -> list:
    # A section listing thousands of values is a broken page, not a practice:
    # keep a generous share, say so, and keep the graph and the build small.
    if len(items) <= MAX_LIST_VALUES:
        return items
    assert section.field is not None
    reader.warn(
        f'"{section.heading}" lists {len(items)} {what}; only the first {MAX_LIST_VALUES} are kept',
        section.line,
        section.field.key,
    )
    return items[:MAX_LIST_VALUES]


def _warn_missing(reader: _PageReader, lines: list[PageLine], language: str | None) -> None:
    message = fields.missing_message(set(reader.seen), language)
    if message:
        ends_early = message.startswith("page ends early")
        last = next((x.number for x in reversed(lines) if not x.blank), None)
        reader.warn(message, last if ends_early else None)


def _practice(
    reader: _PageReader, title: str, source_url: str | None, interface_language: str | None
) -> Practice:
    values = reader.values
    problem = link_problem(source_url) if source_url else None
    if problem:
        reader.warn(f'the catalogue URL "{source_url}" given for this page in sources.yaml is'
                    f" {problem}; left out", field="source_url")
        source_url = None
    values["assessments"] = {k: Assessment(**v) for k, v in reader.assessments.items()}
    values["slug"] = _slug(title, source_url, reader.name)
    values["source_url"] = source_url
    values["source_file"] = reader.name
    values["language"] = fields.content_language(values)
    values["interface_language"] = interface_language
    values["unrecognised_sections"] = reader.unrecognised
    values["not_reported"] = reader.not_reported
    values["lines"] = reader.lines
    try:
        return Practice(**values)
    except ValidationError as exc:  # a reader bug, or a value the model refuses
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise SourceError(
            error["msg"], path=reader.name, line=reader.lines.get(where), field=where
        ) from None


def _slug(title: str, source_url: str | None, name: str) -> str:
    if source_url:
        last = urlsplit(source_url).path.rstrip("/").rsplit("/", 1)[-1]
        if last:
            return last
    # A title in a script slugify cannot spell (Cyrillic, Greek) falls back to the file name.
    return slugify(title) or slugify(name.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "practice"


def _interface_language(labels: list[str]) -> str | None:
    # Labels shared by languages ("Description", "Types") do not vote; when only
    # shared labels matched, a language they all have and no other decides.
    index = vocabularies().interface_languages
    sets = [index.get(fold(label), set()) for label in labels]
    votes = Counter(next(iter(s)) for s in sets if len(s) == 1)
    if votes:
        ranked = votes.most_common()
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return ranked[0][0]
        return None
    common = set.intersection(*sets) if sets else set()
    return next(iter(common)) if len(common) == 1 else None
