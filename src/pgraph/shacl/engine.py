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
FEW_FOCUS_NODES = 2_000
"""Up to this many focus nodes (incremental validation after a few pages changed: ~75 a page),
a value's class or a missing match is tested per row; above it, joined with every match read once
(both give the same results; at ~3,600 nodes they cost the same)."""
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
    few = False  # a few focus nodes: values tested one by one, not joined with every match
    if focus is not None:
        terms = sorted({str(term) for term in focus})
        if not terms:
            return set()
        values = "VALUES ?this { " + " ".join(terms) + " }"
        few = len(terms) <= FEW_FOCUS_NODES
    instance_of = _InstanceOf(store)
    tasks: list[tuple[Callable[..., Iterator[ShaclResult]], tuple]] = []
    for shape in plan.shapes:
        targets = _targets(shape, values, instance_of)
        whole = _target_test(shape, instance_of) if focus is None else None
        tasks += [
            (_property_results, (store, targets, check, instance_of, whole, few))
            for check in shape.properties
        ]
        tasks += [
            (_sparql_results, (store, targets, constraint, focus is not None, few, whole))
            for constraint in shape.sparql
        ]
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
    if values:
        test = _target_test(shape, instance_of)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {values} FILTER ({test}) }} }}"
    patterns = _target_patterns(shape, instance_of)
    nodes = [n.n3() for n in shape.target_nodes]
    patterns += [f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}"] if nodes else []
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(patterns)} }} }}"


def _target_patterns(shape: ShapeCheck, instance_of: _InstanceOf) -> list[str]:
    patterns = [instance_of.pattern("?this", c) for c in shape.target_classes]
    patterns += [f"{{ ?_subject {p.n3()} ?this }}" for p in shape.target_objects_of]
    patterns += [f"{{ ?this {p.n3()} ?_object }}" for p in shape.target_subjects_of]
    return patterns


def _target_test(shape: ShapeCheck, instance_of: _InstanceOf) -> str:
    """Return a SPARQL expression true when ``?this`` is a target of the shape.

    Each test is an index look-up: made on the few rows a check finds wrong, it
    costs less than joining every value of a property with every target.
    """
    tests = [f"EXISTS {{ {pattern} }}" for pattern in _target_patterns(shape, instance_of)]
    nodes = [n.n3() for n in shape.target_nodes]
    tests += [f"?this IN ({', '.join(nodes)})"] if nodes else []
    return " || ".join(tests) or "false"


def _property_results(
    store: ox.Store, targets: str, check: PropertyCheck, instance_of: _InstanceOf,
    whole: str | None = None, few: bool = False,
) -> Iterator[ShaclResult]:
    """Yield the results of one property's checks on the targets (``whole``: every target,
    the expression that tells one, see :func:`_whole_queries`; ``few``: a few focus nodes,
    see :func:`_value_failure`).

    For a few focus nodes, each check is a look-up per node.
    """
    path = check.path.n3()

    def result(focus, value=None) -> ShaclResult:
        return ShaclResult(
            from_oxigraph(focus),
            check.path,
            check.severity,
            check.message,
            from_oxigraph(value) if value is not None else None,
        )

    if whole is not None:
        queries, value_queries = _whole_queries(targets, check, instance_of, whole)
    else:
        queries, value_queries = _focus_queries(targets, check, instance_of, few)
    for query in queries:
        for row in _select(store, query):
            yield result(row["this"])
    for query in value_queries:
        for row in _select(store, query):
            yield result(row["this"], row["v"])
    candidates = _python_candidates(check)
    if candidates:
        values = f"?this {path} ?v"
        if whole is not None:  # read in one scan, apart, and joined with the targets by hash
            values = f"{{ SELECT ?this ?v WHERE {{ {values} }} }}"
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {targets} {values} FILTER ({candidates}) }}"
        )
        for row in _select(store, query):
            if not _python_value_ok(check, row["v"]):
                yield result(row["this"], row["v"])


_SAME_LANGUAGE = '!sameTerm(?v, ?w) && LANG(?v) != "" && LCASE(LANG(?v)) = LCASE(LANG(?w))'
"""Two values ?v, ?w of one node in one language: what sh:uniqueLang forbids."""


def _whole_queries(
    targets: str, check: PropertyCheck, instance_of: _InstanceOf, test: str
) -> tuple[list[str], list[str]]:
    """Return the queries of one property's checks on every target: focus nodes, then
    (focus, value) pairs.

    Oxigraph joins and groups terms by their ids, but decodes a term for
    ``isLiteral``, ``LANG`` or ``datatype`` (2 to 5 µs each), and joining the
    78,000 memberships with the 78,000 values of a property costs 0.4 s at
    10,000 practices. So what terms' ids can tell is told first on the
    property's values alone — more than ``sh:maxCount`` values (a ``GROUP BY``),
    no value, a value that is not an instance of ``sh:class`` or lacks what
    ``sh:node`` requires (``MINUS``), two values that may share a language — and
    ``test``, the expression true for a target, then checks the few rows found;
    a query for the other value constraints joins the targets with the values.
    """
    path = check.path.n3()
    scan = f"?this {path} ?v"
    # LATERAL: Oxigraph would otherwise push the test into the sub-query, onto every value.
    targeted = f"LATERAL {{ FILTER ({test}) }}"

    def lacking(value: str) -> str:
        return f"MINUS {{ SELECT ?this WHERE {{ ?this {path} {value} }} }}"

    queries = []
    if check.min_count == 1:
        queries.append(f"SELECT ?this WHERE {{ {targets} {lacking('?v')} }}")
    elif check.min_count > 1:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} "
            f"OPTIONAL {{ {{ SELECT ?this ?v WHERE {{ {scan} }} }} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {check.min_count})"
        )
    if check.max_count is not None:
        queries.append(
            f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ {scan} }} GROUP BY ?this "
            f"HAVING (COUNT(DISTINCT ?v) > {check.max_count}) }} {targeted} }}"
        )
    for value in check.has_value:
        queries.append(f"SELECT ?this WHERE {{ {targets} {lacking(value.n3())} }}")
    if check.unique_lang:
        # Only a node with two values can have two in one language.
        queries.append(
            f"SELECT DISTINCT ?this WHERE {{ {{ SELECT ?this WHERE {{ {scan} }} GROUP BY ?this "
            f"HAVING (COUNT(DISTINCT ?v) > 1) }} {targeted} ?this {path} ?v , ?w . "
            f"FILTER ({_SAME_LANGUAGE}) }}"
        )
    lacking = [instance_of.pattern("?v", cls) for cls in check.classes]
    for nested in check.nodes:
        lacking += [f"?v {p.n3()} {value.n3()}" for p, value in nested.has_values]
        lacking += [f"?v {p.n3()} ?_x" for p in nested.min_one]
    value_queries = [
        f"SELECT DISTINCT ?this ?v WHERE {{ {{ SELECT ?this ?v WHERE {{ {scan} "
        f"MINUS {{ SELECT ?v WHERE {{ {pattern} }} }} }} }} {targeted} }}"
        for pattern in lacking
    ]
    failure = _value_failure(check, instance_of, by_ids=False)
    if failure:
        value_queries.append(
            f"SELECT DISTINCT ?this ?v WHERE {{ {targets} {{ SELECT ?this ?v WHERE {{ {scan} }} }} "
            f"FILTER ({failure}) }}"
        )
    return queries, value_queries


def _focus_queries(
    targets: str, check: PropertyCheck, instance_of: _InstanceOf, few: bool
) -> tuple[list[str], list[str]]:
    """Return the queries of one property's checks on given focus nodes (``targets``), each
    node's values looked up: focus nodes, then (focus, value) pairs."""
    path = check.path.n3()
    values = f"?this {path} ?v"

    def lacking(value: str) -> str:
        return f"FILTER NOT EXISTS {{ ?this {path} {value} }}"

    queries = []
    if check.min_count and check.max_count is not None:
        # One pass over the targets for both bounds: the result is the same focus node.
        queries.append(
            f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ {values} }} }} GROUP BY ?this "
            f"HAVING (COUNT(DISTINCT ?v) < {check.min_count} "
            f"|| COUNT(DISTINCT ?v) > {check.max_count})"
        )
    elif check.min_count == 1:
        queries.append(f"SELECT ?this WHERE {{ {targets} {lacking('?v')} }}")
    elif check.min_count > 1:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ {values} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {check.min_count})"
        )
    if check.max_count is not None and not check.min_count:
        queries.append(
            f"SELECT ?this WHERE {{ {targets} {values} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {check.max_count})"
        )
    for value in check.has_value:
        queries.append(f"SELECT ?this WHERE {{ {targets} {lacking(value.n3())} }}")
    if check.unique_lang:
        queries.append(
            f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v , ?w . "
            f"FILTER ({_SAME_LANGUAGE}) }}"
        )
    value_queries = []
    failure = _value_failure(check, instance_of, few)
    if failure:
        flags = "" if few else _class_flags(check, instance_of)
        value_queries.append(
            f"SELECT DISTINCT ?this ?v WHERE {{ {targets} {values} {flags} "
            f"FILTER ({failure}) }}"
        )
    return queries, value_queries


def _value_failure(
    check: PropertyCheck, instance_of: _InstanceOf, few: bool = False, by_ids: bool = True
) -> str:
    """Return a SPARQL expression true for a value ``?v`` that breaks a value constraint.

    ``few``: the values are those of a few focus nodes (incremental validation),
    whose classes are tested one by one (``NOT EXISTS``) instead of joined with every
    instance of the class (:func:`_class_flags`, for many focus nodes).
    ``by_ids=False`` leaves out ``sh:class`` and what ``sh:node`` requires with
    ``sh:hasValue`` or ``sh:minCount``: checked apart (:func:`_whole_queries`).
    """
    fails = []
    if check.datatype is not None:
        fails.append(f"!isLiteral(?v) || datatype(?v) != {check.datatype.n3()}")
    for number, cls in enumerate(check.classes if by_ids else ()):
        if few:
            fails.append(f"isLiteral(?v) || NOT EXISTS {{ {instance_of.pattern('?v', cls)} }}")
        else:
            fails.append(f"isLiteral(?v) || !BOUND(?_class{number})")  # see _class_flags
    for nested in check.nodes:
        if not by_ids:
            nested = NestedShape(in_lists=nested.in_lists, classes=nested.classes)
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


def _class_flags(check: PropertyCheck, instance_of: _InstanceOf) -> str:
    """Return OPTIONAL joins binding ``?_classN`` when the value ``?v`` is an instance of class N.

    ``NOT EXISTS { ?v a C }`` costs Oxigraph a sub-evaluation per value (1.6 s for
    the 78,000 memberships at 10k); the instances of C, read once and joined on
    ``?v``, cost a hash look-up each. For the values of a few focus nodes it is
    the other way round: reading the 60,000 assessments of the store to check the
    six of one practice took 0.14 s, the six look-ups take microseconds.
    """
    return " ".join(
        f"OPTIONAL {{ {{ SELECT DISTINCT ?v (true AS ?_class{number}) WHERE {{ "
        f"{instance_of.pattern('?v', cls)} }} }} }}"
        for number, cls in enumerate(check.classes)
    )


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


def _sparql_results(
    store: ox.Store, targets: str, constraint, targets_first: bool = False, few: bool = False,
    test: str | None = None,
) -> Iterator[ShaclResult]:
    """Yield the results of a SPARQL constraint on the targets (``test``: the expression
    true for a target, given for all the store's targets; see :func:`_one_by_one`)."""
    match = re.match(r"(?is)^(.*?)SELECT\s+(.*?)\bWHERE\s*\{(.*)\}\s*$", constraint.select)
    if match is None or _FORBIDDEN_IN_SPARQL.search(match[3]) or "$this" not in match[2]:
        raise UnsupportedShapes("a SPARQL constraint beyond SELECT $this … WHERE { pattern }")
    prologue, body = match[1], match[3]
    group = _one_by_one(body, targets, targets_first, few, test)
    query = f"{prologue}\nSELECT DISTINCT ?this ?value ?path WHERE {{ {group} }}"
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


_TOKEN = re.compile(
    r'(?s)\s+|#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
    r"|[?$][A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z0-9_:%.-]*[A-Za-z0-9_:%-]|[A-Za-z_]*:"
    r"|[A-Za-z_][A-Za-z0-9_]*|[0-9.]+|\^\^|[^\s]"
)
_SIMPLE_TERM = re.compile(
    r'^(?:[?$]\w+|<[^>]*>|[A-Za-z_][\w.-]*:[\w:%.-]*|"|\'|[0-9.]+$|true$|false$)'
)
_GROUPED = {"FILTER", "OPTIONAL", "EXISTS", "NOT"}
_BRACKETS = {"{", "}", "[", "]", "(", ")"}


def _one_by_one(
    body: str, targets: str, targets_first: bool = False, few: bool = False,
    test: str | None = None,
) -> str:
    """Return the targets and ``body`` as a group whose triple patterns give each match once.

    Over the union of the store's graphs Oxigraph gives a triple once per graph
    that holds it: a concept described in each of 10,000 practice graphs comes
    back 10,000 times, and a join of two such patterns multiplies the rows
    (pySHACL's graph holds each triple once), which Oxigraph 0.5's join order
    made a query of hours. Each top-level triple pattern becomes a ``LATERAL``
    ``SELECT DISTINCT`` sub-query, evaluated once per row with the variables
    bound so far (an index look-up), in the order ``_ordered`` gives; the
    FILTERs stay in the group, where they apply to its whole solution as
    before. A body this reading does not follow (sub-groups, OPTIONAL, property
    paths) is kept as it is, after the targets. A ``FILTER NOT EXISTS`` on one
    triple becomes a join on its matches read once (:func:`_anti_join`), except
    for ``few`` given focus nodes, whose rows cost less to test one by one than
    every match to read.

    Example:
        >>> print(_one_by_one("$this ?p ?c . ?c pg:unmapped true ; skos:prefLabel ?v .", "T"))
        { SELECT DISTINCT * WHERE { ?c pg:unmapped true } } \
LATERAL { SELECT DISTINCT * WHERE { ?c skos:prefLabel ?v } } \
LATERAL { SELECT DISTINCT * WHERE { $this ?p ?c } } FILTER EXISTS { T }
        >>> _one_by_one("$this ?p ?c . OPTIONAL { ?c ?q ?d }", "T")
        'T $this ?p ?c . OPTIONAL { ?c ?q ?d }'
    """
    parts = _group_parts(body)
    if parts is None:
        return f"{targets} {body}"
    triples, others = parts
    pinned, choices = _pinned_and_choices(others)
    triples = [[pinned.get("?" + t[1:], t) if t[:1] in "?$" else t for t in triple]
               for triple in triples]
    bound = {v for triple in triples for v in _variables(triple)} | {"?this"} | pinned.keys()
    start = max(triples, key=lambda t: _fixed(t, set()), default=None)
    # All the store's targets (``test`` tells one), patterns each read whole and plain
    # filters: the group is evaluated on them alone, the few rows it keeps tested as targets
    # (with an EXISTS filter, the targets' join first is faster).
    last = (
        test is not None and not targets_first and start is not None
        and _fixed(start, set())[1] < 2
        and all(t[1][:1] not in "?$" or "?" + t[1][1:] in choices for t in triples)
        and any("?this" in _variables(t) for t in triples)
        and not any(re.search(r"(?i)\bEXISTS\b", other) for other in others)
    )
    joins = _ordered(
        triples, targets, targets_first, scans=not targets_first, choices=choices,
        targets_last=last,
    )
    joins += [f"VALUES {variable} {{ {term} }}" for variable, term in pinned.items()]
    if few:
        return " ".join(joins + others)
    elements = []
    plain = [other for other in others if not re.search(r"(?i)\bEXISTS\b", other)]
    for n, other in enumerate(others):
        element = _anti_join(other, bound, n)
        if element == other and not targets_first and other not in plain:
            element = _per_distinct(other, joins + plain, bound, n) or f"LATERAL {{ {other} }}"
        elements.append(element)
    if last:
        elements.append(f"LATERAL {{ FILTER ({test}) }}")
    return " ".join(joins + elements)


def _group_parts(body: str) -> tuple[list[list[str]], list[str]] | None:
    """Return the triple patterns and the FILTERs of a group, or None for anything else."""
    found = [m for m in _TOKEN.finditer(body) if m[0].strip() and not m[0].startswith("#")]
    tokens = [m[0] for m in found]
    triples: list[list[str]] = []
    others: list[str] = []
    block: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.upper() in _GROUPED or token in _BRACKETS:
            if block or token.upper() != "FILTER":
                # FILTER between the terms of a triple, a group, a blank node …
                return None
            end = _element_end(tokens, i + 1)
            if end is None:
                return None
            others.append(_filter_text(body, found, i, end))
            i = end
            continue
        if token == ".":
            patterns = _triple_patterns(block)
            if patterns is None:
                return None
            triples += patterns
            block = []
        else:
            block.append(token)
        i += 1
    if block:
        patterns = _triple_patterns(block)
        if patterns is None:
            return None
        triples += patterns
    return triples, others


def _pinned_and_choices(others: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Return the variables FILTERs pin to one term, and those they allow a few IRIs
    (``?x IN (IRIs)``: the filter stays, VALUES lets each IRI's matches be read)."""
    pinned = {}
    for other in others:
        match = _PINNED.match(other)
        if match:
            variable, term = (match[1], match[2]) if match[1][0] in "?$" else (match[2], match[1])
            if term[0] not in "?$":
                pinned["?" + variable[1:]] = term
    choices = {}
    for other in others:
        match = _CHOICES.match(other)
        if match and "?" + match[1][1:] not in pinned:
            choices["?" + match[1][1:]] = " ".join(re.split(r"\s*,\s*", match[2].strip()))
    return pinned, choices


_PINNED = re.compile(
    r"^FILTER\s*\(\s*([?$]\w+|<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*)\s*=\s*"
    r"([?$]\w+|<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*)\s*\)$"
)
_IRI = r"(?:<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*)"
_CHOICES = re.compile(
    rf"^FILTER\s*\(\s*([?$]\w+)\s+IN\s*\(\s*({_IRI}(?:\s*,\s*{_IRI})*)\s*\)\s*\)$", re.I
)
_NOT_EXISTS = re.compile(r"^FILTER\s+NOT\s+EXISTS\s*\{([^{}]*)\}$", re.I)


def _anti_join(element: str, bound: set[str], number: int) -> str:
    """Return ``FILTER NOT EXISTS { one triple }`` as a join on the triple's matches read once.

    Oxigraph evaluates ``NOT EXISTS`` anew for each row (1.6 s for 78,000 rows
    at 10k); an OPTIONAL join on a sub-query that reads the pattern once, and
    projects only the variables the row binds, flags the rows that have a match.
    Anything else is returned as it is.
    """
    match = _NOT_EXISTS.match(element.strip())
    if match is None or "." in re.sub(r'<[^<>\s]*>|"[^"]*"', "", match[1]).replace("..", ""):
        return element
    if re.search(r"\b(FILTER|EXISTS|OPTIONAL|UNION)\b", match[1], re.I):
        return element
    names = {"?" + v[1:] for v in re.findall(r"[?$]\w+", match[1])}
    shared = sorted(names & bound)
    if not shared:
        return element
    flag = f"?_missing{number}"
    return (
        f"OPTIONAL {{ SELECT DISTINCT {' '.join(shared)} (true AS {flag}) "
        f"WHERE {{ {match[1]} }} }} FILTER (!BOUND({flag}))"
    )


_EXISTS = re.compile(r"(?is)^FILTER\s+(NOT\s+)?EXISTS\s*\{(.*)\}$")


def _per_distinct(element: str, joins: list[str], bound: set[str], number: int) -> str | None:
    """Return ``FILTER [NOT] EXISTS { … }`` tested once per distinct binding of the row's
    variables it uses (``joins``: the group's joins and plain filters), or None when it
    uses none.

    The facets' scheme check tests each of 135,000 (practice, facet, value) rows
    at 10k (1.9 s), for a few hundred distinct (facet, value) pairs: the pairs are
    read from the same joins, tested, and joined back, flagged.
    """
    match = _EXISTS.match(element.strip())
    if match is None:
        return None
    names = {"?" + v[1:] for v in re.findall(r"[?$]\w+", match[2])}
    shared = " ".join(sorted(names & bound))
    if not shared:
        return None
    holds = f"?_holds{number}"
    tested = (
        f"{{ SELECT DISTINCT {shared} WHERE {{ {' '.join(joins)} }} }} "
        f"LATERAL {{ FILTER EXISTS {{ {match[2]} }} }}"
    )
    if match[1]:  # NOT EXISTS: the rows without a match
        return (
            f"OPTIONAL {{ SELECT DISTINCT {shared} (true AS {holds}) WHERE {{ {tested} }} }} "
            f"FILTER (!BOUND({holds}))"
        )
    return f"{{ SELECT DISTINCT {shared} WHERE {{ {tested} }} }}"


def _ordered(
    triples: list[list[str]], targets: str, targets_first: bool, scans: bool = False,
    choices: dict[str, str] | None = None, targets_last: bool = False,
) -> list[str]:
    """Return the triple patterns (and the targets) as joins, most bound first, without repeats.

    The first pattern, when two of its terms are fixed (``?c pg:unmapped true``), is
    read on its own and made DISTINCT; the targets then become a test on ``?this``
    once a pattern binds it, and each next pattern is looked up for each row.
    Otherwise (or for a few given focus nodes) the targets come first; with
    ``scans`` (all the targets of the store), a next pattern whose predicate is
    known is then read whole, once, and joined by hash (a look-up for each of
    60,000 assessments cost three times more), the others looked up. Each next
    pattern is the one with the most terms fixed or bound. A predicate variable
    with ``choices`` (IRIs a filter allows) is read IRI by IRI, the same way.
    ``targets_last``: the patterns are joined that way without the targets, which
    the caller tests on the rows the group keeps.
    """
    choices = choices or {}
    variables, fixed = _variables, _fixed
    start = max(triples, key=lambda t: fixed(t, set()), default=None)
    anchored = start is not None and fixed(start, set())[1] >= 2
    if targets_last:
        joins, bound, tested = [], set(), True
    elif targets_first or not anchored or not any("?this" in variables(t) for t in triples):
        joins, bound, tested = [targets], {"?this"}, True
    else:
        joins, bound, tested = [], set(), False
    hashed = scans and (bool(joins) or targets_last)  # the targets lead, or all are read
    remaining = list(triples)
    while remaining:
        best = max(remaining, key=lambda t: fixed(t, bound))  # the first of equals
        remaining.remove(best)
        pattern = " ".join(best)
        verb = "?" + best[1][1:]
        if hashed and best[1][:1] in "?$" and verb in choices and verb not in bound:
            joins.append(
                f"{{ VALUES {verb} {{ {choices[verb]} }} "
                f"LATERAL {{ SELECT DISTINCT * WHERE {{ {pattern} }} }} }}"
            )
        elif not joins or (hashed and best[1][:1] not in "?$"):
            joins.append(f"{{ SELECT DISTINCT * WHERE {{ {pattern} }} }}")
        else:
            joins.append(f"LATERAL {{ SELECT DISTINCT * WHERE {{ {pattern} }} }}")
        bound |= variables(best)
        if not tested and "?this" in bound:
            joins.append(f"FILTER EXISTS {{ {targets} }}")
            tested = True
    return joins


def _filter_text(body: str, found: list[re.Match], start: int, end: int) -> str:
    """Return the text of the FILTER ``found[start:end]``, each EXISTS of triples made a chain.

    Inside ``EXISTS { ?a p ?b . ?b q ?c }`` Oxigraph fixes the join order before it
    knows the row's bindings, and may read every ``?b q ?c`` for each row: written
    as ``?a p ?b LATERAL { ?b q ?c }`` from the pattern that shares a variable with
    the row, each step is an index look-up.
    """
    tokens = [m[0] for m in found]
    pieces, position, i = [], found[start].start(), start
    while i < end:
        if tokens[i].upper() == "EXISTS" and i + 1 < end and tokens[i + 1] == "{":
            close = _element_end(tokens, i + 1)
            inner = tokens[i + 2 : close - 1] if close is not None else ["{"]
            if not set(inner) & _BRACKETS and not {t.upper() for t in inner} & _GROUPED:
                triples = _blocks(inner)
                if triples and len(triples) > 1:
                    chain = _chain(triples, {"?this"})
                    pieces.append(body[position : found[i + 1].start()])
                    pieces.append("{ " + chain + " }")
                    position = found[close - 1].end()
                    i = close
                    continue
        i += 1
    pieces.append(body[position : found[end - 1].end()])
    return "".join(pieces)


def _blocks(tokens: list[str]) -> list[list[str]] | None:
    """Return the triple patterns of ``tokens`` (triples separated by "."), or None."""
    triples: list[list[str]] = []
    block: list[str] = []
    for token in [*tokens, "."]:
        if token != ".":
            block.append(token)
            continue
        patterns = _triple_patterns(block)
        if patterns is None:
            return None
        triples += patterns
        block = []
    return triples


def _chain(triples: list[list[str]], bound: set[str]) -> str:
    """Return the patterns joined one after the other, from the one sharing the most bindings."""
    remaining, bound, steps = list(triples), set(bound), []
    while remaining:
        best = max(remaining, key=lambda t: _fixed(t, bound))
        remaining.remove(best)
        pattern = " ".join(best)
        steps.append(pattern if not steps else f"LATERAL {{ {pattern} }}")
        bound |= _variables(best)
    return " ".join(steps)


def _variables(triple: list[str]) -> set[str]:
    return {"?" + t[1:] for t in triple if t[:1] in "?$"}


def _fixed(triple: list[str], bound: set[str]) -> tuple[bool, int, bool]:
    """Rank a pattern to join next: shares a bound variable, terms known, predicate known."""
    # A pattern that shares no bound variable would pair every row with every match.
    joined = not bound or bool(_variables(triple) & bound)
    known = sum(1 for t in triple if t[:1] not in "?$" or "?" + t[1:] in bound)
    return joined, known, triple[1][:1] not in "?$"


def _element_end(tokens: list[str], start: int) -> int | None:
    """Return the index after the FILTER expression starting at ``tokens[start]``."""
    i, depth = start, 0
    while i < len(tokens):
        token = tokens[i]
        if token in "({":
            depth += 1
        elif token in ")}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                return i + 1
        elif depth == 0 and not re.match(r"^\w+$", token):
            return None  # NOT, EXISTS and a function's name are words
        i += 1
    return None


def _triple_patterns(block: list[str]) -> list[list[str]] | None:
    """Return the triple patterns of ``subject verb objects ; verb objects …``, or None."""
    if not block:
        return []
    parts: list[list[str]] = [[]]
    for token in block:
        if token == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    subject, parts[0] = parts[0][:1], parts[0][1:]
    if not subject or not _object_term(subject) or subject[0][:1] in "\"'0123456789":
        return None  # a blank node label may not be shared between sub-queries
    patterns = []
    for part in parts:
        if not part:
            continue  # a trailing ";"
        verb = part[0]
        if verb != "a" and not _object_term([verb]):
            return None
        objects: list[list[str]] = [[]]
        for token in part[1:]:
            if token == ",":
                objects.append([])
            else:
                objects[-1].append(token)
        for pieces in objects:
            if not _object_term(pieces):
                return None
            patterns.append([subject[0], verb, "".join(pieces)])
    return patterns


def _object_term(pieces: list[str]) -> bool:
    """Tell whether the tokens are one term: a plain term, ``"…"^^type`` or ``"…"@tag``."""
    if not pieces or not _SIMPLE_TERM.match(pieces[0]) or pieces[0].startswith("_:"):
        return False
    if len(pieces) == 1:
        return True
    if pieces[0][:1] not in "\"'":
        return False
    if pieces[1] == "^^":
        return len(pieces) == 3 and bool(_SIMPLE_TERM.match(pieces[2]))
    return pieces[1] == "@" and all(re.match(r"^(?:\w+|-)$", p) for p in pieces[2:])


def _select(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(query, use_default_graph_as_union=True)
