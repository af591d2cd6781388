"""Binding parameters safely: typed RDF terms in a ``VALUES`` block, never pasted text.

Each value is checked against its declared type and turned into an rdflib
term (an IRI, a literal with a datatype or a language). The terms reach the
query as one ``VALUES`` row placed right after the opening brace of the
WHERE clause, written by :func:`sparql_term`, which escapes every literal.
The same text runs locally and on any SPARQL 1.1 endpoint. A parameter
therefore binds the variable of the same name in the outer group of the
WHERE clause (a sub-SELECT does not see it).

Example:
    >>> print(bind_query("SELECT ?p WHERE { ?p <http://purl.org/dc/terms/title> ?t }",
    ...                  {"t": Literal('} ; DROP ALL ; {')}))
    SELECT ?p WHERE { VALUES (?t) { ("} ; DROP ALL ; {") } ?p <http://purl.org/dc/terms/title> ?t }
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from pgraph.errors import QueryError
from pgraph.query.library import QueryInfo
from pgraph.store.terms import to_sparql

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_BCP47 = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*(?::[A-Za-z0-9_\-.:%]*)?")
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_]+)")
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


# ---------------------------------------------------------------- values -> terms


def check_iri(value: str, name: str) -> URIRef:
    """Return ``value`` as an IRI term if it is an absolute IRI, else raise QueryError.

    Example:
        >>> check_iri("http://www.legislation.gov.uk/id/ukpga/1998/37", "act")
        rdflib.term.URIRef('http://www.legislation.gov.uk/id/ukpga/1998/37')
        >>> check_iri("http://x/a> } DROP ALL", "act")
        Traceback (most recent call last):
        ...
        pgraph.errors.QueryError: act: 'http://x/a> } DROP ALL' is not an IRI: it contains '>'; ...
    """
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    bad = _IRI_FORBIDDEN.search(text)
    if bad or not _SCHEME.match(text):
        reason = (
            f"it contains {bad.group()!r}" if bad
            else "it does not start with a scheme such as https:"
        )
        raise QueryError(
            f"{_short(value)!r} is not an IRI: {reason}",
            field=name,
            hint="give an absolute IRI, e.g. https://w3id.org/pgraph/id/practice/…",
        )
    try:  # what SPARQL parsers also refuse: "a:%zz", "a:[", a bad host
        ox.NamedNode(text)
    except ValueError as error:
        raise QueryError(f"{_short(value)!r} is not an IRI: {error}", field=name,
                         hint="give an absolute IRI, e.g. https://w3id.org/pgraph/id/practice/…",
                         ) from None
    return URIRef(text)


def to_term(value: object, kind: str, name: str) -> Node:
    """Return the RDF term for a parameter value of a declared type, or raise QueryError.

    Example:
        >>> to_term("2014-01-01", "date", "since")
        rdflib.term.Literal('2014-01-01', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
        >>> to_term("Police@en", "langstring", "title").n3()
        '"Police"@en'
    """
    if kind == "iri":
        return check_iri(str(value), name)
    if kind == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and _INTEGER.match(value.strip()))
        ):
            raise QueryError(f"{_short(value)!r} is not an integer", field=name,
                             hint="write a whole number such as 3")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "date":
        return Literal(_date(value, name), datatype=XSD.date)
    if kind == "langstring":
        return _langstring(value, name)
    if kind == "concept" and isinstance(value, URIRef):  # resolved to the concept it names
        return check_iri(str(value), name)
    if kind in ("string", "concept"):
        if not isinstance(value, str | int | float | Decimal) or isinstance(value, bool):
            raise QueryError(f"expected text, got {type(value).__name__}", field=name)
        text = str(value)
        if kind == "concept" and not text.strip():
            raise QueryError("a concept label cannot be empty", field=name)
        return Literal(text.strip() if kind == "concept" else text)
    raise QueryError(f"unknown parameter type {kind!r}", field=name)


def _date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise QueryError(f"{_short(value)!r} is not a date", field=name,
                         hint="write it as YYYY-MM-DD, e.g. 2014-01-01") from None


def _langstring(value: object, name: str) -> Literal:
    if isinstance(value, Literal) and value.language:
        return value
    text, at, tag = str(value).rpartition("@")
    if not at or not _valid_language(tag):
        raise QueryError(
            f"{_short(value)!r} has no valid language tag", field=name,
            hint="write text@lang, e.g. Community policing@en",
        )
    return Literal(text, lang=tag)


def infer_term(value: object, name: str) -> Node:
    """Return the term for a value of a parameter no header declares, by its Python type.

    Text ``<…>`` is an IRI; other text is a plain string.

    Example:
        >>> infer_term(3, "n").n3()
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(value, URIRef):
        return check_iri(str(value), name)
    if isinstance(value, Literal):
        return value
    if isinstance(value, BNode):
        raise QueryError("a blank node cannot be a parameter value", field=name)
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        return check_iri(value, name)
    if isinstance(value, bool | int | float | Decimal | dt.date | str):
        return Literal(value)
    raise QueryError(f"cannot bind a {type(value).__name__}", field=name)


def bind_params(info: QueryInfo, params: Mapping[str, object] | None) -> dict[str, Node]:
    """Return the terms to bind: given values checked and typed, defaults filled in.

    Example:
        >>> from pgraph.query.library import load_query
        >>> bind_params(load_query("practices-per-domain"), {})
        {'lang': rdflib.term.Literal('en')}
    """
    params = dict(params or {})
    for key in list(params):
        if params[key] is None:
            del params[key]
    bound: dict[str, Node] = {}
    if info.declares_params:
        unknown = sorted(set(params) - {p.name for p in info.params})
        if unknown:
            accepted = ", ".join(p.name for p in info.params) or "none"
            raise QueryError(
                f"unknown parameter {', '.join(unknown)} for {info.name}; it accepts: {accepted}"
            )
        for spec in info.params:
            if spec.name in params:
                bound[spec.name] = to_term(params[spec.name], spec.type, spec.name)
            elif spec.default is not None:
                bound[spec.name] = to_term(spec.default, spec.type, spec.name)
            elif spec.required:
                raise QueryError(
                    f"{info.name} needs the parameter {spec.name} ({spec.type})",
                    hint=f"pass --param {spec.name}=…"
                    + (f"; {spec.description}" if spec.description else ""),
                )
        return bound
    variables = query_variables(info.text)
    for key, value in params.items():
        if key not in variables:
            raise QueryError(
                f"unknown parameter {key}: the query has no variable ?{key}; "
                f"it accepts: {', '.join(sorted(variables)) or 'none'}"
            )
        bound[key] = infer_term(value, key)
    return bound


# ---------------------------------------------------------------- terms -> SPARQL text


def sparql_term(term: Node) -> str:
    """Return a term in SPARQL syntax, literals escaped so nothing can leave the quotes.

    Example:
        >>> print(sparql_term(Literal('say "hi"\\n} DROP ALL {')))
        "say \\"hi\\"\\n} DROP ALL {"
    """
    if isinstance(term, URIRef):
        return to_sparql(check_iri(str(term), "iri"))
    if isinstance(term, Literal):
        if term.language and not _valid_language(term.language):
            raise QueryError(f"{term.language!r} is not a language tag")
        if term.datatype:
            check_iri(str(term.datatype), "datatype")
        return to_sparql(term)
    raise QueryError(f"cannot write {term!r} into a query")


def values_block(bound: Mapping[str, Node]) -> str:
    """Return the one-row ``VALUES`` block binding each variable to its term."""
    names = " ".join(f"?{name}" for name in bound)
    terms = " ".join(sparql_term(term) for term in bound.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def bind_query(text: str, bound: Mapping[str, Node]) -> str:
    """Return the query text with ``VALUES`` blocks binding the parameters.

    One block opens the WHERE clause; each sub-SELECT that mentions a
    parameter gets its own block too, so that a parameter is the same constant
    everywhere in the query (a sub-SELECT does not see the outer bindings).

    Example:
        >>> bind_query("ASK { ?s ?p ?o }", {"s": URIRef("http://x/a")})
        'ASK { VALUES (?s) { (<http://x/a>) } ?s ?p ?o }'
        >>> print(bind_query("SELECT * { ?s ?p ?o { SELECT ?s WHERE { ?s ?q ?x } } }",
        ...                  {"x": Literal("a")}))  # doctest: +NORMALIZE_WHITESPACE
        SELECT * { VALUES (?x) { ("a") } ?s ?p ?o
          { SELECT ?s WHERE { VALUES (?x) { ("a") } ?s ?q ?x } } }
    """
    if not bound:
        return text
    tokens = list(_tokens(text))
    insertions = [(_where_brace(tokens), dict(bound))]
    for brace, mentioned in _sub_select_braces(tokens):
        inner = {name: term for name, term in bound.items() if name in mentioned}
        if inner:
            insertions.append((brace, inner))
    for brace, terms in sorted(insertions, key=lambda item: item[0], reverse=True):
        text = f"{text[: brace + 1]} {values_block(terms)}{text[brace + 1 :]}"
    return text


def query_variables(text: str) -> set[str]:
    """Return the names of the variables a query mentions (outside comments and strings)."""
    return {m.group(1) for kind, value, _ in _tokens(text) if kind == "var"
            for m in [_VARIABLE.match(value)] if m}


def variables_in_order(text: str) -> list[str]:
    """Return the variables a query mentions, each once, in the order they first appear.

    Example:
        >>> variables_in_order("SELECT * WHERE { ?s ?p ?o . ?o ?q ?s }")
        ['s', 'p', 'o', 'q']
    """
    seen: dict[str, None] = {}
    for kind, value, _ in _tokens(text):
        if kind == "var":
            seen.setdefault(value[1:], None)
    return list(seen)


def _where_brace(tokens: list[tuple[str, str, int]]) -> int:
    """Return the offset of the ``{`` opening the WHERE clause's group."""
    form: str | None = None
    depth = parens = 0
    template_done = False
    for kind, value, start in tokens:
        if kind == "word" and form is None and value.upper() in _QUERY_FORMS and depth == 0:
            form = value.upper()
            continue
        if form is None:
            continue
        if kind == "(":
            parens += 1
        elif kind == ")":
            parens -= 1
        elif kind == "word" and value.upper() == "WHERE" and depth == 0 and form == "CONSTRUCT":
            if not template_done:
                raise QueryError(
                    "a CONSTRUCT WHERE { … } short form cannot take parameters",
                    hint="write it as CONSTRUCT { … } WHERE { … }",
                )
        elif kind == "{":
            if depth == 0 and parens == 0 and (form != "CONSTRUCT" or template_done):
                return start
            depth += 1
        elif kind == "}":
            depth -= 1
            if depth == 0 and form == "CONSTRUCT":
                template_done = True
    raise QueryError("cannot find the WHERE clause to bind the parameters in")


def _sub_select_braces(tokens: list[tuple[str, str, int]]) -> list[tuple[int, set[str]]]:
    """Return the WHERE brace of each sub-SELECT with the variables its group mentions."""
    found = []
    depth = 0
    for index, (kind, value, _) in enumerate(tokens):
        if kind == "{":
            depth += 1
        elif kind == "}":
            depth -= 1
        elif kind == "word" and value.upper() == "SELECT" and depth > 0:
            found.append(_group_after(tokens, index + 1))
    return found


def _group_after(tokens: list[tuple[str, str, int]], index: int) -> tuple[int, set[str]]:
    parens = 0
    for position in range(index, len(tokens)):
        kind, _, start = tokens[position]
        if kind == "(":
            parens += 1
        elif kind == ")":
            parens -= 1
        elif kind == "{" and parens == 0:
            depth, mentioned = 0, set()
            for inner_kind, inner_value, _ in tokens[position:]:
                depth += {"{": 1, "}": -1}.get(inner_kind, 0)
                if inner_kind == "var":
                    mentioned.add(inner_value[1:])
                if depth == 0:
                    break
            return start, mentioned
    raise QueryError("cannot find the WHERE clause of a sub-SELECT")


def _tokens(text: str):
    """Yield (kind, value, offset) for braces, parentheses, words and variables."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<":
            match = _IRIREF.match(text, i)
            i = match.end() if match else i + 1
        elif c in "{}()":
            yield c, c, i
            i += 1
        elif c in "?$":
            match = _VARIABLE.match(text, i)
            if match:
                yield "var", match.group(), i
                i = match.end()
            else:
                i += 1
        elif c.isalpha() or c == "_":
            match = _WORD.match(text, i)
            end = match.end() if match else i + 1
            yield "word", text[i:end], i
            i = end
        else:
            i += 1


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    triple = text.startswith(quote * 3, i)
    delimiter = quote * 3 if triple else quote
    j = i + len(delimiter)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(delimiter, j):
            return j + len(delimiter)
        if not triple and text[j] == "\n":
            return j
        j += 1
    return j


def _valid_language(tag: str) -> bool:
    # BCP 47 as SPARQL parsers check it ("a" or "en--x" are not tags).
    if not _BCP47.match(tag):
        return False
    try:
        ox.Literal("", language=tag)
    except ValueError:
        return False
    return True


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
