"""The folder a harvest writes: pages named by slug, sources.yaml, and what each page was last time.

What pgraph knows about each page (file, ``ETag``, ``Last-Modified``, content
hash) is kept in ``DIR/.pgraph-fetch/``: ``state.json`` as of the last
completed run, and ``journal.jsonl``, one line appended per page as it is
done, so that a run killed at any moment loses nothing it had finished and
the next run resumes where it stopped. Every file is written to a temporary
name and renamed, so a page, ``sources.yaml`` or the state is either the old
one or the new one, never half of each. The folder is hidden from ``pgraph
build``.

Example:
    >>> page_file_name("https://x.org/fr/practice/Street%20Watch/")
    'street-watch.html'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from pgraph.errors import FetchError
from pgraph.sources import SOURCES_FILE, load_source_urls
from pgraph.sources.html_pages import html_encoding

STATE_FOLDER = ".pgraph-fetch"
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_META_CHARSET = re.compile(rb"<meta[^>]*charset[^>]*>", re.IGNORECASE)


@dataclass
class PageState:
    """What the folder holds for one URL."""

    file: str
    sha256: str
    etag: str | None = None
    last_modified: str | None = None
    fetched: str = ""


def page_file_name(url: str) -> str:
    """Return the file name for a page: the last segment of its URL path, made safe, + ``.html``."""
    last = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1].lower()
    last = re.sub(r"\.html?$", "", last)
    slug = _UNSAFE.sub("-", last).strip("-.") or "index"
    return slug[:120] + ".html"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~_UMASK)  # as a plain open() would (mkstemp gives 0600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def as_utf8_if_declared_otherwise(body: bytes, charset: str | None) -> bytes:
    """Return the page bytes, re-encoded as UTF-8 when the HTTP charset disagrees with the page.

    The HTTP header is lost once the page is a file; when it says something
    the page itself does not, the page is saved as UTF-8 with a ``<meta
    charset="utf-8">`` so that reading the file gives what the server meant.

    Example:
        >>> as_utf8_if_declared_otherwise("<p>café".encode("latin-1"), "iso-8859-1")
        b'<meta charset="utf-8"><p>caf\\xc3\\xa9'
    """
    if not charset:
        return body
    served = html_encoding(body, charset)
    if served is None or served == html_encoding(body):
        return body
    text = body.decode(served, errors="replace").encode("utf-8")
    return b'<meta charset="utf-8">' + _META_CHARSET.sub(b"", text)


class HarvestFolder:
    """The output folder of ``pgraph fetch``: pages, ``sources.yaml`` and the state."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.state_dir = self.out_dir / STATE_FOLDER
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FetchError(f"cannot create the folder ({exc.strerror})",
                             path=str(self.out_dir)) from None
        for leftover in self.out_dir.glob(".*.tmp"):  # from a run killed while writing
            leftover.unlink(missing_ok=True)
        self.pages: dict[str, PageState] = {}
        self.run: dict = {}
        self.done_in_run: set[str] = set()
        self._load()
        self._journal = (self.state_dir / "journal.jsonl").open("a", encoding="utf-8")

    # ------------------------------------------------------------ state

    def _load(self) -> None:
        state_file = self.state_dir / "state.json"
        if state_file.is_file():
            try:
                state = json.loads(state_file.read_text(encoding="utf-8"))
                self.pages = {url: PageState(**page) for url, page in state["pages"].items()}
                self.run = state.get("run", {})
            except (ValueError, KeyError, TypeError) as exc:
                raise FetchError(f"the harvest state is damaged ({exc})", path=str(state_file),
                                 hint="delete the .pgraph-fetch folder to start afresh") from None
        journal = self.state_dir / "journal.jsonl"
        if journal.is_file():
            for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # the last line of a run killed while writing it
                self._replay(entry)

    def _replay(self, entry: dict) -> None:
        if "run" in entry and "url" not in entry:
            self.run = entry["run"]
            return
        url = entry.get("url")
        if not isinstance(url, str):
            return
        if entry.get("page") is None:
            self.pages.pop(url, None)
        else:
            self.pages[url] = PageState(**entry["page"])
        if entry.get("run_id") == self.run.get("id"):
            self.done_in_run.add(url)

    def start_run(self, key: str) -> set[str]:
        """Begin a run; return the URLs an interrupted run with the same ``key`` had done."""
        resumed = set()
        if self.run and not self.run.get("finished") and self.run.get("key") == key:
            resumed = set(self.done_in_run)
            run_id = self.run["id"]
        else:
            run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
            self.run = {"id": run_id, "key": key, "finished": False}
            self._append({"run": self.run})
        self.done_in_run = set(resumed)
        return resumed

    def _append(self, entry: dict) -> None:
        self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._journal.flush()

    def record(self, url: str, page: PageState | None) -> None:
        """Note that ``url`` is done in this run (``page`` None: it has no file any more)."""
        if page is None:
            self.pages.pop(url, None)
        else:
            self.pages[url] = page
        self.done_in_run.add(url)
        self._append({"url": url, "page": asdict(page) if page else None,
                      "run_id": self.run.get("id")})

    def finish(self, *, completed: bool) -> None:
        """Write ``sources.yaml`` and the state (the run marked finished when ``completed``)."""
        self.write_sources()
        self.run["finished"] = completed
        state = {"version": 1, "run": self.run,
                 "pages": {url: asdict(p) for url, p in sorted(self.pages.items())}}
        atomic_write(self.state_dir / "state.json",
                     json.dumps(state, indent=1, ensure_ascii=False).encode("utf-8"))
        self._journal.close()
        if completed:
            (self.state_dir / "journal.jsonl").unlink(missing_ok=True)
        else:  # the journal now holds only this run's pages, for the next run to resume
            done = [{"url": u, "page": asdict(self.pages[u]) if u in self.pages else None,
                     "run_id": self.run.get("id")} for u in sorted(self.done_in_run)]
            lines = [json.dumps({"run": self.run})] + [json.dumps(d) for d in done]
            atomic_write(self.state_dir / "journal.jsonl", ("\n".join(lines) + "\n").encode())

    # ------------------------------------------------------------ files

    def file_for(self, url: str) -> str:
        """Return the file name of ``url``: its own if it has one, else a free slug name."""
        if url in self.pages:
            return self.pages[url].file
        taken = {p.file for u, p in self.pages.items() if u != url}
        name = page_file_name(url)
        if name not in taken:
            return name
        digest = hashlib.sha1(url.encode()).hexdigest()[:8]
        return f"{name.removesuffix('.html')}-{digest}.html"

    def write_page(self, name: str, body: bytes) -> None:
        atomic_write(self.out_dir / name, body)

    def has_file(self, url: str) -> bool:
        page = self.pages.get(url)
        return page is not None and (self.out_dir / page.file).is_file()

    def remove_page(self, url: str) -> str | None:
        page = self.pages.get(url)
        if page is None:
            return None
        (self.out_dir / page.file).unlink(missing_ok=True)
        self.record(url, None)
        return page.file

    def write_sources(self) -> None:
        """Write ``sources.yaml``: every page file of the folder and its URL (others' kept)."""
        path = self.out_dir / SOURCES_FILE
        try:
            table = load_source_urls(self.out_dir) if path.is_file() else {}
        except Exception:  # a table pgraph cannot read is replaced by its own
            table = {}
        for url, page in self.pages.items():
            table[page.file] = url
        table = {k: v for k, v in table.items() if (self.out_dir / k).is_file()}
        header = ("# Written by pgraph fetch: each page file and the URL it was fetched from.\n"
                  "# pgraph build records the URL as the practice's source.\n")
        text = header + yaml.safe_dump(dict(sorted(table.items())), allow_unicode=True,
                                       default_flow_style=False, width=1000)
        atomic_write(path, text.encode("utf-8"))
