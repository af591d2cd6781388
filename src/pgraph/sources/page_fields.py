"""Field values of a catalogue page: dates, facets, references, links, partnership, language.

These read the text under one heading; ``pages.read_page`` decides which
heading is which.

Example:
    >>> facet_values(["Local", "n/a", "local", "Regional"])
    ['Local', 'Regional']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
from rdflib import SKOS, Literal, URIRef

from pgraph.records import (
    CRITERIA,
    FACET_FIELDS,
    PROSE_FIELDS,
    Partnership,
    Reference,
    link_problem,
)
from pgraph.sources.dates import EXAMPLE_DATE, find_date, parse_date
from pgraph.sources.page_lines import PageLine, label_value
from pgraph.sources.partnerships import read_partnership
from pgraph.vocab import Field, fold, vocabularies

CONTENT_LANGUAGES = (
    "en",
    "fr",
    "de",
    "es",
    "it",
    "nl",
    "pt",
    "pl",
    "bg",
    "ro",
    "sv",
    "da",
    "fi",
    "el",
    "cs",
    "hu",
)
"""Languages the content-language detector chooses among (the catalogue's EU languages)."""

NON_PRACTICE_SCHEME = URIRef("https://w3id.org/pgraph/vocab/non-practice-marker")

_URL = re.compile(r"https?://[^\s<>\"'\]]+", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]{1,20}):", re.IGNORECASE)
_MIN_TEXT_FOR_LANGUAGE = 20
_LANGUAGE_SAMPLE = 1_000
"""Characters of prose the content language is decided on: the classifier's cost grows with them.

On the 10,000 synthetic pages (English), and on 566 texts of 6,000 characters in the 15
other content languages (the system's gettext translations), the first 1,000 give the
whole text's language every time (500 did not, twice).
"""
_BROKEN_BY_A_SPACE = re.compile(r"^ [^\s(\[]*[./][^\s]*$")


def start_date(value: str, label: str) -> tuple[dt.date | None, str | None]:
    """Return the start date a header value writes, or None and a message saying why not.

    Example:
        >>> start_date("31st February 2014", "Date de début")[1]
        '"Date de début" is "31st February 2014", not a date; write it as in "1st January 2014"'
    """
    try:
        date = parse_date(value)
    except ValueError:
        date = None
    if date is None:
        return None, f'"{label}" is "{value}", not a date; write it as in "{EXAMPLE_DATE}"'
    if date > dt.date.today():
        return date, f'"{label}" is "{value}", a date in the future; kept, check it'
    return date, None


def facet_values(values: Sequence[str]) -> list[str]:
    """Return a facet's values as written, without "n/a" and repeats (compared folded)."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        value = value.strip().rstrip(",;")
        if value and not vocabularies().is_not_reported(value) and fold(value) not in seen:
            seen.add(fold(value))
            out.append(value)
    return out


def references(body: Iterable[PageLine]) -> list[Reference]:
    """Return one reference a non-empty line: its text, first http(s) URL and date.

    Example:
        >>> from pgraph.sources.page_lines import split_page
        >>> r = references(split_page("City police. January 29, 2014. https://x.uk/a.aspx."))[0]
        >>> r.date, r.url
        (datetime.date(2014, 1, 29), 'https://x.uk/a.aspx')
    """
    texts = (line.value.strip() for line in body)
    return [reference_from_text(t) for t in texts if t and not vocabularies().is_not_reported(t)]


def reference_from_text(text: str) -> Reference:
    """Return a reference whose date and URL are the first ones ``text`` gives.

    Example:
        >>> reference_from_text("Report, 29 janvier 2014").date
        datetime.date(2014, 1, 29)
    """
    urls = _urls(text)
    return Reference(
        text=text, author=_author(text), date=find_date(text), url=urls[0] if urls else None
    )


def _author(text: str) -> str | None:
    """Return the citation's first sentence if it reads as an author ("City of London police.")."""
    first, dot, rest = text.partition(". ")
    if not dot or not rest or "://" in first or any(ch.isdigit() for ch in first):
        return None
    return first.strip() if 0 < len(first.split()) <= 8 else None


def links(body: Iterable[PageLine]) -> tuple[list[str], list[tuple[int, str]]]:
    """Return the http(s) URLs of the links section and (line, message) for lines dropped.

    Example:
        >>> from pgraph.sources.page_lines import split_page
        >>> found, dropped = links(split_page("https://a.org/x\\njavascript:alert(1)"))
        >>> found, dropped[0][0], dropped[0][1][:30]
        (['https://a.org/x'], 2, 'link "javascript:alert(1)" dro')
    """
    found: list[str] = []
    problems: list[tuple[int, str]] = []
    for line in body:
        text = line.value.strip()
        if not text or vocabularies().is_not_reported(text):
            continue
        urls = _urls(text, valid_only=False)
        if len(urls) == 1 and _BROKEN_BY_A_SPACE.match(text[len(urls[0]):]) and text.startswith(
            urls[0]
        ):
            # "https://exa mple.org/x": keeping "https://exa" would link somewhere else.
            problems.append((line.number, f'link "{text}" dropped: it has a space in it'))
            continue
        for url in urls:
            problem = link_problem(url)
            if problem:
                problems.append((line.number, f'link "{url}" dropped: {problem}'))
            elif url not in found:
                found.append(url)
        if urls:
            continue
        scheme = _SCHEME.match(text)
        if scheme and scheme[1].lower() in ("http", "https"):
            problems.append((line.number, f'link "{text}" dropped: it has no host name'))
        elif scheme:
            problems.append((line.number, f'link "{text}" dropped: only http(s) links are kept'))
        else:
            problems.append((line.number, f'"{text}" is not a link; dropped'))
    return found, problems


def _urls(text: str, *, valid_only: bool = True) -> list[str]:
    # A URL that is not a valid IRI ("https://x.org/{id}") would break the
    # graph: references keep their text without it; links say they dropped it.
    urls = [m.group(0).rstrip(".,;:)") for m in _URL.finditer(text)]
    return [u for u in urls if link_problem(u) is None] if valid_only else urls


def partnership(body: Sequence[PageLine]) -> Partnership | None:
    """Return the partnership of the cooperation section: bullets are partners."""
    prose = [line.value for line in body if not line.bullet]
    partners = [line.value for line in body if line.bullet]
    return read_partnership(prose, partners)


def line_key(found: Field) -> str:
    """Return the ``Practice.lines`` key of a field (``assessments.impact.rating`` …)."""
    if found.kind == "rating":
        return f"assessments.{found.key}.rating"
    if found.kind == "assessment":
        return f"assessments.{found.key}.text"
    return found.key


def not_reported_key(found: Field) -> str:
    """Return the ``Practice.not_reported`` key of a field ("rating:impact", "costs", …)."""
    if found.kind in {"rating", "assessment"}:
        return f"{found.kind}:{found.key}"
    return found.key


def non_practice_markers(lines: Iterable[PageLine]) -> list[tuple[str, int]]:
    """Return (label, line) of lines such as "Language: English" that mark a non-practice page."""
    labels = _non_practice_labels()
    found = []
    for line in lines:
        pair = label_value(line.value)
        if pair and fold(pair[0]) in labels:
            found.append((pair[0], line.number))
    return found


@cache
def _non_practice_labels() -> frozenset[str]:
    graph = vocabularies().graph
    return frozenset(
        fold(str(label))
        for concept in graph.subjects(SKOS.inScheme, NON_PRACTICE_SCHEME)
        for prop in (SKOS.prefLabel, SKOS.altLabel)
        for label in graph.objects(concept, prop)
        if isinstance(label, Literal)
    )


def _page_order(kind: str, key: str) -> int:
    # Where a field sits on a catalogue page, to tell "cut off" from "lacks".
    # All qualitative blocks share one rank: their order varies between pages.
    prose = [*PROSE_FIELDS, "references", "links"]
    if kind == "meta":
        return 0
    if kind == "prose":
        return 1 + (prose.index(key) if key in prose else len(prose))
    if kind == "facet":
        return 20 + (FACET_FIELDS.index(key) if key in FACET_FIELDS else len(FACET_FIELDS))
    if kind == "rating":
        return 30 + (CRITERIA.index(key) if key in CRITERIA else len(CRITERIA))
    return 40


def missing_message(seen: set[tuple[str, str]], language: str | None) -> str | None:
    """Return one message listing the expected fields a page lacks, or None.

    "page ends early: …" when everything missing would come after the last
    field found; "missing sections: …" otherwise. Expected fields are those
    of the label table.

    Example:
        >>> missing_message({("meta", "start_date")}, "en")[:60]
        'page ends early: no Description, no Objectives, no Sustainab'
    """
    vocab = vocabularies()
    expected = _expected_fields()
    missing = sorted(expected - seen, key=lambda f: (_page_order(*f), f[1]))
    if not missing:
        return None
    parts: list[str] = []
    for kind, group in (("rating", "ratings"), ("assessment", "qualitative assessments")):
        whole = {f for f in expected if f[0] == kind}
        if whole <= set(missing):
            parts.append(f"no {group}")
            missing = [f for f in missing if f[0] != kind]
    names = [f"no {_label(vocab.field(kind, key), language)}" for kind, key in missing]
    listed = ", ".join([*names, *parts])
    last_found = max((_page_order(*f) for f in seen), default=-1)
    first_missing = min(_page_order(*f) for f in expected - seen)
    ends_early = first_missing >= last_found and first_missing > 0
    return f"page ends early: {listed}" if ends_early else f"missing sections: {listed}"


@cache
def _expected_fields() -> frozenset[tuple[str, str]]:
    graph = vocabularies().graph
    return frozenset(
        (kind, str(graph.value(c, _FIELD_KEY)))
        for kind in ("meta", "prose", "facet", "rating", "assessment")
        for c in graph.subjects(_FIELD_KIND, Literal(kind))
    )


_FIELD_KEY = URIRef("https://w3id.org/pgraph/ontology#fieldKey")
_FIELD_KIND = URIRef("https://w3id.org/pgraph/ontology#fieldKind")


@cache
def _label(found: Field, language: str | None) -> str:
    labels = [
        x
        for x in vocabularies().graph.objects(found.concept, SKOS.prefLabel)
        if isinstance(x, Literal)
    ]
    for wanted in (language, "en"):
        for label in labels:
            if label.language == wanted:
                return str(label)
    return found.key


_LANGID_PROBE = "La police du quartier travaille avec les habitants. The police work with them."
"""A text on which the fast feature counts must equal py3langid's own, or py3langid's are used."""
_LANGID_MODEL_DEPTH = 6
"""The longest byte sequence a state of that model's automaton stands for."""


@cache
def _identifier() -> Any:
    """Return py3langid's classifier, with its scores taken by numpy when they agree.

    py3langid's public API (``classify``) walks its automaton in Python, byte
    by byte: half the time of reading a page. It has no public way to count
    features faster, so ``FastIdentifier`` reads the model tables the
    classifier keeps (``tk_nextmove``, ``_rowbase``, ``tk_output``, ``nb_ptc``,
    ``nb_pc``) and overrides ``_raw_score``. Whatever the installed version, it
    is used only if those exist and its scores equal py3langid's own, bit for
    bit, on a probe text; otherwise the public classifier is.
    """
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from pgraph.sources.language_model import language_model

    class FastIdentifier(LanguageIdentifier):
        """py3langid's classifier, with its feature counts and scores taken by numpy."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tables = (
                np.asarray(self.tk_nextmove),
                np.asarray(self._rowbase, dtype=np.intp),
                np.asarray(self.tk_output, dtype=np.intp),
            )

        def _raw_score(self, text: bytes) -> Any:
            features, counts = _feature_counts(self.tables, text)
            if not len(features):  # no feature: py3langid's own answer
                return super()._raw_score(text)
            # py3langid's _sparse_score, on the same features in the same order.
            return np.log1p(counts.astype(np.float32)) @ self.nb_ptc[features] + self.nb_pc

    try:
        # py3langid's from_model_file, with the model from the uncompressed copy.
        ptc, pc, classes, nextmove, row, output = language_model()
        identifier = FastIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output,
                                    norm_probs=True, tk_row=row)
        probe = _LANGID_PROBE.encode()
        agrees = np.array_equal(
            identifier._raw_score(probe), LanguageIdentifier._raw_score(identifier, probe)
        )
    except (AttributeError, TypeError, ValueError, IndexError):
        agrees = False
    if not agrees:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CONTENT_LANGUAGES))
    return identifier


def _feature_counts(tables: tuple[Any, Any, Any], text: bytes) -> tuple[Any, Any]:
    """Return the features and their counts, in order of first occurrence, as ``visit_counts``.

    py3langid walks its automaton (an Aho-Corasick one) byte by byte in
    Python. The state after a byte depends only on the last
    ``_LANGID_MODEL_DEPTH`` bytes (checked for every state and byte of the
    model), so it is also the walk from the start state over those bytes:
    numpy takes that walk for every byte of the text at once.

    Example:
        >>> from py3langid.langid import visit_counts
        >>> tables, text = _identifier().tables, "La police du quartier.".encode()
        >>> features, counts = _feature_counts(tables, text)
        >>> dict(zip(features.tolist(), counts.tolist())) == visit_counts(*tables, text)
        True
        >>> list(features) == list(visit_counts(*tables, text))
        True
    """
    nextmove, rowbase, output = tables
    data = np.frombuffer(text, dtype=np.uint8)
    states = np.zeros(len(data), dtype=np.intp)  # one walk per byte, ending at that byte
    for back in reversed(range(min(_LANGID_MODEL_DEPTH, len(data)))):
        # Each walk takes the byte ``back`` places before its end (walks near
        # the start of the text have fewer bytes: they wait at the start state).
        states[back:] = nextmove[rowbase[states[back:]] + data[: len(data) - back]]
    features = output[states]
    features = features[features >= 0]
    unique, first, counts = np.unique(features, return_index=True, return_counts=True)
    order = np.argsort(first)
    return unique[order], counts[order]


def preload_language_model() -> None:
    """Load the language classifier now (it loads on first use otherwise; ~0.3 s)."""
    _identifier()


def content_language(values: dict[str, Any]) -> str | None:
    """Return the BCP 47 tag of the language the page's prose is written in, or None if too short.

    Example:
        >>> content_language({"description": "La police travaille avec les habitants du quartier."})
        'fr'
    """
    texts = [values.get(key) for key in PROSE_FIELDS]
    texts += [a.text for a in values.get("assessments", {}).values() if a.text]
    text = "\n".join(t for t in texts if isinstance(t, str))
    if len(text.strip()) < _MIN_TEXT_FOR_LANGUAGE:
        return None
    # The classifier's cost grows with the text: a sample of the prose decides as well.
    language, _ = _identifier().classify(text[:_LANGUAGE_SAMPLE])
    return str(language)
