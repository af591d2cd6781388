"""The SPARQL query library, run against the local store or any SPARQL 1.1 endpoint.

``run_query`` is the one entry point: a library name (``queries/NAME.rq``),
a ``.rq`` file or SPARQL text, parameters bound as typed terms, a
:class:`QueryResult` back. ``list_queries`` describes the library.

The module itself is callable, so that ``pgraph.query(...)`` is the
notebook shortcut (:func:`query`) while ``pgraph.query.run_query`` and
``import pgraph.query`` keep working.

Example:
    >>> import pgraph
    >>> from pgraph.store import open_store
    >>> pgraph.query("SELECT (1 + 1 AS ?two) WHERE {}", store=open_store(None))
    [{'two': 2}]
"""

from __future__ import annotations

import sys
import types

from pgraph.query.binding import bind_params, bind_query, sparql_term, to_term
from pgraph.query.execute import DEFAULT_STORE, Rows, query, result_from_oxigraph, run_query
from pgraph.query.library import (
    PARAM_TYPES,
    ParamSpec,
    QueryInfo,
    list_queries,
    load_query,
    parse_header,
    query_kind,
)
from pgraph.query.results import RESULT_FORMATS, QueryResult, ResultFormat, python_value

__all__ = [
    "DEFAULT_STORE",
    "PARAM_TYPES",
    "RESULT_FORMATS",
    "ParamSpec",
    "QueryInfo",
    "QueryResult",
    "ResultFormat",
    "Rows",
    "bind_params",
    "bind_query",
    "list_queries",
    "load_query",
    "parse_header",
    "python_value",
    "query",
    "query_kind",
    "result_from_oxigraph",
    "run_query",
    "sparql_term",
    "to_term",
]


class _CallableModule(types.ModuleType):
    """Lets ``pgraph.query(name, **params)`` call :func:`query` on this module."""

    def __call__(self, name_or_text, endpoint=None, **params):
        return query(name_or_text, endpoint, **params)


# Setting a module's __class__ to a ModuleType subclass is Python's documented way to
# customise a module object (Language Reference, "Customizing module attribute access");
# no other public way makes a module callable while `import pgraph.query` keeps working.
sys.modules[__name__].__class__ = _CallableModule
