"""Harvest catalogue pages from the web, politely, into a folder ``pgraph build`` reads.

``fetch_pages`` finds the practice pages (the URLs given, a sitemap or
sitemap index, or the catalogue's listing pages), keeps those of one
interface language, and downloads each to ``DIR/{slug}.html``, recording its
URL in ``DIR/sources.yaml`` so that the build gives each practice its page
URL as source. It is the only part of pgraph, besides the ``--endpoint``
options, that opens a network connection, and only to the host it is given.

Politeness: robots.txt is read first and obeyed (``Disallow``, ``Allow``,
``Crawl-delay``, ``Request-rate``) for the ``pgraph`` user agent; one request
at a time, ``delay`` seconds between them (1 s by default, longer if
robots.txt asks); 429 and 5xx answers are retried with exponential backoff,
waiting at least what ``Retry-After`` says; a timeout per request; pages over
a size limit and content that is not HTML are refused; a second run asks
only for changes (``If-None-Match`` / ``If-Modified-Since``) and rewrites
only pages that changed; an interrupted run resumes.

Example:
    >>> report = FetchReport(out_dir=Path("pages"))
    >>> report.fetched.append("https://x.org/fr/practice/a")
    >>> report.failed.append(("https://x.org/fr/practice/b", "HTTP 500 (after 4 tries)"))
    >>> print(report.summary())
    fetched 1, unchanged 0, skipped by robots.txt 0, failed 1
      failed: https://x.org/fr/practice/b: HTTP 500 (after 4 tries)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag

from pgraph.errors import FetchError
from pgraph.fetch.discover import (
    listing_links,
    read_sitemap,
    read_url_file,
    url_language,
)
from pgraph.fetch.folder import HarvestFolder, PageState, as_utf8_if_declared_otherwise
from pgraph.fetch.http import PageRefused, PoliteClient, Response, user_agent

__all__ = ["DEFAULT_DELAY", "DEFAULT_MAX_BYTES", "FetchReport", "fetch_pages", "user_agent"]

DEFAULT_DELAY = 1.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_RETRIES = 3
MAX_SITEMAPS = 1000
MAX_LISTING_PAGES = 10_000

Progress = Callable[[int, int, str], None]
"""Called after each page: (pages done, pages in all, the URL just done)."""


@dataclass
class FetchReport:
    """What a harvest did, page by page."""

    out_dir: Path
    fetched: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped_by_robots: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files of pages now gone (404, 410)
    other_language: int = 0
    other_host: list[str] = field(default_factory=list)
    resumed: int = 0  # pages an interrupted run had done, not asked for again
    requests: int = 0
    interrupted: bool = False

    def summary(self) -> str:
        """Return the summary ``pgraph fetch`` prints: counts, then each failure with its reason."""
        lines = [
            f"fetched {len(self.fetched)}, unchanged {len(self.unchanged)}, skipped by robots.txt"
            f" {len(self.skipped_by_robots)}, failed {len(self.failed)}"
            + (f", resumed {self.resumed} done by the interrupted run" if self.resumed else "")
        ]
        if self.other_language:
            lines.append(f"  left out: {self.other_language} pages in another language (--lang)")
        lines += [f"  not followed (another host): {url}" for url in self.other_host[:20]]
        lines += [f"  skipped by robots.txt: {url}" for url in self.skipped_by_robots[:20]]
        lines += [f"  failed: {url}: {reason}" for url, reason in self.failed]
        lines += [f"  removed (the page is gone): {name}" for name in self.removed]
        if self.interrupted:
            lines.append("  interrupted: run the same command again to resume")
        return "\n".join(lines)


def fetch_pages(
    urls: Sequence[str] = (),
    *,
    out_dir: Path,
    sitemap: str | None = None,
    urls_file: Path | None = None,
    follow: str | None = None,
    lang: str | None = None,
    delay: float = DEFAULT_DELAY,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = DEFAULT_RETRIES,
    backoff: float | None = None,
    contact: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Download the catalogue's practice pages to ``out_dir``; return what happened to each.

    ``urls`` are pages to fetch, or with ``follow`` (a path part such as
    ``/practice/``) listing pages whose links to ``…/practice/{slug}`` are
    the pages, and whose ``rel="next"`` links lead to the next listing page.
    ``sitemap`` is a sitemap or sitemap index URL; ``urls_file`` a file of
    URLs, one a line. ``lang`` keeps the pages of one interface language
    (``/fr/…`` is French; URLs without a language prefix are English).
    ``backoff`` is the first retry's wait (default: ``max(delay, 1)``).
    Raises ``FetchError`` when nothing can be fetched (no URL, several hosts,
    robots.txt unreadable).

    Example:
        >>> fetch_pages([], out_dir=Path("pages"))
        Traceback (most recent call last):
        ...
        pgraph.errors.FetchError: url: no page to fetch; give URLs, --sitemap or --urls
    """
    given = list(urls) + (read_url_file(urls_file) if urls_file else [])
    first = sitemap or (given[0] if given else None)
    if first is None:
        raise FetchError("no page to fetch", field="url", hint="give URLs, --sitemap or --urls")
    client = PoliteClient(first, delay=delay, timeout=timeout, max_bytes=max_bytes,
                          retries=retries, backoff=max(delay, 1.0) if backoff is None else backoff,
                          contact=contact)
    report = FetchReport(out_dir=Path(out_dir))
    strangers = [u for u in given if not client.same_host(u)]
    if strangers:
        client.close()
        raise FetchError(f"{strangers[0]} is not on {client.origin}: one host per run",
                         field="url", hint="run pgraph fetch once per catalogue")
    folder = HarvestFolder(report.out_dir)
    completed = False
    try:
        client.read_robots()
        pages = _discover(client, report, given, sitemap=sitemap, follow=follow)
        pages = _keep_language(pages, lang, report)
        if limit is not None:
            pages = pages[:limit]
        key = hashlib.sha256("\n".join(pages).encode()).hexdigest()
        resumed = folder.start_run(key)
        report.resumed = len(resumed & set(pages))
        for done, url in enumerate(pages, start=1):
            if url not in resumed:
                _fetch_one(client, folder, report, url)
            if progress is not None:
                progress(done, len(pages), url)
        completed = True
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        report.requests = client.requests
        client.close()
        folder.finish(completed=completed)
    return report


def _discover(client: PoliteClient, report: FetchReport, given: list[str], *,
              sitemap: str | None, follow: str | None) -> list[str]:
    found: list[str] = []
    if sitemap:
        found += _from_sitemaps(client, report, sitemap)
    if follow:
        found += _from_listings(client, report, given, follow)
    else:
        found += given
    pages, seen = [], set()
    for url in found:
        url = urldefrag(url.strip())[0]
        if url in seen:
            continue
        seen.add(url)
        if not client.same_host(url):
            report.other_host.append(url)
            continue
        pages.append(url)
    return pages


def _crawl(
    client: PoliteClient,
    report: FetchReport,
    starts: list[str],
    *,
    kind: str,
    label: str,
    limit: int,
    read: Callable[[Response, set[str]], tuple[list[str], list[str]]],
    accept_any: bool = False,
) -> tuple[list[str], int]:
    """Visit pages of one ``kind`` breadth-first from ``starts``, at most ``limit`` of them.

    ``read`` turns each answer (and the URLs visited so far) into the pages it
    names and the URLs of ``kind`` to visit next; a ValueError from it says
    the answer is not a ``label``. A page refused (by robots.txt, or an HTTP
    error) or unreadable is recorded and the crawl goes on. Returns the pages
    found and how many URLs were visited.
    """
    queue, pages = list(starts), []
    seen: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            response = client.get(url, kind=kind, accept_any=accept_any)
            if response.status != 200:
                raise PageRefused(f"HTTP {response.status}")
        except PageRefused as exc:
            _refused(report, url, f"{label}: {exc.reason}", exc.robots)
            continue
        try:
            found, more = read(response, seen)
        except ValueError as exc:
            report.failed.append((url, f"not a {label}: {exc}"))
            continue
        pages += found
        queue += more
    return pages, len(seen)


def _from_sitemaps(client: PoliteClient, report: FetchReport, sitemap: str) -> list[str]:
    def read(response: Response, _seen: set[str]) -> tuple[list[str], list[str]]:
        kind, locs = read_sitemap(response.body)
        if kind != "sitemapindex":
            return locs, []
        report.other_host += [u for u in locs if not client.same_host(u)]
        return [], [u for u in locs if client.same_host(u)]

    pages, visited = _crawl(client, report, [sitemap], kind="sitemap", label="sitemap",
                            limit=MAX_SITEMAPS, read=read, accept_any=True)
    if not pages and visited == 1 and report.failed:
        raise FetchError(f"the sitemap {sitemap} gave no page ({report.failed[-1][1]})",
                         field="sitemap")
    return pages


def _from_listings(client: PoliteClient, report: FetchReport, starts: list[str],
                   pattern: str) -> list[str]:
    def read(response: Response, seen: set[str]) -> tuple[list[str], list[str]]:
        practices, following = listing_links(response.body, base_url=response.url,
                                             pattern=pattern)
        return ([u for u in practices if u not in seen],
                [u for u in following if u not in seen and client.same_host(u)])

    pages, _ = _crawl(client, report, starts, kind="listing", label="listing page",
                      limit=MAX_LISTING_PAGES, read=read)
    if not pages and not report.failed:
        raise FetchError(f"no link to a page matching {pattern}{{slug}} on the listing pages",
                         field="follow", hint="check --follow against the site's practice URLs")
    return pages


def _keep_language(pages: list[str], lang: str | None, report: FetchReport) -> list[str]:
    if lang is None:
        return pages
    kept = [u for u in pages if url_language(u) == lang]
    report.other_language = len(pages) - len(kept)
    return kept


def _refused(report: FetchReport, url: str, reason: str, robots: bool) -> None:
    if robots:
        report.skipped_by_robots.append(url)
    else:
        report.failed.append((url, reason))


def _fetch_one(client: PoliteClient, folder: HarvestFolder, report: FetchReport, url: str) -> None:
    known = folder.pages.get(url) if folder.has_file(url) else None
    try:
        response = client.get(
            url, etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
        )
    except PageRefused as exc:
        _refused(report, url, exc.reason, exc.robots)
        return
    if response.status == 304 and known is not None:
        report.unchanged.append(url)
        folder.record(url, known)
        return
    if response.status in {404, 410}:
        removed = folder.remove_page(url)
        if removed:
            report.removed.append(removed)
        report.failed.append((url, f"HTTP {response.status}"))
        return
    if response.status != 200:
        report.failed.append((url, f"HTTP {response.status}"))
        return
    body = as_utf8_if_declared_otherwise(response.body, response.charset)
    digest = hashlib.sha256(body).hexdigest()
    name = folder.file_for(url)
    page = PageState(file=name, sha256=digest, etag=response.etag,
                     last_modified=response.last_modified,
                     fetched=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    if known is not None and known.sha256 == digest:
        report.unchanged.append(url)  # the server did not say so, but the bytes are the same
    else:
        folder.write_page(name, body)
        report.fetched.append(url)
    folder.record(url, page)

