"""The site's front pages: the index (facets with counts, lists) and the dataset description.

Example:
    >>> human_size(1536)
    '1.5 KiB'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from pgraph.publish.description import SPDX
from pgraph.publish.dumps import Dump
from pgraph.publish.site_graph import local_name
from pgraph.publish.site_pages import FACETS, PageBuilder, criterion_order, external_link
from pgraph.vocab import ORG, PG

INDEX = "index"


def human_size(size: int) -> str:
    """Return a byte count for people."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def index_page(builder: PageBuilder, dumps: Sequence[Dump], dump_folder: str) -> dict[str, Any]:
    """Return the index page's data: counts, facets with counts per concept, and lists."""
    v, r = builder.view, builder.resources
    facets = []
    for prop in FACETS:
        counts: Counter[str] = Counter()
        for practice in r.practices:
            counts.update(set(v.iris(practice, prop)))
        if counts:
            rows = [(builder.link(INDEX, c), n) for c, n in counts.items()]
            rows.sort(key=lambda row: (-row[1], row[0].label.casefold()))
            facets.append({"label": builder.property_label(prop), "rows": rows,
                           "anchor": "facet-" + local_name(prop).replace(" ", "-")})
    ratings: dict[str, Counter[str]] = {}
    for practice in r.practices:
        for assessment in v.iris(practice, PG.assessment):
            criterion, rating = v.iri(assessment, PG.criterion), v.iri(assessment, PG.rating)
            if criterion and rating:
                ratings.setdefault(criterion, Counter())[rating] += 1
    rating_rows = [
        {"criterion": builder.link(INDEX, criterion),
         "rows": sorted(((builder.link(INDEX, rating), n,
                          builder.scale_position(rating)[0]) for rating, n in counts.items()),
                        key=lambda row: (-(row[2] or 0), row[0].label.casefold()))}
        for criterion, counts in sorted(ratings.items(), key=lambda kv: _order(builder, kv[0]))
    ]
    practices = [
        {"link": builder.link(INDEX, p),
         "country": [builder.link(INDEX, c) for c in v.iris(p, PG.country)]}
        for p in r.practices
    ]
    organisations = [
        {"link": builder.link(INDEX, o),
         "partnerships": len({x for m in v.subjects(ORG.member, o)
                              for x in v.iris(m, ORG.organization)})}
        for o in r.organisations
    ]
    partnerships = [
        {"link": builder.link(INDEX, p), "members": len(v.iris(p, ORG.hasMember))}
        for p in r.partnerships
    ]
    return {
        "counts": [("practices", len(r.practices)), ("organisations", len(r.organisations)),
                   ("partnerships", len(r.partnerships)), ("Acts", len(r.acts)),
                   ("concepts in use", len(r.concepts))],
        "facets": facets,
        "ratings": rating_rows,
        "practices": sorted(practices, key=lambda p: p["link"].label.casefold()),
        "organisations": sorted(organisations, key=lambda o: o["link"].label.casefold()),
        "partnerships": sorted(partnerships, key=lambda p: p["link"].label.casefold()),
        "acts": builder.links(INDEX, r.acts),
        "schemes": builder.links(INDEX, r.schemes),
        "dumps": [dump_row(d, dump_folder) for d in dumps],
    }


def _order(builder: PageBuilder, criterion: str) -> tuple[int, str]:
    return criterion_order(criterion), builder.view.label(criterion)


def dump_row(dump: Dump, folder: str) -> dict[str, Any]:
    return {
        "href": f"{folder}/{dump.file_name}", "name": dump.file_name,
        "media_type": dump.media_type + (" (gzip)" if dump.gzip else ""),
        "size": human_size(dump.byte_size), "sha256": dump.sha256,
    }


def dataset_page(description: Graph, dataset: URIRef) -> dict[str, Any]:
    """Return the dataset page's data, read from its DCAT/VoID description."""
    g = description

    def value(node: object, prop: URIRef) -> str | None:
        found = g.value(node, prop) if isinstance(node, URIRef) else None  # type: ignore[arg-type]
        return str(found) if found is not None else None

    def nodes(prop: URIRef) -> list[URIRef]:
        return sorted(URIRef(str(o)) for o in g.objects(dataset, prop) if isinstance(o, URIRef))

    def number(node: URIRef, prop: URIRef) -> int:
        found = value(node, prop)
        return int(found) if found and found.isdigit() else 0

    figures = [(name, value(dataset, VOID[name])) for name in
               ("triples", "entities", "distinctSubjects", "distinctObjects", "classes",
                "properties")]
    distributions = []
    for distribution in nodes(DCAT.distribution):
        checksum = g.value(distribution, SPDX.checksum)
        url = value(distribution, DCAT.downloadURL) or value(distribution, DCAT.accessURL)
        distributions.append({
            "title": value(distribution, DCTERMS.title) or local_name(str(distribution)),
            "url": external_link(url, url) if url else None,
            "media_type": "/".join((value(distribution, DCAT.mediaType) or "").split("/")[-2:]),
            "size": value(distribution, DCAT.byteSize),
            "sha256": value(checksum, SPDX.checksumValue),
        })
    linksets = []
    for subset in nodes(VOID.subset):
        if (subset, RDF.type, VOID.Linkset) in g:
            target = g.value(subset, VOID.objectsTarget)
            linksets.append((value(target, DCTERMS.title) or "",
                             value(subset, VOID.linkPredicate) or "",
                             number(subset, VOID.triples)))
    license_iri = value(dataset, DCTERMS.license) or ""
    return {
        "title": value(dataset, DCTERMS.title) or "Dataset",
        "description": value(dataset, DCTERMS.description),
        "license": external_link(license_iri, license_iri),
        "modified": value(dataset, DCTERMS.modified),
        "figures": [(name, n) for name, n in figures if n is not None],
        "distributions": distributions,
        "classes": sorted((value(p, VOID["class"]) or "", number(p, VOID.entities))
                          for p in nodes(VOID.classPartition)),
        "properties": sorted((value(p, VOID.property) or "", number(p, VOID.triples))
                             for p in nodes(VOID.propertyPartition)),
        "linksets": sorted(linksets),
    }
