"""Parameter values checked against the graph: labels resolved, typos caught, cut IRIs refused.

A query given a value that matches nothing answers "(0 rows)", which reads
as "no such practice" when it means "no such word". So before a library
query runs, :func:`resolve_params` looks each concept and entity parameter
up in the same store or endpoint the query will run on:

- a **concept** parameter (``criterion``, ``rating``, ``country``, ``domain``,
  ``level``) is a label in any language, a notation (``GB``) or an IRI; it
  must name one concept of its scheme (a rating: of the criterion's scale),
  and is replaced by that concept's IRI, so that the query joins on it (a
  query that matched labels itself read every practice to filter them). A
  default that names a concept is replaced too; one that names nothing (an
  empty store) is bound as written and matches nothing;
- an **entity** parameter (``organisation``, ``practice``, ``act``,
  ``resource``) is an IRI or a name (its ``rdfs:label``, which every resource
  has); a name is replaced by the IRI it names, an IRI must occur in the graph;
- a value cut short by a table (``…`` or ``...`` at its end) is refused.

A value that matches nothing is a :class:`~pgraph.errors.QueryError` naming
the closest candidates (``did you mean "Effectiveness"?``). Matching folds
case, accents and apostrophes (:func:`pgraph.vocab.fold`). Which scheme or
class a parameter ranges over is the table :data:`PARAMETER_RANGES`, by
parameter name; a parameter not in it is bound as given.

Example:
    >>> import pyoxigraph as ox
    >>> from pgraph.query.library import load_query
    >>> store = ox.Store()
    >>> resolve_params(load_query("practices-rated-at-least"), {"criterion": "Effectivness"},
    ...                lookup=local_lookup(store))
    Traceback (most recent call last):
    ...
    pgraph.errors.QueryError: criterion: "Effectivness" is not a criterion in the graph; ...
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef

from pgraph.errors import QueryError
from pgraph.query.binding import bind_query, check_iri, sparql_term
from pgraph.query.library import QueryInfo
from pgraph.query.results import expand_prefixed_name
from pgraph.vocab import fold

Lookup = Callable[[str], list[dict[str, str]]]
"""Runs a SELECT and returns its rows as {variable: lexical value}."""

_PG = "https://w3id.org/pgraph/ontology#"
_PGV = "https://w3id.org/pgraph/vocab/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_CUT = ("…", "...")


@dataclass(frozen=True)
class ParameterRange:
    """What a parameter's values name: concepts of a scheme, or instances of a class."""

    noun: str
    scheme: str | None = None
    """Concepts of this scheme (or candidates for it: unmapped values)."""
    cls: str | None = None
    """Instances of this class (None with no scheme: any resource)."""


PARAMETER_RANGES: dict[str, ParameterRange] = {
    "criterion": ParameterRange("criterion", scheme=_PGV + "criterion"),
    "rating": ParameterRange("rating", scheme="(rating scale)"),
    "country": ParameterRange("country", scheme=_PGV + "country"),
    "domain": ParameterRange("domain", scheme=_PGV + "domain"),
    "level": ParameterRange("level", scheme=_PGV + "level"),
    "organisation": ParameterRange("organisation", cls="http://www.w3.org/ns/org#Organization"),
    "practice": ParameterRange("practice", cls=_PG + "Practice"),
    "act": ParameterRange("Act", cls="https://schema.org/Legislation"),
    "resource": ParameterRange("resource"),
}
"""The scheme or class each concept or entity parameter of the library ranges over."""


def local_lookup(store: ox.Store) -> Lookup:
    """Return a :data:`Lookup` on a pyoxigraph store (default graph = union of graphs)."""

    def lookup(text: str) -> list[dict[str, str]]:
        solutions = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        return [{n: t.value for n, t in zip(names, row, strict=True) if t is not None}
                for row in solutions]  # type: ignore[union-attr]

    return lookup


def resolve_params(
    info: QueryInfo, params: Mapping[str, object] | None, *, lookup: Lookup
) -> dict[str, object]:
    """Return the parameters with names replaced by IRIs, after checking each against the graph.

    Concept parameters become the IRI of the concept they name, defaults
    included (a default naming nothing stays as written); entity names
    become IRIs. A value that is an rdflib IRI is taken as meant.
    """
    resolved = dict(params or {})
    declared = {p.name: p.type for p in info.params}
    defaults = {p.name: p.default for p in info.params if p.default is not None}
    for name in ("criterion", *[n for n in {**defaults, **resolved} if n != "criterion"]):
        value = resolved.get(name)
        kind = declared.get(name)
        if name not in PARAMETER_RANGES or kind not in ("concept", "iri"):
            continue
        if value is None and kind == "concept" and name in defaults and name not in resolved:
            concept = _default_concept(name, defaults[name], resolved, lookup)
            if concept is not None:
                resolved[name] = concept
            continue
        if value is None or isinstance(value, URIRef) or (
                isinstance(value, Literal) and kind == "iri"):
            continue  # an IRI term is taken as meant; a literal names a concept by its text
        text = expand_prefixed_name(str(value).strip(), info.text)
        if text.endswith(_CUT):
            raise QueryError(f'"{text}" was cut short (it ends with "{text[-1]}")', field=name,
                             hint="copy the whole value: `--format csv` or `--full-iris` "
                                  "print IRIs uncut")
        scope = PARAMETER_RANGES[name]
        if kind == "concept":
            scale = resolved.get("criterion") if name == "rating" else None
            resolved[name] = _resolve_concept(name, text, scope, lookup, criterion=scale)
        else:
            resolved[name] = _resolve_entity(name, text, scope, lookup)
    return resolved


def has_concept_defaults(info: QueryInfo) -> bool:
    """Whether a query has concept parameters with defaults, which :func:`resolve_params`
    turns into IRIs even when no value is given.

    Example:
        >>> from pgraph.query.library import load_query
        >>> has_concept_defaults(load_query("practices-rated-at-least"))
        True
    """
    return any(p.name in PARAMETER_RANGES and p.type == "concept" and p.default is not None
               for p in info.params)


# ---------------------------------------------------------------- concepts


def _resolve_concept(name: str, text: str, scope: ParameterRange, lookup: Lookup, *,
                     criterion: object = None) -> URIRef:
    """Return the IRI of the one concept ``text`` names (a label, notation or IRI)."""
    wanted = fold(text)

    def matching(candidates: list[tuple[str, str]]) -> list[str]:
        return sorted({iri for iri, label in candidates if wanted == fold(label) or text == iri})

    # First the concepts whose IRI or label (case aside) is the text, which the store
    # finds without sending every label of the scheme back (thousands for countries);
    # only a value written with other accents or spacing needs them all.
    matches = matching(_concept_candidates(scope, lookup, criterion, text=text))
    candidates: list[tuple[str, str]] = []
    if not matches:
        candidates = _concept_candidates(scope, lookup, criterion)
        matches = matching(candidates)
    if len(matches) == 1:
        return URIRef(matches[0])
    if matches:
        listed = ", ".join(f"<{m}>" for m in matches[:5])
        raise QueryError(f'"{text}" names {len(matches)} concepts: {listed}', field=name,
                         hint="give the IRI of the one you mean")
    labels = sorted({label for _, label in candidates}, key=str.casefold)
    where = " on that criterion's scale" if name == "rating" and criterion else " in the graph"
    raise QueryError(f'"{text}" is not a{_n(scope.noun)} {scope.noun}{where}', field=name,
                     hint=_suggest(text, labels))


def _default_concept(name: str, default: str, resolved: Mapping[str, object],
                     lookup: Lookup) -> URIRef | None:
    """Return the IRI a library default names, or None when the graph has no such concept."""
    try:
        return _resolve_concept(name, default, PARAMETER_RANGES[name], lookup,
                                criterion=resolved.get("criterion") if name == "rating" else None)
    except QueryError:
        return None  # bound as written: it matches nothing, as in an empty store


def _concept_candidates(scope: ParameterRange, lookup: Lookup, criterion: object, *,
                        text: str | None = None) -> list[tuple[str, str]]:
    """Return (IRI, label) of the concepts a parameter may name; given ``text``, only those
    whose IRI is it or one of whose labels is it in lower case."""
    if scope.scheme == "(rating scale)":
        schemes = f"?criterion <{_PG}ratingScale> ?scheme ."
        if criterion is not None:
            if isinstance(criterion, URIRef):  # already resolved
                chosen = {str(criterion)}
            else:
                ours = _concept_candidates(PARAMETER_RANGES["criterion"], lookup, None)
                chosen = {iri for iri, label in ours
                          if fold(label) == fold(str(criterion)) or iri == str(criterion)}
            if chosen:
                schemes += " VALUES ?criterion { " + " ".join(f"<{c}>" for c in chosen) + " }"
    else:
        schemes = f"BIND(<{scope.scheme}> AS ?scheme)"
    rows = lookup(f"""
        SELECT DISTINCT ?concept ?label WHERE {{
          {schemes}
          ?concept <{_SKOS}inScheme>|<{_PG}candidateFor> ?scheme .
          ?concept <{_SKOS}prefLabel>|<{_SKOS}altLabel>|<{_SKOS}notation>|<{_RDFS_LABEL}> ?label .
          {_text_filter(text)}
        }}""")
    return [(row["concept"], row["label"]) for row in rows if "label" in row]


def _text_filter(text: str | None) -> str:
    if text is None:
        return ""
    wanted = sparql_term(Literal(text.lower()))
    same_iri = ""
    with contextlib.suppress(QueryError):  # not an IRI after all: compared as a label only
        if _looks_like_iri(text):
            same_iri = f"?concept = {sparql_term(URIRef(text))} || "
    return f"FILTER({same_iri}LCASE(STR(?label)) = {wanted})"


# ---------------------------------------------------------------- entities


def _resolve_entity(name: str, text: str, scope: ParameterRange, lookup: Lookup) -> str:
    if _looks_like_iri(text):
        iri = str(check_iri(text, name))
        if _exists(iri, scope, lookup):
            return iri
        known = _entity_candidates(scope, lookup)
        raise QueryError(f"<{iri}> is not a{_n(scope.noun)} {scope.noun} in the graph",
                         field=name, hint=_suggest(iri, sorted(known)))
    matches = _named(text, scope, lookup)
    if not matches:  # the cheap look-up folds case only; fold accents and spacing here
        known = _entity_candidates(scope, lookup)
        matches = sorted({iri for iri, label in known.items() if fold(label) == fold(text)})
        if not matches:
            raise QueryError(f'no {scope.noun} is named "{text}"', field=name,
                             hint=_suggest(text, sorted(set(known.values()), key=str.casefold)))
    if len(matches) > 1:
        listed = ", ".join(f"<{m}>" for m in matches[:5])
        raise QueryError(f'"{text}" names {len(matches)} resources: {listed}', field=name,
                         hint="give the IRI of the one you mean")
    return matches[0]


def _looks_like_iri(text: str) -> bool:
    head = text.strip("<")
    return ":" in head and head.split(":", 1)[0].isalpha() and " " not in head.split(":", 1)[0]


def _class_pattern(scope: ParameterRange) -> str:
    return f"?x a <{scope.cls}> ." if scope.cls else ""


def _exists(iri: str, scope: ParameterRange, lookup: Lookup) -> bool:
    if scope.cls:
        query = f"SELECT ?x WHERE {{ {_class_pattern(scope)} }} LIMIT 1"
    else:
        query = "SELECT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } } LIMIT 1"
    return bool(lookup(bind_query(query, {"x": URIRef(iri)})))


def _named(text: str, scope: ParameterRange, lookup: Lookup) -> list[str]:
    query = (f"SELECT DISTINCT ?x WHERE {{ ?x <{_RDFS_LABEL}> ?name . {_class_pattern(scope)}"
             " FILTER(LCASE(STR(?name)) = LCASE(STR(?wanted))) }")
    return sorted(row["x"] for row in lookup(bind_query(query, {"wanted": Literal(text)})))


def _entity_candidates(scope: ParameterRange, lookup: Lookup) -> dict[str, str]:
    """Return {IRI: name} of the resources a parameter may name (any resource: none listed)."""
    if not scope.cls:
        return {}
    rows = lookup(f"SELECT ?x ?name WHERE {{ {_class_pattern(scope)} "
                  f"OPTIONAL {{ ?x <{_RDFS_LABEL}> ?name }} }}")
    return {row["x"]: row.get("name", row["x"]) for row in rows}


# ---------------------------------------------------------------- wording


def _suggest(text: str, candidates: list[str]) -> str:
    """Return 'did you mean "X"?' for the closest candidates, else a few valid values."""
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(fold(candidate), candidate)
    close = difflib.get_close_matches(fold(text), list(by_key), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f'"{by_key[c]}"' for c in close) + "?"
    if not candidates:
        return "the graph has none; check the store or endpoint"
    shown = ", ".join(f'"{c}"' for c in candidates[:8])
    more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
    return f"choose one of {shown}{more}"


def _n(noun: str) -> str:
    return "n" if noun[:1].lower() in "aeiou" else ""


__all__ = [
    "PARAMETER_RANGES",
    "ParameterRange",
    "has_concept_defaults",
    "local_lookup",
    "resolve_params",
]
