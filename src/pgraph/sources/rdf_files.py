"""RDF from other catalogues (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD), read offline.

A file's statements become its own named graph (named graphs inside it are
merged into that one, with a warning). Reading never touches the network or
other files: Oxigraph's parsers fetch nothing, and before parsing pgraph
refuses, with a message naming the line,

- JSON-LD that points at a remote ``@context`` or ``@import`` (inline the
  context instead);
- RDF/XML whose DOCTYPE declares an external or parameter entity (XXE:
  ``<!ENTITY x SYSTEM "file:///etc/passwd">``) or internal entities that
  expand past ``MAX_ENTITY_EXPANSION`` characters (the "billion laughs").

Blank nodes get a prefix derived from the file's name, so that two files'
``_:b0`` stay two nodes and a rebuild gives the same identifiers.

Example:
    >>> triples, warnings = read_rdf(b'<https://e.org/a> <https://e.org/p> "x" .',
    ...                              name="other.nt", suffix=".nt")
    >>> [str(t) for t in triples[0]], warnings
    (['https://e.org/a', 'https://e.org/p', 'x'], [])
    >>> read_rdf(b'{"@context": "https://schema.org/", "name": "x"}', name="x.jsonld",
    ...          suffix=".jsonld")
    Traceback (most recent call last):
    ...
    pgraph.errors.SourceError: x.jsonld:1: @context: remote JSON-LD context ...
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from pgraph.errors import SourceError, Warning_

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
"""File suffix → the syntax its statements are read in."""

MAX_ENTITY_EXPANSION = 100_000
"""Most characters the internal entities of an RDF/XML DOCTYPE may expand to, all together."""

_DOCTYPE = re.compile(r"<!DOCTYPE\b[^\[>]*\[(?P<subset>.*?)\]\s*>", re.DOTALL)
_ENTITY = re.compile(
    r"<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s\"'>]+)\s+"
    r"(?:(?P<external>SYSTEM|PUBLIC)\b(?P<target>[^>]*)|\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')",
)
_REFERENCE = re.compile(r"&([A-Za-z_:][\w.:-]*);")
_SYNTAX_AT = re.compile(r"\(line \d+\)$")

Triple = tuple[Node, Node, Node]


def read_rdf(data: bytes, *, name: str, suffix: str) -> tuple[list[Triple], list[Warning_]]:
    """Return the statements of an RDF file (as rdflib terms) and warnings; never fetches anything.

    Raises ``SourceError`` (with the line where known) for a syntax error, a
    remote JSON-LD context, an XML external entity or an entity bomb.
    """
    rdf_format = RDF_FORMATS.get(suffix.lower())
    if rdf_format is None:
        raise SourceError(f'unknown RDF syntax "{suffix}"', path=name)
    if not data.strip():
        raise SourceError("the file is empty", path=name)
    text = _utf8(data, name)
    if rdf_format == ox.RdfFormat.JSON_LD:
        _refuse_remote_contexts(text, name)
    elif rdf_format == ox.RdfFormat.RDF_XML:
        _refuse_entities(text, name)
    try:
        quads = list(ox.parse(data, rdf_format, base_iri=None))
    except SyntaxError as error:
        raise _syntax_error(error, name, rdf_format) from None
    except (ValueError, OSError) as error:
        raise SourceError(f"cannot read the RDF: {error}", path=name) from None
    prefix = "f" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    triples: list[Triple] = []
    warnings: list[Warning_] = []
    graphs: set[str] = set()
    quoted = 0
    for quad in quads:
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            quoted += 1
            continue
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            graphs.add(str(quad.graph_name))
        triples.append(
            (_term(quad.subject, prefix), _term(quad.predicate, prefix), _term(quad.object, prefix))
        )
    if graphs:
        warnings.append(Warning_(
            f"{len(graphs)} named graph(s) in the file merged into the file's own graph",
            path=name,
        ))
    if quoted:
        warnings.append(Warning_(
            f"{quoted} statement(s) about quoted triples (RDF-star) left out: not supported",
            path=name,
        ))
    return triples, warnings


def _utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}): RDF files are read as UTF-8",
            path=name, line=line, hint="save the file as UTF-8",
        ) from None


def _term(term: Any, prefix: str) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(prefix + term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _line_of(text: str, needle: str) -> int | None:
    found = text.find(needle)
    return text.count("\n", 0, found) + 1 if found >= 0 else None


# ---------------------------------------------------------------- JSON-LD


def _refuse_remote_contexts(text: str, name: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg}", path=name, line=exc.lineno) from None
    except RecursionError:
        raise SourceError("JSON nested too deeply", path=name) from None
    url = _remote_context(document)
    if url is not None:
        raise SourceError(
            f'remote JSON-LD context "{url}" refused: pgraph reads no URL while building;'
            ' put the context in the file (an object under "@context")',
            path=name, line=_line_of(text, json.dumps(url)[1:-1]) or 1, field="@context",
        )


def _remote_context(value: Any, depth: int = 0) -> str | None:
    """Return the first context reference that is not inline (a URL or any string), or None."""
    if depth > 200:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                found = _context_reference(item)
                if found is not None:
                    return found
            found = _remote_context(item, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _remote_context(item, depth + 1)
            if found is not None:
                return found
    return None


def _context_reference(context: Any) -> str | None:
    items = context if isinstance(context, list) else [context]
    for item in items:
        if isinstance(item, str):
            return item
        if isinstance(item, dict) and isinstance(item.get("@import"), str):
            return item["@import"]
    return None


# ---------------------------------------------------------------- RDF/XML


def _refuse_entities(text: str, name: str) -> None:
    doctype = _DOCTYPE.search(text)
    if doctype is None:
        if "<!ENTITY" in text:
            raise SourceError("entity declarations outside a DOCTYPE refused", path=name,
                              line=_line_of(text, "<!ENTITY"), field="DOCTYPE")
        return
    subset = doctype.group("subset")
    offset = doctype.start("subset")
    values: dict[str, str] = {}
    declared = 0
    for match in _ENTITY.finditer(subset):
        declared += 1
        line = text.count("\n", 0, offset + match.start()) + 1
        if match["external"] or match["parameter"]:
            what = "external" if match["external"] else "parameter"
            target = (match["target"] or "").strip()
            raise SourceError(
                f'XML {what} entity "{match["name"]}"'
                + (f" ({match['external']} {target})" if target else "")
                + " refused: pgraph never reads the files or URLs an RDF/XML file points to",
                path=name, line=line, field="DOCTYPE",
                hint="replace the entity by its text",
            )
        values[match["name"]] = match["dq"] if match["dq"] is not None else match["sq"]
    if subset.count("<!ENTITY") != declared:
        raise SourceError("an entity declaration pgraph cannot check refused", path=name,
                          line=_line_of(text, "<!ENTITY"), field="DOCTYPE")
    sizes: dict[str, int] = {}

    def size(entity: str, seen: tuple[str, ...] = ()) -> int:
        if entity in sizes:
            return sizes[entity]
        if entity in seen:
            raise SourceError(f'XML entity "{entity}" refers to itself', path=name,
                              field="DOCTYPE")
        value = values.get(entity)
        if value is None:
            return len(entity) + 2
        total = len(_REFERENCE.sub("", value))
        for ref in _REFERENCE.findall(value):
            total += size(ref, (*seen, entity))
            if total > MAX_ENTITY_EXPANSION:
                break
        sizes[entity] = total
        return total

    body = text[doctype.end():]
    expanded = sum(size(ref) for ref in _REFERENCE.findall(body) if ref in values)
    biggest = max((size(e) for e in values), default=0)
    if max(expanded, biggest) > MAX_ENTITY_EXPANSION:
        raise SourceError(
            f"XML entities expand to more than {MAX_ENTITY_EXPANSION} characters"
            " (an entity bomb?); refused",
            path=name, line=text.count("\n", 0, doctype.start()) + 1, field="DOCTYPE",
        )


def _syntax_error(error: SyntaxError, name: str, rdf_format: ox.RdfFormat) -> SourceError:
    message = _SYNTAX_AT.sub("", str(error)).strip()
    if "LoadDocumentCallback" in message:
        message = "remote JSON-LD context refused: pgraph reads no URL while building"
    return SourceError(
        f"not valid {_FORMAT_NAMES.get(rdf_format, 'RDF')}: {message}",
        path=name,
        line=getattr(error, "lineno", None),
    )


_FORMAT_NAMES = {
    ox.RdfFormat.TURTLE: "Turtle",
    ox.RdfFormat.N_TRIPLES: "N-Triples",
    ox.RdfFormat.N_QUADS: "N-Quads",
    ox.RdfFormat.TRIG: "TriG",
    ox.RdfFormat.RDF_XML: "RDF/XML",
    ox.RdfFormat.JSON_LD: "JSON-LD",
}
