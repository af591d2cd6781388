"""A static web site on 127.0.0.1 with a request log and planted misbehaviour, for ``pgraph fetch``.

It serves a folder as a static server with ``try_files $uri $uri.html
$uri/index.html`` would, with ``ETag`` / ``Last-Modified`` and 304 answers to
conditional requests, and logs every request (path, arrival time, headers,
status). ``behaviours`` plants faults by path: ``"429"`` (429 with
``Retry-After: 1`` the first time), ``"500"`` (500 twice, then the page),
``"slow"`` (answers after 3 s), ``"loop"`` (redirects to itself via a
second URL), ``"huge"`` (a 50 MB HTML body, streamed), ``"pdf"`` (a PDF),
``"offsite"`` (redirects to another host), ``"gone"`` (410), ``"cp1252"`` (the page
in Windows-1252, said so by the HTTP header only).
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]
    status: int = 0


@dataclass
class Site:
    root: Path
    behaviours: dict[str, str] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def paths(self) -> list[str]:
        return [hit.path for hit in self.log]

    def page_hits(self) -> list[Hit]:
        return [h for h in self.log if "/practice/" in h.path or "/resource/" in h.path]


def start_site(root: Path, behaviours: dict[str, str] | None = None, port: int = 0) -> Site:
    """Serve ``root`` on 127.0.0.1 (a free port unless given) in a thread; return the site."""
    site = Site(root, dict(behaviours or {}))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the site keeps its own log
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            hit = Hit(path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()})
            site.log.append(hit)
            self.hit = hit
            site.counts[path] = site.counts.get(path, 0) + 1
            behaviour = site.behaviours.get(path)
            if behaviour is None and path.endswith("-again"):  # the second URL of a loop
                behaviour = site.behaviours.get(path.removesuffix("-again"))
            try:
                self._answer(path, behaviour, site.counts[path])
            except (BrokenPipeError, ConnectionResetError):
                hit.status = -1

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> int:
            # Logged before it is sent: a client that has its answer finds it in the log.
            self.hit.status = status
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return status

        def _answer(self, path: str, behaviour: str | None, count: int) -> int:
            if behaviour == "429" and count == 1:
                return self._send(429, b"slow down", {"Retry-After": "1"})
            if behaviour == "500" and count <= 2:
                return self._send(500, b"oops")
            if behaviour == "slow":
                time.sleep(3)
            if behaviour == "loop":
                other = path + "-again" if not path.endswith("-again") else path[:-6]
                return self._send(302, b"", {"Location": other})
            if behaviour == "offsite":
                return self._send(301, b"", {"Location": "http://example.org/elsewhere"})
            if behaviour == "gone":
                return self._send(410, b"gone")
            if behaviour == "pdf":
                return self._send(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"})
            if behaviour == "huge":
                self.hit.status = 200
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(50_000_000))
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_000 + b"</p>"
                try:
                    for _ in range(50_000_000 // len(chunk)):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return 200
            file = _file_for(site.root, path)
            if file is None:
                return self._send(404, b"not found", {"Content-Type": "text/plain"})
            body = file.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(int(file.stat().st_mtime), usegmt=True)
            kind = {".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}.get(
                file.suffix, "text/html; charset=utf-8")
            headers = {"Content-Type": kind, "ETag": etag, "Last-Modified": modified}
            if behaviour == "cp1252":  # the header says Windows-1252, the page's <meta> UTF-8
                body = body.decode("utf-8").encode("cp1252", errors="replace")
                headers["Content-Type"] = "text/html; charset=windows-1252"
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", {"ETag": etag})
            return self._send(200, body, headers)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    site.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site


def _file_for(root: Path, path: str) -> Path | None:
    relative = path.lstrip("/")
    if ".." in relative.split("/"):
        return None
    for candidate in (relative, relative + ".html", relative.rstrip("/") + "/index.html"):
        file = root / candidate
        if candidate and file.is_file():
            return file
    return None
