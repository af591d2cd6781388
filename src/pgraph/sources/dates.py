"""Dates as the catalogue writes them, in English or French words or ISO form.

Month names come from ``ontology/vocabularies/months.ttl`` (data, so adding a
language is adding labels). Numeric forms are day first ("01/02/2014" is
1 February) unless the year comes first ("2014/02/01"); a form without a day,
month and year ("2014", "01/02/14") is not a date.

Example:
    >>> parse_date("1er janvier 2014"), parse_date("1st January 2014")
    (datetime.date(2014, 1, 1), datetime.date(2014, 1, 1))
    >>> find_date("City of London police. January 29, 2014. https://x.uk/a.")
    datetime.date(2014, 1, 29)
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from rdflib import SKOS, Literal, URIRef

from pgraph.vocab import fold, vocabularies

MONTH_SCHEME = URIRef("https://w3id.org/pgraph/vocab/month")

EXAMPLE_DATE = "1st January 2014"
"""How a start date is written on the seed page: what hints show."""

_NUMERIC = re.compile(r"(\d{1,4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,4})")
_ORDINAL = r"(?:st|nd|rd|th|er|re|e|eme|ème)?"


@cache
def month_numbers() -> dict[str, int]:
    """Return every month label of the month table, folded and without a final ".", → 1..12."""
    graph = vocabularies().graph
    months: dict[str, int] = {}
    for concept in graph.subjects(SKOS.inScheme, MONTH_SCHEME):
        number = int(str(graph.value(concept, SKOS.notation)))
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(concept, prop):
                if isinstance(label, Literal):
                    months[fold(str(label)).rstrip(".")] = number
    return months


@cache
def _patterns() -> list[re.Pattern[str]]:
    # Longest names first so that "sept" is not read as "sep" + "t".
    names = "|".join(re.escape(m) for m in sorted(month_numbers(), key=len, reverse=True))
    month = rf"(?P<month>{names})\.?"
    day = rf"(?P<day>\d{{1,2}}){_ORDINAL}"
    year = r"(?P<year>\d{4})"
    return [
        re.compile(r"(?<![\w-])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\w-])"),
        re.compile(rf"(?<!\w){day}\s+(?:of\s+|de\s+)?{month}\s*,?\s+{year}(?!\d)"),
        re.compile(rf"(?<!\w){month}\s+{day}\s*,?\s+{year}(?!\d)"),
    ]


def _search(text: str) -> re.Match[str] | None:
    folded = fold(text)
    found = [m for p in _patterns() if (m := p.search(folded))]
    return min(found, key=lambda m: m.start()) if found else None


def _date_of(match: re.Match[str]) -> dt.date:
    month = match["month"]
    number = int(month) if month.isdigit() else month_numbers()[month]
    return dt.date(int(match["year"]), number, int(match["day"]))


def parse_date(text: str) -> dt.date | None:
    """Return the date ``text`` writes, None when it writes none; raise ValueError if impossible.

    Example:
        >>> parse_date("29 January 2014"), parse_date("2014-01-29"), parse_date("soon")
        (datetime.date(2014, 1, 29), datetime.date(2014, 1, 29), None)
        >>> parse_date("31st February 2014")
        Traceback (most recent call last):
        ...
        ValueError: day is out of range for month
    """
    match = _search(text)
    if match is not None:
        return _date_of(match)
    numbers = _NUMERIC.fullmatch(text.strip())
    if numbers is None:
        return None
    first, month, last = numbers.groups()
    # Day first, as everywhere the catalogue is written; a leading year means year-month-day.
    # (python-dateutil filled a missing day or month from today: "2014" became 25 November.)
    if len(first) == 4 and len(last) <= 2:
        return dt.date(int(first), int(month), int(last))
    if len(last) == 4 and len(first) <= 2:
        return dt.date(int(last), int(month), int(first))
    return None


def find_date(text: str) -> dt.date | None:
    """Return the first well-formed date written in words or ISO form inside ``text``, or None.

    Example:
        >>> find_date("Home Office (29 janvier 2014), p. 3")
        datetime.date(2014, 1, 29)
    """
    folded = fold(text)
    for pattern in _patterns():
        for match in pattern.finditer(folded):
            try:
                return _date_of(match)
            except ValueError:
                continue
    return None
