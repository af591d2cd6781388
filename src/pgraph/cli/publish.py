"""Commands of the publish stage: dump, describe, publish, link."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pgraph.cli.main import cli
from pgraph.cli.options import alias_option, output, quiet_option, store_option
from pgraph.errors import PublishError
from pgraph.store import open_store

FORMAT_NAMES = ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]

graph_option = click.option(
    "--graph", "graphs", multiple=True, metavar="IRI",
    help="Only this named graph (repeatable; default: every graph).",
)


@cli.command()
@store_option
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
              help="RDF syntax (repeatable; default: every one when --output is a folder, "
                   "else from the file name, else turtle).")
@click.option("--output", "-o", "--out", "output", type=click.Path(), default=None,
              help="A folder (one pgraph.<ext> per format), or a file named with an RDF "
                   "extension (x.ttl, x.nq.gz), or - for standard output (the default).")
@click.option("--gzip", is_flag=True, help="Compress with gzip (reproducibly: no time stamp).")
@graph_option
@click.option("--list-graphs", is_flag=True, help="List the store's named graphs and stop.")
@quiet_option()
def dump(store, formats, output, gzip, graphs, list_graphs):
    """Write the graph in RDF: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML.

    --output is a folder (made if missing) unless its name ends in an RDF
    extension (all.nt.gz, graph.ttl): then it is that one file. Turtle and
    N-Triples hold the merge of the graphs, sorted: the same graph gives the
    same bytes. N-Quads, TriG and JSON-LD keep the named graphs;
    JSON-LD is compacted with ontology/context.jsonld. A file is replaced only
    once it is completely written. `pgraph export` is another name for this
    command.

    Example: pgraph dump --output dist --gzip
    """
    from pgraph.publish.export import export_graph, is_folder_target

    source = open_store(store, read_only=True)
    if list_graphs:
        for graph in sorted(g.value for g in source.named_graphs()):
            click.echo(graph)
        return
    selected = list(graphs) or None
    if output is None or output == "-":
        export_graph(source, sys.stdout.buffer, formats, graphs=selected, gzip=gzip)
        return
    folder = is_folder_target(output, formats)
    for item in export_graph(source, output, formats, graphs=selected, gzip=gzip):
        checksum = f", sha256 {item.sha256}" if folder else ""
        click.echo(f"Wrote {item.path}: {item.triples} statements, {item.byte_size} bytes"
                   f"{checksum}", err=True)


cli.add_command(dump, name="export")  # the name it had in the build stage's commands


@cli.command()
@store_option
@click.option("--dumps", "dumps_dir", type=click.Path(path_type=Path, file_okay=False),
              help="The folder of dumps to describe as distributions (from `pgraph dump`).")
@output("Write the description here (default: DUMPS/dataset.<ext>, or - for stdout).",
        file=True)
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="turtle",
              show_default=True)
@click.option("--service-url", metavar="URL",
              help="The public SPARQL endpoint to describe (a dcat:DataService).")
@alias_option("--endpoint", "service_url")
@click.option("--download-base", help="The URL under which the dumps are served.")
@click.option("--base", "site_base", default="https://w3id.org/pgraph/", show_default=True,
              help="Where the catalogue, dataset and distribution IRIs are minted.")
@click.option("--title", help="The dataset's title.")
@click.option("--publisher", help="The publisher's IRI.")
@click.option("--publisher-name", help="The publisher's name.")
@click.option("--license", "licence", help="The licence IRI (default: CC BY 4.0).")
def describe(store, dumps_dir, output, fmt, service_url, download_base, site_base, title,
             publisher, publisher_name, licence):
    """Write the DCAT-AP and VoID description of the graph and its dumps.

    Statistics (triples, entities, class and property partitions, linksets to
    Wikidata and legislation.gov.uk) are counted from the store; each dump in
    --dumps becomes a distribution with its size and SHA-256 checksum.
    Check it against ontology/dataset-shapes.ttl with pyshacl.

    Example: pgraph describe --dumps dist/ --service-url https://example.org/sparql
    """
    from pgraph.publish.description import (
        DatasetInfo,
        describe_dataset,
        describe_dump_files,
        write_description,
    )

    source = open_store(store, read_only=True)
    info = DatasetInfo(base=site_base, sparql_endpoint=service_url, download_base=download_base)
    for name, value in (("title", title), ("publisher", publisher),
                        ("publisher_name", publisher_name), ("license", licence)):
        if value:
            setattr(info, name, value)
    if output is None and dumps_dir is not None:
        from pgraph.publish.description import DESCRIPTION_NAME
        from pgraph.publish.dumps import DumpFormat

        output = dumps_dir / f"{DESCRIPTION_NAME}.{DumpFormat.parse(fmt).extension}"
    own = [output] if output is not None and str(output) != "-" else []
    dumps = describe_dump_files(dumps_dir, exclude=own) if dumps_dir else []
    description = describe_dataset(source, dumps, info=info)
    if output is None or str(output) == "-":
        write_description(description, sys.stdout.buffer, fmt)
        return
    written = write_description(description, output, fmt)
    click.echo(f"Wrote {output}: {written.triples} triples describing {len(dumps)} dumps",
               err=True)


@cli.command()
@store_option
@click.option("--target", metavar="URL",
              help="The triple store's SPARQL endpoint (updates go here unless "
                   "--update-endpoint; --verify counts here).")
@alias_option("--endpoint", "target")
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
              help="Afterwards, count each graph's triples through --target and compare.")
@click.option("--report", "report_file", type=click.Path(path_type=Path),
              help="Also write the report as JSON (only after a complete publication).")
@click.option("--keep-removed", is_flag=True,
              help="Keep on the store the graphs of sources deleted since the last publication.")
@click.option("--base", default=None,
              help="The IRI base the store was built with (default: read from the store).")
@quiet_option()
def publish(store, target, graph_store, update_endpoint, graphs, method, chunk_size, timeout,
            verify, report_file, keep_removed, base):
    """Push each named graph to a SPARQL 1.1 triple store, replacing it there.

    With --graph-store, each graph is PUT with the Graph Store Protocol;
    otherwise (or with --method update) it is sent with SPARQL Update.
    With --target (the store's query endpoint) publishing mirrors: only new
    and changed graphs are sent, and the graphs pgraph published before whose
    source is gone are removed (never another graph; --keep-removed keeps
    them); the report lists added, replaced, removed and unchanged graphs.
    Publishing twice gives the same store. Credentials: PGRAPH_PUBLISH_USER and
    PGRAPH_PUBLISH_PASSWORD, or ~/.netrc; Basic and Digest; never printed.

    Example: pgraph publish --target http://127.0.0.1:8890/sparql --graph-store http://127.0.0.1:8890/sparql-graph-crud
    """
    from pgraph.publish.stores import find_credentials, publish_store, verify_publication

    if verify and not target:
        raise PublishError("--verify needs --target (a SPARQL query endpoint)")
    source = open_store(store, read_only=True)
    report = publish_store(source, endpoint=target, graph_store=graph_store,
                           update_endpoint=update_endpoint, graphs=list(graphs) or None,
                           method=method, chunk_size=chunk_size, timeout=timeout,
                           keep_removed=keep_removed, base=base)
    click.echo(report.summary())
    if verify:
        verify_publication(report, target, credentials=find_credentials(target), timeout=timeout)
        click.echo(f"verified: the store holds {report.triples} triples in "
                   f"{len(report.graphs)} graphs")
    if report_file:
        report_file.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")


@cli.command()
@store_option
@click.option("--wikidata", default="https://query.wikidata.org/sparql", show_default=True,
              metavar="URL", help="The SPARQL endpoint to reconcile against (Wikidata-shaped).")
@alias_option("--endpoint", "wikidata")
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
def link(store, wikidata, accept_above, review_above, alignments, review, dry_run, timeout):
    """Propose Wikidata links for organisations that have none.

    Candidates are found by label and alias and scored by name, country and
    kind of organisation. Accepted links go into the alignment file (the next
    `pgraph build` turns them into owl:sameAs); uncertain ones into the review
    list. Existing links are never changed.

    Example: pgraph link --wikidata https://query.wikidata.org/sparql --accept-above 0.9
    """
    from pgraph.publish.link import link_organisations
    from pgraph.resources import data_dir

    source = open_store(store, read_only=True)
    report = link_organisations(
        source, wikidata, alignments=alignments or data_dir() / "alignments.yaml",
        review=review, accept_above=accept_above, review_above=review_above, dry_run=dry_run,
        timeout=timeout,
    )
    click.echo(report.summary())
