"""HTTP for publishing: credentials (environment, netrc, URL), Basic and Digest, SPARQL SELECT.

Credentials are never printed: URLs are shown without their user part, a
password is masked in anything a store sends back, and ``Credentials`` hides
it in ``repr``. The client is the standard library's ``urllib``: two request
shapes and two authentication schemes do not justify a new dependency.
"""

from __future__ import annotations

import base64
import json
import netrc
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgraph.errors import PublishError

USER_VARIABLE, PASSWORD_VARIABLE = "PGRAPH_PUBLISH_USER", "PGRAPH_PUBLISH_PASSWORD"


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


def find_credentials(
    url: str,
    *,
    environ: Mapping[str, str] | None = None,
    netrc_file: str | os.PathLike[str] | None = None,
) -> Credentials | None:
    """Return the credentials for ``url``: environment, then netrc, then the URL; else None.

    Example:
        >>> find_credentials("http://127.0.0.1:1/sparql",
        ...                  environ={"PGRAPH_PUBLISH_USER": "dba", "PGRAPH_PUBLISH_PASSWORD": "x"})
        Credentials(user='dba', password='****', source='environment')
    """
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password is not None):
            missing = PASSWORD_VARIABLE if user else USER_VARIABLE
            raise PublishError(f"{missing} is not set", field=missing,
                               hint=f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return Credentials(user, password, source="environment")
    parts = urllib.parse.urlsplit(url)
    from_netrc = _netrc_credentials(parts.hostname or "", netrc_file or environ.get("NETRC"))
    if from_netrc:
        return from_netrc
    if parts.username:
        return Credentials(urllib.parse.unquote(parts.username),
                           urllib.parse.unquote(parts.password or ""), source="URL")
    return None


def _netrc_credentials(host: str, path: str | os.PathLike[str] | None) -> Credentials | None:
    file = Path(path) if path else Path.home() / ".netrc"
    if not file.is_file():
        return None
    try:
        entry = netrc.netrc(str(file)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as error:
        # The parser's message may quote the file's content: say only where it failed.
        line = getattr(error, "lineno", None)
        raise PublishError("cannot read the netrc file", path=str(file), line=line,
                           hint="check its syntax, and that only you can read it "
                                "(chmod 600)") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login or "", password or "", source=f"netrc ({file})")


def masked_url(url: str) -> str:
    """Return ``url`` without its user name and password.

    Example:
        >>> masked_url("http://dba:secret@127.0.0.1:8890/sparql?x=1")
        'http://127.0.0.1:8890/sparql?x=1'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def sparql_select(endpoint: str, query: str, *, credentials: Credentials | None = None,
                  timeout: float = 60.0) -> list[dict[str, Any]]:
    """Return the bindings of a SELECT query sent to ``endpoint`` (SPARQL 1.1 Protocol, JSON)."""
    client = HttpClient(credentials, timeout=timeout)
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    answer = client.send("POST", endpoint, body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    })
    try:
        return json.loads(answer)["results"]["bindings"]
    except (ValueError, KeyError) as error:
        raise PublishError(f"{masked_url(endpoint)} did not answer with SPARQL JSON results",
                           hint="check that the URL is a SPARQL query endpoint") from error


# ---------------------------------------------------------------- HTTP


class HttpClient:
    """A small HTTP client: answers Basic and Digest challenges, turns failures into PublishError.

    Once a host has asked for Basic, later requests send it at once; for
    Digest, the last challenge is reused (the stdlib handler counts nonces),
    so a large body is sent at most twice.
    """

    def __init__(self, credentials: Credentials | None, *, timeout: float = 120.0) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self._opener = urllib.request.build_opener()
        self._schemes: dict[str, tuple[str, dict[str, str]]] = {}
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._digest = urllib.request.HTTPDigestAuthHandler(self._passwords)

    def send(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
             *, graph: str | None = None) -> bytes:
        """Return the response body; raise PublishError for any failure."""
        url = masked_url(url)  # the user part of a URL is a credential, never sent as such
        host = urllib.parse.urlsplit(url).netloc
        request = self._request(method, url, body, headers, host)
        try:
            return self._open(request)
        except urllib.error.HTTPError as error:
            already_answered = "Authorization" in request.unredirected_hdrs
            if error.code != 401 or self.credentials is None or already_answered:
                raise self._failure(error, url, graph) from None
            if self._remember_challenge(host, error) is None:
                raise self._failure(error, url, graph) from None
            error.close()
        request = self._request(method, url, body, headers, host)
        try:
            return self._open(request)
        except urllib.error.HTTPError as error:
            raise self._failure(error, url, graph) from None

    def _request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                 host: str) -> urllib.request.Request:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
        scheme = self._schemes.get(host)
        if scheme and self.credentials:
            if scheme[0] == "basic":
                token = f"{self.credentials.user}:{self.credentials.password}".encode()
                request.add_unredirected_header(
                    "Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
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

    def _open(self, request: urllib.request.Request) -> bytes:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as error:
            raise _unreachable(request.full_url, error.reason) from None
        except (TimeoutError, ConnectionError) as error:
            raise _unreachable(request.full_url, error) from None

    def _failure(self, error: urllib.error.HTTPError, url: str, graph: str | None
                 ) -> PublishError:
        what = f"graph <{graph}>" if graph else "the request"
        status = f"HTTP {error.code} {error.reason}".strip()
        try:
            detail = error.read(2000).decode("utf-8", "replace")
        except OSError:
            detail = ""
        detail = self._mask(" ".join(_strip_markup(detail).split()))[:300]
        where = masked_url(url).split("?")[0]
        if error.code == 401:
            if self.credentials is None:
                return PublishError(
                    f"{where} asks for a user name and password ({status})",
                    hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add a machine "
                         "entry for this host to ~/.netrc")
            return PublishError(
                f"{where} refused the user name or password of {self.credentials.user!r} "
                f"from {self.credentials.source} ({status})",
                hint="check the user name and password; they are not shown here")
        if error.code == 403:
            return PublishError(f"{where} does not allow {what} to be written ({status})",
                                hint="grant this user the right to update the store")
        message = f"{where} rejected {what} ({status})" + (f": {detail}" if detail else "")
        hint = None
        if error.code in (404, 405):
            hint = "check the URL: is it the store's Graph Store / Update endpoint?"
        elif error.code == 415:
            hint = "the store does not accept Turtle here; try --method update"
        elif error.code == 413:
            hint = "the request is too large for the store; try --method update --chunk-size N"
        return PublishError(message, hint=hint)

    def _mask(self, text: str) -> str:
        if self.credentials and self.credentials.password:
            # as given, and as a Basic token a failing server may echo back
            token = f"{self.credentials.user}:{self.credentials.password}".encode()
            text = text.replace(base64.b64encode(token).decode("ascii"), "****")
            text = text.replace(self.credentials.password, "****")
        return text


def _unreachable(url: str, reason: object) -> PublishError:
    parts = urllib.parse.urlsplit(url)
    where = f"{parts.scheme}://{parts.netloc}"
    text = getattr(reason, "strerror", None) or str(reason)
    return PublishError(f"cannot reach the store at {where}: {text}",
                        hint="is it running, and are the host and port right?")


def _strip_markup(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)
