"""The server side of the site: nginx content negotiation, and the w3id.org redirect.

Each IRI under the base names a thing (a practice, an Act, a build); a
request for it is answered ``303 See Other`` with the document describing
it, in the format the ``Accept`` header prefers (the W3C "Cool URIs for the
Semantic Web" pattern): HTML, Turtle, JSON-LD, N-Triples or RDF/XML.

nginx has no content negotiation of its own, so the configuration computes
it with ``map`` blocks, as RFC 9110 (section 12.5.1) describes it: each
format's quality is that of the most specific media range naming it in the
header (``text/turtle`` before ``text/*`` before ``*/*``), ``q`` values
compared to one decimal; the best format wins, ties going to the first of
:data:`FORMATS`. A header that accepts none of them gets ``406 Not
Acceptable``; no header at all counts as ``*/*``. Parts of a practice
(assessments, references, kept sections) and memberships redirect to the
page section that shows them; the catalogue, publisher, distributions and
other dataset parts to the dataset's description; ontology versions to the
ontology.

:func:`w3id_htaccess` writes the Apache file the w3id.org service needs to
send the default base's IRIs on to the server that holds the site.

Example:
    >>> conf = nginx_config("https://w3id.org/pgraph/", root="/srv/pgraph-site")
    >>> "location /pgraph/ {" in conf and "return 406" in conf
    True
    >>> negotiate("text/turtle, text/html;q=0.1")
    '.ttl'
    >>> negotiate("image/png") is None
    True
"""

from __future__ import annotations

import re
from string import Template
from urllib.parse import urlsplit

from pgraph.errors import PublishError

FORMATS: dict[str, tuple[str, ...]] = {
    ".html": ("text/html", "application/xhtml+xml"),
    ".ttl": ("text/turtle", "application/x-turtle"),
    ".jsonld": ("application/ld+json", "application/json"),
    ".rdf": ("application/rdf+xml",),
    ".nt": ("application/n-triples",),
}
"""Each document format, by file extension, with the media types that ask for it (the first is
the one served). Their order breaks ties: a browser's ``*/*`` gets HTML."""

MEDIA_TYPES = {types[0]: ext for ext, types in FORMATS.items()}
"""The media type served for each extension, as ``{media type: extension}``."""

_LEVELS = "abcdefghijkl"
"""Quality buckets: a = not acceptable (q=0), b = 0 < q < 0.1, c..k = q 0.1..0.9, l = q=1."""

_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.-]+$")


# ---------------------------------------------------------------- negotiation, as nginx does it


def _quality_rules(media_types: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (regex, bucket) pairs in the order nginx tries them (the first match wins)."""
    ranges: list[str] = []
    for media_type in media_types:
        ranges.append(re.escape(media_type).replace("/", "/"))
    kinds = {t.split("/")[0] for t in media_types}
    ranges += [re.escape(kind) + r"/\*" for kind in sorted(kinds)]
    ranges.append(r"\*/\*")
    rules: list[tuple[str, str]] = []
    for media_range in ranges:
        head = rf"(^|,)\s*{media_range}\s*;[^,]*\bq\s*=\s*"
        rules += [(head + rf"0\.{d}", _LEVELS[d + 1]) for d in range(1, 10)]
        rules.append((head + r"0\.0{0,2}[1-9]", "b"))
        rules.append((head + "0", "a"))
        rules.append((head + "1", "l"))
        rules.append((rf"(^|,)\s*{media_range}\s*(;|,|$)", "l"))
    return rules


def _choice_rules() -> list[tuple[str, str]]:
    """Return (regex over the buckets of every format, extension), best quality first."""
    rules = []
    names = list(FORMATS)
    for level in reversed(_LEVELS[1:]):
        for position, ext in enumerate(names):
            pattern = "".join(level if i == position else f"[a-{level}]"
                              for i in range(len(names)))
            rules.append((f"^{pattern}$", ext))
    return rules


def negotiate(accept: str | None) -> str | None:
    """Return the extension the generated configuration serves for an ``Accept`` header.

    It applies the very rules written into the nginx ``map`` blocks (so a
    test can check them against any header); None means 406.
    """
    header = "*/*" if not accept or not accept.strip() else accept
    buckets = ""
    for media_types in FORMATS.values():
        bucket = "a"
        for pattern, level in _quality_rules(media_types):
            if re.search(pattern, header, re.I):
                bucket = level
                break
        buckets += bucket
    for pattern, ext in _choice_rules():
        if re.match(pattern, buckets):
            return ext
    return None


def _maps() -> str:
    names = []
    blocks = []
    for ext, media_types in FORMATS.items():
        name = f"$pgraph_q_{ext[1:]}"
        names.append(name)
        lines = [f"map $http_accept {name} {{", '    default "a";', '    ""      "l";']
        lines += [f'    "~*{_nginx_regex(pattern)}" "{level}";'
                  for pattern, level in _quality_rules(media_types)]
        blocks.append("\n".join(lines) + "\n}")
    choice = [f'map "{"".join(names)}" $pgraph_ext {{', '    default "";']
    choice += [f'    "~{pattern}" "{ext}";' for pattern, ext in _choice_rules()]
    blocks.append("\n".join(choice) + "\n}")
    return "\n\n".join(blocks)


def _nginx_regex(pattern: str) -> str:
    # In nginx, "$" followed by a name is a variable; "$)" and a final "$" are not.
    return pattern.replace('"', r"\"")


# ---------------------------------------------------------------- the configuration

_CONFIG = Template("""\
# pgraph: example nginx configuration for the site written by `pgraph site`.
#
# Serves every IRI under $base from the site's files by content negotiation:
#   Accept: text/html              -> <path>.html
#   Accept: text/turtle            -> <path>.ttl
#   Accept: application/ld+json    -> <path>.jsonld
#   Accept: application/rdf+xml    -> <path>.rdf
#   Accept: application/n-triples  -> <path>.nt
# q-values and wildcards count (text/turtle;q=0.9, text/*, */*): the format
# with the highest quality wins, ties going to the order above; a header
# accepting none of them gets 406. The IRI names the thing itself (a
# practice, an organisation, an Act), so a request for it is answered
# "303 See Other" with the document about it (W3C, Cool URIs for the
# Semantic Web); a document asked for by its own name (…/x.ttl) is served as
# it is.
#
# Use: copy the site folder to $root, put this file in the http { } block
# (e.g. /etc/nginx/conf.d/pgraph.conf), add TLS (listen 443 ssl; certificates)
# as your server does, then `nginx -t && nginx -s reload`.

$maps

server {
    listen 80;
    server_name $host;
$parts
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
            text/plain              conf htaccess;
        }
        charset utf-8;
        charset_types text/css text/turtle application/ld+json application/n-triples
                      application/n-quads application/trig application/rdf+xml text/plain;
        add_header Vary Accept always;
        add_header Access-Control-Allow-Origin "*" always;

        # The IRI of a thing (it has a page): 303 to its document in the negotiated
        # format, or 406 when the Accept header takes none of them.
        set $$pgraph_thing "";
        if (-f $$request_filename.html) {
            set $$pgraph_thing "thing";
        }
        set $$pgraph_answer "$${pgraph_thing}$${pgraph_ext}";
        if ($$pgraph_answer = "thing") {
            return 406 "Not acceptable; ask for one of: $accepted\\n";
        }
        if (-f $$request_filename$$pgraph_ext) {
            return 303 $$uri$$pgraph_ext;
        }
    }
}
""")

_PARTS = Template("""
    # Named captures: evaluating the Accept maps (regexes) would reset $$1, $$2, ….
    # Parts of a practice are described on its page (anchors #assessment-…, #reference-…).
    location ~ "^${data}practice/(?<practice>[^/]+)/${parts}/(?<key>[^/]+)$$" {
        add_header Vary Accept always;
        if ($$pgraph_ext = "") { return 406; }
        return 303 ${data}practice/$$practice$$pgraph_ext#$$part-$$key;
    }
    # A membership is described on its partnership's page (anchor #member-…).
    location ~ "^${data}practice/(?<practice>[^/]+)/partnership/(?<member>[^/]+)$$" {
        add_header Vary Accept always;
        if ($$pgraph_ext = "") { return 406; }
        return 303 ${data}practice/$$practice/partnership$$pgraph_ext#member-$$member;
    }
    # The catalogue, the publisher and the parts of the dataset (distributions,
    # partitions, linksets, the SPARQL service) are described with the dataset.
    location ~ "^${site}(catalog|publisher|dataset/.+)$$" {
        add_header Vary Accept always;
        if ($$pgraph_ext = "") { return 406; }
        return 303 ${site}dataset$$pgraph_ext;
    }
    # A version of the ontology: the ontology's documentation.
    location ~ "^${site}ontology/[^/]+$$" {
        add_header Vary Accept always;
        if ($$pgraph_ext = "") { return 406; }
        return 303 ${site}ontology$$pgraph_ext;
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
    data_path = path + "id/"
    if data_base and data_base.startswith(parts.geturl()):
        candidate = urlsplit(data_base).path
        if _SAFE_PATH.match(candidate):
            data_path = candidate.rstrip("/") + "/"
    extra = _PARTS.substitute(data=data_path, site=path,
                              parts="(?<part>assessment|reference|section)")
    accepted = ", ".join(types[0] for types in FORMATS.values())
    return _CONFIG.substitute(base=base, root=root.rstrip("/") or "/", host=host, path=path,
                              parts=extra, maps=_maps(), accepted=accepted)


def w3id_htaccess(base: str, server_url: str) -> str:
    """Return the ``.htaccess`` that w3id.org needs to send ``base``'s IRIs to ``server_url``.

    The redirect keeps the path and the query; the ``Accept`` header travels
    with the client to the server, which negotiates (see :func:`nginx_config`).

    Example:
        >>> text = w3id_htaccess("https://w3id.org/pgraph/", "https://data.example.org/pgraph/")
        >>> print(text.splitlines()[-1])
        RewriteRule ^(.*)$ https://data.example.org/pgraph/$1 [R=302,L,NE,QSA]
    """
    parts = urlsplit(base)
    target = urlsplit(server_url)
    if (parts.hostname != "w3id.org" or not _SAFE_PATH.match(parts.path or "/")
            or target.scheme not in ("http", "https") or not target.hostname
            or not _SAFE_HOST.match(target.hostname)
            or not _SAFE_PATH.match(target.path or "/")):
        raise PublishError(
            f"cannot write a w3id.org redirect from {base!r} to {server_url!r}", field="base",
            hint="the base must be under https://w3id.org/ and the server an http(s) URL")
    folder = parts.path.strip("/")
    where = server_url if server_url.endswith("/") else server_url + "/"
    return (
        f"# pgraph: the w3id.org redirect for {base}\n"
        f"# Put this file at {folder}/.htaccess in https://github.com/perma-id/w3id.org\n"
        f"# (a pull request). Every IRI under {base} is redirected, path and query\n"
        f"# kept, to {where}; the server there negotiates the format (pgraph's\n"
        f"# nginx.conf), so the client's Accept header decides what it gets.\n"
        f"RewriteEngine on\n"
        f"RewriteRule ^(.*)$ {where}$1 [R=302,L,NE,QSA]\n"
    )


__all__ = ["FORMATS", "MEDIA_TYPES", "negotiate", "nginx_config", "w3id_htaccess"]
