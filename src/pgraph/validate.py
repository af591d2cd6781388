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

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from pgraph.resources import cached_on_files, check_file_caches, ontology_dir, shapes_files
from pgraph.shacl.engine import ShaclResult, run_plan
from pgraph.shacl.owners import (
    describe_in_graph,
    describe_in_store,
    owners_in_graph,
    owners_in_store,
)
from pgraph.shacl.plan import Plan, UnsupportedShapes, read_plan
from pgraph.store import from_oxigraph, read_turtle
from pgraph.vocab import prefixes


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
    source_line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.source_file:
            line = f":{self.source_line}" if self.source_line else ""
            where = f"{self.source_file}{line}: "
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


@cached_on_files(shapes_files)
def shapes_graph() -> Graph:
    """Return ``ontology/shapes.ttl``."""
    return read_turtle(ontology_dir() / "shapes.ttl")


def validate_graph(data: Graph) -> ValidationReport:
    """Return the SHACL validation report of an rdflib graph (data plus the vocabularies it uses).

    This is the reference: pySHACL on the whole graph.
    """
    import pyshacl  # a second's import, needed only for the reference run

    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    owners = owners_in_graph(data)
    findings = {
        _finding(result, owners.get(result.focus), lambda p: describe_in_graph(data, p))
        for result in results_from_report(results)
    }
    return ValidationReport(conforms=bool(conforms), findings=_sorted(findings))


def validate_store(
    store: ox.Store, *, whole: bool = False, state: Path | None = None, workers: int | None = None,
    describe_warnings: bool = True,
) -> ValidationReport:
    """Return the SHACL validation report of everything in the store (union of its graphs).

    By default the shapes run as SPARQL on the store (``pgraph.shacl``), which
    gives the report pySHACL gives; ``whole`` runs pySHACL on the whole graph
    instead (also the fallback for shapes the SPARQL plan does not cover).
    With ``state`` (a JSON file), results are kept there and only the nodes of
    source graphs changed since the last validation are checked again.
    ``describe_warnings=False`` leaves warnings untied to their practice (no
    title, source file or line; the same findings, counted the same): for a
    caller that shows only violations (``pgraph validate --no-warnings``).
    """
    check_file_caches()  # shapes edited since the last validation in this process
    plan = None if whole else compiled_plan()
    if plan is None:
        return validate_graph(store_graph(store))
    if state is not None:
        from pgraph.shacl.state import validated_rows

        rows = validated_rows(plan, store, state, workers=workers)
        return report_from_rows(store, rows, describe_warnings=describe_warnings)
    results = run_plan(plan, store, workers=workers)
    return report_from_results(store, results, describe_warnings=describe_warnings)


def report_from_results(
    store: ox.Store, results: Iterable[ShaclResult], *, describe_warnings: bool = True
) -> ValidationReport:
    """Return the readable report of raw results, each tied to its practice in the store.

    With ``describe_warnings=False`` only violations are tied to theirs (a
    finding's practice, title, file and line follow from its focus node, so
    the findings and their counts are the same).
    """
    results = set(results)
    tied = results if describe_warnings else {r for r in results if r.severity == "Violation"}
    return _report(store, results, tied)


def _report(
    store: ox.Store, results: set[ShaclResult], tied: set[ShaclResult],
    made: Iterable[Finding] = (),
) -> ValidationReport:
    """The report of ``results`` (those in ``tied`` tied to their practices) and of the
    findings ``made`` already."""
    owners = owners_in_store(store, {r.focus for r in tied})
    described = describe_in_store(store, owners.values())
    findings = {
        _finding(r, owners.get(r.focus) if r in tied else None, described.get) for r in results
    }
    findings.update(made)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results), findings=_sorted(findings)
    )


def report_from_rows(
    store: ox.Store, rows: dict[str, list[list]], *, describe_warnings: bool = True
) -> ValidationReport:
    """Return :func:`report_from_results` of the results kept as the validation state's rows.

    A result not tied to its practice (a warning, with ``describe_warnings=False``)
    gives its finding straight from its row: thousands of kept warnings are
    printed again at every validation, and need no rdflib term.
    """
    from pgraph.shacl.state import results_from_rows

    tied: list[list] = []
    findings: set[Finding] = set()
    for found in rows.values():
        for row in found:
            if describe_warnings or row[2] == "Violation":
                tied.append(row)
            else:
                findings.add(_finding_from_row(row))
    results = set(results_from_rows({"": tied}))
    return _report(store, results, results, findings)


def _finding_from_row(row: list) -> Finding:
    """Return what :func:`_finding` gives for a result of no practice, from its state row
    (``[focus, path, severity, message, value]``, terms as ``term_to_json`` wrote them)."""
    focus, path, severity, message, value = row
    shown = None if value is None else _shown(value[1], literal=value[0] == "literal")
    return Finding(
        severity=severity, source_file=None, practice_title=None, practice=None,
        focus=focus[1], field=_curie(path) if path else None, message=message, value=shown,
    )


@cached_on_files(shapes_files)
def compiled_plan() -> Plan | None:
    """Return the SPARQL plan of ``ontology/shapes.ttl``, or None when it needs pySHACL."""
    try:
        return read_plan(shapes_graph())
    except UnsupportedShapes:
        return None


def store_graph(store: ox.Store) -> Graph:
    """Return the union of the store's graphs as one rdflib graph."""
    graph = Graph()
    for quad in store:
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),
                   from_oxigraph(quad.object)))
    return graph


def results_from_report(results: Graph) -> set[ShaclResult]:
    """Return the results of a pySHACL report graph (nested ``sh:detail`` results left out)."""
    details = set(results.objects(None, SH.detail))  # nested sh:node results, already summed up
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if result in details:
            continue
        path = results.value(result, SH.resultPath)
        found.add(ShaclResult(
            focus=results.value(result, SH.focusNode),
            path=path if isinstance(path, URIRef) else None,
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            message=str(results.value(result, SH.resultMessage) or "constraint not met"),
            value=results.value(result, SH.value),
        ))
    return found


def _finding(result: ShaclResult, practice, describe) -> Finding:
    title, source, line = describe(practice) if practice is not None else (None, None, None)
    return Finding(
        severity=result.severity,
        source_file=source,
        practice_title=title,
        practice=str(practice) if practice is not None else None,
        focus=str(result.focus),
        field=curie(result.path) if result.path is not None else None,
        message=result.message,
        value=_show(result.value),
        source_line=line,
    )


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    # Ordered by every field as text, in their order (a finding's fields are plain values:
    # read them directly, as dataclasses.astuple would after a deep copy of each). Most are
    # plain text already, which needs no copy.
    def key(finding: Finding) -> list[str]:
        return [v if type(v) is str else "" if v is None else str(v)
                for v in _FINDING_FIELDS(finding)]

    return sorted(findings, key=key)


_FINDING_FIELDS = operator.attrgetter(*(f.name for f in fields(Finding)))


_PREFIXES = prefixes(
    "rdf", "rdfs", "xsd", "owl", "skos", "dcterms", "prov", "pgv", "pg", "org", "schema", "eli"
)


def curie(iri: URIRef) -> str:
    """Return ``prefix:name`` for an IRI in one of pgraph's namespaces, else the IRI.

    Example:
        >>> curie(URIRef("http://purl.org/dc/terms/title")), curie(URIRef("https://x.org/a"))
        ('dcterms:title', 'https://x.org/a')
    """
    return _curie(str(iri))


@lru_cache(maxsize=4_096)  # a report names a few dozen paths, thousands of times
def _curie(iri: str) -> str:
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return str(iri)


_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _show(value) -> str | None:
    return None if value is None else _shown(str(value), literal=isinstance(value, Literal))


def _shown(text: str, *, literal: bool) -> str:
    """A result's value as a finding shows it: a literal quoted (cut at 60 characters),
    anything else as ``<IRI>``."""
    return f'"{text[:60]}{"…" if len(text) > 60 else ""}"' if literal else f"<{text}>"
