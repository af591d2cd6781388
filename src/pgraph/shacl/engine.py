"""Run a SHACL plan as SPARQL queries on an Oxigraph store (the union of its graphs).

Each targeted shape's property checks become at most a few queries over all
its focus nodes at once (or over a given set of focus nodes, for incremental
validation); SHACL-SPARQL constraints run with ``$this`` joined to the
targets. Where SPARQL and pySHACL could disagree (a literal ill-typed for its
datatype, a regular expression beyond the syntax both engines read alike),
the candidate values come back to Python and are checked the way pySHACL
checks them.

Example:
    >>> import pyoxigraph as ox
    >>> from pgraph.validate import shapes_graph
    >>> from pgraph.shacl.plan import read_plan
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://example.org/p"),
    ...     ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    ...     ox.NamedNode("https://w3id.org/pgraph/ontology#Practice"),
    ...     ox.NamedNode("https://example.org/g")))
    >>> for message in sorted(r.message for r in run_plan(read_plan(shapes_graph()), store))[:2]:
    ...     print(message)
    a practice needs a title, at most one per language, with a language tag
    a practice needs exactly one identifier (its catalogue slug)
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from pgraph import progress
from pgraph.shacl.plan import NestedShape, Plan, PropertyCheck, ShapeCheck, UnsupportedShapes
from pgraph.store import from_oxigraph

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS_CLOSURE = (
    "SELECT DISTINCT ?class WHERE { ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* {} }"
)
# Patterns made only of these characters mean the same to Python's re and to SPARQL REGEX.
_PORTABLE_PATTERN = re.compile(r"^[A-Za-z0-9 :/._\-^$?*+|()@#%&=~!,;]*$")
_NODE_KINDS = {
    SH.IRI: "!isIRI(?v)",
    SH.BlankNode: "!isBlank(?v)",
    SH.Literal: "!isLiteral(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)",
    SH.IRIOrLiteral: "isBlank(?v)",
    SH.BlankNodeOrLiteral: "isIRI(?v)",
}
_UNCHECKED_DATATYPES = {XSD.string, RDF.langString}
_FORBIDDEN_IN_SPARQL = re.compile(r"\b(MINUS|SERVICE|VALUES|BIND|SELECT|GRAPH|FROM)\b", re.I)


@dataclass(frozen=True, order=True)
class ShaclResult:
    """One validation result as a report shows it: focus, path, severity, message, value."""

    focus: Node
    path: URIRef | None
    severity: str
    message: str
    value: Node | None = None


def run_plan(
    plan: Plan,
    store: ox.Store,
    *,
    focus: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | str] | None = None,
    workers: int | None = None,
) -> set[ShaclResult]:
    """Return the results of every check of ``plan`` on ``store`` (``focus`` nodes only, if given).

    ``focus`` terms may be pyoxigraph terms or their N-Triples text. The
    checks run on ``workers`` threads (default: one per core): Oxigraph
    evaluates queries without holding Python's lock.
    """
    values = None
    if focus is not None:
        terms = sorted({str(term) for term in focus})
        if not terms:
            return set()
        values = "VALUES ?this { " + " ".join(terms) + " }"
    instance_of = _InstanceOf(store)
    tasks: list[tuple[Callable[..., Iterator[ShaclResult]], tuple]] = []
    for shape in plan.shapes:
        targets = _targets(shape, values, instance_of)
        tasks += [
            (_property_results, (store, targets, check, instance_of)) for check in shape.properties
        ]
        tasks += [(_sparql_results, (store, targets, constraint)) for constraint in shape.sparql]
    workers = workers or os.cpu_count() or 1
    if workers < 2 or focus is not None:
        return {result for function, args in progress.track(tasks, "validate: checks", unit="check")
                for result in function(*args)}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        batches = pool.map(lambda task: list(task[0](*task[1])), tasks)
        return {result for batch in progress.track(batches, "validate: checks", total=len(tasks),
                                                   unit="check") for result in batch}


class _InstanceOf:
    """Writes "?x is an instance of C" as patterns over C and its subclasses in the data.

    A property path ``rdf:type/rdfs:subClassOf*`` inside ``NOT EXISTS`` costs a walk over
    every instance for each row; the subclasses, looked up once, make it an index look-up.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.closures: dict[URIRef, list[str]] = {}
        self.lock = threading.Lock()

    def classes(self, cls: URIRef) -> list[str]:
        with self.lock:
            return self._classes(cls)

    def _classes(self, cls: URIRef) -> list[str]:
        if cls not in self.closures:
            rows = _select(self.store, _SUBCLASS_CLOSURE.replace("{}", cls.n3()))
            self.closures[cls] = sorted({str(row["class"]) for row in rows} | {cls.n3()})
        return self.closures[cls]

    def pattern(self, variable: str, cls: URIRef) -> str:
        return " UNION ".join(f"{{ {variable} {_RDF_TYPE} {c} }}" for c in self.classes(cls))


def _targets(shape: ShapeCheck, values: str | None, instance_of: _InstanceOf) -> str:
    """Return a sub-SELECT of the shape's targets (among the ``values`` focus nodes, if given).

    Given focus nodes are tested one by one with ``EXISTS``: joining them with a
    pattern such as ``?s pg:domain ?this`` would read every practice in a popular
    domain, where ``EXISTS`` stops at the first.
    """
    patterns = [instance_of.pattern("?this", c) for c in shape.target_classes]
    patterns += [f"{{ ?_subject {p.n3()} ?this }}" for p in shape.target_objects_of]
    patterns += [f"{{ ?this {p.n3()} ?_object }}" for p in shape.target_subjects_of]
    nodes = [n.n3() for n in shape.target_nodes]
    if values:
        tests = [f"EXISTS {{ {pattern} }}" for pattern in patterns]
        tests += [f"?this IN ({', '.join(nodes)})"] if nodes else []
        return f"{{ SELECT DISTINCT ?this WHERE {{ {values} FILTER ({' || '.join(tests)}) }} }}"
    patterns += [f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}"] if nodes else []
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(patterns)} }} }}"


def _property_results(
    store: ox.Store, targets: str, check: PropertyCheck, instance_of: _InstanceOf
) -> Iterator[ShaclResult]:
    path = check.path.n3()

    def result(focus, value=None) -> ShaclResult:
        return ShaclResult(
            from_oxigraph(focus),
            check.path,
            check.severity,
            check.message,
            from_oxigraph(value) if value is not None else None,
        )

    queries = []
    if check.min_count == 1:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
        )
    elif check.min_count > 1:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {check.min_count})"
        )
    if check.max_count is not None:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} ?this {path} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {check.max_count})"
        )
    for value in check.has_value:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} {value.n3()} }} }}"
        )
    if check.unique_lang:
        queries.append(
            f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v , ?w . "
            'FILTER (!sameTerm(?v, ?w) && LANG(?v) != "" && LCASE(LANG(?v)) = LCASE(LANG(?w))) }'
        )
    for query in queries:
        for row in _select(store, query):
            yield result(row["this"])
    failure = _value_failure(check, instance_of)
    if failure:
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {targets} ?this {path} ?v FILTER ({failure}) }}"
        for row in _select(store, query):
            yield result(row["this"], row["v"])
    candidates = _python_candidates(check)
    if candidates:
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {targets} ?this {path} ?v FILTER ({candidates}) }}"
        )
        for row in _select(store, query):
            if not _python_value_ok(check, row["v"]):
                yield result(row["this"], row["v"])


def _value_failure(check: PropertyCheck, instance_of: _InstanceOf) -> str:
    """Return a SPARQL expression true for a value ``?v`` that breaks a value constraint."""
    fails = []
    if check.datatype is not None:
        fails.append(f"!isLiteral(?v) || datatype(?v) != {check.datatype.n3()}")
    for cls in check.classes:
        fails.append(f"isLiteral(?v) || NOT EXISTS {{ {instance_of.pattern('?v', cls)} }}")
    for nested in check.nodes:
        conforms = _nested_conforms(nested, instance_of)
        if conforms:
            fails.append(f"!({conforms})")
    if check.node_kind is not None:
        if check.node_kind not in _NODE_KINDS:
            raise UnsupportedShapes(f"sh:nodeKind {check.node_kind}")
        fails.append(_NODE_KINDS[check.node_kind])
    for pattern in check.patterns:
        if _portable(pattern, check.flags):
            flags = "".join(sorted(set(check.flags.lower()) & {"i", "m"}))
            fails.append(f'isBlank(?v) || !REGEX(STR(?v), "{pattern}", "{flags}")')
    if check.min_length:
        fails.append(f"isBlank(?v) || STRLEN(STR(?v)) < {check.min_length}")
    if check.max_length is not None:
        fails.append(f"isBlank(?v) || STRLEN(STR(?v)) > {check.max_length}")
    if check.in_list is not None:
        fails.append(_not_in("?v", check.in_list))
    return " || ".join(f"({fail})" for fail in fails)


def _nested_conforms(nested: NestedShape, instance_of: _InstanceOf) -> str:
    parts = [f"EXISTS {{ ?v {p.n3()} {value.n3()} }}" for p, value in nested.has_values]
    parts += [f"EXISTS {{ ?v {p.n3()} ?_x }}" for p in nested.min_one]
    parts += [
        f"NOT EXISTS {{ ?v {p.n3()} ?_x FILTER ({_not_in('?_x', allowed)}) }}"
        for p, allowed in nested.in_lists
    ]
    parts += [
        f"NOT EXISTS {{ ?v {p.n3()} ?_x FILTER (isLiteral(?_x) || "
        f"NOT EXISTS {{ {instance_of.pattern('?_x', cls)} }}) }}"
        for p, cls in nested.classes
    ]
    return " && ".join(parts)


def _not_in(variable: str, allowed: tuple) -> str:
    if not allowed:
        return "true"
    return "!(" + " || ".join(f"sameTerm({variable}, {a.n3()})" for a in allowed) + ")"


def _portable(pattern: str, flags: str) -> bool:
    return bool(_PORTABLE_PATTERN.match(pattern)) and set(flags.lower()) <= {"i", "m"}


def _python_candidates(check: PropertyCheck) -> str:
    """Return a SPARQL expression selecting the values Python must check, or ''."""
    candidates = []
    if check.datatype is not None and check.datatype not in _UNCHECKED_DATATYPES:
        candidates.append(f"isLiteral(?v) && datatype(?v) = {check.datatype.n3()}")
    if any(not _portable(p, check.flags) for p in check.patterns):
        candidates.append("!isBlank(?v)")
    return " || ".join(f"({c})" for c in candidates)


def _python_value_ok(check: PropertyCheck, value) -> bool:
    if (
        check.datatype is not None
        and isinstance(value, ox.Literal)
        and value.datatype.value == str(check.datatype)
        and not _lexically_valid(value.value, str(check.datatype))
    ):
        return False
    text = value.value
    return all(
        _compiled_pattern(p, check.flags).search(text)
        for p in check.patterns
        if not _portable(p, check.flags)
    )


@lru_cache(maxsize=65_536)
def _lexically_valid(lexical: str, datatype: str) -> bool:
    """Return True when pySHACL takes the literal as well-typed for ``datatype``."""
    if datatype == _XSD_BOOLEAN:
        # rdflib warns (UserWarning) about any other form; these are its well-typed ones.
        return lexical in _BOOLEAN_FORMS
    token = _checking_literals.set(True)  # rdflib logs each ill-typed literal it meets
    try:
        literal = Literal(lexical, datatype=URIRef(datatype))
    finally:
        _checking_literals.reset(token)
    if literal.ill_typed is True:
        return False
    expected = _PYTHON_TYPES.get(URIRef(datatype))
    return expected is None or isinstance(literal.value, expected)


_XSD_BOOLEAN = str(XSD.boolean)
_BOOLEAN_FORMS = frozenset({"true", "false", "1", "0"})

_checking_literals: ContextVar[bool] = ContextVar("checking_literals", default=False)


class _WhileCheckingLiterals(logging.Filter):
    """Drops rdflib's "failed to convert" records while this thread checks literals.

    A filter, added once, that looks at a context variable: unlike changing the
    logger's level (or ``warnings.catch_warnings``) around each check, it does
    not change what other threads log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not _checking_literals.get()


logging.getLogger("rdflib.term").addFilter(_WhileCheckingLiterals())

_PYTHON_TYPES = {
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


@lru_cache(maxsize=256)
def _compiled_pattern(pattern: str, flags: str) -> re.Pattern:
    value = 0
    if "i" in flags.lower():
        value |= re.I
    if "m" in flags.lower():
        value |= re.M
    return re.compile(pattern, value)


def _sparql_results(store: ox.Store, targets: str, constraint) -> Iterator[ShaclResult]:
    match = re.match(r"(?is)^(.*?)SELECT\s+(.*?)\bWHERE\s*\{(.*)\}\s*$", constraint.select)
    if match is None or _FORBIDDEN_IN_SPARQL.search(match[3]) or "$this" not in match[2]:
        raise UnsupportedShapes("a SPARQL constraint beyond SELECT $this … WHERE { pattern }")
    prologue, body = match[1], match[3]
    query = f"{prologue}\nSELECT DISTINCT ?this ?value ?path WHERE {{ {targets} {body} }}"
    for row in _select(store, query):
        focus, value, path = from_oxigraph(row["this"]), row["value"], row["path"]
        yield ShaclResult(
            focus,
            URIRef(path.value) if isinstance(path, ox.NamedNode) else None,
            constraint.severity,
            constraint.message,
            # As pySHACL does for a node shape: no ?value means the focus node is the value.
            from_oxigraph(value) if value is not None else focus,
        )


def _select(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(query, use_default_graph_as_union=True)
