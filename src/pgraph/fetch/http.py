"""One polite HTTP client for one host: robots.txt, a delay, retries, limits, conditional requests.

httpx is the client: one keep-alive connection for the whole harvest (a new
TCP connection per page would cost the site more), a timeout per phase,
redirects not followed unless asked (pgraph follows them itself, to stay on
the host and to catch loops), and streamed bodies (a page over the size limit
is cut off, not downloaded). protego reads robots.txt as RFC 9309 says
(longest match, ``*`` and ``$`` patterns, ``Crawl-delay``), which the standard
library's ``urllib.robotparser`` does not.

Why not :class:`pgraph.http.HttpClient`: that client talks to SPARQL
endpoints and Graph Stores a user configured — it answers Basic and Digest
challenges, sends credentials and extra headers, and POSTs or PUTs bodies of
any size. A crawler is the other way round: it sends no credentials and reads
no proxy or netrc settings (only the host given), GETs only, and must obey the
site — robots.txt, a delay between requests on one kept-alive connection,
``Retry-After``, conditional requests, redirects checked to stay on the host
and out of loops, and a size limit enforced while the body streams in. None of
that belongs in the SPARQL client, and urllib can neither keep a connection
alive nor stream a body cut off at the limit. What both share comes from
``pgraph.http``: the User-Agent's product token (:data:`pgraph.http.PRODUCT`),
the retry schedule (:func:`pgraph.http.backoff_pause`) and
:func:`pgraph.http.masked_url` for every URL in a message.

Example:
    >>> polite = PoliteClient("http://127.0.0.1:9/", delay=0)
    >>> polite.user_agent.split("/")[0], polite.same_host("http://127.0.0.1:9/fr/practice/x")
    ('pgraph', True)
    >>> polite.same_host("https://example.org/")
    False
    >>> polite.close()
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import protego

from pgraph.errors import FetchError
from pgraph.http import PRODUCT, backoff_pause, masked_url

ROBOTS_TOKEN = "pgraph"
"""The product token robots.txt groups are matched against (``User-agent: pgraph``)."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 300.0
"""Longest wait a ``Retry-After`` may ask for (seconds); a longer one fails the page."""
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Response:
    """What one page request gave: status, final URL, headers that matter, and the body."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # of a redirect
    retry_after: str | None = None  # of a 429 or 5xx


class PageRefused(Exception):  # noqa: N818 - a refusal with a reason, not a bug
    """The page was not fetched: robots.txt, another host, too big, not HTML, failed."""

    def __init__(self, reason: str, *, robots: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.robots = robots


def user_agent(contact: str | None = None) -> str:
    """Return the User-Agent pgraph sends: its name, version and the contact given.

    Example:
        >>> user_agent("mailto:ann@example.org").split(" ", 1)[1]
        '(knowledge-graph harvester; +mailto:ann@example.org)'
    """
    extra = f"; +{contact}" if contact else ""
    return f"{PRODUCT} (knowledge-graph harvester{extra})"


class PoliteClient:
    """Requests to one host, one at a time, ``delay`` seconds apart, within its robots.txt."""

    def __init__(
        self,
        start_url: str,
        *,
        delay: float = 1.0,
        timeout: float = 30.0,
        max_bytes: int = 10_000_000,
        retries: int = 3,
        backoff: float = 1.0,
        contact: str | None = None,
        sleep=time.sleep,
    ) -> None:
        parts = urlsplit(start_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise FetchError(f'"{masked_url(start_url)}" is not an http(s) URL', field="url")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.user_agent = user_agent(contact)
        self.sleep = sleep
        self.robots: protego.Protego | None = None
        self.requests = 0
        self._last_end: float | None = None
        self._client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,"
                     "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # no proxy or netrc from the environment: only the host given
        )

    def close(self) -> None:
        self._client.close()

    def same_host(self, url: str) -> bool:
        """Return True when ``url`` is on the host the harvest was given (any scheme)."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            return False
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        return parts.hostname == self.host[0] and (
            port == self.host[1] or {port, self.host[1]} == {80, 443}
        )

    # ------------------------------------------------------------ robots.txt

    def read_robots(self) -> list[str]:
        """Fetch and parse the host's robots.txt; return the sitemaps it names.

        A missing robots.txt (4xx) allows everything; one the server cannot
        give (5xx, no answer) forbids everything, as RFC 9309 says.
        """
        url = self.origin + "/robots.txt"
        try:
            response = self._request(url, kind="robots.txt", accept_any=True)
        except PageRefused as exc:
            raise FetchError(
                f"cannot read {url} ({exc.reason}); nothing is fetched without it",
                field="robots.txt", hint="try again later, or ask the site's administrators",
            ) from None
        if response.status >= 400:
            self.robots = protego.Protego.parse("")
        else:
            text = response.body.decode(response.charset or "utf-8", errors="replace")
            self.robots = protego.Protego.parse(text)
        crawl_delay = self.robots.crawl_delay(ROBOTS_TOKEN)
        rate = self.robots.request_rate(ROBOTS_TOKEN)
        if crawl_delay:
            self.delay = max(self.delay, float(crawl_delay))
        if rate and rate.requests:
            self.delay = max(self.delay, rate.seconds / rate.requests)
        return list(self.robots.sitemaps)

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(url, ROBOTS_TOKEN)

    # ------------------------------------------------------------ pages

    def get(
        self,
        url: str,
        *,
        kind: str = "page",
        etag: str | None = None,
        last_modified: str | None = None,
        accept_any: bool = False,
    ) -> Response:
        """Return the response for ``url`` after redirects on the host; raise ``PageRefused``.

        ``etag`` / ``last_modified`` make the request conditional (a 304 comes
        back as it is). Non-HTML content is refused unless ``accept_any``.
        """
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            if not self.same_host(url):
                raise PageRefused(f"{url} is on another host; pgraph fetch stays on {self.origin}")
            if not self.allowed(url):
                raise PageRefused("disallowed by robots.txt", robots=True)
            response = self._request(url, kind=kind, etag=etag, last_modified=last_modified,
                                     accept_any=accept_any)
            if response.status in {301, 302, 303, 307, 308}:
                target = response.location
                if not target:
                    raise PageRefused(f"HTTP {response.status} without a Location")
                url = urljoin(url, target)
                if url in seen:
                    raise PageRefused(f"redirect loop (back to {url})")
                seen.add(url)
                continue
            return response
        raise PageRefused(f"more than {MAX_REDIRECTS} redirects")

    def _request(
        self,
        url: str,
        *,
        kind: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept_any: bool = False,
    ) -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        problem = ""
        for attempt in range(self.retries + 1):
            wait = self._wait_for_turn()
            if wait:
                self.sleep(wait)
            try:
                result = self._once(url, headers, accept_any=accept_any)
            except httpx.TimeoutException:
                problem, retry_after = f"timed out after {self.timeout:g} s", None
            except httpx.TransportError as exc:
                problem, retry_after = f"connection failed ({type(exc).__name__}: {exc})", None
            else:
                if result.status not in RETRY_STATUSES:
                    return result
                problem = f"HTTP {result.status}"
                retry_after = result.retry_after
            finally:
                self._last_end = time.monotonic()
            if attempt == self.retries:
                break
            pause = backoff_pause(self.backoff, attempt)
            asked = _retry_after_seconds(retry_after)
            if asked is not None:
                if asked > MAX_RETRY_AFTER:
                    raise PageRefused(f"{problem}; the server asks to wait {asked:.0f} s")
                pause = max(pause, asked)
            self.sleep(pause)
        tries = f" (after {self.retries + 1} tries)" if self.retries else ""
        raise PageRefused(problem + tries)

    def _wait_for_turn(self) -> float:
        if self._last_end is None:
            return 0.0
        return max(0.0, self._last_end + self.delay - time.monotonic())

    def _once(self, url: str, headers: dict[str, str], *, accept_any: bool) -> Response:
        started = time.monotonic()
        self.requests += 1
        with self._client.stream("GET", url, headers=headers) as answer:
            status = answer.status_code
            if status in {301, 302, 303, 307, 308}:
                return Response(url, status, location=answer.headers.get("location"))
            if status in RETRY_STATUSES:
                return Response(url, status, retry_after=answer.headers.get("retry-after"))
            content_type, charset = _content_type(answer.headers.get("content-type", ""))
            response = Response(
                url, status, content_type=content_type, charset=charset,
                etag=answer.headers.get("etag"),
                last_modified=answer.headers.get("last-modified"),
            )
            if status != 200:
                return response
            if not accept_any and content_type and content_type not in HTML_TYPES:
                raise PageRefused(f"not HTML ({content_type})")
            length = answer.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise PageRefused(self._too_big(int(length)))
            chunks, size = [], 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise PageRefused(self._too_big(size, at_least=True))
                if time.monotonic() - started > self.timeout:
                    raise httpx.ReadTimeout("the whole response took too long")
                chunks.append(chunk)
            response.body = b"".join(chunks)
        if not accept_any and not content_type and not _looks_like_html(response.body):
            raise PageRefused("no Content-Type, and the body is not HTML")
        return response

    def _too_big(self, size: int, *, at_least: bool = False) -> str:
        more = "more than " if at_least else ""
        return (f"{more}{size / 1e6:.1f} MB, over the {self.max_bytes / 1e6:g} MB limit"
                " (--max-size)")


def _content_type(header: str) -> tuple[str, str | None]:
    kind, _, rest = header.partition(";")
    charset = None
    for part in rest.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return kind.strip().lower(), charset


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta"))


def _retry_after_seconds(value: str | None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
