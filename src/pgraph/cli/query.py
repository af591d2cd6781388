"""Commands of the query stage: queries, query, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgraph.cli.main import cli, store_option
from pgraph.cli.options import format_option, output_option
from pgraph.errors import QueryError
from pgraph.query import list_queries, run_query
from pgraph.query.library import load_query
from pgraph.query.results import write_text


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {pair!r} is not name=value", hint="e.g. --param lang=fr")
        if name.strip() in params:
            raise QueryError(f"--param {name.strip()} is given twice")
        params[name.strip()] = value
    return params


@cli.command()
@click.option("--verbose", "-v", is_flag=True, help="Also print descriptions and examples.")
def queries(verbose: bool) -> None:
    """List the query library: names, titles and parameters.

    Example: pgraph queries --verbose
    """
    for info in list_queries():
        click.echo(f"{info.name}  {info.title}".rstrip())
        for spec in info.params:
            line = f"    --param {spec.describe()}"
            click.echo(line + (f"  {spec.description}" if spec.description and verbose else ""))
        if verbose:
            if info.description:
                click.echo(click.wrap_text(info.description, initial_indent="    ",
                                           subsequent_indent="    ", width=100))
            if info.example:
                click.echo(f"    example: {info.example}")
            click.echo()


@cli.command()
@click.argument("query_ref", metavar="NAME|FILE|-")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the query (repeatable); `pgraph queries` lists them.")
@click.option("--endpoint", "-e", envvar="PGRAPH_ENDPOINT", default=None, metavar="URL",
              help="Run on this SPARQL 1.1 endpoint, not the local store (env PGRAPH_ENDPOINT).")
@store_option
@format_option()
@output_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds to wait for an endpoint.")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True,
              help="Retries of an endpoint after a transient failure.")
@click.option("--full-iris", is_flag=True,
              help="In table and markdown output, write IRIs whole and keep the query's column "
                   "order (default: prefixed names, labels before IRIs).")
def query(query_ref, params, endpoint, store, fmt, output, timeout, retries, full_iris):
    """Run a library query (by NAME), a .rq FILE, or SPARQL read from standard input (-).

    The same query gives the same result on the local store and on an endpoint.
    Credentials for an endpoint come from PGRAPH_ENDPOINT_USER and
    PGRAPH_ENDPOINT_PASSWORD, extra headers from PGRAPH_ENDPOINT_HEADERS (JSON).

    Example: pgraph query practices-rated-at-least --param rating=Effective --format csv
    """
    source: str | Path = query_ref
    if query_ref == "-":
        source = sys.stdin.read()
    elif query_ref.endswith(".rq") or "/" in query_ref:
        source = Path(query_ref)
    info = load_query(source)
    result = run_query(
        info, store=None if endpoint else store, endpoint=endpoint,
        params=_parse_params(params), timeout=timeout, retries=retries,
    )
    chosen = fmt or ("turtle" if result.kind == "graph" else "table")
    text = result.serialize(chosen, full_iris=full_iris)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text(text, output)  # the text above: serializing twice cost seconds at 100k rows
        click.echo(f"Wrote {output} ({_summary(result)})", err=True)


def _summary(result) -> str:
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    noun = "triple" if result.kind == "graph" else "row"
    return f"{len(result)} {noun}{'s' if len(result) != 1 else ''}"


@cli.command()
@store_option
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True,
              help="Port on 127.0.0.1.")
@click.option("--writable", is_flag=True,
              help="Also accept SPARQL updates and Graph Store writes (default: read-only).")
@click.option("--timeout", "query_timeout", type=click.FloatRange(min=0.1), default=60.0,
              show_default=True, metavar="SECONDS",
              help="Stop a query running longer (a 503); read-only endpoints only.")
def serve(store, port, writable, query_timeout):
    """Serve the built graph as a SPARQL 1.1 endpoint on 127.0.0.1 (Oxigraph server).

    Read-only unless --writable; the default graph is the union of the named
    graphs, as for local queries. Read-only, it follows the builds: a build
    committed while it runs is served a second or two later, every answer
    from one build. Stops on Ctrl-C.

    Example: pgraph serve --port 7878
    """
    from pgraph.serve import serve_forever, start_server

    handle = start_server(store, port, writable=writable, query_timeout=query_timeout)
    click.echo(f"SPARQL endpoint: {handle.url}" + (" (read-write)" if writable else " (read-only)"))
    click.echo(f"Try: pgraph query practices-per-domain --endpoint {handle.url}")
    click.echo("Press Ctrl-C to stop.")
    code = serve_forever(handle)
    click.echo("Stopped.")
    if code not in (0, None, -15, -2):
        raise QueryError(f"the Oxigraph server exited with code {code}")
