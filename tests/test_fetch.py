"""pgraph fetch against the synthetic catalogue served as a web site on 127.0.0.1.

The site (``pgraph synth --html``) is served by ``tests/site_server.py``,
which logs every request and plants faults by path: the tests read the log to
check what the harvester asked for, when, and with which headers.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from pgraph import __version__
from pgraph.build import build_catalogue
from pgraph.cli import cli
from pgraph.fetch import fetch_pages
from pgraph.synth import URL_BASE, generate_catalogue
from pgraph.synth.html_site import generate_html_site
from pgraph.vocab import PG
from tests.site_server import Site, start_site

PRACTICES, SEED, SHARE = 12, 3, 0.2
FAST = {"delay": 0.0, "backoff": 0.05}


def make_site(root: Path, *, practices: int = PRACTICES, behaviours=None,
              crawl_delay: float | None = None) -> Site:
    root.mkdir(parents=True, exist_ok=True)
    site = start_site(root, behaviours)
    generate_html_site(root, practices=practices, seed=SEED, malformed_share=SHARE,
                       base_url=site.url, crawl_delay=crawl_delay)
    return site


@pytest.fixture
def site(tmp_path) -> Site:
    site = make_site(tmp_path / "site")
    yield site
    site.server.shutdown()


def practice_urls(site: Site, lang: str = "fr") -> list[str]:
    prefix = "/fr" if lang == "fr" else ""
    return sorted(site.url + prefix + "/practice/" + p.stem
                  for p in (site.root / prefix.lstrip("/") / "practice").glob("*.html")
                  if p.stem != "index")


def union_graph(store, *, url_from: str | None = None, url_to: str | None = None) -> Graph:
    """The store's statements without provenance of files and builds, URLs rebased."""
    graph = Graph()
    for quad in store:
        if str(quad.graph_name).endswith("/graph/builds>") or "/graph/" in str(quad.subject):
            continue  # the build, and each source file's graph (its name, hash, when read)
        terms = []
        for term in (quad.subject, quad.predicate, quad.object):
            text = term.n3() if hasattr(term, "n3") else str(term)
            if url_from and text.startswith(f"<{url_from}"):
                text = "<" + url_to + text[len(url_from) + 1:]
            terms.append(text)
        graph.parse(data=" ".join(terms) + " .", format="nt")
    for predicate in (PG.sourceFile, PG.sourceLine):
        graph.remove((None, predicate, None))
    return graph


# ---------------------------------------------------------------- the whole path


def _reason(message) -> str:
    """A build message without the file and line it names (.txt and .html files differ there)."""
    return str(message).split(": ", 1)[1].split(": ", 1)[-1] if ": " in str(message) else ""


def test_fetching_the_site_and_building_it_gives_the_text_catalogues_graph(site, tmp_path):
    pages = tmp_path / "pages"
    report = fetch_pages(out_dir=pages, sitemap=site.url + "/sitemap.xml", lang="fr", **FAST)
    assert not report.failed, report.summary()
    assert len(report.fetched) == PRACTICES + 1  # and the "about" page
    built = build_catalogue([pages], store_path=None, jobs=1)
    text = tmp_path / "text"
    generate_catalogue(text, practices=PRACTICES, seed=SEED, lang="fr", malformed_share=SHARE)
    expected = build_catalogue([text], store_path=None, jobs=1)
    # The same pages fail and are skipped, for the same reasons (the planted faults) ...
    assert [_reason(e) for e in built.errors] == [_reason(e) for e in expected.errors]
    assert [_reason(s) for s in built.skipped if "about" not in s] == [
        _reason(s) for s in expected.skipped]
    # ... and the site's "about" page is skipped at build with the usual message.
    assert any(s.startswith("pages/about.html: not a practice page") for s in built.skipped)
    left = union_graph(built.store)
    right = union_graph(expected.store, url_from=URL_BASE, url_to=site.url)
    if not isomorphic(left, right):
        _, only_html, only_text = graph_diff(to_isomorphic(left), to_isomorphic(right))
        pytest.fail(f"only from HTML:\n{only_html.serialize(format='nt')[:3000]}\n"
                    f"only from text:\n{only_text.serialize(format='nt')[:3000]}")
    practice = next(iter(practice_urls(site)))
    assert (None, None, URIRef(practice)) in left  # dcterms:source is the page's URL


def test_listing_pages_are_followed_through_their_pagination(site, tmp_path):
    start = site.url + "/fr/practice/"
    report = fetch_pages([start], follow="/practice/", out_dir=tmp_path / "pages", **FAST)
    assert sorted(report.fetched) == practice_urls(site)
    assert site.url and "/fr/practice/page/2/" in site.paths()
    names = {p.name for p in (tmp_path / "pages").glob("*.html")}
    assert names == {u.rsplit("/", 1)[1] + ".html" for u in practice_urls(site)}


# ---------------------------------------------------------------- politeness


def test_robots_txt_is_read_first_and_obeyed(site, tmp_path):
    report = fetch_pages(out_dir=tmp_path / "pages", sitemap=site.url + "/sitemap.xml", **FAST)
    assert site.paths()[0] == "/robots.txt"
    assert not [p for p in site.paths() if p.startswith("/private/")]
    assert report.skipped_by_robots == [site.url + "/private/report/"]
    assert "skipped by robots.txt 1" in report.summary()


def test_the_user_agent_names_pgraph_its_version_and_the_contact(site, tmp_path):
    fetch_pages(practice_urls(site)[:1], out_dir=tmp_path / "pages",
                contact="mailto:ann@example.org", **FAST)
    agents = {hit.headers["user-agent"] for hit in site.log}
    assert agents == {f"pgraph/{__version__} (knowledge-graph harvester; +mailto:ann@example.org)"}


def test_the_delay_separates_requests(site, tmp_path):
    fetch_pages(practice_urls(site)[:4], out_dir=tmp_path / "pages", delay=0.3)
    times = [hit.at for hit in site.log]
    assert len(times) == 5  # robots.txt and four pages
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.3


def test_crawl_delay_wins_over_a_shorter_delay(tmp_path):
    site = make_site(tmp_path / "site", practices=3, crawl_delay=0.5)
    try:
        fetch_pages(practice_urls(site), out_dir=tmp_path / "pages", delay=0.0)
        times = [hit.at for hit in site.log]
        assert len(times) == 4
        assert min(b - a for a, b in itertools.pairwise(times)) >= 0.5
    finally:
        site.server.shutdown()


# ---------------------------------------------------------------- a misbehaving site


def test_429_is_retried_after_the_time_retry_after_asks(site, tmp_path):
    url = practice_urls(site)[0]
    site.behaviours[url.removeprefix(site.url)] = "429"
    report = fetch_pages([url], out_dir=tmp_path / "pages", **FAST)
    assert report.fetched == [url]
    hits = [h for h in site.log if h.path == url.removeprefix(site.url)]
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 1.0


def test_500_then_success(site, tmp_path):
    url = practice_urls(site)[0]
    site.behaviours[url.removeprefix(site.url)] = "500"
    report = fetch_pages([url], out_dir=tmp_path / "pages", **FAST)
    assert report.fetched == [url]
    assert [h.status for h in site.page_hits()] == [500, 500, 200]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("slow", "timed out after 0.5 s"),
        ("loop", "redirect loop"),
        ("huge", "50.0 MB, over the 10 MB limit (--max-size)"),
        ("pdf", "not HTML (application/pdf)"),
        ("offsite", "is on another host; pgraph fetch stays on"),
    ],
)
def test_bad_answers_fail_one_page_with_a_reason_and_the_others_go_on(
        site, tmp_path, behaviour, reason):
    urls = practice_urls(site)[:3]
    site.behaviours[urls[1].removeprefix(site.url)] = behaviour
    report = fetch_pages(urls, out_dir=tmp_path / "pages", timeout=0.5, retries=0, **FAST)
    assert report.fetched == [urls[0], urls[2]]
    ((url, why),) = report.failed
    assert url == urls[1] and reason in why, why
    assert not (tmp_path / "pages" / (urls[1].rsplit("/", 1)[1] + ".html")).exists()
    assert not list((tmp_path / "pages").glob(".*.tmp"))


# ---------------------------------------------------------------- the next runs


def test_a_second_run_asks_only_for_changes_and_rewrites_only_changed_pages(site, tmp_path):
    pages = tmp_path / "pages"
    urls = practice_urls(site)[:4]
    fetch_pages(urls, out_dir=pages, **FAST)
    stamps = {p.name: p.stat().st_mtime_ns for p in pages.glob("*.html")}
    site.log.clear()
    second = fetch_pages(urls, out_dir=pages, **FAST)
    assert (len(second.fetched), len(second.unchanged)) == (0, 4)
    assert [h.status for h in site.page_hits()] == [304] * 4
    assert all("if-none-match" in h.headers for h in site.page_hits())
    assert stamps == {p.name: p.stat().st_mtime_ns for p in pages.glob("*.html")}

    changed = site.root / (urls[2].removeprefix(site.url).lstrip("/") + ".html")
    changed.write_text(changed.read_text().replace("</article>", "<p>Updated.</p></article>"))
    third = fetch_pages(urls, out_dir=pages, **FAST)
    assert third.fetched == [urls[2]] and len(third.unchanged) == 3
    assert "Updated." in (pages / (urls[2].rsplit("/", 1)[1] + ".html")).read_text()


def test_a_page_now_gone_is_removed_from_the_folder(site, tmp_path):
    pages = tmp_path / "pages"
    urls = practice_urls(site)[:2]
    fetch_pages(urls, out_dir=pages, **FAST)
    site.behaviours[urls[0].removeprefix(site.url)] = "gone"
    report = fetch_pages(urls, out_dir=pages, **FAST)
    name = urls[0].rsplit("/", 1)[1] + ".html"
    assert report.removed == [name] and not (pages / name).exists()
    assert name not in (pages / "sources.yaml").read_text()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_run_resumes_where_it_stopped(site, tmp_path, how):
    pages = tmp_path / "pages"
    urls = practice_urls(site)
    command = [sys.executable, "-c", "from pgraph.cli import main; main()", "fetch", *urls,
               "--out", str(pages), "--delay", "0.25"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    deadline = time.monotonic() + 60
    while len(site.page_hits()) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    if how == signal.SIGTERM:  # a clean stop: the summary, and the state written
        assert process.returncode == 2, err
        assert "interrupted" in out and "run again to resume" in err
    else:  # killed: the journal of the run is all there is
        assert process.returncode == -signal.SIGKILL
    first = [h.path for h in site.page_hits()]
    assert 4 <= len(first) < len(urls)

    report = fetch_pages(urls, out_dir=pages, **FAST)
    # A page whose answer was on its way when the run was killed may be asked again.
    assert len(first) - 1 <= report.resumed <= len(first)
    assert len(report.fetched) == len(urls) - report.resumed and not report.failed
    second = [h.path for h in site.page_hits()][len(first):]
    assert len(set(first) & set(second)) == len(first) - report.resumed
    assert {p.name for p in pages.glob("*.html")} == {u.rsplit("/", 1)[1] + ".html" for u in urls}
    assert not list(pages.glob(".*.tmp"))
    assert len((pages / "sources.yaml").read_text().splitlines()) == len(urls) + 2


# ---------------------------------------------------------------- the command


def test_the_command_prints_a_summary_and_writes_sources_yaml(site, tmp_path):
    urls = practice_urls(site)[:2]
    for option in ["--out", "-o", "--output"]:
        out = tmp_path / option.strip("-")
        result = CliRunner().invoke(cli, ["fetch", *urls, option, str(out), "--delay", "0"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("fetched 2, unchanged 0, skipped by robots.txt 0, failed 0")
        assert urls[0] in (out / "sources.yaml").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: url: no page to fetch; give URLs, --sitemap or --urls"),
        (["http://127.0.0.1:1/a", "http://127.0.0.2:1/b"],
         "Error: url: http://127.0.0.2:1/b is not on http://127.0.0.1:1: one host per run"),
        (["ftp://x.org/a"], 'Error: url: "ftp://x.org/a" is not an http(s) URL'),
    ],
)
def test_the_command_refuses_what_it_cannot_fetch(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["fetch", *args, "--out", str(tmp_path / "p")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(message), result.output


def test_an_unreachable_robots_txt_stops_the_run(tmp_path):
    site = make_site(tmp_path / "site", practices=1)
    site.behaviours["/robots.txt"] = "500"
    site.behaviours["/robots.txt"] = "slow"
    try:
        result = CliRunner().invoke(cli, ["fetch", site.url + "/fr/practice/x", "--out",
                                          str(tmp_path / "p"), "--timeout", "0.3", "--retries",
                                          "0", "--delay", "0"])
    finally:
        site.server.shutdown()
    assert result.exit_code == 2
    assert "robots.txt: cannot read" in result.output
    assert site.paths() == ["/robots.txt"]


def test_a_charset_given_only_by_the_http_header_is_kept(site, tmp_path):
    from pgraph.sources import read_source

    url = practice_urls(site)[0]
    path = url.removeprefix(site.url)
    site.behaviours[path] = "cp1252"
    fetch_pages([url], out_dir=tmp_path / "pages", **FAST)
    saved = tmp_path / "pages" / (url.rsplit("/", 1)[1] + ".html")
    served = site.root / (path.lstrip("/") + ".html")
    ignore = {"source_file", "lines", "source_url", "slug"}
    got = read_source(saved, root=saved.parent, source_urls={})
    expected = read_source(served, root=served.parent, source_urls={})
    assert got.warnings == [] and got.practices[0].model_dump(exclude=ignore) == (
        expected.practices[0].model_dump(exclude=ignore))


def test_sitemaps_gzipped_or_plain_text_and_no_entities():
    import gzip

    from pgraph.fetch.discover import read_sitemap

    xml = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>https://x.org/a</loc></url></urlset>")
    assert read_sitemap(gzip.compress(xml)) == ("urlset", ["https://x.org/a"])
    assert read_sitemap(b"# urls\nhttps://x.org/b\n") == ("urlset", ["https://x.org/b"])
    hostile = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b"<url><loc>https://x.org/&e;</loc></url></urlset>")
    kind, urls = read_sitemap(hostile)
    assert kind == "urlset" and not any("root:" in u for u in urls)
    with pytest.raises(ValueError, match="not a sitemap's root"):
        read_sitemap(b"<html><body>no</body></html>")
