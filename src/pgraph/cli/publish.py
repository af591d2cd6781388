"""Commands of the publish stage: dump, describe, publish, link."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pgraph.cli.main import cli, store_option
from pgraph.cli.options import quiet_option
from pgraph.errors import PublishError
from pgraph.store import open_store

FORMAT_NAMES = ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]

graph_option = click.option(
    "--graph", "graphs", multiple=True, metavar="IRI",
    help="Only this named graph (repeatable; default: every graph).",
)


@cli.command()
@store_option
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
              help="RDF syntax (repeatable; default: every one when --out is a folder, "
                   "else turtle).")
@click.option("--out", type=click.Path(), default=None,
              help="A folder (one pgraph.<ext> per format; end it with / or give several "
                   "formats), a file, or - for stdout.")
@click.option("--gzip", is_flag=True, help="Compress with gzip (reproducibly: no time stamp).")
@graph_option
@click.option("--list-graphs", is_flag=True, help="List the store's named graphs and stop.")
@quiet_option()
def dump(store, formats, out, gzip, graphs, list_graphs):
    """Write dumps of the graph: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML.

    Turtle and N-Triples hold the merge of the graphs, sorted: the same graph
    gives the same bytes. N-Quads, TriG and JSON-LD keep the named graphs;
    JSON-LD is compacted with ontology/context.jsonld. A file is replaced only
    once it is completely written.

    Example: pgraph dump --out dist/ --gzip
    """
    from pgraph.publish.dumps import DumpFormat, write_dump, write_dumps

    source = open_store(store, read_only=True)
    if list_graphs:
        for graph in sorted(g.value for g in source.named_graphs()):
            click.echo(graph)
        return
    selected = list(graphs) or None
    # Path() would drop the trailing slash that says "a folder".
    to_folder = out is not None and out != "-" and (
        out.endswith(("/", os.sep)) or Path(out).is_dir() or len(formats) > 1)
    target = Path(out) if out is not None and out != "-" else None
    if to_folder and target is not None:
        written = write_dumps(source, target, formats or list(DumpFormat), graphs=selected,
                              gzip=gzip)
        for item in written:
            click.echo(f"Wrote {item.path}: {item.triples} statements, {item.byte_size} bytes, "
                       f"sha256 {item.sha256}", err=True)
        return
    fmt = formats[0] if formats else (_format_of(target) or "turtle")
    if target is None:
        write_dump(source, sys.stdout.buffer, fmt, graphs=selected, gzip=gzip)
        return
    item = write_dump(source, target, fmt, graphs=selected, gzip=gzip)
    click.echo(f"Wrote {target}: {item.triples} statements, {item.byte_size} bytes", err=True)


def _format_of(out: Path | None) -> str | None:
    """Return the format a file name implies (``x.nt.gz`` → ntriples), or None."""
    from pgraph.publish.dumps import DumpFormat

    if out is None:
        return None
    parts = [p for p in out.name.split(".")[1:] if p != "gz"]
    try:
        return DumpFormat.parse(parts[-1]).value if parts else None
    except PublishError:
        return None


@cli.command()
@store_option
@click.option("--dumps", "dumps_dir", type=click.Path(path_type=Path, file_okay=False),
              help="The folder of dumps to describe as distributions (from `pgraph dump`).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the description here (default: DUMPS/dataset.ttl, or stdout).")
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="turtle",
              show_default=True)
@click.option("--endpoint", help="The public SPARQL endpoint (a dcat:DataService).")
@click.option("--download-base", help="The URL under which the dumps are served.")
@click.option("--base", "site_base", default="https://w3id.org/pgraph/", show_default=True,
              help="Where the catalogue, dataset and distribution IRIs are minted.")
@click.option("--title", help="The dataset's title.")
@click.option("--publisher", help="The publisher's IRI.")
@click.option("--publisher-name", help="The publisher's name.")
@click.option("--license", "licence", help="The licence IRI (default: CC BY 4.0).")
def describe(store, dumps_dir, out, fmt, endpoint, download_base, site_base, title, publisher,
             publisher_name, licence):
    """Write the DCAT-AP and VoID description of the graph and its dumps.

    Statistics (triples, entities, class and property partitions, linksets to
    Wikidata and legislation.gov.uk) are counted from the store; each dump in
    --dumps becomes a distribution with its size and SHA-256 checksum.
    Check it against ontology/dataset-shapes.ttl with pyshacl.

    Example: pgraph describe --dumps dist/ --endpoint https://example.org/sparql
    """
    from pgraph.publish.description import (
        DatasetInfo,
        describe_dataset,
        describe_dump_files,
        write_description,
    )

    source = open_store(store, read_only=True)
    info = DatasetInfo(base=site_base, sparql_endpoint=endpoint, download_base=download_base)
    for name, value in (("title", title), ("publisher", publisher),
                        ("publisher_name", publisher_name), ("license", licence)):
        if value:
            setattr(info, name, value)
    if out is None and dumps_dir is not None:
        out = dumps_dir / "dataset.ttl"
    own = [out] if out is not None and str(out) != "-" else []
    dumps = describe_dump_files(dumps_dir, exclude=own) if dumps_dir else []
    description = describe_dataset(source, dumps, info=info)
    if out is None or str(out) == "-":
        write_description(description, sys.stdout.buffer, fmt)
        return
    written = write_description(description, out, fmt)
    click.echo(f"Wrote {out}: {written.triples} triples describing {len(dumps)} dumps", err=True)


@cli.command()
@quiet_option()
@store_option
@click.option("--endpoint", help="The SPARQL endpoint (updates go here unless --update-endpoint).")
@click.option("--graph-store", help="The Graph Store Protocol URL (e.g. Oxigraph …/store, "
                                    "Virtuoso …/sparql-graph-crud).")
@click.option("--update-endpoint", help="The SPARQL Update URL, if not --endpoint "
                                        "(e.g. Oxigraph …/update).")
@graph_option
@click.option("--method", type=click.Choice(["gsp", "update"]), default=None,
              help="gsp: PUT each graph (default with --graph-store); update: SPARQL Update.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Triples per SPARQL Update request.")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--verify", is_flag=True,
              help="Afterwards, count each graph's triples through --endpoint and compare.")
@click.option("--report", "report_file", type=click.Path(path_type=Path),
              help="Also write the report as JSON (only after a complete publication).")
def publish(store, endpoint, graph_store, update_endpoint, graphs, method, chunk_size, timeout,
            verify, report_file):
    """Push each named graph to a SPARQL 1.1 triple store, replacing it there.

    With --graph-store, each graph is PUT with the Graph Store Protocol;
    otherwise (or with --method update) it is sent with SPARQL Update.
    Publishing twice gives the same store. Credentials: PGRAPH_PUBLISH_USER and
    PGRAPH_PUBLISH_PASSWORD, or ~/.netrc; Basic and Digest; never printed.

    Example: pgraph publish --endpoint http://127.0.0.1:8890/sparql --graph-store http://127.0.0.1:8890/sparql-graph-crud
    """
    from pgraph.publish.stores import find_credentials, publish_store, remote_triple_counts

    source = open_store(store, read_only=True)
    report = publish_store(source, endpoint=endpoint, graph_store=graph_store,
                           update_endpoint=update_endpoint, graphs=list(graphs) or None,
                           method=method, chunk_size=chunk_size, timeout=timeout)
    click.echo(report.summary())
    if verify:
        if not endpoint:
            raise PublishError("--verify needs --endpoint (a SPARQL query endpoint)")
        names = [g.graph for g in report.graphs]
        counts = remote_triple_counts(endpoint, names, credentials=find_credentials(endpoint),
                                      timeout=timeout)
        wrong = [f"<{g.graph}> has {counts[g.graph]} triples, not {g.triples}"
                 for g in report.graphs if counts[g.graph] != g.triples]
        if wrong:
            raise PublishError("the store does not hold what was sent: " + "; ".join(wrong),
                               hint="a store may merge equal literals; compare with a query")
        click.echo(f"verified: the store holds {report.triples} triples in {len(names)} graphs")
    if report_file:
        report_file.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")


@cli.command()
@store_option
@click.option("--endpoint", default="https://query.wikidata.org/sparql", show_default=True,
              help="The SPARQL endpoint to reconcile against (Wikidata-shaped).")
@click.option("--accept-above", type=click.FloatRange(0, 1), default=0.85, show_default=True,
              help="Write a link when the best candidate scores at least this.")
@click.option("--review-above", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="List candidates scoring at least this for a person to review.")
@click.option("--alignments", type=click.Path(path_type=Path), default=None,
              help="The alignment file to add links to (default: data/alignments.yaml).")
@click.option("--review", type=click.Path(path_type=Path), default=None,
              help="The review list (CSV; default: link-review.csv beside the alignments).")
@click.option("--dry-run", is_flag=True, help="Print what would be linked; write nothing.")
@click.option("--timeout", type=float, default=60.0, show_default=True)
def link(store, endpoint, accept_above, review_above, alignments, review, dry_run, timeout):
    """Propose Wikidata links for organisations that have none.

    Candidates are found by label and alias and scored by name, country and
    kind of organisation. Accepted links go into the alignment file (the next
    `pgraph build` turns them into owl:sameAs); uncertain ones into the review
    list. Existing links are never changed.

    Example: pgraph link --endpoint https://query.wikidata.org/sparql --accept-above 0.9
    """
    from pgraph.publish.link import link_organisations
    from pgraph.resources import data_dir

    source = open_store(store, read_only=True)
    report = link_organisations(
        source, endpoint, alignments=alignments or data_dir() / "alignments.yaml",
        review=review, accept_above=accept_above, review_above=review_above, dry_run=dry_run,
        timeout=timeout,
    )
    click.echo(report.summary())
