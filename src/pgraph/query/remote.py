"""Running a query on a remote SPARQL 1.1 endpoint, with retries and credentials.

The HTTP client is ``pgraph.http`` (shared with publishing). Credentials and
extra headers come from the environment and never appear in a message:
``PGRAPH_ENDPOINT_USER`` and ``PGRAPH_ENDPOINT_PASSWORD`` (HTTP basic
authentication), ``PGRAPH_ENDPOINT_HEADERS`` (a JSON object of header names
to values, e.g. an API key).

Transient failures (connection refused or reset, timeouts, HTTP 429, 502,
503, 504) are retried with exponential backoff; anything else, and a
response that is not SPARQL results (an HTML page), is a QueryError.

Example:
    >>> safe_endpoint("https://user:secret@example.org/sparql?key=abc")
    'https://example.org/sparql'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping

import pyoxigraph as ox

from pgraph.errors import QueryError
from pgraph.http import Credentials, HttpClient, HttpFailure, masked_url, sparql_request
from pgraph.query.results import QueryResult

BACKOFF_SECONDS = 0.5
"""First retry delay; each further retry waits twice as long."""

_JSON_TYPES = ("application/sparql-results+json", "application/json")
_ACCEPT = {
    "select": "application/sparql-results+json, application/json;q=0.9",
    "ask": "application/sparql-results+json, application/json;q=0.9",
    "graph": "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5",
}
_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def safe_endpoint(url: str) -> str:
    """Return the endpoint URL without user info, query string or fragment (for messages)."""
    return masked_url(url, query=False)


def endpoint_settings(
    environ: Mapping[str, str] | None = None,
) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """Return the basic-auth credentials and extra headers the environment sets.

    Example:
        >>> endpoint_settings({"PGRAPH_ENDPOINT_HEADERS": '{"X-Api-Key": "k"}'})
        (None, {'X-Api-Key': 'k'})
    """
    env = os.environ if environ is None else environ
    user, password = env.get("PGRAPH_ENDPOINT_USER"), env.get("PGRAPH_ENDPOINT_PASSWORD")
    credentials = (user, password or "") if user else None
    headers: dict[str, str] = {}
    raw = env.get("PGRAPH_ENDPOINT_HEADERS")
    if raw:
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            raise QueryError(
                "PGRAPH_ENDPOINT_HEADERS is not a JSON object of header names to text values",
                hint='e.g. {"X-Api-Key": "…"}',
            )
        headers = {str(k): v for k, v in parsed.items()}
    return credentials, headers


def run_remote(
    text: str, kind: str, endpoint: str, *, timeout: float = 60.0, retries: int = 2
) -> QueryResult:
    """Return the result of a query run on a SPARQL endpoint, retrying transient failures."""
    if not re.match(r"^https?://", endpoint):
        raise QueryError(f"{endpoint!r} is not an http(s) URL of a SPARQL endpoint")
    credentials, headers = endpoint_settings()
    client = HttpClient(
        Credentials(*credentials, source="environment") if credentials else None,
        timeout=timeout, headers=headers, retries=retries, backoff=BACKOFF_SECONDS,
        basic_at_once=True,
    )
    where = safe_endpoint(endpoint)
    try:
        response = sparql_request(client, endpoint, query=text, accept=_ACCEPT.get(kind, ""))
    except HttpFailure as failure:
        tries = f" (after {failure.attempts} attempts)" if failure.attempts > 1 else ""
        error = _query_error(failure, timeout)
        error.message = client.mask(f"{where}: {error.message}{tries}")
        raise error from None
    try:
        return _parse(response.body, response.content_type, kind, text)
    except QueryError as error:
        error.message = client.mask(f"{where}: {error.message}")
        raise


def _query_error(failure: HttpFailure, timeout: float) -> QueryError:
    """Return what a failed request means for a query, in the words of the query stage."""
    status, detail = failure.status, failure.detail or "no details"
    if status is None:
        if failure.timed_out:
            return QueryError(f"no answer within {timeout:g} s (timeout)")
        if failure.reason.startswith("the connection failed"):
            return QueryError(failure.reason)
        return QueryError(f"cannot connect: {failure.reason}; is the endpoint running?")
    if failure.transient:
        return QueryError(f"the endpoint is unavailable (HTTP {status})")
    if status == 400:
        return QueryError(f"the endpoint rejected the query (HTTP 400): {detail}")
    if status == 401:
        return QueryError("the endpoint refused access (HTTP 401)",
                          hint="set PGRAPH_ENDPOINT_USER and PGRAPH_ENDPOINT_PASSWORD")
    if status == 404:
        return QueryError("no SPARQL endpoint at this URL (HTTP 404)",
                          hint="check the URL: Oxigraph answers at /query, Virtuoso at /sparql")
    if status == 414:
        return QueryError("the endpoint says the request is too long (HTTP 414)")
    if status == 500:
        return QueryError(f"the endpoint failed (HTTP 500): {detail}")
    return QueryError(f"the endpoint answered HTTP {status} {failure.reason}".rstrip())


def _parse(body: bytes, content_type: str, kind: str, text: str) -> QueryResult:
    from pgraph.query.execute import result_from_oxigraph

    looks_html = body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
    if content_type in ("text/html", "application/xhtml+xml") or looks_html:
        raise QueryError(
            "the endpoint answered with an HTML page, not SPARQL results",
            hint="is this the SPARQL endpoint itself (Oxigraph: …/query, Virtuoso: …/sparql)?",
        )
    try:
        if kind == "graph":
            syntax = _GRAPH_TYPES.get(content_type, ox.RdfFormat.TURTLE)
            triples = ox.parse(body, format=syntax)
            return result_from_oxigraph(triples, kind, text)
        if content_type and content_type not in _JSON_TYPES:
            raise ValueError(f"content type {content_type}")
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if kind == "ask" and isinstance(parsed, ox.QuerySolutions):
            parsed = _virtuoso_ask(parsed)
    except (SyntaxError, ValueError) as error:
        raise QueryError(
            f"the endpoint's answer is not SPARQL results ({_first_line(str(error))})",
            hint="is this the SPARQL endpoint itself (Oxigraph: …/query, Virtuoso: …/sparql)?",
        ) from None
    return result_from_oxigraph(parsed, kind, text)


def _virtuoso_ask(solutions: ox.QuerySolutions) -> ox.QueryBoolean | ox.QuerySolutions:
    """Return the boolean Virtuoso writes as one row binding ``__ASK_RETVAL`` to 1 or 0."""
    variables = [v.value for v in solutions.variables]
    rows = list(solutions)
    if variables == ["__ASK_RETVAL"] and len(rows) <= 1:
        value = rows[0][0].value if rows and rows[0][0] is not None else "0"
        return ox.parse_query_results(
            b'{"head": {}, "boolean": %s}' % (b"true" if value in ("1", "true") else b"false"),
            format=ox.QueryResultsFormat.JSON,
        )
    return solutions


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
