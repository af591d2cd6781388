"""The typed practice record: what every reader produces and the mapping consumes.

A record keeps the page's words (facet values, ratings, partner names) as
written; resolving them to concepts, countries and Acts is the mapping's job.
``lines`` says where each field came from, so that errors can name the line.

Structured records (YAML, JSON, CSV) are validated against this model; its
JSON Schema is ``practice_json_schema()`` (written to
``data/practice.schema.json``).

Example:
    >>> p = Practice(slug="x", title="Street Watch", country="France", domains=["Cybercrime"])
    >>> p.title, p.domains
    ('Street Watch', ['Cybercrime'])
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

CRITERIA = ("relevance", "impact", "effectiveness", "efficiency", "inclusiveness", "sustainability")
"""Criterion keys, in the order the catalogue shows them (the keys of ``Practice.assessments``)."""

PROSE_FIELDS = (
    "description",
    "objectives",
    "sustainability",
    "transferability",
    "evidence",
    "partnerships",
    "cost_description",
)
"""Prose sections kept as language-tagged text."""

FACET_FIELDS = (
    "timeline",
    "levels",
    "domains",
    "target_audiences",
    "types",
    "intervention_points",
    "costs",
)
"""Facets: lists of values, each resolved to a concept of the facet's scheme."""


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
REFUSED_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem"})
"""Link schemes never stored: they run code or read local files when followed."""
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def link_problem(value: str) -> str | None:
    """Return why ``value`` cannot be a link of a record, or None.

    Links become IRIs in the graph and ``href``s on the site: a link must be
    an absolute IRI an RDF store accepts, with a host when it is http(s), and
    never a scheme that runs or reads something (``javascript:``, ``file:``…).
    Which schemes are *useful* (http and https) is the SHACL shapes' business.

    Example:
        >>> link_problem("https://example.org/a"), link_problem("javascript:alert(1)")
        (None, 'a javascript: link is refused (it would run or read something)')
        >>> link_problem("https://example.org/{x}")
        "not a valid IRI: Invalid IRI code point '{'"
    """
    scheme = _SCHEME.match(value)
    if scheme is None:
        return "not a link: it does not start with a scheme such as https:"
    if scheme[1].lower() in REFUSED_SCHEMES:
        return f"a {scheme[1].lower()}: link is refused (it would run or read something)"
    try:
        ox.NamedNode(value)
        host = urlsplit(value).hostname
    except ValueError as error:
        return f"not a valid IRI: {error}"
    if scheme[1].lower() in ("http", "https") and not host:
        return "an http(s) link needs a host name"
    return None


def language_tag_problem(value: str) -> str | None:
    """Return why ``value`` is not a BCP 47 language tag (as RDF stores check it), or None.

    Example:
        >>> language_tag_problem("en-GB"), language_tag_problem("not a tag!")
        (None, 'not a BCP 47 language tag')
    """
    if not _LANGUAGE_TAG.match(value):
        return "not a BCP 47 language tag"
    try:
        ox.Literal("", language=value)
    except ValueError as error:
        return f"not a BCP 47 language tag: {error}"
    return None


def _checked(problem: Callable[[str], str | None]) -> AfterValidator:
    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value

    return AfterValidator(check)


Link = Annotated[str, _checked(link_problem)]
"""An absolute IRI that is safe to follow (see ``link_problem``)."""
LanguageTag = Annotated[str, _checked(language_tag_problem)]
"""A BCP 47 language tag."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Partner(_Model):
    """An organisation named as a partner; ``statutory`` when the page marks it (``*``)."""

    name: str = Field(min_length=1)
    statutory: bool = False


class ActMention(_Model):
    """An Act as a page names it: "Crime and Disorder Act (1998)" → name and year."""

    name: str = Field(min_length=1)
    year: int | None = None


class Partnership(_Model):
    """The collaboration named in the cooperation section and its partners."""

    name: str | None = None
    partners: list[Partner] = Field(default_factory=list)
    statutory_basis: ActMention | None = None


class Reference(_Model):
    """A cited reference: its text, and its author, date and URL where the text gives them."""

    text: str = Field(min_length=1)
    author: str | None = None
    date: dt.date | None = None
    url: Link | None = None


class Assessment(_Model):
    """One criterion's rating (as written, e.g. "Effective") and qualitative text."""

    rating: str | None = None
    text: str | None = None


class Section(_Model):
    """A section under a heading pgraph does not know, kept verbatim."""

    heading: str
    text: str = ""


class Practice(_Model):
    """One practice of the catalogue, as read from a page or a structured record."""

    slug: str = Field(
        min_length=1, description="Stable key: the last part of the catalogue URL, or the title"
    )
    title: str = Field(min_length=1)
    source_url: Link | None = Field(None, description="The catalogue page this was read from")
    source_file: str | None = Field(None, description="The file this was read from")
    language: LanguageTag | None = Field(None, description="BCP 47 tag of the content's language")
    interface_language: LanguageTag | None = Field(
        None, description="Language of the page's headings"
    )
    country: str | None = Field(None, description="Country name (any language) or ISO code")
    start_date: dt.date | None = None
    start_date_as_written: str | None = Field(
        None, description="A start date the source gives that is not a date, as written"
    )

    description: str | None = None
    objectives: str | None = None
    sustainability: str | None = None
    transferability: str | None = None
    evidence: str | None = None
    partnerships: str | None = Field(None, description="The cooperation section, verbatim")
    cost_description: str | None = None

    timeline: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    target_audiences: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list)
    intervention_points: list[str] = Field(default_factory=list)
    costs: list[str] = Field(default_factory=list)

    partnership: Partnership | None = None
    assessments: dict[str, Assessment] = Field(
        default_factory=dict, description=f"Keyed by criterion: {', '.join(CRITERIA)}"
    )
    references: list[Reference] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    unrecognised_sections: list[Section] = Field(default_factory=list)
    not_reported: list[str] = Field(
        default_factory=list, description="Fields the source says have no value (n/a)"
    )
    lines: dict[str, int] = Field(
        default_factory=dict, description="Line of the source where each field starts"
    )


def practice_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a practice record (what YAML/JSON/CSV records must follow).

    Example:
        >>> practice_json_schema()["required"]
        ['slug', 'title']
    """
    schema = Practice.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://w3id.org/pgraph/schema/practice.json"
    return schema
