"""Pages for retired IRIs: an organisation IRI that a merge or an alias edit replaced.

The organisations graph keeps ``<old> dcterms:isReplacedBy <new>`` (and
``owl:sameAs``) for every organisation IRI that once named an organisation
and now names another's (``pgraph.build.organisations``). The site answers
the old IRI with a page that redirects to the new one (an HTML refresh, and
``rel=canonical`` for search engines), and with Turtle and JSON-LD holding
the replacement statements, so links made to the old IRI keep working.

Example:
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> old, new = "https://e.org/organisation/gmp", "https://e.org/organisation/gm-police"
    >>> store.add(ox.Quad(ox.NamedNode(old), REPLACED_BY, ox.NamedNode(new)))
    >>> retired_organisations(store)
    [('https://e.org/organisation/gmp', 'https://e.org/organisation/gm-police')]
"""

from __future__ import annotations

from html import escape

import pyoxigraph as ox
from rdflib import OWL
from rdflib.namespace import DCTERMS

REPLACED_BY = ox.NamedNode(str(DCTERMS.isReplacedBy))
SAME_AS = ox.NamedNode(str(OWL.sameAs))


def retired_organisations(store: ox.Store) -> list[tuple[str, str]]:
    """Return (retired IRI, replacement IRI) pairs, sorted."""
    return sorted(
        {
            (q.subject.value, q.object.value)
            for q in store.quads_for_pattern(None, REPLACED_BY, None, None)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        }
    )


def retired_triples(old: str, new: str) -> list[ox.Triple]:
    """Return what the retired IRI's ``.ttl`` and ``.jsonld`` say: where it went."""
    subject, target = ox.NamedNode(old), ox.NamedNode(new)
    return [ox.Triple(subject, REPLACED_BY, target), ox.Triple(subject, SAME_AS, target)]


def redirect_page(old: str, new: str, href: str, label: str) -> str:
    """Return the HTML page of a retired IRI: it says where the organisation went, and goes."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved: {escape(label)}</title>
<meta http-equiv="refresh" content="0; url={escape(href, quote=True)}">
<link rel="canonical" href="{escape(new, quote=True)}">
<meta name="robots" content="noindex">
</head>
<body>
<p>The organisation <code>{escape(old)}</code> is now
<a href="{escape(href, quote=True)}">{escape(label)}</a> (<code>{escape(new)}</code>):
its names were merged into that organisation's.</p>
</body>
</html>
"""
