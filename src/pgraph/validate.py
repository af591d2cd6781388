"""SHACL validation with pyshacl, and a report a person can read.

Each result names the practice it concerns (title and IRI), the field, what
is wrong and the source file the practice came from: pyshacl's raw report
names only blank-node shapes and focus IRIs.

Non-conformance is a result, not an exception: ``validate_graph`` returns a
``ValidationReport`` whose ``conforms`` is False when a violation was found.

Example:
    >>> from rdflib import Graph
    >>> validate_graph(Graph()).conforms
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from functools import cache

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH

from pgraph.resources import ontology_dir
from pgraph.store import from_oxigraph
from pgraph.vocab import ELI, ORG, PG, SCHEMA

PREFIXES = {"pg": PG._NS, "org": ORG, "schema": SCHEMA, "eli": ELI}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, tied back to its practice and source file."""

    severity: str  # "Violation", "Warning" or "Info"
    source_file: str | None
    practice_title: str | None
    practice: str | None
    focus: str
    field: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.source_file}: " if self.source_file else ""
        what = (
            f'practice "{self.practice_title}" <{self.practice}>'
            if self.practice
            else f"<{self.focus}>"
        )
        if self.practice and self.focus != self.practice:
            what += f" (at <{self.focus}>)"
        field_part = f": {self.field}" if self.field else ""
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}{what}{field_part}: {self.message}{value}"


@dataclass
class ValidationReport:
    """The outcome of a validation: conforms or not, and every finding, sorted."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "does not conform"
        return (
            f"The graph {verdict}: {len(self.violations)} violations, "
            f"{len(self.warnings)} warnings."
        )


@cache
def shapes_graph() -> Graph:
    """Return ``ontology/shapes.ttl``."""
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def validate_graph(data: Graph) -> ValidationReport:
    """Return the SHACL validation report of an rdflib graph (data plus the vocabularies it uses)."""
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    findings = sorted(set(_findings(results, data)), key=lambda f: [v or "" for v in astuple(f)])
    return ValidationReport(conforms=bool(conforms), findings=findings)


def validate_store(store: ox.Store) -> ValidationReport:
    """Return the SHACL validation report of everything in the store (union of its graphs)."""
    return validate_graph(store_graph(store))


def store_graph(store: ox.Store) -> Graph:
    """Return the union of the store's graphs as one rdflib graph."""
    graph = Graph()
    for quad in store:
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),
                   from_oxigraph(quad.object)))
    return graph


def _findings(results: Graph, data: Graph) -> Iterable[Finding]:
    owners = _practice_owners(data)
    details = set(results.objects(None, SH.detail))  # nested sh:node results, already summed up
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if result in details:
            continue
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        practice = owners.get(focus)
        title = data.value(practice, DCTERMS.title) if practice is not None else None
        source = data.value(practice, PG.sourceFile) if practice is not None else None
        yield Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            source_file=str(source) if source is not None else None,
            practice_title=str(title) if title is not None else None,
            practice=str(practice) if practice is not None else None,
            focus=str(focus),
            field=_curie(data, path) if isinstance(path, URIRef) else None,
            message=str(results.value(result, SH.resultMessage) or "constraint not met"),
            value=_show(value),
        )


def _practice_owners(data: Graph) -> dict:
    """Map each node to the practice it belongs to (itself, its assessments, partners, …)."""
    owners = {}
    for practice in data.subjects(RDF.type, PG.Practice):
        owners[practice] = practice
        for prop in (PG.assessment, PG.reference, PG.unrecognisedSection, PG.partnership):
            for node in data.objects(practice, prop):
                owners.setdefault(node, practice)
        for partnership in data.objects(practice, PG.partnership):
            for membership in data.subjects(ORG.organization, partnership):
                owners.setdefault(membership, practice)
                for member in data.objects(membership, ORG.member):
                    owners.setdefault(member, practice)
                for act in data.objects(membership, PG.statutoryBasis):
                    owners.setdefault(act, practice)
    for assessment in data.subjects(RDF.type, PG.Assessment):
        reviewed = data.value(assessment, SCHEMA.itemReviewed)
        if reviewed is not None:
            owners.setdefault(assessment, reviewed)
    return owners


def _curie(graph: Graph, iri: URIRef) -> str:
    names = graph.namespace_manager
    for prefix, namespace in PREFIXES.items():
        names.bind(prefix, namespace, override=False)
    try:
        return names.normalizeUri(iri)
    except ValueError:
        return str(iri)


def _show(value) -> str | None:
    if value is None:
        return None
    text = str(value)
    if isinstance(value, Literal):
        text = f'"{text[:60]}{"…" if len(text) > 60 else ""}"'
    else:
        text = f"<{text}>"
    return text
