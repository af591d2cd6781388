"""Publishing named graphs to any SPARQL 1.1 triple store, over the standard protocols.

Two ways, both replacing each graph so that publishing twice gives the same
store:

- ``gsp``: the SPARQL 1.1 Graph Store HTTP Protocol, one ``PUT
  {graph_store}?graph={iri}`` per named graph (PUT replaces the graph);
- ``update``: SPARQL 1.1 Update, for stores that only offer that. A graph
  small enough for one request is sent as ``DROP SILENT GRAPH <g> ; INSERT
  DATA { GRAPH <g> { … } }``; a larger one is sent in chunks into a staging
  graph which one ``MOVE`` then puts in place, so a failure half-way leaves
  the published graph as it was.

Bodies are canonical N-Triples (sent as ``text/turtle``, of which N-Triples is
a subset, because every store reads Turtle). Credentials come from the
environment (``PGRAPH_PUBLISH_USER`` and ``PGRAPH_PUBLISH_PASSWORD``), from a
netrc file (``~/.netrc`` or ``$NETRC``), or from the URL; Basic and Digest
authentication are answered when the store asks. Credentials are never
printed: URLs are shown without their user part, and errors never quote a
password.

The only client is the standard library's ``urllib``: two request shapes and
two authentication schemes do not justify a new dependency.
"""

from __future__ import annotations

import base64
import contextlib
import json
import netrc
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path

import pyoxigraph as ox

from pgraph.errors import PublishError

USER_VARIABLE, PASSWORD_VARIABLE = "PGRAPH_PUBLISH_USER", "PGRAPH_PUBLISH_PASSWORD"
DEFAULT_CHUNK = 5000
"""Triples per SPARQL Update request."""
METHODS = ("gsp", "update")
_BODY_TYPE = "text/turtle; charset=utf-8"


# ---------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """A user name and password; ``repr`` and ``str`` never show the password.

    Example:
        >>> Credentials("alice", "s3cret", source="netrc")
        Credentials(user='alice', password='****', source='netrc')
    """

    user: str
    password: str = field(repr=False)
    source: str = "given"

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password='****', source={self.source!r})"

    __str__ = __repr__


def find_credentials(
    url: str,
    *,
    environ: Mapping[str, str] | None = None,
    netrc_file: str | os.PathLike[str] | None = None,
) -> Credentials | None:
    """Return the credentials for ``url``: environment, then netrc, then the URL; else None.

    Example:
        >>> find_credentials("http://127.0.0.1:1/sparql",
        ...                  environ={"PGRAPH_PUBLISH_USER": "dba", "PGRAPH_PUBLISH_PASSWORD": "x"})
        Credentials(user='dba', password='****', source='environment')
    """
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password is not None):
            missing = PASSWORD_VARIABLE if user else USER_VARIABLE
            raise PublishError(f"{missing} is not set", field=missing,
                               hint=f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return Credentials(user, password, source="environment")
    parts = urllib.parse.urlsplit(url)
    from_netrc = _netrc_credentials(parts.hostname or "", netrc_file or environ.get("NETRC"))
    if from_netrc:
        return from_netrc
    if parts.username:
        return Credentials(urllib.parse.unquote(parts.username),
                           urllib.parse.unquote(parts.password or ""), source="URL")
    return None


def _netrc_credentials(host: str, path: str | os.PathLike[str] | None) -> Credentials | None:
    file = Path(path) if path else Path.home() / ".netrc"
    if not file.is_file():
        return None
    try:
        entry = netrc.netrc(str(file)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as error:
        # The parser's message may quote the file's content: say only where it failed.
        line = getattr(error, "lineno", None)
        raise PublishError("cannot read the netrc file", path=str(file), line=line,
                           hint="check its syntax, and that only you can read it "
                                "(chmod 600)") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login or "", password or "", source=f"netrc ({file})")


def masked_url(url: str) -> str:
    """Return ``url`` without its user name and password.

    Example:
        >>> masked_url("http://dba:secret@127.0.0.1:8890/sparql?x=1")
        'http://127.0.0.1:8890/sparql?x=1'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


# ---------------------------------------------------------------- the report


@dataclass
class GraphSent:
    """One graph as sent: how many triples, bytes and requests, how long it took."""

    graph: str
    triples: int
    bytes: int
    requests: int
    seconds: float


@dataclass
class PublishReport:
    """What ``publish_store`` sent, where and how."""

    target: str
    method: str
    graphs: list[GraphSent] = field(default_factory=list)
    seconds: float = 0.0
    user: str | None = None

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def bytes(self) -> int:
        return sum(g.bytes for g in self.graphs)

    def summary(self) -> str:
        """Return the lines ``pgraph publish`` prints (never a password)."""
        who = f" as {self.user}" if self.user else ""
        lines = [f"published {len(self.graphs)} graphs, {self.triples} triples, "
                 f"{self.bytes} bytes to {self.target} ({self.method}){who} "
                 f"in {self.seconds:.2f} s"]
        lines += [f"  {g.graph}  {g.triples} triples  {g.bytes} bytes  {g.requests} requests  "
                  f"{g.seconds:.2f} s" for g in self.graphs]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """Return the report as plain data (for ``--report FILE``)."""
        return {
            "target": self.target, "method": self.method, "user": self.user,
            "seconds": round(self.seconds, 3), "triples": self.triples, "bytes": self.bytes,
            "graphs": [g.__dict__ | {"seconds": round(g.seconds, 3)} for g in self.graphs],
        }


# ---------------------------------------------------------------- publishing


def publish_store(
    store: ox.Store,
    *,
    endpoint: str | None = None,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
    graphs: Iterable[str] | None = None,
    method: str | None = None,
    credentials: Credentials | None = None,
    timeout: float = 120.0,
    chunk_size: int = DEFAULT_CHUNK,
) -> PublishReport:
    """Return the report of pushing the store's named graphs (or ``graphs``) to a triple store.

    ``method`` is ``"gsp"`` (needs ``graph_store``) or ``"update"`` (posts to
    ``update_endpoint``, else ``endpoint``); by default ``gsp`` when a graph
    store URL is given. Credentials default to :func:`find_credentials`.
    Raises :class:`PublishError` naming the graph and the store's answer.
    """
    method = method or ("gsp" if graph_store else "update")
    if method not in METHODS:
        raise PublishError(f'unknown publishing method "{method}"', field="method",
                           hint="choose gsp (Graph Store Protocol) or update (SPARQL Update)")
    target = graph_store if method == "gsp" else (update_endpoint or endpoint)
    if not target:
        hint = ("give the Graph Store Protocol URL with --graph-store (Oxigraph: …/store, "
                "Virtuoso: …/sparql-graph-crud, Fuseki: …/data), or use --method update")
        if method == "update":
            hint = "give the SPARQL Update endpoint with --endpoint (Oxigraph: …/update)"
        raise PublishError("no URL to publish to", hint=hint)
    _check_url(target)
    if credentials is None:
        credentials = find_credentials(target)
    client = HttpClient(credentials, timeout=timeout)
    selected = _select(store, graphs)
    report = PublishReport(target=masked_url(target), method=method,
                           user=credentials.user if credentials else None)
    started = time.monotonic()
    for graph in selected:
        triples = list(store.quads_for_pattern(None, None, None, graph))
        begun = time.monotonic()
        try:
            if method == "gsp":
                sent = _put_graph(client, target, graph, triples)
            else:
                sent = _update_graph(client, target, graph, triples, chunk_size)
        except PublishError as error:
            if report.graphs:
                done = ", ".join(f"<{g.graph}>" for g in report.graphs)
                error.message += (f" ({len(report.graphs)} of {len(selected)} graphs were "
                                  f"replaced before: {done})")
                error.hint = (error.hint + "; " if error.hint else "") + (
                    "publishing replaces graphs, so running it again is safe")
            raise
        report.graphs.append(GraphSent(graph.value, len(triples), sent[0], sent[1],
                                       time.monotonic() - begun))
    report.seconds = time.monotonic() - started
    return report


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f'"{masked_url(url)}" is not an http(s) URL', field="endpoint",
                           hint="write it as http://host:port/path")


def _select(store: ox.Store, graphs: Iterable[str] | None) -> list[ox.NamedNode]:
    present = sorted(g.value for g in store.named_graphs())
    if graphs is None:
        if not present:
            raise PublishError("the store has no named graphs to publish",
                               hint="run `pgraph build` first")
        return [ox.NamedNode(g) for g in present]
    selected = []
    for iri in graphs:
        if str(iri) not in present:
            raise PublishError(f"no graph <{iri}> in the store", field="graph",
                               hint="list the store's graphs with `pgraph dump --list-graphs`")
        selected.append(ox.NamedNode(str(iri)))
    return selected


def _ntriples(quads: list[ox.Quad]) -> bytes:
    return ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b""


def _put_graph(client: HttpClient, graph_store: str, graph: ox.NamedNode,
               quads: list[ox.Quad]) -> tuple[int, int]:
    body = _ntriples(quads)
    separator = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    url = f"{graph_store}{separator}{urllib.parse.urlencode({'graph': graph.value})}"
    client.send("PUT", url, body, {"Content-Type": _BODY_TYPE}, graph=graph.value)
    return len(body), 1


def staging_graph(graph: str) -> ox.NamedNode:
    """Return the graph a chunked update fills before one MOVE puts it in place.

    Example:
        >>> staging_graph("https://example.org/g").value.startswith("urn:pgraph:staging:")
        True
    """
    return ox.NamedNode("urn:pgraph:staging:" + sha1(graph.encode("utf-8")).hexdigest())


def _update_graph(client: HttpClient, endpoint: str, graph: ox.NamedNode,
                  quads: list[ox.Quad], chunk_size: int) -> tuple[int, int]:
    lines = [f"{q.subject} {q.predicate} {q.object} ." for q in quads]
    # A blank node must not be split across requests (each INSERT DATA makes fresh ones).
    has_blank = any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
                    for q in quads)
    if len(lines) <= chunk_size or has_blank:
        operations = [f"DROP SILENT GRAPH {graph} ;\n"
                      f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(lines) + "\n} }"]
    else:
        staging = staging_graph(graph.value)
        operations = [f"DROP SILENT GRAPH {staging}"]
        operations += [
            f"INSERT DATA {{ GRAPH {staging} {{\n" + "\n".join(lines[i:i + chunk_size]) + "\n} }"
            for i in range(0, len(lines), chunk_size)
        ]
        operations.append(f"MOVE SILENT GRAPH {staging} TO GRAPH {graph}")
    sent = 0
    for number, operation in enumerate(operations):
        body = urllib.parse.urlencode({"update": operation}).encode("ascii")
        try:
            client.send("POST", endpoint, body,
                        {"Content-Type": "application/x-www-form-urlencoded"}, graph=graph.value)
        except PublishError:
            if number and len(operations) > 1:
                _drop_quietly(client, endpoint, staging_graph(graph.value))
            raise
        sent += len(body)
    return sent, len(operations)


def _drop_quietly(client: HttpClient, endpoint: str, graph: ox.NamedNode) -> None:
    body = urllib.parse.urlencode({"update": f"DROP SILENT GRAPH {graph}"}).encode("ascii")
    with contextlib.suppress(PublishError):
        client.send("POST", endpoint, body, {"Content-Type": "application/x-www-form-urlencoded"})


def remote_triple_counts(
    endpoint: str, graphs: Iterable[str], *, credentials: Credentials | None = None,
    timeout: float = 60.0,
) -> dict[str, int]:
    """Return the number of triples in each named graph of a remote store (0 when absent)."""
    wanted = [ox.NamedNode(str(g)) for g in graphs]
    values = " ".join(str(g) for g in wanted)
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { " + values + " } "
             "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    rows = sparql_select(endpoint, query, credentials=credentials, timeout=timeout)
    counts = {g.value: 0 for g in wanted}
    for row in rows:
        counts[row["g"]["value"]] = int(row["n"]["value"])
    return counts


def sparql_select(endpoint: str, query: str, *, credentials: Credentials | None = None,
                  timeout: float = 60.0) -> list[dict]:
    """Return the bindings of a SELECT query sent to ``endpoint`` (SPARQL 1.1 Protocol, JSON)."""
    client = HttpClient(credentials, timeout=timeout)
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    answer = client.send("POST", endpoint, body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    })
    try:
        return json.loads(answer)["results"]["bindings"]
    except (ValueError, KeyError) as error:
        raise PublishError(f"{masked_url(endpoint)} did not answer with SPARQL JSON results",
                           hint="check that the URL is a SPARQL query endpoint") from error


# ---------------------------------------------------------------- HTTP


class HttpClient:
    """A small HTTP client: answers Basic and Digest challenges, turns failures into PublishError.

    Once a host has asked for Basic, later requests send it at once; for
    Digest, the last challenge is reused (the stdlib handler counts nonces),
    so a large body is sent at most twice.
    """

    def __init__(self, credentials: Credentials | None, *, timeout: float = 120.0) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self._opener = urllib.request.build_opener()
        self._schemes: dict[str, tuple[str, dict[str, str]]] = {}
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._digest = urllib.request.HTTPDigestAuthHandler(self._passwords)

    def send(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
             *, graph: str | None = None) -> bytes:
        """Return the response body; raise PublishError for any failure."""
        url = masked_url(url)  # the user part of a URL is a credential, never sent as such
        host = urllib.parse.urlsplit(url).netloc
        request = self._request(method, url, body, headers, host)
        try:
            return self._open(request)
        except urllib.error.HTTPError as error:
            already_answered = "Authorization" in request.unredirected_hdrs
            if error.code != 401 or self.credentials is None or already_answered:
                raise self._failure(error, url, graph) from None
            if self._remember_challenge(host, error) is None:
                raise self._failure(error, url, graph) from None
            error.close()
        request = self._request(method, url, body, headers, host)
        try:
            return self._open(request)
        except urllib.error.HTTPError as error:
            raise self._failure(error, url, graph) from None

    def _request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                 host: str) -> urllib.request.Request:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
        scheme = self._schemes.get(host)
        if scheme and self.credentials:
            if scheme[0] == "basic":
                token = f"{self.credentials.user}:{self.credentials.password}".encode()
                request.add_unredirected_header(
                    "Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
            else:
                self._passwords.add_password(None, url, self.credentials.user,
                                             self.credentials.password)
                authorization = self._digest.get_authorization(request, scheme[1])
                if authorization:
                    request.add_unredirected_header("Authorization", "Digest " + authorization)
        return request

    def _remember_challenge(self, host: str, error: urllib.error.HTTPError) -> str | None:
        offered = error.headers.get_all("WWW-Authenticate") or []
        for header in offered:
            scheme, _, rest = header.partition(" ")
            if scheme.lower() == "digest":
                challenge = urllib.request.parse_keqv_list(
                    urllib.request.parse_http_list(rest))
                self._schemes[host] = ("digest", challenge)
                return "digest"
        for header in offered:
            if header.split(" ", 1)[0].lower() == "basic":
                self._schemes[host] = ("basic", {})
                return "basic"
        return None

    def _open(self, request: urllib.request.Request) -> bytes:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as error:
            raise _unreachable(request.full_url, error.reason) from None
        except (TimeoutError, ConnectionError) as error:
            raise _unreachable(request.full_url, error) from None

    def _failure(self, error: urllib.error.HTTPError, url: str, graph: str | None
                 ) -> PublishError:
        what = f"graph <{graph}>" if graph else "the request"
        status = f"HTTP {error.code} {error.reason}".strip()
        try:
            detail = error.read(2000).decode("utf-8", "replace")
        except OSError:
            detail = ""
        detail = self._mask(" ".join(_strip_markup(detail).split()))[:300]
        where = masked_url(url).split("?")[0]
        if error.code == 401:
            if self.credentials is None:
                return PublishError(
                    f"{where} asks for a user name and password ({status})",
                    hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add a machine "
                         "entry for this host to ~/.netrc")
            return PublishError(
                f"{where} refused the user name or password of {self.credentials.user!r} "
                f"from {self.credentials.source} ({status})",
                hint="check the user name and password; they are not shown here")
        if error.code == 403:
            return PublishError(f"{where} does not allow {what} to be written ({status})",
                                hint="grant this user the right to update the store")
        message = f"{where} rejected {what} ({status})" + (f": {detail}" if detail else "")
        hint = None
        if error.code in (404, 405):
            hint = "check the URL: is it the store's Graph Store / Update endpoint?"
        elif error.code == 415:
            hint = "the store does not accept Turtle here; try --method update"
        elif error.code == 413:
            hint = "the request is too large for the store; try --method update --chunk-size N"
        return PublishError(message, hint=hint)

    def _mask(self, text: str) -> str:
        if self.credentials and self.credentials.password:
            text = text.replace(self.credentials.password, "****")
        return text


def _unreachable(url: str, reason: object) -> PublishError:
    parts = urllib.parse.urlsplit(url)
    where = f"{parts.scheme}://{parts.netloc}"
    text = getattr(reason, "strerror", None) or str(reason)
    return PublishError(f"cannot reach the store at {where}: {text}",
                        hint="is it running, and are the host and port right?")


def _strip_markup(text: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", text)
