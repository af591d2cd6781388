"""Commands of the publish stage that write HTML: the linked-data site and the ontology docs."""

from __future__ import annotations

from pathlib import Path

import click

from pgraph.cli.main import cli, store_option
from pgraph.cli.options import output_folder, quiet_option
from pgraph.publish.docs import write_docs
from pgraph.publish.dumps import DumpFormat
from pgraph.publish.site import DEFAULT_SITE_BASE, write_site
from pgraph.store import open_store
from pgraph.vocab import DEFAULT_BASE


@cli.command()
@output_folder("Write the site into this folder (new, empty, or a site pgraph wrote).")
@store_option
@click.option("--base", default=DEFAULT_SITE_BASE, envvar="PGRAPH_SITE_BASE", show_default=True,
              help="The IRI the site is served at; pages go to the paths of their IRIs under it "
                   "(env PGRAPH_SITE_BASE).")
@click.option("--data-base", default=DEFAULT_BASE, envvar="PGRAPH_BASE", show_default=True,
              help="The namespace the data's IRIs were minted in (as given to `pgraph build`).")
@click.option("--dumps/--no-dumps", default=True, show_default=True,
              help="Write the whole graph in every RDF syntax under dumps/.")
@click.option("--format", "formats", multiple=True,
              type=click.Choice([f.value for f in DumpFormat]),
              help="Dump formats to write (repeatable; default: all).")
@click.option("--gzip", is_flag=True, help="Gzip the dumps.")
@click.option("--server-root", default="/srv/pgraph-site", show_default=True,
              help="The folder the example nginx configuration serves the site from.")
@click.option("--server-url", default=None, metavar="URL",
              help="Where the site is served (the target of the w3id.org redirect written "
                   "as w3id.htaccess when --base is under https://w3id.org/).")
@quiet_option()
def site(output, store, base, data_base, dumps, formats, gzip, server_root, server_url):
    """Write the static linked-data site of the store into the -o/--output folder.

    One HTML page per practice, organisation, partnership, Act and concept in
    use (and a plain page for every other IRI minted under the base), each
    with its description beside it as Turtle, JSON-LD, N-Triples and RDF/XML;
    an index with the facets; the DCAT/VoID description; the dumps; the
    ontology documentation; nginx.conf, an example configuration that serves
    each IRI by content negotiation; and, for a w3id.org base, w3id.htaccess.
    The folder must be new, empty, or a site pgraph wrote.

    Example: pgraph site -o out/site --base https://w3id.org/pgraph/ --server-url https://data.example.org/pgraph/
    """
    graph = open_store(store, read_only=True)
    report = write_site(
        graph, output, base=base, data_base=data_base, dumps=dumps,
        formats=formats or tuple(DumpFormat), gzip=gzip, server_root=server_root,
        server_url=server_url,
    )
    click.echo(f"Wrote the site: {report.summary()}")


@cli.command()
@output_folder("Write the documentation into this folder.")
@store_option
@click.option("--no-querying", is_flag=True,
              help="Skip the page \"Querying the graph\" (it needs a built store).")
def docs(output, store, no_querying):
    """Write the ontology's documentation and the page "Querying the graph" into -o/--output.

    The folder gets index.html (English and French labels, an SVG diagram inline),
    diagram.svg and a copy of the ontology as pgraph.ttl. `pgraph site`
    includes the same page as ontology.html. From the store, querying.md and
    querying.html: for each class, the properties its instances have, an
    example from the data and a query that runs.

    Example: pgraph docs -o out/docs --store .pgraph/store
    """
    page = write_docs(output)
    click.echo(f"Wrote the ontology documentation: {page}")
    if no_querying:
        return
    if not (Path(store) / "CURRENT").exists():
        click.echo(f"Skipped the querying guide: no store at {store} (run `pgraph build`, "
                   "or pass --store)", err=True)
        return
    from pgraph.publish.docs_querying import write_querying_page

    guide = write_querying_page(open_store(store, read_only=True), output)
    click.echo(f"Wrote the querying guide: {guide}")
