"""Where each resource's page goes: output paths derived from IRIs, always inside the site.

An IRI under the site's base maps to the same path under the output folder
(``{base}id/practice/x`` → ``id/practice/x.html``, ``.ttl``, ``.jsonld``), so
that a web server can serve each IRI from the files (see the nginx example
the site ships). An IRI elsewhere (an Act at legislation.gov.uk) gets a page
under ``external/{host}/…``. A hash IRI shares the page of the IRI before the
``#``. Every path segment is percent-decoded, then reduced to a safe set of
characters (no ``..``, no separators, no NUL, no drive letters, bounded
length), and every file written is checked to resolve inside the output
folder: whatever an IRI contains, nothing is written outside it.

Example:
    >>> paths = SitePaths("https://example.org/")
    >>> paths.page("https://example.org/id/practice/street-watch")
    'id/practice/street-watch'
    >>> paths.page("https://example.org/id/practice/%2e%2e/%2e%2e/etc/passwd")
    'id/practice/_../_../etc/passwd'
    >>> paths.page("http://www.legislation.gov.uk/id/ukpga/1998/37")
    'external/www.legislation.gov.uk/id/ukpga/1998/37'
    >>> paths.href("id/practice/street-watch", "https://example.org/vocab/domain/terrorism")
    '../../vocab/domain/terrorism.html'
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from pgraph.errors import PublishError

_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]")
_MAX_SEGMENT = 120
_RESERVED = {"index"}  # the page of a folder IRI (``…/``) is ``…/index``
EXTERNAL = "external"
_PAGE_EXTENSIONS = (".html", ".ttl", ".jsonld")


def safe_segment(segment: str) -> str:
    """Return a path segment that is a plain file name: no separators, dots-only or NUL.

    Example:
        >>> [safe_segment(s) for s in ["..", "a/b", "a\\\\b", "c:", "a\\x00b", "", "ok-1.2"]]
        ['_..', 'a_b', 'a_b', 'c_', 'a_b', '_', 'ok-1.2']
    """
    text = _UNSAFE.sub("_", unquote(segment, errors="replace"))
    if not text or set(text) == {"."} or text.startswith("."):
        text = "_" + text
    if len(text) > _MAX_SEGMENT:
        digest = hashlib.sha256(segment.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        text = f"{text[:_MAX_SEGMENT - 13]}-{digest}"
    return text


class SitePaths:
    """Maps IRIs to page paths (relative, POSIX, without extension) under one base.

    Two IRIs that sanitise to the same path are kept apart by a hash suffix,
    so every resource has a page of its own.
    """

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self._by_iri: dict[str, str] = {}
        self._taken: dict[str, str] = {}

    def page(self, iri: str) -> str:
        """Return the page path of ``iri`` (``index`` for the base itself)."""
        document = iri.split("#", 1)[0]
        known = self._by_iri.get(document)
        if known is not None:
            return known
        path = self._derive(document)
        owner = self._taken.get(path.casefold())
        if owner is not None and owner != document:
            digest = hashlib.sha256(document.encode("utf-8")).hexdigest()[:10]
            path = f"{path}-{digest}"
        self._taken[path.casefold()] = document
        self._by_iri[document] = path
        return path

    def _derive(self, document: str) -> str:
        if document.startswith(self.base):
            rest = document[len(self.base):]
            prefix: list[str] = []
        else:
            parts = urlsplit(document)
            rest = parts.path + (f"?{parts.query}" if parts.query else "")
            prefix = [EXTERNAL, safe_segment(parts.netloc or parts.scheme or "iri")]
        rest = rest.split("?", 1)[0] if not prefix else rest.replace("?", "/")
        segments = [safe_segment(s) for s in rest.split("/") if s]
        # A folder must not share its name with a page's file (``a.html`` and ``a.html/b``).
        segments[:-1] = [s + "_" if s.endswith(_PAGE_EXTENSIONS) else s for s in segments[:-1]]
        if not segments or rest.endswith("/"):
            segments.append("index")
        elif segments[-1] in _RESERVED and not prefix:
            segments[-1] = "_index"
        return "/".join(prefix + segments)

    def href(self, from_page: str, to_iri: str, ext: str = ".html") -> str:
        """Return the relative link from a page (a page path) to the page of ``to_iri``."""
        fragment = to_iri.split("#", 1)[1] if "#" in to_iri else ""
        return self.href_to_path(from_page, self.page(to_iri) + ext, fragment)

    @staticmethod
    def href_to_path(from_page: str, target: str, fragment: str = "") -> str:
        """Return the relative link from a page path to a file path of the site."""
        relative = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
        link = quote(relative, safe="/._-~")
        return f"{link}#{quote(fragment, safe='')}" if fragment else link


def site_file(out: Path, page: str, ext: str) -> Path:
    """Return the file of a page under ``out``, refusing any path that leaves ``out``.

    Example:
        >>> site_file(Path("/tmp/site"), "../../etc/passwd", ".html")
        Traceback (most recent call last):
        ...
        pgraph.errors.PublishError: ../../etc/passwd.html: refusing to write outside the site folder
    """
    root = out.resolve()
    target = (root / f"{page}{ext}").resolve()
    if not target.is_relative_to(root) or "\x00" in page:
        raise PublishError("refusing to write outside the site folder", path=f"{page}{ext}")
    return target


def prepare_site_file(out: Path, page: str, ext: str) -> Path:
    """Return the checked file of a page under ``out``, its folders made (inside ``out``)."""
    target = site_file(out, page, ext)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PublishError(f"cannot write the site: {error.strerror or error}",
                           path=str(target.parent)) from error
    # resolve() again now that the folders exist: a symlinked folder must not lead out.
    if not target.parent.resolve().is_relative_to(out.resolve()):
        raise PublishError("refusing to write outside the site folder", path=f"{page}{ext}")
    return target


def write_site_file(out: Path, page: str, ext: str, content: str | bytes) -> Path:
    """Write one file of the site (checked to stay inside ``out``) and return its path."""
    target = prepare_site_file(out, page, ext)
    try:
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    except OSError as error:
        raise PublishError(f"cannot write the site: {error.strerror or error}",
                           path=str(target)) from error
    return target
