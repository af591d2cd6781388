"""pgraph.shacl.engine: a small shapes graph on small data, whose results are known by hand
and equal pySHACL's; focus restriction; threads give what one thread gives."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef

from pgraph.shacl import engine
from pgraph.shacl.engine import ShaclResult, run_plan
from pgraph.shacl.plan import read_plan
from pgraph.store import to_quad
from pgraph.validate import results_from_report

EX = "https://e.org/"
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://e.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:PracticeShape a sh:NodeShape ; sh:targetClass ex:Practice ;
  sh:property [ sh:path ex:title ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                sh:message "one title" ] ;
  sh:property [ sh:path ex:start ; sh:datatype xsd:date ; sh:message "start is a date" ] ;
  sh:property [ sh:path ex:code ; sh:pattern "^[A-Z]{2}$" ; sh:message "two capitals" ] ;
  sh:property [ sh:path ex:partner ; sh:class ex:Organisation ;
                sh:message "partners are organisations" ] ;
  sh:property [ sh:path ex:open ; sh:datatype xsd:boolean ; sh:severity sh:Warning ;
                sh:message "open is a boolean" ] .
"""
DATA = """
@prefix ex: <https://e.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:a a ex:Practice ; ex:title "A" ; ex:start "2014-01-01"^^xsd:date ; ex:code "GB" ;
  ex:partner ex:o ; ex:open "true"^^xsd:boolean .
ex:o a ex:Organisation .
ex:b a ex:Practice ; ex:start "2014-02-31"^^xsd:date ; ex:code "gb" ; ex:partner ex:x ;
  ex:open "1"^^xsd:boolean .
ex:c a ex:Practice ; ex:title "C", "C again" .
"""


def e(name: str) -> URIRef:
    return URIRef(EX + name)


@pytest.fixture(scope="module")
def data() -> Graph:
    return Graph().parse(data=DATA, format="turtle")


@pytest.fixture(scope="module")
def store(data) -> ox.Store:
    store = ox.Store()
    store.extend(to_quad(triple, EX + "graph") for triple in data)
    return store


@pytest.fixture(scope="module")
def plan():
    return read_plan(Graph().parse(data=SHAPES, format="turtle"))


EXPECTED = {
    ShaclResult(e("b"), e("title"), "Violation", "one title", None),
    ShaclResult(e("b"), e("start"), "Violation", "start is a date",
                Literal("2014-02-31", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))),
    ShaclResult(e("b"), e("code"), "Violation", "two capitals", Literal("gb")),
    ShaclResult(e("b"), e("partner"), "Violation", "partners are organisations", e("x")),
    ShaclResult(e("c"), e("title"), "Violation", "one title", None),
}


def test_the_results_are_those_known_by_hand(plan, store):
    assert run_plan(plan, store, workers=1) == EXPECTED


def test_the_results_are_pyshacls(plan, store, data):
    _, report, _ = pyshacl.validate(data, shacl_graph=Graph().parse(data=SHAPES, format="turtle"),
                                    inference="none", allow_warnings=True)
    assert run_plan(plan, store, workers=1) == results_from_report(report)


def test_threads_give_what_one_thread_gives(plan, store):
    assert run_plan(plan, store, workers=4) == run_plan(plan, store, workers=1)


def test_focus_nodes_restrict_the_checks_to_them(plan, store):
    assert run_plan(plan, store, focus=[f"<{EX}c>"]) == {r for r in EXPECTED if r.focus == e("c")}
    assert run_plan(plan, store, focus=[ox.NamedNode(EX + "a")]) == set()
    assert run_plan(plan, store, focus=[]) == set()


@pytest.mark.parametrize("few", [0, 1_000_000])
def test_few_or_many_focus_nodes_give_the_results_of_the_whole_run(plan, store, few, monkeypatch):
    # Few focus nodes: classes and missing matches tested per row; many: joined with every
    # match read once. Every node as a focus node gives what the run over the store gives.
    monkeypatch.setattr(engine, "FEW_FOCUS_NODES", few)
    nodes = {str(q.subject) for q in store} | {str(q.object) for q in store}
    assert run_plan(plan, store, focus=nodes) == EXPECTED


@pytest.mark.parametrize(("lexical", "valid"), [
    ("true", True), ("false", True), ("1", True), ("0", True),
    ("TRUE", False), ("yes", False), ("1.5", False), ("", False),
])
def test_a_boolean_is_checked_as_pyshacl_checks_it(plan, lexical, valid, caplog):
    store = ox.Store()  # loaded by Oxigraph, which keeps the lexical form as written
    store.load(f'<{EX}p> a <{EX}Practice> ; <{EX}title> "P" ; <{EX}open> "{lexical}"^^'
               '<http://www.w3.org/2001/XMLSchema#boolean> .', format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(EX + "graph"))
    results = run_plan(plan, store, workers=1)
    assert (results == set()) is valid, results
    assert not caplog.records  # rdflib's "failed to convert" stays quiet


SPARQL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://e.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

ex:prefixes a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "https://e.org/" ] .
ex:UnmappedShape a sh:NodeShape ; sh:targetClass ex:Practice ;
  sh:sparql [ sh:message "unmapped" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this ?path ?value WHERE {
      $this ?path ?concept . # a comment
      ?concept ex:unmapped true ; ex:label ?value , ?value .
    }''' ] , [ sh:message "no partner with a name" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this WHERE {
      FILTER NOT EXISTS { $this ex:partner ?p . ?p ex:label "named"@en }
    }''' ] , [ sh:message "an optional pattern is kept as it is" ; sh:prefixes ex:prefixes ;
    sh:select '''
    SELECT $this ?value WHERE {
      $this a ex:Practice . OPTIONAL { $this ex:code ?value } FILTER (!BOUND(?value))
    }''' ] , [ sh:message "a concept off its scheme" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this ?value WHERE {
      $this ex:concept ?value .
      FILTER NOT EXISTS { ?value ex:inScheme|ex:candidateFor ex:scheme }
    }''' ] , [ sh:message "a partner with no label" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this ?path ?value WHERE {
      $this ?path ?value . FILTER (?path = ex:partner) FILTER NOT EXISTS { ?value ex:label ?any }
    }''' ] .
"""


def test_sparql_constraints_over_many_graphs_describing_one_node_are_pyshacls(monkeypatch):
    """One concept described in every practice's graph (as the build writes an unmapped
    value): the union of the graphs gives its triples once per graph, pySHACL's graph once."""
    lines = []
    for n in range(40):
        practice = f"ex:p{n}"
        lines.append(f"{practice} a ex:Practice ; ex:concept ex:c{n % 3} ; ex:level ex:u .")
        lines.append("ex:u ex:unmapped true ; ex:label 'Odd'@en , 'Bizarre'@fr .")
        if n % 4:
            lines.append(f"{practice} ex:partner ex:o{n % 5} ; ex:code 'X' .")
        label = '"named"@en' if n % 5 else '"other"'
        if n % 5 != 3:
            lines.append(f"ex:o{n % 5} ex:label {label} .")
    lines.append("ex:c0 ex:inScheme ex:scheme . ex:c1 ex:candidateFor ex:scheme .")
    lines.append("ex:notAPractice ex:level ex:u ; ex:partner ex:o3 .")  # no target: no result
    prologue = "@prefix ex: <https://e.org/> .\n"
    graph, store = Graph(), ox.Store()
    for number, line in enumerate(lines):
        part = Graph().parse(data=prologue + line, format="turtle")
        graph += part
        store.extend(to_quad(triple, f"{EX}graph/{number}") for triple in part)
    shapes = Graph().parse(data=SPARQL_SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    expected = results_from_report(report)
    assert {r.message for r in expected} == {
        "unmapped", "no partner with a name", "an optional pattern is kept as it is",
        "a concept off its scheme", "a partner with no label",
    }
    plan = read_plan(shapes)
    assert run_plan(plan, store, workers=1) == expected
    some = [f"<{EX}p0>", f"<{EX}p1>", f"<{EX}p2>"]
    assert run_plan(plan, store, focus=some) == {r for r in expected if str(r.focus) in
                                                  {s[1:-1] for s in some}}
    every = {str(q.subject) for q in store} | {str(q.object) for q in store}
    for few in (0, 1_000_000):  # joined with every match, or tested per row: the same
        monkeypatch.setattr(engine, "FEW_FOCUS_NODES", few)
        assert run_plan(plan, store, focus=every) == expected


WHOLE_STORE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://e.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

ex:prefixes a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "https://e.org/" ] .
ex:CriterionShape a sh:NodeShape ;
  sh:property [ sh:path ex:inScheme ; sh:hasValue ex:criteria ] ,
              [ sh:path ex:label ; sh:minCount 1 ] .
ex:PracticeShape a sh:NodeShape ; sh:targetClass ex:Practice ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:message "one name" ] ,
              [ sh:path ex:label ; sh:uniqueLang true ; sh:message "one label a language" ] ,
              [ sh:path ex:partner ; sh:class ex:Organisation ; sh:message "partners" ] ,
              [ sh:path ex:criterion ; sh:node ex:CriterionShape ; sh:message "criteria" ] ,
              [ sh:path ex:kind ; sh:hasValue ex:practice ; sh:message "kind" ] ;
  sh:sparql [ sh:message "a facet off its scheme" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this ?path ?value WHERE {
      $this ?path ?value . FILTER (?path IN (ex:a, ex:b))
      FILTER NOT EXISTS { ?value ex:inScheme ?s . FILTER (?s = IF(?path = ex:a, ex:sa, ex:sb)) }
    }''' ] , [ sh:message "assessed, never rated" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this WHERE {
      $this ex:assessment ?any .
      FILTER NOT EXISTS { $this ex:assessment ?x . ?x ex:rating ?r }
    }''' ] , [ sh:message "a partner named in French" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this ?value WHERE {
      $this ex:partner ?value . FILTER EXISTS { ?value ex:label ?l . FILTER (LANG(?l) = "fr") }
    }''' ] , [ sh:message "a partner of an odd practice" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this ?value WHERE { $this ex:partner ?value ; ex:kind ?k . FILTER (?k != ex:practice) }
    ''' ] .
ex:ConceptShape a sh:NodeShape ; sh:targetObjectsOf ex:a , ex:b ;
  sh:sparql [ sh:message "a concept in no scheme" ; sh:prefixes ex:prefixes ; sh:select '''
    SELECT $this WHERE {
      FILTER (IF(EXISTS { $this ex:unmapped true }, false, NOT EXISTS { $this ex:inScheme ?u }))
    }''' ] .
"""


def test_the_whole_store_rewrites_give_pyshacls_results(monkeypatch):
    """Counts grouped before the targets are tested, classes and sh:node by MINUS, uniqueLang
    on nodes with two values, EXISTS filters once per distinct binding, IN as VALUES, targets
    tested last: over
    triples spread across graphs and repeated in several, pySHACL's results."""
    lines = [
        "ex:Member rdfs:subClassOf ex:Organisation . ex:o1 a ex:Organisation . ex:o2 a ex:Member .",
        "ex:o1 ex:label 'Un'@fr . ex:o2 ex:label 'Two'@en .",
        "ex:c1 ex:inScheme ex:criteria ; ex:label 'C' .",
        "ex:c2 ex:inScheme ex:other ; ex:label 'D' .",
        "ex:c3 ex:inScheme ex:criteria . ex:x1 ex:inScheme ex:sa . ex:x2 ex:inScheme ex:sb .",
        "ex:x3 ex:unmapped true . ex:r ex:rating ex:five .",
        "ex:other ex:name 'A', 'B' ; ex:label 'a'@en, 'b'@en ; ex:a ex:x4 .",  # no target
    ]
    for n in range(12):
        p = f"ex:p{n}"
        kind = "ex:other" if n == 9 else "ex:practice"
        lines.append(f"{p} a ex:Practice ; ex:name 'P' ; ex:kind {kind} ; ex:label 'P'@en .")
        lines.append(f"{p} ex:name 'P' ; ex:a ex:x1 ; ex:b ex:x{2 if n % 3 else 1} .")  # repeated
        lines.append(f"{p} ex:partner ex:o{n % 4} ; ex:criterion ex:c{n % 4} .")
        lines.append(f"{p} ex:assessment ex:{'r' if n % 5 else 'q'} .")
    lines += [
        "ex:p1 ex:name 'Q' . ex:p2 ex:label 'p'@EN . ex:p3 ex:label 'P'@fr , 'p'@fr-be .",
        "ex:p4 ex:partner 'a literal' . ex:p5 ex:kind ex:other . ex:p6 ex:a ex:x3 , ex:x5 .",
        "ex:p12 a ex:Practice . ex:p8 ex:a ex:x2 . ex:nobody ex:partner ex:o1 ; ex:kind ex:odd .",
    ]
    prologue = (
        "@prefix ex: <https://e.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    graph, store = Graph(), ox.Store()
    for number, line in enumerate(lines):
        part = Graph().parse(data=prologue + line, format="turtle")
        graph += part
        for copy in range(2):  # every triple in two graphs, as shared descriptions are
            store.extend(to_quad(triple, f"{EX}graph/{number}/{copy}") for triple in part)
    shapes = Graph().parse(data=WHOLE_STORE_SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    expected = results_from_report(report)
    assert {r.message for r in expected} == {
        "one name", "one label a language", "partners", "criteria", "kind",
        "a facet off its scheme", "assessed, never rated", "a partner named in French",
        "a concept in no scheme", "a partner of an odd practice",
    }
    plan = read_plan(shapes)
    assert run_plan(plan, store, workers=1) == expected
    assert run_plan(plan, store, workers=2) == expected
    every = {str(q.subject) for q in store} | {str(q.object) for q in store}
    for few in (0, 1_000_000):  # the focus-node queries agree with the whole-store ones
        monkeypatch.setattr(engine, "FEW_FOCUS_NODES", few)
        assert run_plan(plan, store, focus=every) == expected
