"""The ontology's documentation: classes, properties, concept schemes and a diagram, as HTML.

:func:`documentation` reads ``ontology/pgraph.ttl`` and the vocabularies
(English and French labels side by side, comments, domains, ranges, super
classes and properties, each concept scheme's concepts with their ranks) and
draws the diagram (:mod:`pgraph.publish.docs_diagram`). :func:`write_docs`
writes it as a stand-alone folder (``pgraph docs -o OUT/``); the site includes
the same page as ``ontology.html``.

Example:
    >>> docs = documentation(ontology_graph(), vocabulary_graph())
    >>> [c["curie"] for c in docs["classes"]][:2]
    ['pg:Assessment', 'pg:Build']
    >>> docs["object_properties"][0]["labels"]["fr"]
    'évalue'
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VANN

from pgraph import __version__
from pgraph.errors import PublishError
from pgraph.publish.docs_diagram import ontology_diagram
from pgraph.publish.dumps import PREFIXES
from pgraph.publish.site_paths import write_site_file
from pgraph.publish.site_render import render
from pgraph.publish.site_schema import script_json
from pgraph.resources import ontology_dir
from pgraph.vocab import PG, PGV, load_vocabulary_graph

LANGUAGES = ("en", "fr")
_CURIE_PREFIXES = {**PREFIXES, "pgv": str(PGV)}


def ontology_graph() -> Graph:
    """Return ``ontology/pgraph.ttl`` as an rdflib graph."""
    return Graph().parse(ontology_dir() / "pgraph.ttl", format="turtle")


def vocabulary_graph(*, countries: bool = True) -> Graph:
    """Return the vocabularies of ``ontology/vocabularies/`` (and the ISO 3166 countries)."""
    graph = load_vocabulary_graph()
    if countries:
        from pgraph.mapping import country_triples

        for triple in country_triples():
            graph.add(triple)
    return graph


def curie(iri: str) -> str:
    """Return the prefixed name of an IRI when a known prefix fits, else the IRI.

    Example:
        >>> curie("http://www.w3.org/2004/02/skos/core#Concept"), curie("https://e.org/x")
        ('skos:Concept', 'https://e.org/x')
    """
    for prefix, namespace in sorted(_CURIE_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _labels(graph: Graph, iri: str, prop: URIRef = RDFS.label) -> dict[str, str]:
    """Return {language: value} of a literal property (the first value per language)."""
    found: dict[str, str] = {}
    for value in sorted(graph.objects(URIRef(iri), prop), key=str):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


def _text(graph: Graph, iri: str, prop: URIRef) -> str | None:
    values = _labels(graph, iri, prop)
    return values.get("en") or next(iter(values.values()), None)


def _iris(graph: Graph, iri: str, prop: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(URIRef(iri), prop) if isinstance(o, URIRef))


def _subjects(graph: Graph, prop: URIRef, value: URIRef | str) -> list[str]:
    return sorted(str(s) for s in graph.subjects(prop, URIRef(str(value)))
                  if isinstance(s, URIRef))


def _anchor(iri: str) -> str:
    return curie(iri).replace(":", "-").replace("/", "-")


def _term(iri: str, ontology: set[str]) -> dict[str, Any]:
    """Return a reference to a term: a link to its section here, or to the IRI."""
    local = iri in ontology
    href = f"#{_anchor(iri)}" if local else iri if iri.startswith(("http://", "https://")) else None
    return {"curie": curie(iri), "href": href, "external": not local and href is not None}


def documentation(ontology: Graph, vocabularies: Graph) -> dict[str, Any]:
    """Return the documentation's data: the ontology's metadata, terms, schemes and diagram."""
    heads = _subjects(ontology, RDF.type, OWL.Ontology)
    if not heads:
        raise PublishError("the ontology graph has no owl:Ontology", field="ontology")
    head = heads[0]
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {s for kind in kinds for s in _subjects(ontology, RDF.type, kind)}
    classes = [_class_doc(ontology, c, terms) for c in _subjects(ontology, RDF.type, OWL.Class)]
    properties = {
        kind: [_property_doc(ontology, p, terms) for p in _subjects(ontology, RDF.type, kind)]
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
    }
    titles = _labels(ontology, head, DCTERMS.title)
    title = titles.get("en") or "Ontology"
    description = _text(ontology, head, DCTERMS.description)
    version = _text(ontology, head, OWL.versionInfo)
    schemes = [_scheme_doc(vocabularies, s)
               for s in _subjects(vocabularies, RDF.type, SKOS.ConceptScheme)]
    described = [*classes, *properties[OWL.ObjectProperty], *properties[OWL.DatatypeProperty]]
    return {
        "title": title,
        "titles": titles,
        "ontology": {
            "iri": head,
            "version": version,
            "version_iri": next(iter(_iris(ontology, head, OWL.versionIRI)), ""),
            "description": description,
            "license": next(iter(_iris(ontology, head, DCTERMS.license)), ""),
            "prefix": _text(ontology, head, VANN.preferredNamespacePrefix),
            "namespace": _text(ontology, head, VANN.preferredNamespaceUri),
        },
        "languages": LANGUAGES,
        "classes": classes,
        "object_properties": properties[OWL.ObjectProperty],
        "datatype_properties": properties[OWL.DatatypeProperty],
        "schemes": schemes,
        "diagram": ontology_diagram(ontology, name=curie),
        "jsonld": {
            "@context": "https://schema.org", "@type": "DefinedTermSet", "@id": head,
            "name": title, "description": description or "", "version": version or "",
            "hasDefinedTerm": [
                {"@type": "DefinedTerm", "@id": t["iri"],
                 "name": t["labels"].get("en", t["curie"]), "description": t["comment"] or ""}
                for t in described
            ],
        },
    }


def _class_doc(g: Graph, iri: str, terms: set[str]) -> dict[str, Any]:
    return {
        "iri": iri, "curie": curie(iri), "anchor": _anchor(iri),
        "labels": _labels(g, iri), "comment": _text(g, iri, RDFS.comment),
        "superclasses": [_term(c, terms) for c in _iris(g, iri, RDFS.subClassOf)],
        "properties": [_term(p, terms) for p in _subjects(g, RDFS.domain, iri)],
        "used_as_range": [_term(p, terms) for p in _subjects(g, RDFS.range, iri)],
    }


def _property_doc(g: Graph, iri: str, terms: set[str]) -> dict[str, Any]:
    return {
        "iri": iri, "curie": curie(iri), "anchor": _anchor(iri),
        "labels": _labels(g, iri), "comment": _text(g, iri, RDFS.comment),
        "domain": [_term(d, terms) for d in _iris(g, iri, RDFS.domain)],
        "range": [_term(r, terms) for r in _iris(g, iri, RDFS.range)],
        "superproperties": [_term(p, terms) for p in _iris(g, iri, RDFS.subPropertyOf)],
    }


def _scheme_doc(g: Graph, scheme: str) -> dict[str, Any]:
    concepts: list[dict[str, Any]] = []
    for concept in _subjects(g, SKOS.inScheme, scheme):
        rank = _text(g, concept, PG.rank)
        labels = _labels(g, concept, SKOS.prefLabel)
        concepts.append({
            "iri": concept, "curie": curie(concept), "labels": labels,
            "notation": _text(g, concept, SKOS.notation) or "",
            "rank": int(rank) if rank and rank.lstrip("-").isdigit() else None,
            "unmapped": (URIRef(concept), PG.unmapped, None) in g,
            "sort": (rank is None, int(rank) if rank and rank.lstrip("-").isdigit() else 0,
                     (labels.get("en") or curie(concept)).casefold()),
        })
    concepts.sort(key=lambda c: c["sort"])
    return {
        "iri": scheme, "curie": curie(scheme), "anchor": "scheme-" + _anchor(scheme),
        "labels": _labels(g, scheme, SKOS.prefLabel),
        "description": _text(g, scheme, DCTERMS.description) or _text(g, scheme, RDFS.comment),
        "concepts": concepts,
        "ranked": any(c["rank"] is not None for c in concepts),
        "open": len(concepts) <= 40,
    }


def render_docs(data: dict[str, Any], *, site: bool = False) -> str:
    """Return the documentation page's HTML (``site``: with the site's navigation)."""
    context = {
        "site": {"title": "pgraph", "version": __version__, "base": "", "nav": site},
        "root": "", "iri": data["ontology"]["iri"], "kind": "ontology", "kind_label": "Ontology",
        "docs_href": "index.html", "dataset_href": "", "jsonld": script_json(data["jsonld"]),
        "alternates": [{"type": "text/turtle", "label": "Turtle", "href": "pgraph.ttl"}],
    }
    return render("docs.html", **context, **{k: v for k, v in data.items() if k != "jsonld"})


def write_docs(out: str | os.PathLike[str], *, ontology: Path | None = None) -> Path:
    """Write the ontology documentation into ``out`` and return the path of its ``index.html``.

    The folder gets ``index.html`` (the documentation, diagram inline),
    ``diagram.svg`` and a copy of the ontology as ``pgraph.ttl``.
    """
    folder = Path(out)
    source = ontology or ontology_dir() / "pgraph.ttl"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        graph = Graph().parse(source, format="turtle")
    except (OSError, SyntaxError, ValueError) as error:
        raise PublishError(f"cannot read the ontology: {error}", path=str(source)) from error
    data = documentation(graph, vocabulary_graph())
    page = write_site_file(folder, "index", ".html", render_docs(data))
    write_site_file(folder, "diagram", ".svg", str(data["diagram"]) + "\n")
    shutil.copyfile(source, folder / "pgraph.ttl")
    return page
