"""Where the practice pages are: sitemaps (and sitemap indexes), listing pages, URL files.

Example:
    >>> read_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ...              b'<url><loc> https://x.org/fr/practice/a </loc></url></urlset>')
    ('urlset', ['https://x.org/fr/practice/a'])
    >>> url_language("https://x.org/fr/practice/a"), url_language("https://x.org/practice/a")
    ('fr', 'en')
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree as etree
import lxml.html

from pgraph.errors import FetchError

MAX_SITEMAP_BYTES = 50_000_000
"""The sitemaps protocol's limit for one sitemap, uncompressed."""
DEFAULT_LANGUAGE = "en"
"""The catalogue's language for URLs without a language prefix (its English interface)."""
_LANGUAGE_PREFIX = re.compile(r"^/([a-z]{2})(?:-[a-z]{2})?(?:/|$)", re.IGNORECASE)


def url_language(url: str) -> str:
    """Return the interface language of a catalogue URL: its /xx/ prefix, else English."""
    match = _LANGUAGE_PREFIX.match(urlsplit(url).path)
    return match[1].lower() if match else DEFAULT_LANGUAGE


def read_sitemap(data: bytes) -> tuple[str, list[str]]:
    """Return ("urlset" or "sitemapindex", the URLs it lists) for a sitemap's bytes.

    Gzipped sitemaps are unpacked (up to 50 MB); a text sitemap (one URL per
    line) is read too. Raises ``ValueError`` for anything else. The XML parser
    resolves no entities and loads nothing.

    Example:
        >>> read_sitemap(b"https://x.org/a\\nhttps://x.org/b\\n")
        ('urlset', ['https://x.org/a', 'https://x.org/b'])
    """
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        urls = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
        urls = [u for u in urls if u.startswith(("http://", "https://"))]
        if not urls:
            raise ValueError("neither XML nor a list of URLs")
        return "urlset", urls
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=False)
    try:
        root = etree.fromstring(stripped, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML ({exc})") from None
    kind = etree.QName(root).localname
    if kind not in {"urlset", "sitemapindex"}:
        raise ValueError(f"<{kind}> is not a sitemap's root element")
    locs = [(el.text or "").strip() for el in root.iter("{*}loc")]
    return kind, [u for u in locs if u]


def _gunzip(data: bytes) -> bytes:
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpacker.decompress(data, MAX_SITEMAP_BYTES + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"a broken gzip file ({exc})") from None
    if len(out) > MAX_SITEMAP_BYTES:
        raise ValueError("over 50 MB once unpacked")
    return out


def listing_links(html: bytes, *, base_url: str, pattern: str) -> tuple[list[str], list[str]]:
    """Return (practice URLs, next listing pages) linked from a listing page.

    A practice URL is a link whose path has ``pattern`` followed by one more
    segment (the slug): with ``/practice/``, ``/fr/practice/street-watch`` is
    one, ``/fr/practice/page/2/`` is not. The next listing page is the
    ``rel="next"`` link (WordPress and most CMSs mark pagination so).

    Example:
        >>> html = (b'<a href="/fr/practice/a">A</a><a href="/about/">x</a>'
        ...         b'<a href="/fr/practice/page/2/" rel="next">2</a>')
        >>> listing_links(html, base_url="http://h/fr/practice/", pattern="/practice/")
        (['http://h/fr/practice/a'], ['http://h/fr/practice/page/2/'])
    """
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return [], []
    practices: list[str] = []
    following: list[str] = []
    for element in document.iter("a", "link"):
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        rel = (element.get("rel") or "").lower().split()
        if "next" in rel:
            if url not in following:
                following.append(url)
        elif element.tag == "a" and is_practice_url(url, pattern) and url not in practices:
            practices.append(url)
    return practices, following


def is_practice_url(url: str, pattern: str) -> bool:
    """Return True when the URL's path is ``…{pattern}{slug}`` (one segment, a slash allowed)."""
    path = urlsplit(url).path
    at = path.find(pattern)
    if at < 0:
        return False
    rest = path[at + len(pattern):].strip("/")
    return bool(rest) and "/" not in rest


def read_url_file(path: Path) -> list[str]:
    """Return the URLs of a file, one a line (blank lines and ``#`` comments skipped).

    Raises ``FetchError`` naming the line of anything that is not an http(s) URL.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(f"cannot read the URL list ({exc})", path=str(path)) from None
    urls = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith(("http://", "https://")) or " " in line:
            raise FetchError(f'"{line[:80]}" is not an http(s) URL', path=str(path), line=number,
                             field="url")
        urls.append(line)
    return urls
