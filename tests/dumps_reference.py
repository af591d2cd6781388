"""The dump writer before streaming (pgraph 0.1, whole dataset in one list): the test oracle.

Kept verbatim in behaviour so that tests/test_dumps_streaming.py can check
that the streaming writer gives byte-identical dumps. Not used by pgraph.
"""

from __future__ import annotations

import gzip as gzip_module
import io
import json

import pyoxigraph as ox

from pgraph.publish.dumps import PREFIXES, RDF_TYPE, DumpFormat
from pgraph.publish.jsonld import to_jsonld


def reference_dump(store: ox.Store, fmt: DumpFormat, *, graphs=None, gzip: bool = False) -> bytes:
    """Return the bytes the whole-list writer gave for ``store`` in ``fmt``."""
    if graphs is None:
        quads = list(store.quads_for_pattern(None, None, None, None))
    else:
        quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None,
                                                                      ox.NamedNode(g))]
    if any(_has_blank_node(q) for q in quads):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    out = io.BytesIO()
    if gzip:
        with gzip_module.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as zipped:
            _serialize(quads, fmt, zipped)
    else:
        _serialize(quads, fmt, out)
    return out.getvalue()


def _has_blank_node(quad):
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _sort_key(triple):
    subject = triple.subject
    subject_key = subject.value if isinstance(subject, ox.NamedNode) else f"~{subject}"
    return (subject_key, triple.predicate.value != RDF_TYPE, triple.predicate.value,
            str(triple.object))


def _serialize(quads, fmt, out):
    if fmt is DumpFormat.NTRIPLES:
        triples = sorted({q.triple for q in quads}, key=_sort_key)
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        out.writelines(sorted(text.splitlines(True)))
    elif fmt is DumpFormat.NQUADS:
        ordered = sorted(set(quads), key=lambda q: (str(q.graph_name), *_sort_key(q)))
        text = ox.serialize(ordered, format=ox.RdfFormat.N_QUADS) or b""
        out.writelines(sorted(text.splitlines(True)))
    elif fmt in (DumpFormat.TURTLE, DumpFormat.RDFXML):
        triples = sorted({q.triple for q in quads}, key=_sort_key)
        ox.serialize(triples, out, fmt.oxigraph_format, prefixes=_used_prefixes(triples))
    elif fmt is DumpFormat.TRIG:
        ordered = sorted(set(quads), key=lambda q: (str(q.graph_name), *_sort_key(q)))
        ox.serialize(ordered, out, ox.RdfFormat.TRIG, prefixes=_used_prefixes(ordered))
    else:
        out.write(json.dumps(to_jsonld(quads), ensure_ascii=False, indent=2).encode("utf-8"))
        out.write(b"\n")


def _used_prefixes(statements):
    seen = set()
    for statement in statements:
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, ox.NamedNode):
                seen.add(term.value)
            elif isinstance(term, ox.Literal):
                seen.add(term.datatype.value)
    return {prefix: namespace for prefix, namespace in PREFIXES.items()
            if any(iri.startswith(namespace) for iri in seen)}
