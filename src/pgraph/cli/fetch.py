"""pgraph fetch: harvest catalogue pages politely into a folder (``pgraph.fetch.fetch_pages``)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from pgraph.cli.main import EXIT_ERROR, cli
from pgraph.errors import FetchError
from pgraph.fetch import (
    DEFAULT_DELAY,
    DEFAULT_MAX_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    fetch_pages,
)


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("-o", "--output", "--out", "output", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the pages (DIR/{slug}.html) and DIR/sources.yaml (--out works too).")
@click.option("--sitemap", metavar="URL", help="A sitemap or sitemap index listing the pages.")
@click.option("--urls", "urls_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A file of page URLs, one a line (# comments).")
@click.option("--follow", metavar="PATTERN",
              help="URLS are listing pages: fetch their links to …PATTERN{slug} (e.g. /practice/)"
              " and follow their rel=next pagination.")
@click.option("--lang", type=click.Choice(["fr", "en", "bg"]),
              help="Keep the pages of one interface language (/fr/… is French; unprefixed URLs"
              " are English).")
@click.option("--delay", type=click.FloatRange(min=0), default=DEFAULT_DELAY, show_default=True,
              help="Seconds between requests (robots.txt's Crawl-delay wins when longer).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=DEFAULT_TIMEOUT,
              show_default=True, help="Seconds a request may take.")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
              help="Retries after a 429, a 5xx or a network error (with backoff and Retry-After).")
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0.001),
              default=DEFAULT_MAX_BYTES / 1e6, show_default=True,
              help="Largest page accepted, in MB.")
@click.option("--contact", metavar="EMAIL-OR-URL",
              help="Added to the User-Agent so that the site's administrators can reach you.")
@click.option("--limit", type=click.IntRange(min=1), help="Fetch at most this many pages.")
def fetch(urls: tuple[str, ...], output: Path, sitemap: str | None, urls_file: Path | None,
          follow: str | None, lang: str | None, delay: float, timeout: float, retries: int,
          max_mb: float, contact: str | None, limit: int | None) -> None:
    """Download catalogue pages to a folder that pgraph build reads, politely.

    Obeys robots.txt (and its Crawl-delay), stays on the host given, sends one
    request at a time with --delay between them, retries 429/5xx with backoff,
    refuses pages that are too big or not HTML, and on the next run asks only
    for changes (ETag / Last-Modified) and rewrites only changed pages. An
    interrupted run resumes. Respect the catalogue's terms of use.

    Example: pgraph fetch --sitemap https://example.org/sitemap.xml --lang fr --out pages/

    Example: pgraph fetch https://example.org/fr/practice/ --follow /practice/ -o pages/
    """
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="fetching", file=sys.stderr, show_pos=True)

    def progress(done: int, total: int, url: str) -> None:
        if bar is not None:
            bar.length = total
            bar.update(done - bar.pos)

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = fetch_pages(urls, out_dir=output, sitemap=sitemap, urls_file=urls_file,
                             follow=follow, lang=lang, delay=delay, timeout=timeout,
                             retries=retries, max_bytes=int(max_mb * 1e6), contact=contact,
                             limit=limit, progress=progress)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if bar is not None:
            bar.render_finish()
    click.echo(report.summary())
    if report.interrupted:
        click.echo("Error: interrupted; the pages done are kept, run again to resume", err=True)
        sys.exit(EXIT_ERROR)
    if report.failed and not (report.fetched or report.unchanged):
        raise FetchError(f"no page could be fetched ({len(report.failed)} failed)")


def _interrupt(signum, frame) -> None:  # SIGTERM ends a run as Ctrl-C does: state kept
    raise KeyboardInterrupt
