"""The front of ``pgraph serve``: one port forwarding each request to the current Oxigraph server.

The Oxigraph server answers SPARQL; the front only decides *which* server
answers a request, so that ``pgraph serve`` can move to a new build (or to a
fresh server after a runaway query) between two requests, with no request
failing and none answered half by one build and half by another: a request
goes, whole, to the server that was current when it arrived, and an old
server is stopped only once its last request is answered.

Each request has a deadline (``timeout``): a query still running then gets a
``503`` saying so, and the front asks for the server it ran on to be
replaced (the Oxigraph server cannot stop one query from outside, and its
own ``--timeout-s`` cannot stop every kind — an ``ORDER BY`` over a
cartesian product runs on until memory runs out). Answers are buffered up to
``BUFFER_LIMIT`` so that a timeout can still become a clean error; larger
ones are streamed.

Written on the standard library (``http.server``, ``http.client``): the
front forwards bytes and keeps counts, nothing a framework would add to.

Example:
    >>> front = Front(0, timeout=30)  # doctest: +SKIP
    >>> front.switch(Backend(port=7879))  # doctest: +SKIP
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BUFFER_LIMIT = 64 << 20
"""Bytes of an answer held back (so that a timeout gives a clean error); more are streamed."""
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
               "proxy-connection", "te", "trailer", "upgrade", "host"}


@dataclass(eq=False)
class Backend:
    """One Oxigraph server behind the front: its port, and the requests it is answering."""

    port: int
    process: Any = None
    snapshot: Any = None  # the folder it serves
    inflight: int = 0
    timed_out: bool = False
    extra: dict = field(default_factory=dict)


class QueryTimeout(Exception):  # noqa: N818 - the condition, as the client sees it
    """A request ran past its deadline."""


class Front(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 forwarding to the current ``Backend``."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int, *, timeout: float, on_timeout=None) -> None:
        super().__init__(("127.0.0.1", port), _Forward)
        self.timeout_s = timeout
        self.on_timeout = on_timeout or (lambda backend: None)
        self.current: Backend | None = None
        self.changed = threading.Condition()
        self.answered = 0
        self.timeouts = 0

    @property
    def port(self) -> int:
        return self.server_address[1]

    def switch(self, backend: Backend) -> Backend | None:
        """Send new requests to ``backend``; return the one it replaces (still answering)."""
        with self.changed:
            old, self.current = self.current, backend
            self.changed.notify_all()
        return old

    def drain(self, backend: Backend, timeout: float) -> bool:
        """Wait until ``backend`` answers no request (at most ``timeout`` s); return whether so."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while backend.inflight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def acquire(self) -> Backend | None:
        with self.changed:
            backend = self.current
            if backend is not None:
                backend.inflight += 1
            return backend

    def release(self, backend: Backend) -> None:
        with self.changed:
            backend.inflight -= 1
            self.answered += 1
            self.changed.notify_all()


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Front
    timeout = 600  # seconds an idle keep-alive connection is kept

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def log_message(self, format: str, *args) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._reply(411, b"send the request body with a Content-Length\n")
            return
        body = self.rfile.read(length) if length else None
        deadline = time.monotonic() + self.server.timeout_s
        backend = self.server.acquire()
        if backend is None:
            self._reply(503, b"the endpoint is starting; try again in a moment\n")
            return
        try:
            self._relay(backend, body, deadline)
        except QueryTimeout:
            backend.timed_out = True
            self.server.timeouts += 1
            self.server.on_timeout(backend)
            limit = self.server.timeout_s
            self._reply(503, (f"the query was stopped after {limit:g} s, the time limit"
                              " of this endpoint (pgraph serve --timeout)\n").encode())
        except (OSError, http.client.HTTPException) as error:
            self._reply(502, f"the Oxigraph server did not answer: {error}\n".encode())
        finally:
            self.server.release(backend)

    def _relay(self, backend: Backend, body: bytes | None, deadline: float) -> None:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection("127.0.0.1", backend.port,
                                                timeout=_left(deadline))
        try:
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                sock = connection.sock  # kept: the connection forgets it if the answer closes it
                response = connection.getresponse()
            except TimeoutError as error:
                raise QueryTimeout from error
            chunks, size = [], 0
            while True:
                sock.settimeout(_left(deadline))
                try:
                    chunk = response.read1(1 << 16) if self.command != "HEAD" else b""
                except TimeoutError as error:
                    raise QueryTimeout from error
                if time.monotonic() > deadline:
                    raise QueryTimeout
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > BUFFER_LIMIT:
                    self._stream(response, chunks, deadline)
                    return
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(b"".join(chunks))
        finally:
            connection.close()

    def _stream(self, response, chunks: list[bytes], deadline: float) -> None:
        # Too big to hold: send what came, then the rest as it comes; the deadline
        # still holds, by closing the connection.
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in chunks:
            self.wfile.write(chunk)
        while time.monotonic() < deadline:
            chunk = response.read1(1 << 16)
            if not chunk:
                return
            self.wfile.write(chunk)

    def _reply(self, status: int, text: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)


def _left(deadline: float) -> float:
    return max(0.001, deadline - time.monotonic())
