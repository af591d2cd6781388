"""Commands of the network stage: ``pgraph network stats|export|draw|kinds``.

KIND is a plain argument checked by :func:`pgraph.network.network_kind`, so
that a misspelt kind gets one ``Error:`` line with a suggestion, as a
misspelt query name does, and the usage line stays short.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pgraph.cli.main import cli
from pgraph.cli.options import format_option, output, output_option, store_option
from pgraph.network import KIND_ALIASES, NetworkKind, annotate, build, network_kind, stats
from pgraph.network.backbone import DEFAULT_ALPHA, disparity_filter
from pgraph.network.build import DEFAULT_THRESHOLD, ProjectionWeight
from pgraph.network.communities import CommunityMethod
from pgraph.network.draw import (
    COLOUR_BY,
    DEFAULT_LABELS,
    DEFAULT_MAX_NODES,
    LABEL_BY,
    LAYOUTS,
    draw,
)
from pgraph.network.export import EXPORT_FORMATS, export_format, write_network
from pgraph.network.rows import Filters
from pgraph.network.timeline import by_year as by_year_series

if TYPE_CHECKING:  # networkx is imported at first use (pgraph.lazy): most commands never need it
    import networkx as nx

SUFFIX_FORMATS = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "json",
    ".csv": "csv",
    ".edgelist": "edgelist",
    ".tsv": "edgelist",
    ".txt": "edgelist",
    ".net": "pajek",
}

communities_option = click.option(
    "--communities",
    type=click.Choice([m.value for m in CommunityMethod], case_sensitive=False),
    default="louvain",
    show_default=True,
    help="Community detection: Louvain (networkx) or Leiden (leidenalg), fixed seed.",
)


@dataclass(frozen=True)
class NetworkSource:
    """Which network a command works on: its kind, where it is read, which practices, and how."""

    kind: str
    store: Path | None
    endpoint: str | None
    filters: Filters
    threshold: float
    keep_generic: bool = False
    weight: str = "count"
    backbone: str | None = None
    alpha: float = DEFAULT_ALPHA

    def build(self, *, domains: bool = False) -> nx.Graph:
        """Return the network (``pgraph.network.build`` with these settings, then the backbone).

        ``domains`` gives organisations their practices' domains (the page's filter).
        """
        graph = build(
            network_kind(self.kind),
            store=None if self.endpoint else self.store,
            endpoint=self.endpoint,
            threshold=self.threshold,
            keep_generic=self.keep_generic,
            weight=self.weight,
            domains=domains,
            **{name: getattr(self.filters, name) for name in _FILTERS},
        )
        if self.backbone:
            graph = disparity_filter(graph, alpha=self.alpha)
        return graph


_FILTERS = ("country", "domain", "level", "since", "until")


def network_options(command):
    """Add the options every network command shares; the command gets one ``source``.

    The options (where the graph is, which practices, the similarity
    threshold, the weight and the backbone) are read into one
    :class:`NetworkSource` here, so each command takes ``source`` instead of
    a dozen parameters.
    """

    @functools.wraps(command)
    def with_source(
        *, kind, store, endpoint, threshold, keep_generic, weight, backbone, alpha, **rest
    ):
        dates = {name: rest.pop(name) for name in ("since", "until")}
        filters = Filters(
            **{name: rest.pop(name) for name in ("country", "domain", "level")},
            **{name: value.date() if value else None for name, value in dates.items()},
        )
        source = NetworkSource(
            kind, store, endpoint, filters, threshold, keep_generic, weight.lower(), backbone, alpha
        )
        return command(source=source, **rest)

    for option in reversed(_selection_options() + _tie_options()):
        with_source = option(with_source)
    return with_source


def _selection_options() -> list:
    """The network's kind, where its graph is, and which practices it is made of."""
    return [
        click.argument("kind", metavar="KIND"),
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
    ]


def _tie_options() -> list:
    """How ties are made and weighed, and which of them the backbone keeps."""
    return [
        click.option(
            "--threshold",
            type=click.FloatRange(0, 1, min_open=True),
            default=DEFAULT_THRESHOLD,
            show_default=True,
            help="Least Jaccard index of a practice-similarity tie.",
        ),
        click.option(
            "--keep-generic",
            is_flag=True,
            help="Keep generic partners (\"Residents' representatives\": kinds of participant, "
            "one node per partnership), which organisation networks leave out by default.",
        ),
        click.option(
            "--weight",
            type=click.Choice([w.value for w in ProjectionWeight], case_sensitive=False),
            default="count",
            show_default=True,
            help="Co-partnership tie weight: shared practices, Newman's collaboration "
            "weight, or Jaccard overlap.",
        ),
        click.option(
            "--backbone",
            type=click.Choice(["disparity"], case_sensitive=False),
            default=None,
            help="Keep only the backbone: the disparity filter (Serrano et al. 2009).",
        ),
        click.option(
            "--alpha",
            type=click.FloatRange(0, 1, min_open=True),
            default=DEFAULT_ALPHA,
            show_default=True,
            help="Significance level of the --backbone.",
        ),
    ]


def _sized(graph) -> str:
    return f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"


@cli.group()
def network() -> None:
    """Partnership networks: measures, files for Gephi, igraph, Pajek and statnet, figures.

    \b
    KIND is one of:
      practice-organisation     practices and their partners (two-mode)
      co-partnership            organisations tied by shared practices
      organisation-legislation  statutory partners and their Acts
      practice-similarity       practices tied by shared facets
      practice-concept          practices and their facet values (two-mode)
    `pgraph network kinds` lists the short names too. Filters select the
    practices a network is built from.

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
    help="Seed of the communities and of the sample.",
)
@communities_option
@click.option(
    "--by-year",
    is_flag=True,
    help="Write the yearly series instead (CSV: nodes, ties, density, components, "
    "largest component share, top brokers).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --by-year: also draw the series (.png, .svg or .pdf).",
)
def stats_command(
    source: NetworkSource,
    fmt,
    output,
    top,
    sample,
    seed,
    communities,
    by_year,
    plot,
):
    """Measure a network: centralities, communities, brokerage (Burt), or its growth by year.

    KIND: one of the five networks (`pgraph network kinds` lists them).

    Example: pgraph network stats co-partnership --top 5 --format json --output stats.json
    """
    if plot is not None and not by_year:
        raise click.UsageError("--plot draws the series of --by-year; add --by-year")
    graph = source.build()
    if by_year:
        series = by_year_series(graph, sample=sample, seed=seed)
        text = series.to_csv()
        if plot is not None:
            click.echo(f"Wrote {series.plot(plot)}", err=True)
    else:
        result = stats(
            graph, top=top, betweenness_sample=sample, seed=seed, communities=communities
        )
        text = {"table": result.to_table, "csv": result.to_csv, "json": result.to_json}[
            fmt.lower()
        ]()
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output} ({_sized(graph)})", err=True)


@network.command()
@network_options
@format_option(EXPORT_FORMATS, help="File format (default: from the file name's suffix)")
@output("The file to write (csv and statnet: STEM-….csv files beside it).", required=True)
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
    help="Seed of the communities (with --measures).",
)
@communities_option
@click.option(
    "--dynamic",
    is_flag=True,
    help="GEXF only: a dynamic graph, each node and tie from its first practice's start "
    "(Gephi's timeline plays it).",
)
def export(
    source: NetworkSource,
    fmt,
    output,
    measures,
    seed,
    communities,
    dynamic,
):
    """Write a network: GraphML (igraph, Gephi), GEXF (Gephi), Pajek, statnet/UCINET CSVs, ….

    KIND: one of the five networks (`pgraph network kinds` lists them).

    Formats: graphml, gexf (1.3; --dynamic for the timeline), pajek (.net),
    statnet (edge list, vertex attributes, graph metadata as three CSVs),
    csv (Gephi's spreadsheet import), json (node-link), edgelist.

    Example: pgraph network export co-partnership --weight newman --format pajek -o partners.net
    """
    chosen = fmt or SUFFIX_FORMATS.get(output.suffix.lower())
    if chosen is None:
        raise click.UsageError(
            f"give --format ({', '.join(EXPORT_FORMATS)}): {output.name!r} does not say which"
        )
    graph = source.build()
    if measures:
        graph = annotate(graph, stats(graph, seed=seed, communities=communities))
    for path in write_network(graph, export_format(chosen), output, dynamic=dynamic):
        click.echo(f"Wrote {path} ({_sized(graph)})", err=True)


@network.command(name="draw")
@network_options
@output(
    "The picture: .png, .svg or .pdf, or .html for an interactive page that works offline.",
    required=True,
)
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
    help="Label this many of the top nodes (by --label-by).",
)
@click.option(
    "--label-by",
    type=click.Choice(LABEL_BY, case_sensitive=False),
    default="weighted_degree",
    show_default=True,
    help="The measure that chooses the labelled nodes.",
)
@click.option(
    "--colour",
    "--color",
    "colour_by",
    type=click.Choice(COLOUR_BY, case_sensitive=False),
    default="community",
    show_default=True,
    help="What node colour shows.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="auto: bipartite for two-mode networks, Acts as hubs for legislation, else spring.",
)
@click.option(
    "--width",
    type=click.FloatRange(min=1, max=100),
    default=12.0,
    show_default=True,
    help="Figure width in inches.",
)
@click.option(
    "--height",
    type=click.FloatRange(min=1, max=100),
    default=10.0,
    show_default=True,
    help="Figure height in inches.",
)
@click.option(
    "--dpi",
    type=click.IntRange(min=10, max=1200),
    default=100,
    show_default=True,
    help="Dots per inch (PNG pixels = inches x dpi).",
)
@communities_option
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Seed of the layout and of the Louvain communities.",
)
@click.option("--title", default=None, help="Title of the picture (default: the network's kind).")
def draw_command(
    source: NetworkSource,
    output,
    max_nodes,
    labels,
    label_by,
    colour_by,
    layout,
    width,
    height,
    dpi,
    communities,
    seed,
    title,
):
    """Draw a network for a paper (PNG, SVG, PDF) or as an interactive page (HTML).

    KIND: one of the five networks (`pgraph network kinds` lists them).

    Example: pgraph network draw co-partnership --width 7 --height 5 --dpi 300 -o partners.png
    """
    graph = source.build(domains=output.suffix.lower() in (".html", ".htm"))  # page's filter
    path = draw(
        graph,
        output,
        max_nodes=max_nodes,
        labels=labels,
        seed=seed,
        title=title,
        width=width,
        height=height,
        dpi=dpi,
        colour_by=colour_by.lower(),
        label_by=label_by.lower(),
        layout=layout.lower(),
        communities=communities,
    )
    click.echo(f"Wrote {path} ({_sized(graph)})", err=True)
