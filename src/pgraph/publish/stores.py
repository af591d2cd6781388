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

Publishing mirrors (``pgraph.publish.mirror``): given a query ``endpoint``,
pgraph lists the graphs it published there before, sends only the graphs
that are new or changed, and removes the graphs of sources deleted since
(never a graph outside its own ``{base}graph/`` IRIs), unless
``keep_removed``. Without a query endpoint every graph is sent and nothing
is removed.

Bodies are canonical N-Triples (sent as ``text/turtle``, of which N-Triples is
a subset, because every store reads Turtle). Credentials come from the
environment (``PGRAPH_PUBLISH_USER`` and ``PGRAPH_PUBLISH_PASSWORD``), from a
netrc file (``~/.netrc`` or ``$NETRC``), or from the URL, and are never
printed (see :mod:`pgraph.publish.http`).
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from hashlib import sha1

import pyoxigraph as ox

from pgraph import progress
from pgraph.errors import PublishError
from pgraph.publish import mirror
from pgraph.publish.http import (
    Credentials,
    HttpClient,
    find_credentials,
    masked_url,
    sparql_select,
)

DEFAULT_CHUNK = 5000
"""Triples per SPARQL Update request."""
METHODS = ("gsp", "update")
_BODY_TYPE = "text/turtle; charset=utf-8"


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
    plan: mirror.Plan | None = None
    """Added, replaced, unchanged and removed graphs (None: not compared, no query endpoint)."""

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
        if self.plan is None:
            lines.append("not compared with the store (no --target): every graph was sent,"
                         " none removed")
        else:
            plan = self.plan
            lines.append(f"{len(plan.added)} added, {len(plan.replaced)} replaced, "
                         f"{len(plan.removed)} removed, {len(plan.unchanged)} unchanged")
        sent = {g.graph: g for g in self.graphs}
        for g in self.graphs:
            what = ("sent" if self.plan is None
                    else "added" if g.graph in self.plan.added else "replaced")
            lines.append(f"  {what} {g.graph}  {g.triples} triples  {g.bytes} bytes  "
                         f"{g.requests} requests  {g.seconds:.2f} s")
        if self.plan is not None:
            lines += [f"  removed {graph}" for graph in self.plan.removed if graph not in sent]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """Return the report as plain data (for ``--report FILE``)."""
        return {
            "target": self.target, "method": self.method, "user": self.user,
            "seconds": round(self.seconds, 3), "triples": self.triples, "bytes": self.bytes,
            "graphs": [g.__dict__ | {"seconds": round(g.seconds, 3)} for g in self.graphs],
            **({"added": self.plan.added, "replaced": self.plan.replaced,
                "removed": self.plan.removed, "unchanged": self.plan.unchanged}
               if self.plan is not None else {}),
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
    keep_removed: bool = False,
    base: str | None = None,
) -> PublishReport:
    """Return the report of pushing the store's named graphs (or ``graphs``) to a triple store.

    ``method`` is ``"gsp"`` (needs ``graph_store``) or ``"update"`` (posts to
    ``update_endpoint``, else ``endpoint``); by default ``gsp`` when a graph
    store URL is given. With a query ``endpoint`` the publication mirrors
    (see the module's text): unchanged graphs are not sent, and, when the
    whole store is published, pgraph's graphs under ``{base}graph/`` (``base``:
    the one the store was built with) that the store no longer has are
    removed unless ``keep_removed``. Credentials default to
    :func:`find_credentials`. Raises :class:`PublishError` naming the graph
    and the store's answer.

    Example:
        >>> report = publish_store(store, graph_store="http://127.0.0.1:7878/store",
        ...                        endpoint="http://127.0.0.1:7878/query")  # doctest: +SKIP
        >>> report.plan.removed  # doctest: +SKIP
        ['https://w3id.org/pgraph/id/graph/source/pages-deleted-page-txt']
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
    if endpoint:
        report.plan = _plan(store, selected, endpoint, base=base,
                            remove=graphs is None and not keep_removed,
                            credentials=credentials if credentials is not None
                            else find_credentials(endpoint), timeout=timeout)
        selected = [ox.NamedNode(g) for g in report.plan.to_send]
    for graph in progress.track(selected, "publish: graphs", unit="graph"):
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
    for removed in report.plan.removed if report.plan else []:
        _remove_graph(client, method, target, removed)
    report.seconds = time.monotonic() - started
    return report


def _plan(store: ox.Store, selected: list[ox.NamedNode], endpoint: str, *, base: str | None,
          remove: bool, credentials: Credentials | None, timeout: float) -> mirror.Plan:
    """Return what to send and remove, from what the remote store holds of pgraph's graphs."""
    base = base or mirror.base_of(store)
    if base is None:
        if remove:
            raise PublishError(
                "cannot tell which graphs of the remote store pgraph published"
                " (the store has no vocabularies graph to read its base from)",
                hint="pass --base (the one the store was built with), or --keep-removed")
        base = "urn:pgraph:no-base:"
    _check_url(endpoint)
    remote = mirror.remote_graphs(endpoint, mirror.own_prefix(base), credentials=credentials,
                                  timeout=timeout)
    local = mirror.local_graphs(store, selected)
    return mirror.plan_publication(
        local, remote, remove=remove,
        same_triples=lambda graph: mirror.same_remote_triples(
            store, graph, endpoint, credentials=credentials, timeout=timeout))


def _remove_graph(client: HttpClient, method: str, target: str, graph: str) -> None:
    """Remove one graph from the remote store (Graph Store DELETE, or SPARQL DROP)."""
    if method == "gsp":
        separator = "&" if urllib.parse.urlsplit(target).query else "?"
        url = f"{target}{separator}{urllib.parse.urlencode({'graph': graph})}"
        try:
            client.send("DELETE", url, None, {}, graph=graph)
        except PublishError as error:
            if "HTTP 404" not in error.message:  # gone already: what was wanted
                raise
        return
    body = urllib.parse.urlencode({"update": f"DROP SILENT GRAPH <{graph}>"}).encode("ascii")
    client.send("POST", target, body, {"Content-Type": "application/x-www-form-urlencoded"},
                graph=graph)


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


def verify_publication(
    report: PublishReport, endpoint: str, *, credentials: Credentials | None = None,
    timeout: float = 60.0,
) -> None:
    """Check, through ``endpoint``, that each graph published holds the triples sent.

    Raises PublishError naming each graph whose count differs. ``pgraph
    publish --verify`` runs it after :func:`publish_store`.
    """
    names = [g.graph for g in report.graphs]
    counts = remote_triple_counts(endpoint, names, credentials=credentials, timeout=timeout)
    wrong = [f"<{g.graph}> has {counts[g.graph]} triples, not {g.triples}"
             for g in report.graphs if counts[g.graph] != g.triples]
    if wrong:
        raise PublishError("the store does not hold what was sent: " + "; ".join(wrong),
                           hint="a store may merge equal literals; compare with a query")


__all__ = [
    "Credentials",
    "GraphSent",
    "PublishReport",
    "find_credentials",
    "masked_url",
    "publish_store",
    "remote_triple_counts",
    "sparql_select",
    "staging_graph",
    "verify_publication",
]
