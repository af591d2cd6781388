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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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
    url: str | None = None


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
    source_url: str | None = Field(None, description="The catalogue page this was read from")
    source_file: str | None = Field(None, description="The file this was read from")
    language: str | None = Field(None, description="BCP 47 tag of the content's language")
    interface_language: str | None = Field(None, description="Language of the page's headings")
    country: str | None = Field(None, description="Country name (any language) or ISO code")
    start_date: dt.date | None = None

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
    links: list[str] = Field(default_factory=list)
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
