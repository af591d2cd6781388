"""Running a query on a remote SPARQL 1.1 endpoint (SPARQLWrapper), with retries and credentials.

Credentials and extra headers come from the environment and never appear in
a message: ``PGRAPH_ENDPOINT_USER`` and ``PGRAPH_ENDPOINT_PASSWORD`` (HTTP
basic authentication), ``PGRAPH_ENDPOINT_HEADERS`` (a JSON object of header
names to values, e.g. an API key).

Transient failures (connection refused or reset, timeouts, HTTP 429, 502,
503, 504) are retried with exponential backoff; anything else, and a
response that is not SPARQL results (an HTML page), is a QueryError.

Example:
    >>> safe_endpoint("https://user:secret@example.org/sparql?key=abc")
    'https://example.org/sparql'
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import time
import urllib.error
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from SPARQLWrapper import (
    ASK,
    BASIC,
    CONSTRUCT,
    JSON,
    POST,
    SELECT,
    TURTLE,
    SPARQLExceptions,
    SPARQLWrapper,
)

from pgraph import __version__
from pgraph.errors import QueryError
from pgraph.query.results import QueryResult

TRANSIENT_HTTP = {429, 502, 503, 504}
BACKOFF_SECONDS = 0.5
"""First retry delay; each further retry waits twice as long."""

_JSON_TYPES = ("application/sparql-results+json", "application/json")
_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class _TransientError(Exception):
    """A failure worth retrying; carries the message to give if retries run out."""


def safe_endpoint(url: str) -> str:
    """Return the endpoint URL without user info, query string or fragment (for messages)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


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
    secrets = [s for s in (*(credentials or ()), *headers.values()) if s]
    if credentials:  # a failing server may echo the Authorization header back
        secrets.append(base64.b64encode(":".join(credentials).encode()).decode())
    where = safe_endpoint(endpoint)
    attempt = 0
    while True:
        try:
            return _attempt(text, kind, endpoint, timeout, credentials, headers)
        except _TransientError as failure:
            if attempt >= retries:
                tries = f" (after {attempt + 1} attempts)" if attempt else ""
                raise QueryError(_redact(f"{where}: {failure}{tries}", secrets)) from None
            time.sleep(BACKOFF_SECONDS * 2**attempt)
            attempt += 1
        except QueryError as error:
            error.message = _redact(f"{where}: {error.message}", secrets)
            raise


def _attempt(
    text: str, kind: str, endpoint: str, timeout: float,
    credentials: tuple[str, str] | None, headers: Mapping[str, str],
) -> QueryResult:
    wrapper = SPARQLWrapper(endpoint, agent=f"pgraph/{__version__}")
    wrapper.setQuery(text)
    # SPARQLWrapper guesses the query type from keywords and can take a query
    # for an update (then sent as update=…); the type is known here.
    wrapper.queryType = {"select": SELECT, "ask": ASK}.get(kind, CONSTRUCT)
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)
    wrapper.setTimeout(max(1, round(timeout)))
    wrapper.setReturnFormat(TURTLE if kind == "graph" else JSON)
    if credentials:
        wrapper.setHTTPAuth(BASIC)
        wrapper.setCredentials(*credentials)
    for name, value in headers.items():
        wrapper.addCustomHttpHeader(name, value)
    try:
        response = wrapper.query().response
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = response.read()
    except SPARQLExceptions.QueryBadFormed as error:
        raise QueryError(f"the endpoint rejected the query (HTTP 400): {_detail(error)}") from None
    except SPARQLExceptions.Unauthorized:
        raise QueryError(
            "the endpoint refused access (HTTP 401)",
            hint="set PGRAPH_ENDPOINT_USER and PGRAPH_ENDPOINT_PASSWORD",
        ) from None
    except SPARQLExceptions.EndPointNotFound:
        raise QueryError(
            "no SPARQL endpoint at this URL (HTTP 404)",
            hint="check the URL: Oxigraph answers at /query, Virtuoso at /sparql",
        ) from None
    except SPARQLExceptions.URITooLong:
        raise QueryError("the endpoint says the request is too long (HTTP 414)") from None
    except SPARQLExceptions.EndPointInternalError as error:
        raise QueryError(f"the endpoint failed (HTTP 500): {_detail(error)}") from None
    except urllib.error.HTTPError as error:
        if error.code in TRANSIENT_HTTP:
            raise _TransientError(f"the endpoint is unavailable (HTTP {error.code})") from None
        raise QueryError(f"the endpoint answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise _TransientError(f"no answer within {timeout:g} s (timeout)") from None
        if isinstance(reason, ConnectionError | OSError):
            message = getattr(reason, "strerror", None) or str(reason)
            raise _TransientError(f"cannot connect: {message}; is the endpoint running?") from None
        raise QueryError(f"cannot reach the endpoint: {reason}") from None
    except TimeoutError:
        raise _TransientError(f"no answer within {timeout:g} s (timeout)") from None
    except (ConnectionError, http.client.HTTPException) as error:
        raise _TransientError(f"the connection failed: {type(error).__name__}") from None
    return _parse(body, content_type, kind, text)


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


def _detail(error: Exception) -> str:
    text = str(error)
    # SPARQLWrapper's messages end with "Response:\nb'…'": keep the server's own words.
    _, _, response = text.partition("Response:")
    response = response.strip() or text
    if response.startswith(("b'", 'b"')):
        response = response[2:-1].encode().decode("unicode_escape", errors="replace")
    response = re.sub(r"<[^>]+>", " ", response)
    return _first_line(" ".join(response.split()))[:300] or "no details"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _redact(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message
