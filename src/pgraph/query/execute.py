"""Running a query, local or remote: resolve it, bind its parameters, convert the results.

Example:
    >>> from pgraph.store import open_store
    >>> result = run_query("ASK { ?s ?p ?o }", store=open_store(None))
    >>> result.kind, result.boolean
    ('ask', False)
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from pgraph.errors import QueryError
from pgraph.query.binding import bind_params, bind_query
from pgraph.query.library import QueryInfo, load_query, query_kind
from pgraph.query.results import QueryResult, graph_result
from pgraph.store import (
    DEFAULT_STORE,
    Store,
    TermConverter,
    is_store,
    open_store,
    require_store,
)
from pgraph.store.terms import python_value_of

__all__ = ["DEFAULT_STORE", "Rows", "query", "result_from_oxigraph", "run_query"]


def run_query(
    query: str | Path | QueryInfo,
    *,
    store: Store | ox.Store | Path | str | None = None,
    endpoint: str | None = None,
    params: Mapping[str, object] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
) -> QueryResult:
    """Return the result of a library query, a ``.rq`` file or SPARQL text.

    Give a ``store`` (an open pyoxigraph Store or the path of one) or an
    ``endpoint`` URL, not both; with neither, the default local store
    (``PGRAPH_STORE`` or ``.pgraph/store``) is used. The local store is
    queried with its default graph as the union of all named graphs.
    ``params`` are checked against the query's header and bound as typed
    terms; ``timeout`` and ``retries`` apply to endpoints.

    Example:
        >>> from pgraph.store import open_store
        >>> run_query("practices-per-domain", store=open_store(None), params={"lang": "fr"}).rows
        []
    """
    if store is not None and endpoint is not None:
        raise QueryError("give a store or an endpoint, not both")
    info = query if isinstance(query, QueryInfo) else load_query(query)
    path = str(info.path) if info.path else None
    kind = query_kind(info.text, path)
    if endpoint is None and not is_store(store):
        store = open_store(require_store(store), read_only=True)  # type: ignore[arg-type]
    if info.declares_params:
        from pgraph.query.resolve import has_concept_defaults, local_lookup, resolve_params

        if params or has_concept_defaults(info):  # concept defaults are resolved too
            lookup = (_remote_lookup(endpoint, timeout=timeout, retries=retries)
                      if endpoint is not None else local_lookup(store))  # type: ignore[arg-type]
            params = resolve_params(info, params, lookup=lookup)
    text = bind_query(info.text, bind_params(info, params))
    if endpoint is not None:
        from pgraph.query.remote import run_remote

        return run_remote(text, kind, endpoint, timeout=timeout, retries=retries)
    return _run_local(text, kind, store, path)


def _remote_lookup(endpoint: str, *, timeout: float, retries: int):
    from pgraph.query.remote import run_remote

    def lookup(text: str) -> list[dict[str, str]]:
        result = run_remote(text, "select", endpoint, timeout=timeout, retries=retries)
        return [{k: str(v) for k, v in row.items() if v is not None} for row in result.terms]

    return lookup


def _run_local(
    text: str, kind: str, store: Store | ox.Store | Path | str | None, path: str | None
) -> QueryResult:
    if not isinstance(store, Store | ox.Store):
        store = open_store(require_store(store), read_only=True)
    try:
        raw = store.query(text, use_default_graph_as_union=True)
        return result_from_oxigraph(raw, kind, text)
    except SyntaxError as error:
        from pgraph.query.library import syntax_error

        raise syntax_error(str(error), path) from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"the query failed: {error}", path=path) from error


def result_from_oxigraph(raw: object, kind: str, text: str = "") -> QueryResult:
    """Return the QueryResult for what pyoxigraph gives back (solutions, boolean, triples)."""
    if isinstance(raw, ox.QueryBoolean) or kind == "ask":
        if isinstance(raw, ox.QuerySolutions):  # an endpoint's JSON for ASK parses as this
            raise QueryError("expected a boolean answer to an ASK query")
        return QueryResult("ask", [], [], boolean=bool(raw), query=text)
    convert = TermConverter()
    if kind == "graph" or isinstance(raw, ox.QueryTriples):
        triples = (
            (convert(t.subject), convert(t.predicate), convert(t.object))
            for t in raw  # type: ignore[attr-defined]
        )
        return graph_result(triples, query=text)  # type: ignore[arg-type]
    assert isinstance(raw, ox.QuerySolutions)
    names = [v.value for v in raw.variables]
    variables = projection_order(text, names)
    with collector_paused():
        solutions = [tuple(solution) for solution in raw]
    return SolutionsResult(variables, names, solutions, text)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a result's rows are made.

    Reading 90,000 solutions (co-partnerships at 10,000 practices) makes ~450,000
    objects that all stay alive, none in a cycle: the collector, started every
    700 allocations, scanned them again and again (9 % of the query's time under
    py-spy, ~0.2 s). Reference counting still frees everything as usual.

    Example:
        >>> with collector_paused():
        ...     gc.isenabled()
        False
        >>> gc.isenabled()
        True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class SolutionsResult(QueryResult):
    """A SELECT result read from pyoxigraph, its cells converted only when first asked for:
    ``rows`` straight to Python values, ``terms`` to rdflib terms (a writer's need).

    Most callers want one or the other; making both, and rdflib terms on the way to
    Python values, cost as much as the query itself for results of 100,000 rows.

    Example:
        >>> from pgraph.store import open_store
        >>> result = run_query("SELECT ?n WHERE { VALUES ?n { 1 2 } }", store=open_store(None))
        >>> result.rows, result.terms[0]["n"].n3()
        ([{'n': 1}, {'n': 2}], '"1"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """

    def __init__(self, variables: list[str], names: list[str], solutions: list[tuple],
                 text: str) -> None:
        super().__init__("select", variables, query=text)
        self._terms: list[dict] | None = None
        self._names = names  # the order of the cells in each solution
        self._solutions = solutions

    @property  # type: ignore[override]
    def terms(self) -> list[dict]:
        if self._terms is None:
            convert = TermConverter()
            cells = self._cells()
            self._terms = [{name: convert(solution[i]) for name, i in cells}
                           for solution in self._solutions]
        return self._terms

    @terms.setter
    def terms(self, value: list[dict]) -> None:
        self._terms = value if value else None

    @property
    def rows(self) -> list[dict[str, object]]:
        if self._rows is None:
            cells = self._cells()
            with collector_paused():
                self._rows = [{name: python_value_of(solution[i]) for name, i in cells}
                              for solution in self._solutions]
        return self._rows

    def __len__(self) -> int:
        return len(self._solutions)

    def _cells(self) -> list[tuple[str, int]]:
        """Each variable in projection order, with the place of its cell in a solution."""
        return [(name, self._names.index(name)) for name in self.variables]


_SELECT_STAR = re.compile(r"(?is)\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*")


def projection_order(text: str, variables: list[str]) -> list[str]:
    """Return the variables of ``SELECT *`` in the order the query first mentions them.

    pyoxigraph lists them alphabetically; a reader expects the query's order.

    Example:
        >>> projection_order("SELECT * WHERE { ?s ?p ?o }", ["o", "p", "s"])
        ['s', 'p', 'o']
    """
    if not _SELECT_STAR.search(text):
        return variables
    from pgraph.query.binding import variables_in_order

    order = {name: i for i, name in enumerate(variables_in_order(text))}
    return sorted(variables, key=lambda v: order.get(v, len(order)))


class Rows(list):
    """The rows of a query (dicts of Python values); ``.result`` holds the whole result."""

    def __init__(self, result: QueryResult) -> None:
        super().__init__(result.rows)
        self.result = result

    def to_dataframe(self):
        """Return the rows as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.result.to_dataframe()


def query(
    name_or_text: str | Path,
    endpoint: str | None = None,
    *,
    store: Store | ox.Store | Path | str | None = None,
    **params: object,
) -> Rows | bool:
    """Return the rows of a query with Python values (a bool for ASK), for notebooks.

    Keyword arguments other than ``endpoint`` and ``store`` are the query's
    parameters. The rows have ``.to_dataframe()``; a CONSTRUCT's rows are
    its triples (``.result.graph`` is the rdflib Graph).

    Example:
        >>> import pgraph
        >>> from pgraph.store import open_store
        >>> pgraph.query("practices-per-domain", store=open_store(None), lang="fr")
        []
    """
    result = run_query(name_or_text, store=store, endpoint=endpoint, params=params)
    if result.kind == "ask":
        return bool(result.boolean)
    return Rows(result)

