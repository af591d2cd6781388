"""An example nginx configuration serving the site's IRIs by content negotiation.

Each IRI under the base names a thing (a practice, an Act); a request for it
is answered ``303 See Other`` with the document describing it, in the format
the ``Accept`` header asks for: ``text/html`` → ``.html``, ``text/turtle`` →
``.ttl``, ``application/ld+json`` → ``.jsonld`` (the W3C "Cool URIs for the
Semantic Web" pattern). Parts of a practice (assessments, references) and
memberships redirect to the page that shows them.

Example:
    >>> conf = nginx_config("https://w3id.org/pgraph/", root="/srv/pgraph-site")
    >>> '"~*text/turtle"' in conf and "location /pgraph/ {" in conf
    True
"""

from __future__ import annotations

import re
from string import Template
from urllib.parse import urlsplit

from pgraph.errors import PublishError

MEDIA_TYPES = {"text/html": ".html", "text/turtle": ".ttl", "application/ld+json": ".jsonld"}
"""The negotiated formats, in the order the ``Accept`` map tries them."""

_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.-]+$")

_CONFIG = Template("""\
# pgraph: example nginx configuration for the site written by `pgraph site`.
#
# Serves every IRI under $base from the site's files by content negotiation:
#   Accept: text/html            -> <path>.html
#   Accept: text/turtle          -> <path>.ttl
#   Accept: application/ld+json  -> <path>.jsonld
# The IRI names the thing itself (a practice, an organisation, an Act), so a
# request for it is answered "303 See Other" with the document about it
# (W3C, Cool URIs for the Semantic Web); a document asked for by its own name
# (…/x.ttl) is served as it is.
#
# Use: copy the site folder to $root, put this file in the http { } block
# (e.g. /etc/nginx/conf.d/pgraph.conf), add TLS (listen 443 ssl; certificates)
# as your server does, then `nginx -t && nginx -s reload`.
#
# The Accept map ignores q-values: the first of its patterns found in the
# header wins, HTML first, so that browsers always get pages.

map $$http_accept $$pgraph_ext {
    default                      ".html";
    "~*text/html"                ".html";
    "~*application/xhtml\\+xml"   ".html";
    "~*text/turtle"              ".ttl";
    "~*application/ld\\+json"     ".jsonld";
    "~*application/json"         ".jsonld";
}

server {
    listen 80;
    server_name $host;

    location $path {
        alias $root/;
        index index.html;
        types {
            text/html               html;
            text/css                css;
            image/svg+xml           svg;
            text/turtle             ttl;
            application/ld+json     jsonld;
            application/n-triples   nt;
            application/n-quads     nq;
            application/trig        trig;
            application/rdf+xml     rdf;
            application/gzip        gz;
            text/plain              conf;
        }
        charset utf-8;
        charset_types text/css text/turtle application/ld+json application/n-triples
                      application/n-quads application/trig application/rdf+xml text/plain;
        add_header Vary Accept always;
        add_header Access-Control-Allow-Origin "*" always;

        # The IRI of a thing: 303 to its document in the negotiated format.
        if (-f $$request_filename$$pgraph_ext) {
            return 303 $$uri$$pgraph_ext;
        }
    }
$parts}
""")

_PARTS = Template("""\

    # Named captures: evaluating the Accept map (a regex) would reset $$1, $$2, ….
    # Parts of a practice are described on its page (anchors #assessment-…, #reference-…).
    location ~ "^${data}practice/(?<practice>[^/]+)/${parts}/(?<key>[^/]+)$$" {
        add_header Vary Accept always;
        return 303 ${data}practice/$$practice$$pgraph_ext#$$part-$$key;
    }
    # A membership is described on its partnership's page.
    location ~ "^${data}membership/(?<partnership>[^/]+)/(?<member>[^/]+)$$" {
        add_header Vary Accept always;
        return 303 ${data}partnership/$$partnership$$pgraph_ext#member-$$member;
    }
""")


def nginx_config(base: str, *, root: str = "/srv/pgraph-site", data_base: str | None = None) -> str:
    """Return an nginx configuration serving the site at ``root`` for the IRIs under ``base``."""
    parts = urlsplit(base if base.endswith("/") else base + "/")
    path, host = parts.path or "/", parts.hostname or ""
    if not (_SAFE_PATH.match(path) and _SAFE_HOST.match(host) and _SAFE_PATH.match(root)):
        raise PublishError(
            f"cannot write an nginx configuration for the base {base!r} and root {root!r}",
            field="base", hint="use a base IRI and folder made of letters, digits, '.', '-', '/'",
        )
    extra = ""
    if data_base and data_base.startswith(base):
        data_path = urlsplit(data_base).path
        if _SAFE_PATH.match(data_path):
            extra = _PARTS.substitute(data=data_path.rstrip("/") + "/",
                                      parts="(?<part>assessment|reference|section)")
    return _CONFIG.substitute(base=base, root=root.rstrip("/") or "/", host=host, path=path,
                              parts=extra)
