"""Catalogue practice pages as HTML (served by the site, or saved by a browser) read into records.

The page's content — the practice's title and what follows it in the main
content area — becomes the lines the text reader understands (``pages``):
paragraphs and headings as lines separated by blank lines (a ``<br>`` starts
a new line of the same paragraph), list items as "•" bullets kept tight
against the text around them, a ``<dt>`` as a heading and its ``<dd>`` values
as bullets, a table row as one line. The site's chrome is left out: scripts,
styles, navigation, language switchers, cookie banners, forms, sidebars
(``<aside>``, "related practices" lists), headers and footers outside the
practice, and anything hidden. Each line carries the source line of its
element, so messages point into the HTML file.

The parser is lxml (libxml2 2.14's HTML5 tokenizer): it keeps each element's
source line, is among the fastest, and never gives up on broken markup (see
the README for the comparison with selectolax, inscriptis and trafilatura).
Encodings: the HTTP header's charset when the caller has one, a byte-order
mark, ``<meta charset>`` / ``http-equiv`` in the first kilobytes, else the
bytes (UTF-8, or Windows-1252 with a warning).

Example:
    >>> html = b'''<html><body><nav><ul><li>Home</li></ul></nav><main><article>
    ... <h1>Street Watch</h1><ul><li>France</li></ul>
    ... <h2>Objectives</h2><p>Safer streets.</p></article>
    ... <aside><h2>Related practices</h2><ul><li>Other</li></ul></aside></main></body></html>'''
    >>> practice, warnings = read_html_page(html, name="p.html")
    >>> practice.title, practice.country, practice.objectives, practice.lines["title"]
    ('Street Watch', 'France', 'Safer streets.', 2)
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import lxml.etree as etree

from pgraph.errors import SourceError, Warning_
from pgraph.records import Practice
from pgraph.sources.decoding import decode_text
from pgraph.sources.page_lines import PageLine, drop_invisible, page_line
from pgraph.sources.pages import read_page_lines

__all__ = ["MAX_HTML_BYTES", "html_encoding", "html_page_lines", "read_html_page"]

MAX_HTML_BYTES = 20_000_000
"""Largest HTML page read (served pages are tens to hundreds of kB): a bigger one is refused."""

# Never content: code, forms, embedded media, and the site's navigation and side columns.
_DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "nav", "aside",
    "form", "button", "select", "option", "textarea", "input", "label", "iframe", "object",
    "embed", "svg", "math", "canvas", "video", "audio", "picture", "img", "map", "dialog",
    "menu",
})
_DROPPED_ROLES = frozenset({
    "navigation", "complementary", "search", "dialog", "alertdialog", "menu", "menubar",
    "banner", "contentinfo", "tooltip",
})
# Class and id words of chrome in WordPress-style themes and their plugins.
_CHROME_WORDS = frozenset({
    "cookie", "cookies", "consent", "gdpr", "sidebar", "widget", "widgets", "breadcrumb",
    "breadcrumbs", "share", "sharing", "social", "related", "menu", "nav", "navbar",
    "navigation", "switcher", "wpml", "polylang", "pagination", "comments", "comment",
    "respond", "skip", "newsletter", "popup", "modal", "toolbar",
})
_CHROME_CLASSES = frozenset({"screen-reader-text", "sr-only", "visually-hidden", "hidden"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Blocks: each starts a new line. Paragraph-like ones ("loose") are separated
# by a blank line; list items, definition terms and table rows ("tight") are not.
_LOOSE_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "blockquote", "figure",
    "figcaption", "address", "table", "dl", "ul", "ol", "center", "details", "summary",
    "hgroup", "fieldset", "body", "html", *_HEADINGS,
})
_TIGHT_BLOCKS = frozenset({"li", "dt", "dd", "tr", "caption"})
_BULLET_BLOCKS = frozenset({"li", "dd"})
_CELLS = frozenset({"td", "th"})
_CHARSET_PROBE = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def read_html_page(
    data: bytes, *, name: str, source_url: str | None = None, charset: str | None = None
) -> tuple[Practice | None, list[Warning_]]:
    """Return the practice an HTML catalogue page describes and the warnings about its content.

    Raises ``NotAPracticePage`` for the site's other pages and ``SourceError``
    for a page with no text, no title or an unreadable encoding. ``charset``
    is the HTTP header's, when known (it wins over the page's own ``<meta>``).

    Example:
        >>> p, w = read_html_page(b"<h1>Watch</h1><ul><li>France</li></ul>"
        ...                       b"<h2>Objectives</h2><p>To help.</p>", name="p.html")
        >>> p.title, p.country, p.objectives
        ('Watch', 'France', 'To help.')
    """
    lines, warnings = html_page_lines(data, name=name, charset=charset)
    practice, more = read_page_lines(lines, name=name, source_url=source_url)
    return practice, warnings + more


def html_page_lines(
    data: bytes, *, name: str, charset: str | None = None
) -> tuple[list[PageLine], list[Warning_]]:
    """Return the lines of an HTML page's content (as a text page has them) and decoding warnings.

    Example:
        >>> lines, _ = html_page_lines(b"<nav>Menu</nav><h1>T</h1><p>a<br>b</p><ul><li>c</li></ul>",
        ...                            name="p.html")
        >>> [(x.text, x.bullet) for x in lines]
        [('T', False), ('', False), ('a', False), ('b', False), ('• c', True)]
    """
    if len(data) > MAX_HTML_BYTES:
        raise SourceError(
            f"the page is {len(data) / 1e6:.1f} MB, more than the"
            f" {MAX_HTML_BYTES / 1e6:.0f} MB an HTML catalogue page may be; refused",
            path=name,
            hint="a practice page is a few hundred kilobytes at most: is this the right file?",
        )
    text, warnings = _decode(data, name=name, charset=charset)
    try:
        # lxml.etree's parser, not lxml.html's: plain elements, no Python class per element.
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
        document = etree.fromstring(drop_invisible(text), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise SourceError(
            f"not an HTML page with text ({exc})", path=name, field="title",
            hint="save the page from the catalogue as HTML, or its text as .txt",
        ) from None
    if document is None:
        raise SourceError("the page has no text", path=name, field="title",
                          hint="save the page from the catalogue as HTML, or its text as .txt")
    _remove_chrome(document)
    body = _content_root(document)
    items = _flatten(body, next(body.iter("h1"), None))
    return items, warnings


def html_encoding(data: bytes, charset: str | None = None) -> str | None:
    """Return the encoding an HTML page declares: HTTP charset, byte-order mark, then ``<meta>``.

    None when nothing is declared (the bytes decide: UTF-8, else Windows-1252).

    Example:
        >>> html_encoding(b'<meta charset="ISO-8859-1"><p>caf\\xe9'), html_encoding(b"<p>x")
        ('cp1252', None)
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for candidate in (charset, *_META_CHARSET.findall(data[:_CHARSET_PROBE])):
        if not candidate:
            continue
        label = candidate.decode("ascii", "replace") if isinstance(candidate, bytes) else candidate
        try:
            encoding = codecs.lookup(label.strip().lower()).name
        except LookupError:
            continue
        # As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean Windows-1252,
        # and a page cannot declare itself UTF-16 in its own bytes.
        if encoding in {"latin-1", "iso8859-1", "ascii"}:
            return "cp1252"
        if encoding.startswith("utf-16") and candidate is not charset:
            return "utf-8"
        return encoding
    return None


def _decode(data: bytes, *, name: str, charset: str | None) -> tuple[str, list[Warning_]]:
    encoding = html_encoding(data, charset)
    if encoding in {None, "utf-8", "utf-16"}:
        return decode_text(data, name=name)  # BOMs, UTF-8, stray bytes, controls, bidi
    if not data.strip():
        raise SourceError("the file is empty", path=name)
    text = data.decode(encoding, errors="replace")
    warnings: list[Warning_] = []
    if "\ufffd" in text:
        line = text[: text.index("\ufffd")].count("\n") + 1
        warnings.append(Warning_(
            f"bytes that are not {encoding} (the declared encoding) replaced by \ufffd",
            path=name, line=line,
        ))
    # The same clean-up as every page: control and bidirectional override characters.
    clean, more = decode_text(text.encode("utf-8"), name=name)
    return clean, warnings + more


_CHROME_WORD = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(sorted(_CHROME_WORDS)) + r")(?=$|[\s_-])"
)
_KEPT_ALWAYS = frozenset({"html", "body", "main"})


def _is_chrome(element: etree._Element) -> bool:
    """Return True for an element whose attributes say it is the site's chrome."""
    get = element.get
    if element.tag in _KEPT_ALWAYS:
        return False
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    if (get("role") or "").strip().lower() in _DROPPED_ROLES:
        return True
    classes = (get("class") or "").lower()
    if classes and not _CHROME_CLASSES.isdisjoint(classes.split()):
        return True
    return _CHROME_WORD.search(f"{classes} {(get('id') or '').lower()}") is not None


def _remove_chrome(document: etree._Element) -> None:
    """Remove the site's chrome from the page: code, forms, navigation, sidebars, hidden parts.

    The tags go first (``strip_elements`` keeps the text after each), then
    the elements whose attributes say they are chrome, each with its subtree.
    """
    etree.strip_elements(document, *_DROPPED_TAGS, with_tail=False)
    for element in [e for e in document.iter("*") if e.attrib]:
        if _is_chrome(element):
            _remove(element)


def _remove(element: etree._Element) -> None:
    """Remove an element and its subtree from the page, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


_ROLE_MAIN = etree.XPath("//*[@role='main']")


def _content_root(document: etree._Element) -> etree._Element:
    # The practice is in <main> (or role="main"), else in the <article> that holds
    # the title, else in <body>; the site's header and footer lie outside it.
    mains = list(document.iter("main")) or _ROLE_MAIN(document)
    for main in mains:
        if main.xpath(".//h1"):
            return main
    for heading in document.iter("h1"):
        for ancestor in heading.iterancestors("article"):
            return ancestor
    root = mains[0] if mains else document.find("body")
    root = root if root is not None else document
    # No <main> or <article> around the title: the site's own header and footer
    # (those without the title) are in the way.
    for element in list(root.iter("header", "footer")):
        if next(element.iter("h1"), None) is None:
            _remove(element)
    return root


_LOOSE, _TIGHT, _BULLET = 1, 2, 3
_BULLET_STARTS = frozenset("•·▪◦‣-*\u2013\u2014")
_BLOCK_KIND = {
    **dict.fromkeys(_LOOSE_BLOCKS, _LOOSE),
    **dict.fromkeys(_TIGHT_BLOCKS, _TIGHT),
    **dict.fromkeys(_BULLET_BLOCKS, _BULLET),
}


def _flatten(root: etree._Element, title: etree._Element | None) -> list[PageLine]:
    """Return the lines of the content, from the title on, numbered by their source lines.

    Inline text gathers into the current line; a block element ends it. A line
    of a paragraph-like block that follows one of another such block gets a
    blank line before it; list items, terms and table rows do not.
    """
    if title is not None:
        _drop_before(title, root)
    lines = _Lines()
    walker = etree.iterwalk(root, events=("start", "end"), tag="*")  # elements only
    for event, element in walker:
        if event == "start":
            lines.start(element, walker)
        else:
            lines.end(element, root)
    lines.flush()
    return lines.items


class _Lines:
    """The page lines written so far, and the line being gathered from inline text."""

    def __init__(self) -> None:
        self.items: list[PageLine] = []
        self.parts: list[str] = []
        self.number = 0
        self.last_loose = False  # was the last line written in a paragraph-like block?
        self.new_block = True
        self.bullet_pending = False
        self.kinds: list[int] = [_LOOSE]  # the kinds of the blocks open around the element

    def flush(self) -> None:
        """Write the line gathered so far, if any."""
        if not self.parts:
            return
        text = " ".join("".join(self.parts).split())
        self.parts = []
        if not text:
            return
        loose = self.kinds[-1] == _LOOSE and not self.bullet_pending
        if self.new_block and loose and self.last_loose:
            self.items.append(PageLine(self.number, "", value=""))
        if self.bullet_pending:
            self.items.append(PageLine(self.number, "• " + text, bullet=True, value=text))
            self.bullet_pending = False
        elif text[0] in _BULLET_STARTS:  # a bullet typed in the text ("• partner")
            self.items.append(page_line(self.number, text))
        else:
            self.items.append(PageLine(self.number, text, value=text))
        self.last_loose = loose
        self.new_block = False

    def gather(self, text: str | None, element: etree._Element) -> None:
        """Add inline text to the current line (leading white space starts none)."""
        if text and (self.parts or not text.isspace()):
            if not self.parts:
                self.number = element.sourceline or self.number
            self.parts.append(text)

    def start(self, element: etree._Element, walker: Any) -> None:
        """An element opens: a block ends the line, a cell adds a space, ``pre`` keeps its lines."""
        tag = element.tag
        kind = _BLOCK_KIND.get(tag)
        if kind is not None:
            self.flush()
            self.new_block = True
            self.kinds.append(kind)
            if kind == _BULLET:
                self.bullet_pending = True
        elif tag == "br":
            self.flush()
            return  # its tail is read at its "end" event
        elif tag in _CELLS:
            self.parts.append(" ")
        elif tag == "pre":
            self.flush()
            self.new_block = True
            for i, line in enumerate("".join(element.itertext()).splitlines()):
                self.parts.append(line)
                self.number = (element.sourceline or 0) + i
                self.flush()
            walker.skip_subtree()  # no "end" event comes for it: its tail is read here
            text = element.tail
            if text and not text.isspace():
                self.number = element.sourceline or self.number
                self.parts.append(text)
            return
        self.gather(element.text, element)

    def end(self, element: etree._Element, root: etree._Element) -> None:
        """An element closes: a block ends the line; its tail is inline text."""
        if element.tag in _BLOCK_KIND:
            self.flush()
            self.new_block = True
            if len(self.kinds) > 1 and self.kinds.pop() == _BULLET:
                self.bullet_pending = False
        if element is not root:
            self.gather(element.tail, element)


def _drop_before(title: etree._Element, root: etree._Element) -> None:
    # What precedes the title in the content (breadcrumbs, category labels) is not the practice.
    node = title
    while node is not root:
        parent = node.getparent()
        if parent is None:
            return
        parent.text = None
        for sibling in list(node.itersiblings(preceding=True)):
            parent.remove(sibling)
        node = parent
