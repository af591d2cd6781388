"""HTTP for SPARQL endpoints and Graph Stores: one client, its credentials, retries and masking.

:class:`HttpClient` sends requests with ``urllib`` (two request shapes and
two authentication schemes do not justify a new dependency): it answers
Basic and Digest challenges (or sends Basic at once), retries transient
failures with exponential backoff, and raises :class:`HttpFailure` — status,
reason, the server's words with every credential masked — which each caller
words for its own stage (``pgraph.query.remote``, ``pgraph.publish.http``).
:func:`sparql_request` is the SPARQL 1.1 Protocol on top of it; the Graph
Store Protocol (``pgraph.publish.stores``) sends its PUTs through the same
client. :func:`masked_url` is the one way a URL appears in a message.

The web crawler's client (``pgraph.fetch.http``) is a different thing built on
the same base: it starts its User-Agent with :data:`PRODUCT`, waits
:func:`backoff_pause` between retries and masks URLs with :func:`masked_url`
(see its module text for why it is not this client).

Example:
    >>> masked_url("http://dba:secret@127.0.0.1:8890/sparql?key=abc")
    'http://127.0.0.1:8890/sparql?key=abc'
    >>> masked_url("https://user:secret@example.org/sparql?key=abc#x", query=False)
    'https://example.org/sparql'
"""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pgraph import __version__

PRODUCT = f"pgraph/{__version__}"
"""The product token that starts the User-Agent of every request pgraph sends."""
USER_AGENT = f"{PRODUCT} (https://w3id.org/pgraph)"
TRANSIENT_HTTP = frozenset({429, 502, 503, 504})
"""Statuses worth retrying: the server is busy or a proxy could not reach it."""


def backoff_pause(backoff: float, attempt: int) -> float:
    """Seconds to wait after failed ``attempt`` (0, 1, …): ``backoff``, doubling each time.

    Example:
        >>> [backoff_pause(0.5, attempt) for attempt in range(4)]
        [0.5, 1.0, 2.0, 4.0]
    """
    return backoff * 2**attempt


def masked_url(url: str, *, query: bool = True) -> str:
    """Return ``url`` without its user name and password (and, ``query=False``, its query).

    A key in a query string is a credential too: messages about an endpoint
    use ``query=False``.
    """
    parts = urllib.parse.urlsplit(url)
    if query and parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a number: the URL is refused later, its credentials not shown
        port = None
    netloc = f"{host}:{port}" if port else host
    if not query:
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


# ---------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """A user name and password; ``repr`` and ``str`` never show the password.

    Example:
        >>> Credentials("alice", "s3cret", source="netrc")
        Credentials(user='alice', password='****', source='netrc')
    """

    user: str
    password: str = field(repr=False)
    source: str = "given"

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password='****', source={self.source!r})"

    __str__ = __repr__

    def basic_token(self) -> str:
        """Return the value of a Basic ``Authorization`` header (without the scheme)."""
        return base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")


def netrc_credentials(host: str, path: str | os.PathLike[str] | None) -> Credentials | None:
    """Return the netrc entry for ``host`` (None when there is no file or entry).

    Raises ValueError naming the file and line when it cannot be read.
    """
    file = Path(path) if path else Path.home() / ".netrc"
    if not file.is_file():
        return None
    try:
        entry = netrc.netrc(str(file)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as error:
        # The parser's message may quote the file's content: say only where it failed.
        raise ValueError(str(file), getattr(error, "lineno", None)) from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login or "", password or "", source=f"netrc ({file})")


def url_credentials(url: str) -> Credentials | None:
    """Return the user name and password written in ``url``, if any."""
    parts = urllib.parse.urlsplit(url)
    if parts.username:
        return Credentials(urllib.parse.unquote(parts.username),
                           urllib.parse.unquote(parts.password or ""), source="URL")
    return None


# ---------------------------------------------------------------- the client


@dataclass
class Response:
    """An HTTP answer: its body and media type (without parameters)."""

    body: bytes
    content_type: str


class HttpFailure(Exception):  # noqa: N818 - a result the caller words, not pgraph's error
    """A request that failed: an HTTP status, or no answer (``status`` None).

    ``transient`` failures were retried; ``detail`` is the start of what the
    server said, markup stripped and credentials masked; ``reason`` is the
    status reason or why no answer came (``timeout`` for a timeout).
    """

    def __init__(self, url: str, status: int | None, reason: str, detail: str = "",
                 *, transient: bool = False, attempts: int = 1) -> None:
        super().__init__(f"{masked_url(url)}: {status or ''} {reason}".strip())
        self.url, self.status, self.reason, self.detail = url, status, reason, detail
        self.transient, self.attempts = transient, attempts
        self.timed_out = reason == "timeout"


class HttpClient:
    """A small HTTP client for SPARQL endpoints and Graph Stores.

    Once a host has asked for Basic, later requests send it at once (or from
    the first request, with ``basic_at_once``); for Digest, the last
    challenge is reused (the stdlib handler counts nonces), so a large body
    is sent at most twice. Transient failures are retried ``retries`` times,
    waiting ``backoff`` seconds, then twice as long each time.
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: float = 120.0,
        headers: Mapping[str, str] | None = None,
        retries: int = 0,
        backoff: float = 0.5,
        basic_at_once: bool = False,
    ) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.retries, self.backoff = retries, backoff
        self._opener = urllib.request.build_opener()
        self._schemes: dict[str, tuple[str, dict[str, str]]] = {}
        self._basic_at_once = basic_at_once
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._digest = urllib.request.HTTPDigestAuthHandler(self._passwords)

    def send(self, method: str, url: str, body: bytes | None,
             headers: Mapping[str, str]) -> Response:
        """Return the answer; raise HttpFailure once retries are spent or for any other failure."""
        attempt = 0
        while True:
            try:
                return self._send_once(method, url, body, headers)
            except HttpFailure as failure:
                if not failure.transient or attempt >= self.retries:
                    failure.attempts = attempt + 1
                    raise
            time.sleep(backoff_pause(self.backoff, attempt))
            attempt += 1

    def mask(self, text: str) -> str:
        """Return ``text`` with the password and extra header values hidden."""
        secrets = [value for name, value in self.headers.items() if name != "User-Agent"]
        if self.credentials and self.credentials.password:
            # as given, and as a Basic token a failing server may echo back
            secrets += [self.credentials.basic_token(), self.credentials.password]
        for secret in secrets:
            if secret:
                text = text.replace(secret, "****")
        return text

    def _send_once(self, method: str, url: str, body: bytes | None,
                   headers: Mapping[str, str]) -> Response:
        url = masked_url(url)  # the user part of a URL is a credential, never sent as such
        host = urllib.parse.urlsplit(url).netloc
        if self._basic_at_once and self.credentials:
            self._schemes.setdefault(host, ("basic", {}))
        request = self._request(method, url, body, headers, host)
        try:
            return self._open(request)
        except urllib.error.HTTPError as error:
            already_answered = "Authorization" in request.unredirected_hdrs
            if error.code != 401 or self.credentials is None or already_answered:
                raise self._failure(error, url) from None
            if self._remember_challenge(host, error) is None:
                raise self._failure(error, url) from None
            error.close()
        request = self._request(method, url, body, headers, host)
        try:
            return self._open(request)
        except urllib.error.HTTPError as error:
            raise self._failure(error, url) from None

    def _request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                 host: str) -> urllib.request.Request:
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={**self.headers, **headers})
        scheme = self._schemes.get(host)
        if scheme and self.credentials:
            if scheme[0] == "basic":
                request.add_unredirected_header(
                    "Authorization", "Basic " + self.credentials.basic_token())
            else:
                self._passwords.add_password(None, url, self.credentials.user,
                                             self.credentials.password)
                authorization = self._digest.get_authorization(request, scheme[1])
                if authorization:
                    request.add_unredirected_header("Authorization", "Digest " + authorization)
        return request

    def _remember_challenge(self, host: str, error: urllib.error.HTTPError) -> str | None:
        offered = error.headers.get_all("WWW-Authenticate") or []
        for header in offered:
            scheme, _, rest = header.partition(" ")
            if scheme.lower() == "digest":
                challenge = urllib.request.parse_keqv_list(
                    urllib.request.parse_http_list(rest))
                self._schemes[host] = ("digest", challenge)
                return "digest"
        for header in offered:
            if header.split(" ", 1)[0].lower() == "basic":
                self._schemes[host] = ("basic", {})
                return "basic"
        return None

    def _open(self, request: urllib.request.Request) -> Response:
        url = request.full_url
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                content_type = response.headers.get("Content-Type") or ""
                return Response(response.read(), content_type.split(";")[0].strip().lower())
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as error:
            raise self._no_answer(url, error.reason) from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
            raise self._no_answer(url, error) from None

    def _no_answer(self, url: str, reason: object) -> HttpFailure:
        if isinstance(reason, TimeoutError | socket.timeout):
            return HttpFailure(url, None, "timeout", transient=True)
        if isinstance(reason, http.client.HTTPException):
            return HttpFailure(url, None, f"the connection failed: {type(reason).__name__}",
                               transient=True)
        text = getattr(reason, "strerror", None) or str(reason)
        return HttpFailure(url, None, self.mask(text),
                           transient=isinstance(reason, ConnectionError | OSError))

    def _failure(self, error: urllib.error.HTTPError, url: str) -> HttpFailure:
        try:
            detail = error.read(2000).decode("utf-8", "replace")
        except OSError:
            detail = ""
        detail = self.mask(" ".join(re.sub(r"<[^>]+>", " ", detail).split()))[:300]
        return HttpFailure(url, error.code, str(error.reason or ""), detail,
                           transient=error.code in TRANSIENT_HTTP)


# ---------------------------------------------------------------- SPARQL 1.1 Protocol


def sparql_request(client: HttpClient, endpoint: str, *, query: str | None = None,
                   update: str | None = None, accept: str = "") -> Response:
    """Send a query or an update to a SPARQL endpoint (POST, URL-encoded form)."""
    form = {"query": query} if query is not None else {"update": update or ""}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    body = urllib.parse.urlencode(form).encode("utf-8")
    return HttpClient.send(client, "POST", endpoint, body, headers)  # the transport, not a wrapper
