"""HTTP for publishing: credentials (environment, netrc, URL) and failures worded for a store.

The client itself — Basic and Digest, masking, the SPARQL protocol — is
``pgraph.http``, shared with remote queries; this module finds the
publishing credentials and turns a failed request into a PublishError that
says what to do.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping
from typing import Any

from pgraph import http
from pgraph.errors import PublishError
from pgraph.http import Credentials, HttpFailure, masked_url, netrc_credentials, url_credentials

__all__ = [
    "PASSWORD_VARIABLE", "USER_VARIABLE", "Credentials", "HttpClient", "find_credentials",
    "masked_url", "sparql_select",
]

USER_VARIABLE, PASSWORD_VARIABLE = "PGRAPH_PUBLISH_USER", "PGRAPH_PUBLISH_PASSWORD"


# ---------------------------------------------------------------- credentials


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
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        from_netrc = netrc_credentials(host, netrc_file or environ.get("NETRC"))
    except ValueError as error:
        file, line = error.args
        raise PublishError("cannot read the netrc file", path=file, line=line,
                           hint="check its syntax, and that only you can read it "
                                "(chmod 600)") from None
    return from_netrc or url_credentials(url)


def sparql_select(endpoint: str, query: str, *, credentials: Credentials | None = None,
                  timeout: float = 60.0) -> list[dict[str, Any]]:
    """Return the bindings of a SELECT query sent to ``endpoint`` (SPARQL 1.1 Protocol, JSON)."""
    client = HttpClient(credentials, timeout=timeout)
    answer = client.sparql(endpoint, query=query, accept="application/sparql-results+json")
    try:
        return json.loads(answer)["results"]["bindings"]
    except (ValueError, KeyError) as error:
        raise PublishError(f"{masked_url(endpoint)} did not answer with SPARQL JSON results",
                           hint="check that the URL is a SPARQL query endpoint") from error


# ---------------------------------------------------------------- HTTP


class HttpClient(http.HttpClient):
    """``pgraph.http.HttpClient`` whose failures are PublishErrors naming the graph written."""

    def send(self, method: str, url: str, body: bytes | None,  # type: ignore[override]
             headers: Mapping[str, str], *, graph: str | None = None) -> bytes:
        """Return the response body; raise PublishError for any failure."""
        try:
            return super().send(method, url, body, headers).body
        except HttpFailure as failure:
            raise self._publish_error(failure, graph) from None

    def sparql(self, endpoint: str, *, query: str | None = None, update: str | None = None,
               accept: str = "", graph: str | None = None) -> bytes:
        """Send a SPARQL query or update; return the answer's body."""
        try:
            return http.sparql_request(self, endpoint, query=query, update=update,
                                       accept=accept).body
        except HttpFailure as failure:
            raise self._publish_error(failure, graph) from None

    def _publish_error(self, failure: HttpFailure, graph: str | None) -> PublishError:
        if failure.status is None:
            parts = urllib.parse.urlsplit(failure.url)
            reason = "timed out" if failure.timed_out else failure.reason
            return PublishError(f"cannot reach the store at {parts.scheme}://{parts.netloc}: "
                                f"{reason}", hint="is it running, and are the host and port right?")
        what = f"graph <{graph}>" if graph else "the request"
        status = f"HTTP {failure.status} {failure.reason}".strip()
        where = masked_url(failure.url).split("?")[0]
        if failure.status == 401:
            if self.credentials is None:
                return PublishError(
                    f"{where} asks for a user name and password ({status})",
                    hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add a machine "
                         "entry for this host to ~/.netrc")
            return PublishError(
                f"{where} refused the user name or password of {self.credentials.user!r} "
                f"from {self.credentials.source} ({status})",
                hint="check the user name and password; they are not shown here")
        if failure.status == 403:
            return PublishError(f"{where} does not allow {what} to be written ({status})",
                                hint="grant this user the right to update the store")
        detail = failure.detail
        message = f"{where} rejected {what} ({status})" + (f": {detail}" if detail else "")
        hint = None
        if failure.status in (404, 405):
            hint = "check the URL: is it the store's Graph Store / Update endpoint?"
        elif failure.status == 415:
            hint = "the store does not accept Turtle here; try --method update"
        elif failure.status == 413:
            hint = "the request is too large for the store; try --method update --chunk-size N"
        return PublishError(message, hint=hint)
