"""Commands of the network stage: ``pgraph network stats|export|draw|kinds``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pgraph.cli.main import cli
from pgraph.cli.options import format_option, output, output_option, store_option
from pgraph.network import KIND_ALIASES, NetworkKind, annotate, build, stats
from pgraph.network.build import DEFAULT_THRESHOLD
from pgraph.network.draw import DEFAULT_LABELS, DEFAULT_MAX_NODES, draw
from pgraph.network.export import EXPORT_FORMATS, export_format, write_network
from pgraph.network.rows import Filters

if TYPE_CHECKING:  # networkx is imported at first use (pgraph.lazy): most commands never need it
    import networkx as nx

KIND_CHOICES = [k.value for k in NetworkKind] + sorted(KIND_ALIASES)
SUFFIX_FORMATS = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "json",
    ".csv": "csv",
    ".edgelist": "edgelist",
    ".tsv": "edgelist",
    ".txt": "edgelist",
}


@dataclass(frozen=True)
class NetworkSource:
    """Which network a command works on: its kind, where it is read, which practices."""

    kind: str
    store: Path | None
    endpoint: str | None
    filters: Filters
    threshold: float

    def build(self) -> nx.Graph:
        """Return the network (``pgraph.network.build`` with these settings)."""
        return build(
            self.kind,
            store=None if self.endpoint else self.store,
            endpoint=self.endpoint,
            threshold=self.threshold,
            **{name: getattr(self.filters, name) for name in _FILTERS},
        )


_FILTERS = ("country", "domain", "level", "since", "until")


def network_options(command):
    """Add the options every network command shares; the command gets one ``source``.

    The options (where the graph is, which practices, the similarity
    threshold) are read into one :class:`NetworkSource` here, so each command
    takes ``source`` instead of nine parameters.
    """

    @functools.wraps(command)
    def with_source(*, kind, store, endpoint, threshold, **rest):
        dates = {name: rest.pop(name) for name in ("since", "until")}
        filters = Filters(
            **{name: rest.pop(name) for name in ("country", "domain", "level")},
            **{name: value.date() if value else None for name, value in dates.items()},
        )
        return command(source=NetworkSource(kind, store, endpoint, filters, threshold), **rest)

    options = [
        click.argument("kind", type=click.Choice(KIND_CHOICES, case_sensitive=False)),
        store_option,
        click.option(
            "--endpoint",
            "-e",
            envvar="PGRAPH_ENDPOINT",
            default=None,
            metavar="URL",
            help="Build from this SPARQL 1.1 endpoint, not the local store (env PGRAPH_ENDPOINT).",
        ),
        click.option(
            "--country",
            metavar="NAME",
            help="Only practices in this country (name in any language, ISO code or IRI).",
        ),
        click.option("--domain", metavar="NAME", help="Only practices addressing this domain."),
        click.option("--level", metavar="NAME", help="Only practices working at this level."),
        click.option(
            "--since",
            type=click.DateTime(["%Y-%m-%d"]),
            metavar="YYYY-MM-DD",
            help="Only practices started on or after this date.",
        ),
        click.option(
            "--until",
            type=click.DateTime(["%Y-%m-%d"]),
            metavar="YYYY-MM-DD",
            help="Only practices started on or before this date.",
        ),
        click.option(
            "--threshold",
            type=click.FloatRange(0, 1, min_open=True),
            default=DEFAULT_THRESHOLD,
            show_default=True,
            help="Least Jaccard index of a practice-similarity tie.",
        ),
    ]
    for option in reversed(options):
        with_source = option(with_source)
    return with_source


def _sized(graph) -> str:
    return f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"


@cli.group()
def network() -> None:
    """Partnership networks: measures, files for Gephi and igraph, pictures.

    KIND is one of: practice-organisation (bipartite), co-partnership,
    organisation-legislation, practice-similarity, practice-concept
    (`pgraph network kinds` says what each is). Filters select the practices
    a network is built from.

    Example: pgraph network stats co-partnership --country GB --top 5
    """


@network.command()
def kinds() -> None:
    """List the kinds of network, with their short names.

    Example: pgraph network kinds
    """
    aliases = {
        kind: sorted(a for a, k in KIND_ALIASES.items() if k is kind) for kind in NetworkKind
    }
    for kind in NetworkKind:
        short = f" (also: {', '.join(aliases[kind])})" if aliases[kind] else ""
        click.echo(f"{kind.value}{short}\n    {kind.description}")


@network.command(name="stats")
@network_options
@format_option(
    ["table", "csv", "json"],
    default="table",
    help="table: summary, top-N lists, communities; csv: one row per node; json: all",
)
@output_option
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Length of the top-N lists.",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Source nodes for betweenness and closeness (default: exact up to 1,000 "
    "nodes, 200 above).",
)
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Seed of the Louvain communities and of the sample.",
)
def stats_command(source: NetworkSource, fmt, output, top, sample, seed):
    """Measure a network: centralities, communities (Louvain), brokerage (Burt).

    Example: pgraph network stats co-partnership --top 5 --format json --output stats.json
    """
    graph = source.build()
    result = stats(graph, top=top, betweenness_sample=sample, seed=seed)
    text = {"table": result.to_table, "csv": result.to_csv, "json": result.to_json}[fmt.lower()]()
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output} ({_sized(graph)})", err=True)


@network.command()
@network_options
@format_option(EXPORT_FORMATS, help="File format (default: from the file name's suffix)")
@output("The file to write (csv: STEM-nodes.csv and STEM-edges.csv beside it).", required=True)
@click.option(
    "--measures",
    is_flag=True,
    help="Add each node's centralities, component and community as attributes.",
)
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Seed of the Louvain communities (with --measures).",
)
def export(source: NetworkSource, fmt, output, measures, seed):
    """Write a network as GraphML or GEXF (Gephi, igraph), node-link JSON, CSV or an edge list.

    Example: pgraph network export co-partnership --format gexf --output partners.gexf
    """
    chosen = fmt or SUFFIX_FORMATS.get(output.suffix.lower())
    if chosen is None:
        raise click.UsageError(
            f"give --format ({', '.join(EXPORT_FORMATS)}): {output.name!r} does not say which"
        )
    graph = source.build()
    if measures:
        graph = annotate(graph, stats(graph, seed=seed))
    for path in write_network(graph, export_format(chosen), output):
        click.echo(f"Wrote {path} ({_sized(graph)})", err=True)


@network.command(name="draw")
@network_options
@output("The picture: .png or .svg, or .html for an interactive page that works offline.",
        required=True)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="Draw at most this many nodes (the most tied).",
)
@click.option(
    "--labels",
    type=click.IntRange(min=0),
    default=DEFAULT_LABELS,
    show_default=True,
    help="Label this many of the most tied nodes.",
)
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Seed of the layout and of the Louvain communities.",
)
@click.option("--title", default=None, help="Title of the picture (default: the network's kind).")
def draw_command(source: NetworkSource, output, max_nodes, labels, seed, title):
    """Draw a network: communities coloured, the most central nodes labelled.

    Example: pgraph network draw co-partnership --output partners.html
    """
    graph = source.build()
    path = draw(graph, output, max_nodes=max_nodes, labels=labels, seed=seed, title=title)
    click.echo(f"Wrote {path} ({_sized(graph)})", err=True)
