"""The site's templates: Jinja2 with autoescaping on for every template and string.

Every value a template prints is HTML-escaped unless it is :class:`markupsafe.Markup`;
the only Markup the site makes is JSON-LD through
:func:`pgraph.publish.site_schema.script_json` and the diagram SVG built by
:mod:`pgraph.publish.docs_diagram`, both escaped where they are made.
Undefined template variables are errors, not blanks.

Example:
    >>> render_string("<p>{{ title }}</p>", title="<script>alert(1)</script>")
    '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def environment() -> Environment:
    """Return the Jinja2 environment of ``pgraph/publish/templates`` (autoescaping everything)."""
    return Environment(
        loader=PackageLoader("pgraph.publish", "templates"),
        autoescape=True,  # every template: the site is all HTML (and the CSS holds no values)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Return a template of ``templates/`` rendered with ``context``."""
    return environment().get_template(template).render(**context)


def render_string(source: str, **context: Any) -> str:
    """Return a template given as a string rendered with ``context`` (autoescaped too)."""
    return environment().from_string(source).render(**context)
