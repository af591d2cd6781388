"""Read a SHACL shapes graph into a plan of checks that SPARQL on Oxigraph can run.

The plan covers the part of SHACL Core and SHACL-SPARQL that pgraph's shapes
use: node shapes targeting classes, subjects or objects of properties, or
nodes; property shapes on a predicate path with cardinality, datatype, class,
node kind, pattern, length, ``sh:in``, ``sh:hasValue``, ``sh:uniqueLang`` and
``sh:node`` (whose nested shape checks values with ``sh:hasValue``,
``sh:minCount``, ``sh:in`` or ``sh:class``); and ``sh:sparql`` SELECT
constraints. Anything else raises ``UnsupportedShapes``, and the caller runs
pySHACL on the whole graph instead: the plan never guesses.

Results are only told apart by what a report shows (focus, path, value,
severity, message), so the checks of one property shape are merged: one query
finds the focus nodes whose count of values is wrong, one the values that
break any value constraint.

Example:
    >>> from pgraph.validate import shapes_graph
    >>> plan = read_plan(shapes_graph())
    >>> [str(s.shape).rsplit("#", 1)[-1] for s in plan.shapes][:3]
    ['AssessmentQualityShape', 'AssessmentShape', 'ConceptShape']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

# Predicates that describe or document a shape without constraining anything.
_NON_VALIDATING = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.message,
    SH.severity,
    SH.deactivated,
}
_TARGETS = {SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode}


class UnsupportedShapes(Exception):  # noqa: N818 - a condition the caller handles, not a failure
    """The shapes use a SHACL feature the SPARQL plan does not cover (the message says which)."""


@dataclass(frozen=True)
class NestedShape:
    """A shape named by ``sh:node``: the value conforms when every listed condition holds."""

    has_values: tuple[tuple[URIRef, object], ...] = ()  # (path, value)
    min_one: tuple[URIRef, ...] = ()  # paths that need at least one value
    in_lists: tuple[tuple[URIRef, tuple], ...] = ()  # (path, allowed values)
    classes: tuple[tuple[URIRef, URIRef], ...] = ()  # (path, class every value must have)


@dataclass
class PropertyCheck:
    """The constraints of one property shape on a predicate path."""

    path: URIRef
    severity: str
    message: str
    min_count: int = 0
    max_count: int | None = None
    has_value: list = field(default_factory=list)
    unique_lang: bool = False
    datatype: URIRef | None = None
    classes: list[URIRef] = field(default_factory=list)
    nodes: list[NestedShape] = field(default_factory=list)
    node_kind: URIRef | None = None
    patterns: list[str] = field(default_factory=list)
    flags: str = ""
    min_length: int | None = None
    max_length: int | None = None
    in_list: tuple | None = None

    @property
    def checks_counts(self) -> bool:
        return bool(self.min_count or self.max_count is not None or self.has_value)

    @property
    def checks_values(self) -> bool:
        return bool(
            self.datatype
            or self.classes
            or self.nodes
            or self.node_kind
            or self.patterns
            or self.min_length
            or self.max_length is not None
            or self.in_list is not None
        )


@dataclass
class SparqlCheck:
    """A ``sh:sparql`` SELECT constraint of a node shape, ``$this`` left free."""

    select: str
    severity: str
    message: str


@dataclass
class ShapeCheck:
    """A node shape with targets, and the checks that run on its focus nodes."""

    shape: object
    target_classes: list[URIRef] = field(default_factory=list)
    target_objects_of: list[URIRef] = field(default_factory=list)
    target_subjects_of: list[URIRef] = field(default_factory=list)
    target_nodes: list = field(default_factory=list)
    properties: list[PropertyCheck] = field(default_factory=list)
    sparql: list[SparqlCheck] = field(default_factory=list)


@dataclass
class Plan:
    """Every targeted shape of a shapes graph, ready to become SPARQL."""

    shapes: list[ShapeCheck]


def read_plan(shapes: Graph) -> Plan:
    """Return the plan of a shapes graph; raise ``UnsupportedShapes`` for what it cannot run."""
    plan = Plan(shapes=[])
    targeted = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    implicit = set(shapes.subjects(RDF.type, RDFS.Class)) & (
        set(shapes.subjects(RDF.type, SH.NodeShape))
        | set(shapes.subjects(RDF.type, SH.PropertyShape))
    )
    if implicit:
        raise UnsupportedShapes("implicit class targets (a shape that is also an rdfs:Class)")
    for shape in sorted(targeted, key=str):
        if _deactivated(shapes, shape):
            continue
        if shapes.value(shape, SH.path) is not None:
            raise UnsupportedShapes(f"a property shape with targets ({shape})")
        plan.shapes.append(_shape_check(shapes, shape))
    return plan


def _shape_check(g: Graph, shape) -> ShapeCheck:
    check = ShapeCheck(
        shape=shape,
        target_classes=[_iri(o, "sh:targetClass") for o in g.objects(shape, SH.targetClass)],
        target_objects_of=[
            _iri(o, "sh:targetObjectsOf") for o in g.objects(shape, SH.targetObjectsOf)
        ],
        target_subjects_of=[
            _iri(o, "sh:targetSubjectsOf") for o in g.objects(shape, SH.targetSubjectsOf)
        ],
        target_nodes=list(g.objects(shape, SH.targetNode)),
    )
    for predicate in set(g.predicates(shape, None)):
        if predicate in _TARGETS | _NON_VALIDATING | {SH.property, SH.sparql}:
            continue
        if str(predicate).startswith(str(SH)):
            raise UnsupportedShapes(f"{_short(predicate)} directly on node shape {shape}")
    severity = _severity(g, shape)
    for prop in g.objects(shape, SH.property):
        if not _deactivated(g, prop):
            check.properties.append(_property_check(g, prop))
    for constraint in g.objects(shape, SH.sparql):
        if _deactivated(g, constraint):
            continue
        check.sparql.append(
            SparqlCheck(
                select=_prefixed_select(g, constraint),
                severity=severity,
                message=_message(g, shape, constraint),
            )
        )
    return check


def _property_check(g: Graph, prop) -> PropertyCheck:
    path = g.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapes(f"a property path that is not a single predicate ({path})")
    check = PropertyCheck(path=path, severity=_severity(g, prop), message=_message(g, prop))
    for predicate, value in g.predicate_objects(prop):
        if predicate in _NON_VALIDATING or predicate == SH.path:
            continue
        if predicate == SH.minCount:
            check.min_count = int(value)
        elif predicate == SH.maxCount:
            check.max_count = int(value)
        elif predicate == SH.hasValue:
            check.has_value.append(value)
        elif predicate == SH.uniqueLang:
            check.unique_lang = bool(value.toPython()) if isinstance(value, Literal) else False
        elif predicate == SH.datatype:
            if value in (RDFS.Literal, RDFS.Datatype):
                raise UnsupportedShapes(f"sh:datatype {_short(value)}")
            check.datatype = _iri(value, "sh:datatype")
        elif predicate == SH["class"]:
            check.classes.append(_iri(value, "sh:class"))
        elif predicate == SH.node:
            check.nodes.append(_nested_shape(g, value))
        elif predicate == SH.nodeKind:
            check.node_kind = _iri(value, "sh:nodeKind")
        elif predicate == SH.pattern:
            check.patterns.append(str(value))
        elif predicate == SH.flags:
            check.flags = str(value)
        elif predicate == SH.minLength:
            check.min_length = int(value)
        elif predicate == SH.maxLength:
            check.max_length = int(value)
        elif predicate == SH["in"]:
            check.in_list = tuple(Collection(g, value))
        else:
            raise UnsupportedShapes(f"{_short(predicate)} on a property shape")
    if len(check.patterns) > 1:
        raise UnsupportedShapes("several sh:pattern on one property shape")
    return check


def _nested_shape(g: Graph, shape) -> NestedShape:
    if _deactivated(g, shape):
        return NestedShape()
    has_values, min_one, in_lists, classes = [], [], [], []
    for predicate in set(g.predicates(shape, None)):
        if predicate not in _NON_VALIDATING | {SH.property}:
            raise UnsupportedShapes(f"{_short(predicate)} in a shape used by sh:node")
    for prop in g.objects(shape, SH.property):
        if _deactivated(g, prop):
            continue
        path = g.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise UnsupportedShapes("a nested property path that is not a single predicate")
        for predicate, value in g.predicate_objects(prop):
            if predicate in _NON_VALIDATING or predicate == SH.path:
                continue
            if predicate == SH.hasValue:
                has_values.append((path, value))
            elif predicate == SH.minCount and int(value) <= 1:
                if int(value) == 1:
                    min_one.append(path)
            elif predicate == SH["in"]:
                in_lists.append((path, tuple(Collection(g, value))))
            elif predicate == SH["class"]:
                classes.append((path, _iri(value, "sh:class")))
            else:
                raise UnsupportedShapes(f"{_short(predicate)} in a shape used by sh:node")
    return NestedShape(tuple(has_values), tuple(min_one), tuple(in_lists), tuple(classes))


def _prefixed_select(g: Graph, constraint) -> str:
    select = g.value(constraint, SH.select)
    if select is None:
        raise UnsupportedShapes("a SPARQL constraint without sh:select")
    prefixes = []
    for declarer in g.objects(constraint, SH.prefixes):
        for declaration in g.objects(declarer, SH.declare):
            prefix = g.value(declaration, SH.prefix)
            namespace = g.value(declaration, SH.namespace)
            prefixes.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join([*sorted(set(prefixes)), str(select)])


def _message(g: Graph, *nodes) -> str:
    # A SPARQL constraint's result carries its shape's messages and its own (as in pySHACL).
    messages = [m for node in nodes for m in g.objects(node, SH.message)]
    if len(messages) != 1:
        # pySHACL then writes its own per-component messages; the plan does not imitate them.
        raise UnsupportedShapes(
            f"{len(messages)} sh:message on {nodes[-1]} (exactly one is supported)"
        )
    text = str(messages[0])
    if "{" in text:
        raise UnsupportedShapes(f"a message with {{placeholders}} ({text})")
    return text


def _severity(g: Graph, node) -> str:
    severity = g.value(node, SH.severity)
    return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"


def _deactivated(g: Graph, node) -> bool:
    value = g.value(node, SH.deactivated)
    return isinstance(value, Literal) and value.toPython() is True


def _iri(node, what: str) -> URIRef:
    if not isinstance(node, URIRef):
        raise UnsupportedShapes(f"{what} {node} is not an IRI")
    return node


def _short(iri) -> str:
    return f"sh:{str(iri)[len(str(SH)) :]}" if str(iri).startswith(str(SH)) else str(iri)
