"""The synthetic catalogue as a web site: HTML practice pages in two interfaces, listings, sitemaps.

For testing ``pgraph fetch`` against something shaped like the real site
(served on 127.0.0.1 by the tests, or by any static server):

- ``fr/practice/{slug}.html`` and ``practice/{slug}.html`` (English, unprefixed
  as on the catalogue): each synthetic page (``pgraph.synth``, same seed, in
  French and in English) as a WordPress-style page — site header and menu,
  language switcher, cookie banner, breadcrumbs, a "related practices"
  sidebar, footer, scripts — around the content, which is the text page's
  lines as HTML (headings, paragraphs, lists). Pages planted with the
  "not a practice" fault are resource pages (``…/resource/{slug}.html``);
- ``fr/practice/index.html``, ``fr/practice/page/{n}/index.html`` (and the
  English ones): listing pages of ``per_listing`` practices with pagination
  (``rel="next"``);
- ``fr/about/index.html``, ``about/index.html``: pages that are not practices;
  ``private/…``: pages ``robots.txt`` disallows (the listings and a sitemap
  link to them, as bait);
- ``robots.txt`` (with ``Crawl-delay`` when asked and the ``Sitemap:`` line),
  ``sitemap.xml`` (a sitemap index) and one sitemap per language.

A URL maps to a file as a static server's ``try_files $uri $uri.html
$uri/index.html`` does. The matching text catalogue is ``generate_catalogue``
with the same seed and ``lang``.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> site = generate_html_site(Path(tempfile.mkdtemp()), practices=3, seed=1,
    ...                           base_url="http://127.0.0.1:8000")
    >>> site.pages, sorted(site.urls), site.urls["fr"][0].split("/")[3:5]
    (3, ['en', 'fr'], ['fr', 'practice'])
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from pgraph.errors import PgraphError
from pgraph.synth.catalogue import URL_BASE, Catalogue, SyntheticPage
from pgraph.vocab import vocabularies

__all__ = ["HtmlSiteReport", "generate_html_site", "page_as_html"]

SITE_MARKER = "SYNTHETIC"
_BULLET = re.compile(r"^\s*•\s*")
_UI = {
    "fr": dict(home="Accueil", practices="Pratiques", about="À propos", cookie=(
        "Ce site utilise des cookies pour mesurer son audience."), accept="Accepter",
        related="Pratiques associées", next="Suivant", previous="Précédent",
        footer="Tous droits réservés", search="Rechercher", skip="Aller au contenu",
        private="Rapport interne"),
    "en": dict(home="Home", practices="Practices", about="About", cookie=(
        "This site uses cookies to measure its audience."), accept="Accept",
        related="Related practices", next="Next", previous="Previous",
        footer="All rights reserved", search="Search", skip="Skip to content",
        private="Internal report"),
}
LANGUAGE_PREFIX = {"fr": "/fr", "en": ""}
"""Where each interface lives on the site: French under /fr/, English unprefixed."""


@dataclass
class HtmlSiteReport:
    """What ``generate_html_site`` wrote: the folder, practice URLs by language, the sitemaps."""

    out_dir: Path
    base_url: str
    pages: int = 0
    urls: dict[str, list[str]] = field(default_factory=dict)  # language -> practice-page URLs
    other_urls: list[str] = field(default_factory=list)  # pages that are not practices
    disallowed_urls: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return a one-line account of the site, as ``pgraph synth --html`` prints it."""
        return (
            f"wrote a synthetic site of {self.pages} practices in 2 interfaces to {self.out_dir}"
            f" ({sum(map(len, self.urls.values()))} practice pages, {len(self.other_urls)} other"
            f" pages, robots.txt, sitemap.xml) for {self.base_url}"
        )


def generate_html_site(
    out_dir: Path,
    *,
    practices: int,
    seed: int = 0,
    malformed_share: float = 0.05,
    base_url: str = URL_BASE,
    per_listing: int = 10,
    crawl_delay: float | None = None,
) -> HtmlSiteReport:
    """Write the synthetic catalogue as an HTML site under ``out_dir`` and return what was written.

    ``base_url`` is where the site will be served (sitemaps and robots.txt
    hold absolute URLs). The same arguments give the same bytes.
    """
    out_dir = Path(out_dir)
    base_url = base_url.rstrip("/")
    if any(out_dir.iterdir()) if out_dir.is_dir() else False:
        marker = out_dir / "README.md"
        if not (marker.is_file() and marker.read_text(encoding="utf-8").startswith(
                f"# {SITE_MARKER}")):
            raise PgraphError(f"{out_dir} is not empty and was not written by pgraph synth --html",
                              path=str(out_dir), hint="choose an empty folder for the site")
    out_dir.mkdir(parents=True, exist_ok=True)
    report = HtmlSiteReport(out_dir=out_dir, base_url=base_url)
    by_language = {
        lang: list(Catalogue(practices=practices, seed=seed, lang=lang,
                             malformed_share=malformed_share).pages())
        for lang in ("fr", "en")
    }
    report.pages = practices
    listed: dict[str, list[tuple[str, str]]] = {"fr": [], "en": []}
    for index in range(practices):
        pair = {lang: by_language[lang][index] for lang in ("fr", "en")}
        paths = {lang: _page_path(page) for lang, page in pair.items()}
        for lang, page in pair.items():
            other = "en" if lang == "fr" else "fr"
            document = page_as_html(
                page.text, lang=lang, url=base_url + paths[lang],
                alternate=(other, base_url + paths[other]),
                related=[(p.url.rsplit("/", 1)[-1], base_url + _page_path(p))
                         for p in by_language[lang][index + 1: index + 4]],
            )
            newline = "\r\n" if page.fault == "crlf" else "\n"
            target = out_dir / (paths[lang].lstrip("/") + ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document.replace("\n", newline).encode("utf-8"))
            if "/practice/" in paths[lang]:
                report.urls.setdefault(lang, []).append(base_url + paths[lang])
                listed[lang].append((_title(page.text), base_url + paths[lang]))
            else:
                report.other_urls.append(base_url + paths[lang])
    for lang, items in listed.items():
        _write_listings(out_dir, base_url, lang, items, per_listing)
    _write_other_pages(out_dir, base_url, report)
    _write_robots_and_sitemaps(out_dir, base_url, report, crawl_delay)
    (out_dir / "README.md").write_text(
        f"# {SITE_MARKER} site — generated by pgraph synth --html, not a real catalogue\n\n"
        f"Served at {base_url}; {practices} practices (seed {seed}) in French (/fr/) and English"
        " (unprefixed).\n", encoding="utf-8")
    return report


def _page_path(page: SyntheticPage) -> str:
    # The text catalogue's URL path is /{lang}/{kind}/{slug}; the site puts English unprefixed.
    _, lang, kind, slug = page.url.removeprefix(URL_BASE).split("/")
    return f"{LANGUAGE_PREFIX[lang]}/{kind}/{slug}"


def _title(text: str) -> str:
    lines = [x.strip() for x in text.lstrip("\ufeff").splitlines() if x.strip()]
    return lines[1] if len(lines) > 1 else "?"


def page_as_html(
    text: str,
    *,
    lang: str,
    url: str,
    alternate: tuple[str, str] | None = None,
    related: list[tuple[str, str]] | None = None,
) -> str:
    """Return a text catalogue page as the HTML page a WordPress-style site would serve.

    The first line (the site's chrome) becomes the menu; the title an
    ``<h1>``; a line followed by "•" bullets a ``<h3>`` and a list; a heading
    alone a ``<h2>``; other lines paragraphs (lines of one paragraph joined
    by ``<br>``). Reading the result gives the text page's record.

    Example:
        >>> print(page_as_html("Nav\\n\\nTitle\\n  • France\\nObjectives\\n\\nTo help.", lang="en",
        ...                    url="http://x/p").split("<article>")[1].split("</article>")[0])
        <BLANKLINE>
        <h1 class="entry-title">Title</h1>
        <ul>
          <li>France</li>
        </ul>
        <h2>Objectives</h2>
        <p>To help.</p>
        <BLANKLINE>
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    chrome = lines[0].strip() if lines else ""
    ui = _UI[lang]
    prefix = LANGUAGE_PREFIX[lang]
    out = _article_blocks(lines[1:])
    title = next((x for x in out if x.startswith("<h1")), "")
    head_title = re.sub(r"<[^>]+>", "", title) or ui["practices"]
    menu = _menu_items(chrome, prefix)
    switch = _language_switch(lang, alternate)
    sidebar = "".join(f'<li><a href="{html.escape(u)}">{html.escape(s.replace("-", " "))}</a></li>'
                      for s, u in (related or []))
    return f"""{bom}<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{head_title} – Synthetic practices</title>
<link rel="canonical" href="{html.escape(url)}">
<style>.cookie-banner{{position:fixed;bottom:0}}</style>
<script>window.dataLayer = window.dataLayer || []; // <h1>not content</h1></script>
</head>
<body class="single single-practice">
<a class="skip-link screen-reader-text" href="#main">{ui['skip']}</a>
<div class="cookie-banner" id="cookie-law-info-bar">{ui['cookie']} <button>{ui['accept']}</button></div>
<header class="site-header">
<p class="site-title"><a href="{prefix}/">Synthetic practices</a></p>
<nav class="main-navigation"><ul class="menu">{menu}</ul></nav>
{switch}
<form class="search-form" role="search"><input type="search" name="s"><button>{ui['search']}</button></form>
</header>
<main id="main" class="site-main">
<nav class="breadcrumbs"><a href="{prefix}/">{ui['home']}</a> › <a href="{prefix}/practice/">{ui['practices']}</a></nav>
<article>
{chr(10).join(out)}
</article>
<aside class="widget-area"><section class="widget"><h2 class="widget-title">{ui['related']}</h2>
<ul>{sidebar}</ul></section></aside>
</main>
<footer class="site-footer"><p>© Synthetic practices — {ui['footer']} · <a href="{prefix}/about/">{ui['about']}</a></p></footer>
<script src="/assets/site.js"></script>
</body>
</html>
"""


def _article_blocks(body: list[str]) -> list[str]:
    """The article's HTML blocks for the text page's lines after the chrome line.

    The first line is the ``<h1>`` title unless it is a section heading; a
    line followed by bullets a ``<h3>`` over a list; a heading alone a
    ``<h2>``; other lines paragraphs.
    """
    out = []
    title_done = False
    i = 0
    while i < len(body):
        line = body[i].strip()
        if not line:
            i += 1
            continue
        if _BULLET.match(body[i]):
            items = []
            while i < len(body) and _BULLET.match(body[i]):
                items.append(_BULLET.sub("", body[i]).strip())
                i += 1
            out.append("<ul>\n" + "".join(f"  <li>{html.escape(x)}</li>\n" for x in items)
                       + "</ul>")
            continue
        following = body[i + 1] if i + 1 < len(body) else ""
        if not title_done:
            title_done = True
            if not _is_heading(line) and not _is_heading(line.split(":", 1)[0]):
                out.append(f'<h1 class="entry-title">{html.escape(line)}</h1>')
                i += 1
                continue
        if _BULLET.match(following) and _heading_like(line):
            out.append(f"<h3>{html.escape(line)}</h3>")
            i += 1
            continue
        if not following.strip() and _is_heading(line):
            out.append(f"<h2>{html.escape(line)}</h2>")
            i += 1
            continue
        i = _paragraph(body, i, out)
    return out


def _paragraph(body: list[str], i: int, out: list[str]) -> int:
    """Append the paragraph starting at line ``i`` to ``out``; return the line after it."""
    paragraph = []
    while i < len(body) and body[i].strip() and not _BULLET.match(body[i]):
        paragraph.append(body[i].strip())
        i += 1
    heading = None
    if i < len(body) and len(paragraph) > 1 and _heading_like(paragraph[-1]):
        heading = paragraph.pop()  # "Heading" over bullets starts a block of its own
    out.append("<p>" + "<br>\n".join(map(html.escape, paragraph)) + "</p>")
    if heading is not None:
        out.append(f"<h3>{html.escape(heading)}</h3>")
    return i


def _menu_items(chrome: str, prefix: str) -> str:
    """The site menu's ``<li>`` items for the chrome line's " - "-separated words."""
    return "".join(
        f'<li class="menu-item"><a href="{prefix}/{html.escape(word.lower())}/">'
        f"{html.escape(word)}</a></li>"
        for word in (w.strip() for w in chrome.split(" - ")) if word
    )


def _language_switch(lang: str, alternate: tuple[str, str] | None) -> str:
    """The language switcher linking to the page's translation, or "" without one."""
    if alternate is None:
        return ""
    other, other_url = alternate
    return (f'<div class="lang-switcher"><ul><li class="current">{lang.upper()}</li>'
            f'<li><a href="{html.escape(other_url)}" hreflang="{other}">{other.upper()}'
            "</a></li></ul></div>")


def _is_heading(text: str) -> bool:
    return vocabularies().field_for_heading(text.strip().rstrip(":")) is not None


def _heading_like(text: str) -> bool:
    return len(text.split()) <= 8 and not text.endswith(tuple(".,;:!?"))


def _shell(lang: str, title: str, content: str) -> str:
    ui = _UI[lang]
    prefix = LANGUAGE_PREFIX[lang]
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body>
<header class="site-header"><nav class="main-navigation"><ul class="menu">
<li><a href="{prefix}/practice/">{ui['practices']}</a></li><li><a href="{prefix}/about/">{ui['about']}</a></li>
</ul></nav></header>
<main id="main" class="site-main">
<h1>{html.escape(title)}</h1>
{content}
</main>
<footer class="site-footer"><p>© Synthetic practices — {ui['footer']}</p></footer>
</body>
</html>
"""


def _write_listings(
    out_dir: Path, base_url: str, lang: str, items: list[tuple[str, str]], per_listing: int
) -> None:
    ui = _UI[lang]
    prefix = LANGUAGE_PREFIX[lang]
    chunks = [items[i: i + per_listing] for i in range(0, len(items), per_listing)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        def listing_url(n: int) -> str:
            return f"{base_url}{prefix}/practice/" + ("" if n == 1 else f"page/{n}/")

        links = "\n".join(
            f'<li class="practice-card"><a href="{html.escape(url)}">{html.escape(title)}</a></li>'
            for title, url in chunk
        )
        pager = []
        if number > 1:
            pager.append(f'<a rel="prev" href="{listing_url(number - 1)}">{ui["previous"]}</a>')
        pager += [f'<a class="page-numbers" href="{listing_url(n)}">{n}</a>'
                  for n in range(1, len(chunks) + 1) if n != number]
        if number < len(chunks):
            pager.append(f'<a rel="next" href="{listing_url(number + 1)}">{ui["next"]}</a>')
        content = (f'<ul class="practice-list">\n{links}\n</ul>\n'
                   f'<nav class="pagination">{" ".join(pager)}</nav>\n'
                   f'<p><a href="{base_url}/private/report/">{ui["private"]}</a></p>')
        folder = out_dir / (f"{prefix}/practice".lstrip("/"))
        if number > 1:
            folder = folder / "page" / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            _shell(lang, f"{ui['practices']} ({number}/{len(chunks)})", content), encoding="utf-8")


def _write_other_pages(out_dir: Path, base_url: str, report: HtmlSiteReport) -> None:
    for lang in ("fr", "en"):
        prefix = LANGUAGE_PREFIX[lang]
        folder = out_dir / f"{prefix}/about".lstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        text = ("<p>Ce site est un catalogue synthétique de pratiques de prévention.</p>"
                if lang == "fr" else
                "<p>This site is a synthetic catalogue of prevention practices.</p>")
        (folder / "index.html").write_text(_shell(lang, _UI[lang]["about"], text), encoding="utf-8")
        report.other_urls.append(f"{base_url}{prefix}/about/")
    private = out_dir / "private" / "report"
    private.mkdir(parents=True, exist_ok=True)
    (private / "index.html").write_text(
        _shell("en", "Internal report", "<p>Not for crawlers.</p>"), encoding="utf-8")
    report.disallowed_urls.append(f"{base_url}/private/report/")


def _write_robots_and_sitemaps(
    out_dir: Path, base_url: str, report: HtmlSiteReport, crawl_delay: float | None
) -> None:
    robots = ["User-agent: *", "Disallow: /private/", "Disallow: /wp-admin/"]
    if crawl_delay is not None:
        robots.append(f"Crawl-delay: {crawl_delay:g}")
    robots += ["", f"Sitemap: {base_url}/sitemap.xml", ""]
    (out_dir / "robots.txt").write_text("\n".join(robots), encoding="utf-8")
    sitemaps = {f"sitemap-practices-{lang}.xml": urls for lang, urls in report.urls.items()}
    sitemaps["sitemap-pages.xml"] = report.other_urls + report.disallowed_urls
    for name, urls in sitemaps.items():
        entries = "".join(f"  <url><loc>{html.escape(u)}</loc></url>\n" for u in urls)
        (out_dir / name).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n", encoding="utf-8")
    index = "".join(f"  <sitemap><loc>{base_url}/{name}</loc></sitemap>\n" for name in sitemaps)
    (out_dir / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{index}</sitemapindex>\n", encoding="utf-8")
