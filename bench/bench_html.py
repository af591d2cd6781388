"""Benchmark: reading a catalogue page as HTML against reading its text, and the HTML parsers.

Target: reading an HTML page (as the site serves it, chrome included) costs
at most 1.5x reading the same page's text. Pages: the synthetic catalogue in
French (``pgraph.synth``) and the same practices as the synthetic site's HTML
pages (``pgraph.synth.html_site.page_as_html``), plus the seed page's two
WordPress-style fixtures. Both sides are timed from bytes to a ``Practice``
(decoding included), in one process.

Second part: the parsers the issue names, on the same pages — how fast each
turns the HTML into text, and whether that text, read by the page reader,
gives the same record as the text page ("fidelity": the share of pages whose
record equals the text page's, provenance aside). The optional ones are
skipped when not installed (``pip install selectolax inscriptis
trafilatura``).

Run: ``.venv/bin/python bench/bench_html.py [--pages 300] [--repeat 3]``;
results go to the "HTML pages" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pgraph.errors import SourceError
from pgraph.sources.decoding import decode_text
from pgraph.sources.html_pages import read_html_page
from pgraph.sources.pages import read_page
from pgraph.synth import iter_pages
from pgraph.synth.html_site import page_as_html

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
IGNORED = {"source_file", "lines"}


def corpus(pages: int) -> list[tuple[bytes, bytes]]:
    """(text bytes, HTML bytes) per page: synthetic pages, then the seed page in two interfaces."""
    pairs = []
    for page in iter_pages(practices=pages, seed=11, lang="fr", malformed_share=0):
        html = page_as_html(page.text, lang="fr", url=page.url)
        pairs.append((page.text.encode("utf-8"), html.encode("utf-8")))
    seed_text = (ROOT / "data" / "pages" / "000_370808593d96a53c.txt").read_bytes()
    pairs.append((seed_text, (ROOT / "tests" / "fixtures" / "html" / "seed_fr.html").read_bytes()))
    seed_en = (ROOT / "tests" / "fixtures" / "pages" / "seed_en.txt").read_bytes()
    pairs.append((seed_en, (ROOT / "tests" / "fixtures" / "html" / "seed_en.html").read_bytes()))
    return pairs


def read_text_bytes(data: bytes):
    text, _ = decode_text(data, name="p.txt")
    return read_page(text, name="p.txt")[0]


def read_html_bytes(data: bytes):
    return read_html_page(data, name="p.html")[0]


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Return the least CPU time of ``repeat`` runs of ``work`` (seconds)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def record(practice) -> dict:
    return practice.model_dump(exclude=IGNORED) if practice is not None else {}


# ---------------------------------------------------------------- the parsers compared


def _via_text(to_text: Callable[[bytes], str]) -> Callable[[bytes], object]:
    def read(data: bytes):
        try:
            return read_page(to_text(data), name="p.html")[0]
        except SourceError:
            return None
    return read


def candidates() -> dict[str, tuple[Callable[[bytes], object], Callable[[bytes], object]]]:
    """name -> (parse only, bytes to Practice) for each parser installed."""
    import lxml.etree

    def lxml_parse(data: bytes):
        return lxml.etree.fromstring(data, lxml.etree.HTMLParser(remove_comments=True))

    found = {"lxml + pgraph's blocks (chosen)": (lxml_parse, read_html_bytes)}
    try:
        from selectolax.lexbor import LexborHTMLParser

        def selectolax_text(data: bytes) -> str:
            tree = LexborHTMLParser(data)
            for node in tree.css("script, style, nav, aside, header, footer, form, noscript"):
                node.decompose()
            main = tree.css_first("main") or tree.body
            return main.text(separator="\n") if main is not None else ""

        found["selectolax (lexbor), main's text"] = (LexborHTMLParser, _via_text(selectolax_text))
    except ImportError:
        pass
    try:
        from inscriptis import get_text

        def inscriptis_text(data: bytes) -> str:
            return get_text(data.decode("utf-8", "replace"))

        found["inscriptis (layout-aware text)"] = (inscriptis_text, _via_text(inscriptis_text))
    except ImportError:
        pass
    try:
        import trafilatura

        def trafilatura_text(data: bytes) -> str:
            return trafilatura.extract(data.decode("utf-8", "replace"), include_formatting=False,
                                       include_links=False, favor_recall=True) or ""

        found["trafilatura (main-content extraction)"] = (
            trafilatura_text, _via_text(trafilatura_text))
    except ImportError:
        pass
    return found


def time_steps(texts: list[bytes], htmls: list[bytes], repeat: int) -> list[str]:
    """Return table rows: the CPU time of each step of reading, text and HTML."""
    import lxml.etree

    from pgraph.sources import html_pages
    from pgraph.sources.page_lines import split_page
    from pgraph.sources.pages import read_page_lines

    n = len(texts)
    decoded = [decode_text(t, name="p.txt")[0] for t in texts]
    text_lines = [split_page(t) for t in decoded]
    html_decoded = [html_pages._decode(h, name="p.html", charset=None)[0] for h in htmls]
    html_lines = [html_pages.html_page_lines(h, name="p.html")[0] for h in htmls]

    def parser():
        return lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)

    steps = [
        ("text: decode", lambda: [decode_text(t, name="p.txt") for t in texts]),
        ("text: cut into lines", lambda: [split_page(t) for t in decoded]),
        ("text: `read_page_lines`", lambda: [read_page_lines(x, name="p") for x in text_lines]),
        ("HTML: decode", lambda: [html_pages._decode(h, name="p.html", charset=None)
                                  for h in htmls]),
        ("HTML: parse (lxml)", lambda: [lxml.etree.fromstring(d, parser()) for d in html_decoded]),
        ("HTML: all of `html_page_lines` (decode, parse, chrome, lines)",
         lambda: [html_pages.html_page_lines(h, name="p.html") for h in htmls]),
        ("HTML: `read_page_lines`", lambda: [read_page_lines(x, name="p") for x in html_lines]),
    ]
    rows = ["| step | ms per page |", "| --- | ---: |"]
    rows += [f"| {name} | {1000 * best_of(repeat, work) / n:.2f} |" for name, work in steps]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, do not update RESULTS.md.")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    pairs = corpus(args.pages)
    texts = [t for t, _ in pairs]
    htmls = [h for _, h in pairs]
    expected = [record(read_text_bytes(t)) for t in texts]
    assert [record(read_html_bytes(h)) for h in htmls] == expected, "HTML and text records differ"

    # Interleaved runs, best of each, wall-clock and CPU time (the machine may be shared:
    # CPU time is the fairer of the two under load).
    wall = {"text": [], "html": []}
    cpu = {"text": [], "html": []}
    for _ in range(args.repeat):
        for side, work in (("text", lambda: [read_text_bytes(t) for t in texts]),
                           ("html", lambda: [read_html_bytes(h) for h in htmls])):
            started, started_cpu = time.perf_counter(), time.process_time()
            work()
            wall[side].append(time.perf_counter() - started)
            cpu[side].append(time.process_time() - started_cpu)
    text_s, html_s = min(wall["text"]), min(wall["html"])
    text_cpu, html_cpu = min(cpu["text"]), min(cpu["html"])
    # Each HTML run against the text run just before it: the load changes less in between.
    paired = sorted(h / t for h, t in zip(cpu["html"], cpu["text"], strict=True))
    median_ratio = paired[len(paired) // 2]
    text_kb = sum(map(len, texts)) / len(texts) / 1000
    html_kb = sum(map(len, htmls)) / len(htmls) / 1000
    rows = [
        "| reading | pages | mean size (kB) | best wall (s) | best CPU (s) | CPU per page (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| text page (`read_page`) | {len(texts)} | {text_kb:.1f} | {text_s:.3f} |"
        f" {text_cpu:.3f} | {1000 * text_cpu / len(texts):.2f} |",
        f"| HTML page (`read_html_page`) | {len(htmls)} | {html_kb:.1f} | {html_s:.3f} |"
        f" {html_cpu:.3f} | {1000 * html_cpu / len(htmls):.2f} |",
        f"| ratio HTML / text, best runs (target ≤ 1.5) | | | {html_s / text_s:.2f} |"
        f" {html_cpu / text_cpu:.2f} | |",
        f"| **ratio HTML / text, median of paired runs** (target ≤ 1.5) | | | |"
        f" **{median_ratio:.2f}** | |",
    ]
    where = time_steps(texts, htmls, args.repeat)
    compared = [
        "| parser | parse only (ms/page) | bytes → record (ms/page) | same record as text |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, (parse, read) in candidates().items():
        parse_s = best_of(args.repeat, lambda parse=parse: [parse(h) for h in htmls])
        read_s = best_of(args.repeat, lambda read=read: [read(h) for h in htmls])
        same = sum(record(read(h)) == e for h, e in zip(htmls, expected, strict=True))
        compared.append(f"| {name} | {1000 * parse_s / len(htmls):.2f} |"
                        f" {1000 * read_s / len(htmls):.2f} | {same}/{len(htmls)} |")

    machine = platform.processor() or platform.machine()
    section = "\n".join([
        "## HTML pages",
        "",
        f"`bench/bench_html.py --pages {args.pages}` — {dt.date.today()} — {machine},"
        f" {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; load"
        f" average {load:.1f} at the start (a shared machine: compare the ratio, not the times).",
        "",
        f"{args.pages} synthetic French pages (`pgraph.synth`, seed 11) and the seed page in both"
        " interfaces; the HTML side is each page as the synthetic site serves it (menus, cookie"
        " banner, sidebar, footer, scripts) and the two seed fixtures. Text and HTML runs"
        f" interleaved, {args.repeat} each, bytes to `Practice`, one process; CPU time is the"
        " fairer figure on a loaded machine. Every HTML page gives the same"
        " record as its text page (checked before timing).",
        "",
        *rows,
        "",
        "On a shared machine the ratio moves from run to run; the steps below are what each"
        " side costs. Where the time goes (CPU per page, best runs; `read_page_lines` is the"
        " same reader for both):",
        "",
        *where,
        "",
        "The parsers the issue names, on the same HTML pages (\"same record\": the text each gives,"
        " read by the page reader, gives the text page's record, provenance aside):",
        "",
        *compared,
        "",
    ])
    print(section)
    if not args.no_write:
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else "# Benchmark results\n"
        if "## HTML pages" in text:
            text = re.sub(r"## HTML pages\n.*?(?=\n## |\Z)", section.rstrip() + "\n", text,
                          flags=re.S)
        else:
            text = text.rstrip() + "\n\n" + section
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
