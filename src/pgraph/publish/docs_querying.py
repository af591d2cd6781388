"""The page "Querying the graph", written from the ontology and the data in a store.

For each class with instances it gives what a researcher needs to write a
first query without reading pgraph's code: how many instances there are, the
properties they have in practice (standard terms included, with how many
instances have each and what kind of value), the properties that point at
them, one example from the data as Turtle, and a query that runs. The page
is Markdown (``querying.md``, readable on GitHub) and HTML (``querying.html``).

Example:
    >>> import pyoxigraph as ox
    >>> from pgraph.mapping import map_practice
    >>> from pgraph.records import Practice
    >>> from pgraph.store import replace_graphs
    >>> store = ox.Store()
    >>> mapped = map_practice(Practice(slug="street-watch", title="Street Watch"))
    >>> replace_graphs(store, {mapped.iri: mapped.triples})
    >>> guide = querying_guide(store)
    >>> [c.curie for c in guide], guide[0].properties[0].curie
    (['pg:Practice'], 'dcterms:identifier')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, Graph, URIRef

from pgraph.errors import PublishError
from pgraph.publish.docs import curie, ontology_graph
from pgraph.publish.dumps import PREFIXES
from pgraph.publish.site_paths import write_site_file
from pgraph.publish.site_render import render

_SKIPPED_NAMESPACES = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#")
_PREFIXES = {**PREFIXES, "pgv": "https://w3id.org/pgraph/vocab/",
             "pgid": "https://w3id.org/pgraph/id/"}
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_EXAMPLE_LITERAL = 100
_READING_ORDER = ("pg:Practice", "pg:Assessment", "org:OrganizationalCollaboration",
                  "org:Membership", "org:Organization", "schema:Legislation", "eli:LegalResource",
                  "skos:Concept", "skos:ConceptScheme", "pg:Reference")
"""Classes in the order a researcher meets them (the others follow, most instances first)."""


@dataclass
class PropertyUse:
    """A property as the data uses it on one class."""

    iri: str
    curie: str
    instances: int
    value: str
    """What its values are: ``IRI``, ``text@lang``, ``xsd:date``, …"""


@dataclass
class ClassGuide:
    """What the page says about one class."""

    iri: str
    curie: str
    label: str
    comment: str
    instances: int
    properties: list[PropertyUse] = field(default_factory=list)
    incoming: list[PropertyUse] = field(default_factory=list)
    example: str = ""
    query: str = ""
    variable: str = "x"


def querying_guide(store: ox.Store, ontology: Graph | None = None) -> list[ClassGuide]:
    """Return, for each class with instances in the store, its properties, example and query."""
    ontology = ontology if ontology is not None else ontology_graph()
    rows = _select(store, f"""
        SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{_RDF_TYPE}> ?class }}
        GROUP BY ?class ORDER BY DESC(?n) ?class""")
    guides = []
    for row in rows:
        iri = row["class"].value
        if not isinstance(row["class"], ox.NamedNode) or iri.startswith(_SKIPPED_NAMESPACES):
            continue
        guides.append(_class_guide(store, ontology, iri, int(row["n"].value)))
    first = {c: n for n, c in enumerate(_READING_ORDER)}
    return sorted(guides, key=lambda g: first.get(g.curie, len(first)))


def _class_guide(store: ox.Store, ontology: Graph, iri: str, count: int) -> ClassGuide:
    label = _english(ontology, iri, RDFS.label) or _local(iri)
    guide = ClassGuide(iri, curie(iri), label, _english(ontology, iri, RDFS.comment), count,
                       variable=_variable(_local(iri)))
    guide.properties = _uses(store, f"?x <{_RDF_TYPE}> <{iri}> ; ?p ?o .")
    guide.incoming = _incoming(store, iri)
    example = _example_instance(store, iri)
    guide.example = _turtle(store, example) if example else ""
    guide.query = _query(guide)
    return guide


def _uses(store: ox.Store, pattern: str) -> list[PropertyUse]:
    rows = _select(store, f"""
        SELECT ?p (COUNT(DISTINCT ?x) AS ?n) (SAMPLE(?o) AS ?sample) WHERE {{ {pattern} }}
        GROUP BY ?p ORDER BY DESC(?n) ?p""")
    return [PropertyUse(r["p"].value, curie(r["p"].value), int(r["n"].value),
                        _value_kind(r["sample"])) for r in rows]


def _incoming(store: ox.Store, iri: str) -> list[PropertyUse]:
    """Return the properties pointing at instances, with the class they point from."""
    rows = _select(store, f"""
        SELECT ?p (COUNT(DISTINCT ?x) AS ?n) (MIN(?c) AS ?from) WHERE {{
          ?x <{_RDF_TYPE}> <{iri}> . ?o ?p ?x . OPTIONAL {{ ?o <{_RDF_TYPE}> ?c }} }}
        GROUP BY ?p ORDER BY DESC(?n) ?p""")
    return [PropertyUse(r["p"].value, curie(r["p"].value), int(r["n"].value),
                        curie(r["from"].value) if r["from"] is not None else "")
                        for r in rows]


def _value_kind(term) -> str:
    if isinstance(term, ox.NamedNode):
        return "IRI"
    if isinstance(term, ox.BlankNode):
        return "blank node"
    if term.language:
        return "text@lang"
    datatype = term.datatype.value
    return "text" if datatype.endswith("#string") else curie(datatype)


def _example_instance(store: ox.Store, iri: str) -> ox.NamedNode | None:
    rows = _select(store, f"""
        SELECT ?x (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          ?x <{_RDF_TYPE}> <{iri}> ; ?p ?o FILTER(isIRI(?x)) }}
        GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1""")
    return rows[0]["x"] if rows else None


def _turtle(store: ox.Store, subject: ox.NamedNode) -> str:
    triples = sorted({q.triple for q in store.quads_for_pattern(subject, None, None, None)},
                     key=lambda t: (t.predicate.value != _RDF_TYPE, t.predicate.value,
                                    str(t.object)))
    lines = [f"<{subject.value}>"]
    for n, t in enumerate(triples):
        end = " ;" if n < len(triples) - 1 else " ."
        lines.append(f"    {_short(t.predicate)} {_short(t.object)}{end}")
    return "\n".join(lines)


def _short(term) -> str:
    if isinstance(term, ox.NamedNode):
        if term.value == _RDF_TYPE:
            return "a"
        name = curie(term.value)
        plain = name != term.value and "/" not in name.split(":", 1)[1]
        return name if plain else f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = term.value.replace("\n", " ")
        if len(text) > _EXAMPLE_LITERAL:
            text = text[: _EXAMPLE_LITERAL - 1] + "…"
        body = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if term.language:
            return f"{body}@{term.language}"
        datatype = term.datatype.value
        return body if datatype.endswith("#string") else f"{body}^^{_short(term.datatype)}"
    return str(term)


def _query(guide: ClassGuide) -> str:
    """Return a SELECT listing the class's instances with their name and commonest values."""
    x = guide.variable
    chosen = [u for u in guide.properties
              if u.iri not in (_RDF_TYPE, _LABEL) and u.instances * 2 >= guide.instances][:3]
    names = [_variable(u.curie.split(":")[-1].split("/")[-1]) for u in chosen]
    used = {curie(guide.iri).split(":")[0], "rdfs",
            *(u.curie.split(":")[0] for u in chosen if ":" in u.curie)}
    prologue = [f"PREFIX {p}: <{n}>" for p, n in _PREFIXES.items() if p in used]
    lines = [*prologue, f"SELECT ?{x} ?name {' '.join('?' + n for n in names)}".rstrip(),
             "WHERE {", f"  ?{x} a {_short(ox.NamedNode(guide.iri))} .",
             f"  OPTIONAL {{ ?{x} rdfs:label ?name }}"]
    for use, name in zip(chosen, names, strict=True):
        lines.append(f"  OPTIONAL {{ ?{x} {_short(ox.NamedNode(use.iri))} ?{name} }}")
    lines += ["}", f"ORDER BY ?{x}", "LIMIT 5"]
    return "\n".join(lines)


def _variable(name: str) -> str:
    cleaned = "".join(c for c in name if c.isalnum() or c == "_")
    word = cleaned[:1].lower() + cleaned[1:] if cleaned else "x"
    return "value" if word in ("name", "x") else word


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _english(graph: Graph, iri: str, prop: URIRef) -> str:
    values = sorted(graph.objects(URIRef(iri), prop), key=lambda v: (v.language != "en", str(v)))
    return str(values[0]) if values else ""


def _select(store: ox.Store, query: str) -> list:
    return list(store.query(query, use_default_graph_as_union=True))


# ---------------------------------------------------------------- the page

FIRST_QUERY = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org:  <http://www.w3.org/ns/org#>
PREFIX pg:   <https://w3id.org/pgraph/ontology#>
SELECT ?practice ?started ?partner ?role ?act
WHERE {
  ?p a pg:Practice ; rdfs:label ?practice ; pg:partnership ?partnership .
  OPTIONAL { ?p pg:startDate ?started }
  ?membership org:organization ?partnership ;
      org:member/rdfs:label ?partner ;
      org:role/rdfs:label ?role .
  FILTER(LANG(?role) = "en")
  OPTIONAL { ?membership pg:statutoryBasis/rdfs:label ?act }
}
ORDER BY ?practice ?partner
LIMIT 12"""
"""The worked example: a practice's partners, their roles and the Acts behind statutory ones."""


def querying_markdown(guides: list[ClassGuide]) -> str:
    """Return the page as Markdown."""
    out = ["# Querying the graph", "",
           "Written by `pgraph docs` from the ontology and the bundled catalogue "
           "(`data/`); the figures are that catalogue's. Every resource has an "
           "`rdfs:label` (its name), so `?thing rdfs:label ?name` names anything; "
           "the kind's own name property (`dcterms:title`, `skos:prefLabel`) says the "
           "same. Queries run with `pgraph query - < file.rq`, locally or with "
           "`--endpoint`; the store's default graph is the union of its named graphs.",
           "", "Classes: " + ", ".join(f"[`{g.curie}`](#{_anchor(g.curie)})" for g in guides),
           "", "## A first query: practices, their partners and the Acts behind them", "",
           "A practice (`pg:Practice`) has one partnership (`pg:partnership`, an "
           "`org:OrganizationalCollaboration`); each partner is an `org:Membership` of it "
           "(`org:organization`), naming the organisation (`org:member`), its role "
           "(`org:role`: partner or statutory partner) and, for a statutory partner, the Act "
           "(`pg:statutoryBasis`). The start date is `pg:startDate`.", "",
           "```sparql", FIRST_QUERY, "```", ""]
    for g in guides:
        out += [f"## `{g.curie}`", ""]
        if g.label or g.comment:
            out += [f"**{g.label}**. {g.comment}".strip(), ""]
        out += [f"{g.instances} instance{'s' if g.instances != 1 else ''}. Properties they have:",
                "", "| property | instances | values |", "| --- | ---: | --- |"]
        out += [f"| `{u.curie}` | {u.instances} | {u.value} |" for u in g.properties]
        if g.incoming:
            out += ["", "Pointed at by:", "", "| property | instances | from |",
                    "| --- | ---: | --- |"]
            out += [f"| `{u.curie}` | {u.instances} | {u.value} |" for u in g.incoming]
        if g.example:
            out += ["", "Example:", "", "```turtle", g.example, "```"]
        out += ["", "A query:", "", "```sparql", g.query, "```", ""]
    return "\n".join(out)


def _anchor(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum() or c in "-_")


def write_querying_page(store: ox.Store, out: str | os.PathLike[str]) -> Path:
    """Write ``querying.md`` and ``querying.html`` into ``out``; return the Markdown's path."""
    guides = querying_guide(store)
    if not guides:
        raise PublishError("the store holds no data to describe", path=str(out),
                           hint="run `pgraph build` first, or pass --store")
    folder = Path(out)
    markdown = querying_markdown(guides)
    page = write_site_file(folder, "querying", ".md", markdown)
    html = render("querying.html", site={"title": "pgraph", "version": "", "base": "",
                                         "nav": False},
                  root="", iri=None, kind="ontology", kind_label="", docs_href="index.html",
                  dataset_href="", alternates=[], jsonld=None,
                  title="Querying the graph", guides=guides, first_query=FIRST_QUERY)
    write_site_file(folder, "querying", ".html", html)
    return page


__all__ = ["ClassGuide", "PropertyUse", "querying_guide", "querying_markdown",
           "write_querying_page"]
