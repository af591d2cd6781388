"""schema.org JSON-LD for search engines, embedded in each page, escaped for a script element.

Each kind of page gets the schema.org type that fits it: a practice is a
``CreativeWork`` (with its ratings as ``Review``s), an organisation or a
partnership an ``Organization``, an Act a ``Legislation``, a concept a
``DefinedTerm``, a scheme a ``DefinedTermSet``, the index a ``Dataset``.

:func:`script_json` is the only way JSON reaches a page: ``<``, ``>`` and
``&`` become ``\\u003c``-style escapes, so no string (a title holding
``</script>``) can close the element or open a comment.

Example:
    >>> print(script_json({"name": "</script><script>alert(1)</script>"}))
    {
     "name": "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"
    }
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup
from rdflib import OWL, RDFS, SKOS
from rdflib.namespace import DCTERMS

from pgraph.publish.site_graph import GraphView
from pgraph.vocab import FACET_PROPERTIES, ORG, PG, SCHEMA

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}
CONTEXT = "https://schema.org"


def script_json(data: Any) -> Markup:
    """Return JSON safe to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def _ref(view: GraphView, iri: str, schema_type: str) -> dict[str, str]:
    return {"@type": schema_type, "@id": iri, "name": view.label(iri)}


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, [], "", {})}


def practice_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return a practice as a schema.org ``CreativeWork`` with its reviews and partners."""
    title = view.text(iri, DCTERMS.title)
    description = view.text(iri, DCTERMS.description)
    country = view.iri(iri, PG.country)
    start = view.value(iri, PG.startDate)
    reviews = []
    for assessment in view.iris(iri, PG.assessment):
        criterion, rating = view.iri(assessment, PG.criterion), view.iri(assessment, PG.rating)
        body = view.value(assessment, SCHEMA.reviewBody)
        review: dict[str, Any] = {"@type": "Review", "@id": assessment,
                                  "reviewAspect": view.label(criterion) if criterion else None,
                                  "reviewBody": body}
        if rating:
            rank = view.value(rating, PG.rank)
            scale = view.iri(rating, SKOS.inScheme)
            ranks = [int(r) for c in (view.subjects(SKOS.inScheme, scale) if scale else [])
                     for r in [view.value(c, PG.rank)] if r and r.isdigit()]
            review["reviewRating"] = _compact({
                "@type": "Rating", "name": view.label(rating),
                "ratingValue": int(rank) if rank and rank.isdigit() else None,
                "worstRating": min(ranks) if ranks and rank else None,
                "bestRating": max(ranks) if ranks and rank else None,
            })
        reviews.append(_compact(review))
    partners = [
        _ref(view, org, "Organization")
        for partnership in view.iris(iri, PG.partnership)
        for org in view.iris(partnership, ORG.hasMember)
    ]
    audiences = view.iris(iri, PG.targetAudience)
    keywords = sorted({view.label(c) for prop in FACET_PROPERTIES.values()
                       for c in view.iris(iri, prop)})
    return _compact({
        "@context": CONTEXT, "@type": "CreativeWork", "@id": iri, "url": url,
        "name": title.value if title else None,
        "inLanguage": title.language if title and title.language else None,
        "description": description.value if description else None,
        "identifier": view.value(iri, DCTERMS.identifier),
        "temporalCoverage": f"{start}/.." if start else None,
        "spatialCoverage": _compact({"@type": "Country", "@id": country,
                                     "name": view.label(country),
                                     "identifier": view.value(country, SKOS.notation)})
        if country else None,
        "keywords": keywords,
        "audience": [{"@type": "Audience", "audienceType": view.label(a)} for a in audiences],
        "review": reviews,
        "contributor": partners,
        "citation": [view.value(r, DCTERMS.bibliographicCitation)
                     for r in view.iris(iri, PG.reference)],
        "isBasedOn": view.iri(iri, DCTERMS.source),
    })


def organisation_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return an organisation as a schema.org ``Organization`` and its partnerships."""
    memberships = view.subjects(ORG.member, iri)
    partnerships = sorted({p for m in memberships for p in view.iris(m, ORG.organization)})
    return _compact({
        "@context": CONTEXT, "@type": "Organization", "@id": iri, "url": url,
        "name": view.label(iri),
        "alternateName": sorted(x.value for x in view.literals(iri, SKOS.altLabel)),
        "sameAs": view.iris(iri, OWL.sameAs) + view.iris(iri, SKOS.exactMatch),
        "memberOf": [_ref(view, p, "Organization") for p in partnerships],
    })


def partnership_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return a partnership as a schema.org ``Organization`` with its members."""
    return _compact({
        "@context": CONTEXT, "@type": "Organization", "@id": iri, "url": url,
        "additionalType": str(ORG.OrganizationalCollaboration),
        "name": view.label(iri),
        "member": [_ref(view, o, "Organization") for o in view.iris(iri, ORG.hasMember)],
    })


def act_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return an Act as a schema.org ``Legislation``."""
    jurisdiction = view.iri(iri, SCHEMA.legislationJurisdiction)
    return _compact({
        "@context": CONTEXT, "@type": "Legislation", "@id": iri, "url": url,
        "name": view.label(iri),
        "legislationIdentifier": view.value(iri, SCHEMA.legislationIdentifier),
        "legislationType": view.value(iri, SCHEMA.legislationType),
        "legislationJurisdiction": view.label(jurisdiction) if jurisdiction else None,
        "sameAs": view.iris(iri, OWL.sameAs) + view.iris(iri, RDFS.seeAlso),
    })


def concept_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return a concept as a schema.org ``DefinedTerm`` of its scheme."""
    scheme = view.iri(iri, SKOS.inScheme)
    return _compact({
        "@context": CONTEXT, "@type": "DefinedTerm", "@id": iri, "url": url,
        "name": view.label(iri),
        "alternateName": sorted({x.value for x in view.literals(iri, SKOS.prefLabel)}
                                - {view.label(iri)}),
        "termCode": view.value(iri, SKOS.notation),
        "inDefinedTermSet": _ref(view, scheme, "DefinedTermSet") if scheme else None,
        "sameAs": view.iris(iri, SKOS.exactMatch),
    })


def scheme_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return a concept scheme as a schema.org ``DefinedTermSet``."""
    return _compact({
        "@context": CONTEXT, "@type": "DefinedTermSet", "@id": iri, "url": url,
        "name": view.label(iri),
        "hasDefinedTerm": [_ref(view, c, "DefinedTerm")
                           for c in view.subjects(SKOS.inScheme, iri)],
    })


def dataset_jsonld(
    *, iri: str, url: str, title: str, description: str, license: str,
    keywords: list[str], downloads: list[dict[str, Any]], countries: list[str],
) -> dict[str, Any]:
    """Return the dataset as a schema.org ``Dataset`` with one ``DataDownload`` per dump."""
    return _compact({
        "@context": CONTEXT, "@type": "Dataset", "@id": iri, "url": url,
        "name": title, "description": description, "license": license,
        "keywords": keywords, "isAccessibleForFree": True,
        "spatialCoverage": [{"@type": "Country", "name": c} for c in countries],
        "distribution": [_compact({"@type": "DataDownload", **d}) for d in downloads],
    })


def resource_jsonld(view: GraphView, iri: str, url: str) -> dict[str, Any]:
    """Return any other resource as a schema.org ``Thing`` with its name."""
    return _compact({"@context": CONTEXT, "@type": "Thing", "@id": iri, "url": url,
                     "name": view.label(iri)})


JSONLD_BUILDERS = {
    "practice": practice_jsonld,
    "organisation": organisation_jsonld,
    "partnership": partnership_jsonld,
    "act": act_jsonld,
    "concept": concept_jsonld,
    "scheme": scheme_jsonld,
    "resource": resource_jsonld,
}
