"""The static linked-data site: a page per resource, its RDF beside it, the dumps, the description.

:func:`write_site` writes, under one folder:

- one HTML page per practice, organisation, partnership, Act, concept in use
  and concept scheme, at the path of its IRI under the base
  (``id/practice/x.html``), with ``.ttl`` and ``.jsonld`` files beside it
  holding the resource's description (:func:`~pgraph.publish.site_graph.describe_resource`)
  and schema.org JSON-LD embedded for search engines;
- ``index.html`` (facets with counts, lists of everything);
- ``dataset.html`` / ``.ttl`` / ``.jsonld``: the DCAT-AP and VoID description;
- ``dumps/``: the whole graph in every syntax (:func:`~pgraph.publish.dumps.write_dumps`);
- ``ontology.html``: the ontology documentation (:mod:`pgraph.publish.docs`);
- ``nginx.conf``: an example server configuration for content negotiation.

Pages link to each other with relative links and load nothing from the
network (the stylesheet is inline; a Content-Security-Policy forbids scripts
and remote loads). The site is written to a temporary folder beside ``out``
and moved into place when complete; an existing ``out`` is replaced only if
it is empty or a site written before.

Example:
    >>> import tempfile, pyoxigraph as ox
    >>> from pathlib import Path
    >>> from pgraph.mapping import map_practice
    >>> from pgraph.records import Practice
    >>> from pgraph.store import replace_graphs
    >>> store = ox.Store()
    >>> mapped = map_practice(Practice(slug="street-watch", title="Street Watch",
    ...                                country="France", domains=["Cybercrime"]))
    >>> replace_graphs(store, {mapped.iri: mapped.triples})
    >>> out = Path(tempfile.mkdtemp()) / "site"
    >>> report = write_site(store, out, dumps=False)
    >>> (out / "id/practice/street-watch.html").is_file(), report.pages["practice"]
    (True, 1)
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from rdflib import Graph, URIRef

from pgraph import __version__, progress
from pgraph.errors import PublishError
from pgraph.publish.description import (
    DatasetInfo,
    dataset_statistics,
    describe_dataset,
    write_description,
)
from pgraph.publish.docs import documentation, ontology_graph, vocabulary_graph
from pgraph.publish.dumps import Dump, DumpFormat, write_dumps, write_triples
from pgraph.publish.site_graph import GraphView, describe_resource, site_resources
from pgraph.publish.site_index import dataset_page, index_page
from pgraph.publish.site_nginx import nginx_config, w3id_htaccess
from pgraph.publish.site_pages import PageBuilder
from pgraph.publish.site_paths import SitePaths, prepare_site_file, write_site_file
from pgraph.publish.site_render import render
from pgraph.publish.site_retired import redirect_page, retired_organisations, retired_triples
from pgraph.publish.site_schema import JSONLD_BUILDERS, dataset_jsonld, script_json
from pgraph.store import to_oxigraph
from pgraph.vocab import DEFAULT_BASE, PGV

DEFAULT_SITE_BASE = "https://w3id.org/pgraph/"
"""Where the site is served: data IRIs (``…/id/``), vocabularies and ontology live under it."""
ONTOLOGY_IRI = "https://w3id.org/pgraph/ontology"
SITE_MARKER = ".pgraph-site"
DUMPS = "dumps"
KIND_LABELS = {
    "practice": "Practice", "organisation": "Organisation", "partnership": "Partnership",
    "act": "Act", "concept": "Concept", "scheme": "Concept scheme", "dataset": "Dataset",
    "ontology": "Ontology", "index": "", "resource": "",
}
RESOURCE_FORMATS = ((".ttl", DumpFormat.TURTLE), (".jsonld", DumpFormat.JSONLD),
                    (".nt", DumpFormat.NTRIPLES), (".rdf", DumpFormat.RDFXML))
"""The RDF documents written beside each page (the nginx example negotiates between them)."""


@dataclass
class SiteReport:
    """What :func:`write_site` wrote."""

    out: Path
    base: str
    pages: dict[str, int] = field(default_factory=dict)
    files: int = 0
    dumps: list[Dump] = field(default_factory=list)

    def summary(self) -> str:
        """Return the one-line summary ``pgraph site`` prints."""
        kinds = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in self.pages.items())
        return (f"{sum(self.pages.values())} pages ({kinds}), {self.files} files, "
                f"{len(self.dumps)} dumps in {self.out} for {self.base}")


def write_site(
    store: ox.Store,
    out: str | os.PathLike[str],
    *,
    base: str = DEFAULT_SITE_BASE,
    data_base: str = DEFAULT_BASE,
    dumps: bool = True,
    formats: Sequence[DumpFormat | str] = tuple(DumpFormat),
    gzip: bool = False,
    info: DatasetInfo | None = None,
    docs: bool = True,
    server_root: str = "/srv/pgraph-site",
    server_url: str | None = None,
) -> SiteReport:
    """Return what was written after writing the static site of the store into ``out``.

    ``base`` is the IRI the site is served at; ``data_base`` the namespace of
    the data's IRIs (for the VoID description and the nginx rules).
    ``server_root`` is the folder the example nginx configuration serves.
    With a base under ``https://w3id.org/``, a ``.htaccess`` for the w3id.org
    service is written too, redirecting to ``server_url`` (the URL the site
    is served at; default ``https://pgraph.example.org`` plus the base's path).
    """
    target = Path(out)
    base = base if base.endswith("/") else base + "/"
    _check_target(target)
    nginx = nginx_config(base, root=server_root, data_base=data_base)
    htaccess = None
    if urlsplit(base).hostname == "w3id.org":
        htaccess = w3id_htaccess(base, server_url or
                                 "https://pgraph.example.org" + urlsplit(base).path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial",
                                    dir=target.parent))
    try:
        _make_readable(staging)
        info = info or DatasetInfo(base=base, data_base=data_base,
                                   download_base=f"{base}{DUMPS}/")
        writer = _SiteWriter(store, staging, base=base, info=info)
        report = writer.run(dumps=dumps, formats=formats, gzip=gzip, docs=docs, nginx=nginx,
                            htaccess=htaccess)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.out = target
    return report


class _SiteWriter:
    def __init__(self, store: ox.Store, out: Path, *, base: str, info: DatasetInfo) -> None:
        self.store, self.out, self.base, self.info = store, out, base, info
        self.view = GraphView(store)
        self.paths = SitePaths(base)
        # Reserve the site's own pages first, so that no resource can take their paths.
        self.index_page = self.paths.page(base)
        self.dataset_page = self.paths.page(str(info.dataset))
        self.docs_page = self.paths.page(ONTOLOGY_IRI)
        self.nginx_page = self.paths.page(base + "nginx")
        self.resources = site_resources(self.view, base)
        self.builder = PageBuilder(self.view, self.paths, self.resources)
        self.report = SiteReport(out=out, base=base)

    def run(self, *, dumps: bool, formats: Sequence[DumpFormat | str], gzip: bool, docs: bool,
            nginx: str, htaccess: str | None) -> SiteReport:
        written = write_dumps(self.store, self.out / DUMPS, formats, gzip=gzip) if dumps else []
        self.report.dumps = written
        self.report.files += len(written)
        statistics = dataset_statistics(self.store, data_base=self.info.data_base)
        description = describe_dataset(self.store, written, info=self.info, statistics=statistics)
        jsonld = self.dataset_jsonld(written, statistics.countries)
        self.write_dataset(description, jsonld)
        for kind, iris in self.resources.kinds().items():
            for iri in progress.track(iris, f"site: {kind} pages", unit="page"):
                self.write_resource(kind, iri)
            self.report.pages[kind] = len(iris)
        self.write_index(written, jsonld)
        self.write_retired()
        if docs:
            self.write_docs()
        self.write(self.nginx_page, ".conf", nginx)
        if htaccess is not None:
            self.write("w3id", ".htaccess", htaccess)
        self.write(SITE_MARKER, "", f"pgraph {__version__} site for {self.base}\n")
        return self.report

    # -- files
    def write(self, page: str, ext: str, content: str | bytes) -> None:
        write_site_file(self.out, page, ext, content)
        self.report.files += 1

    def write_rdf(self, page: str, triples: list[ox.Triple]) -> None:
        for ext, fmt in RESOURCE_FORMATS:
            write_triples(triples, prepare_site_file(self.out, page, ext), fmt)
            self.report.files += 1

    def common(self, page: str, iri: str | None, kind: str, jsonld: dict[str, Any] | None,
               *, rdf: bool = True) -> dict[str, Any]:
        """Return what every page's template needs besides its own data."""
        depth = posixpath.dirname(page)
        root = "" if not depth else "../" * (depth.count("/") + 1)
        name = quote(posixpath.basename(page), safe="._-~")
        return {
            "site": {"title": "pgraph", "version": __version__, "base": self.base, "nav": True},
            "root": root, "iri": iri, "kind": kind, "kind_label": KIND_LABELS.get(kind, ""),
            "docs_href": SitePaths.href_to_path(page, self.docs_page + ".html"),
            "dataset_href": SitePaths.href_to_path(page, self.dataset_page + ".html"),
            "alternates": [{"type": "text/turtle", "label": "Turtle", "href": name + ".ttl"},
                           {"type": "application/ld+json", "label": "JSON-LD",
                            "href": name + ".jsonld"},
                           {"type": "application/n-triples", "label": "N-Triples",
                            "href": name + ".nt"},
                           {"type": "application/rdf+xml", "label": "RDF/XML",
                            "href": name + ".rdf"}] if rdf else [],
            "jsonld": script_json(jsonld) if jsonld else None,
        }

    # -- pages
    def write_resource(self, kind: str, iri: str) -> None:
        page = self.paths.page(iri)
        data = getattr(self.builder, kind)(iri)
        jsonld = JSONLD_BUILDERS[kind](self.view, iri, self.base + page + ".html")
        html = render(f"{kind}.html", **self.common(page, iri, kind, jsonld), **data)
        self.write(page, ".html", html)
        self.write_rdf(page, describe_resource(self.view, iri))

    def write_retired(self) -> None:
        """Write a redirecting page for each retired organisation IRI (``site_retired``)."""
        pages = 0
        for old, new in retired_organisations(self.store):
            # In use again (an organisation, or a predecessor body), or not ours to answer;
            # a plain "resource" page of the retired IRI gives way to the redirect.
            if self.builder.kind_of.get(old, "resource") != "resource" or not old.startswith(
                self.base
            ):
                continue
            page = self.paths.page(old)
            href = self.paths.href(page, new)
            self.write(page, ".html", redirect_page(old, new, href, self.view.label(new)))
            self.write_rdf(page, retired_triples(old, new))
            pages += 1
        if pages:
            self.report.pages["retired"] = pages

    def dataset_jsonld(self, dumps: list[Dump], countries: set[str]) -> dict[str, Any]:
        downloads = [{"contentUrl": f"{self.base}{DUMPS}/{d.file_name}",
                      "encodingFormat": d.media_type, "contentSize": str(d.byte_size)}
                     for d in dumps]
        return dataset_jsonld(
            iri=str(self.info.dataset), url=self.base, title=self.info.title,
            description=self.info.description, license=self.info.license,
            keywords=list(self.info.keywords), downloads=downloads,
            countries=sorted(self.view.label(str(PGV[f"country/{c}"])) for c in countries),
        )

    def write_index(self, dumps: list[Dump], jsonld: dict[str, Any]) -> None:
        page = self.index_page
        data = index_page(self.builder, dumps, DUMPS)
        context = self.common(page, self.base, "index", jsonld, rdf=False)
        context["title"] = self.info.title
        context["description"] = self.info.description
        self.write(page, ".html", render("index.html", **context, **data))

    def write_dataset(self, description: Graph, jsonld: dict[str, Any]) -> None:
        page = self.dataset_page
        for ext, fmt in RESOURCE_FORMATS:
            write_description(description, prepare_site_file(self.out, page, ext), fmt)
            self.report.files += 1
        data = dataset_page(description, URIRef(str(self.info.dataset)))
        for row in data["distributions"]:  # the dumps written here: link them relatively
            url = row["url"]
            if url is not None and url.href and url.href.startswith(f"{self.base}{DUMPS}/"):
                local = SitePaths.href_to_path(page, url.href[len(self.base):])
                row["url"] = replace(url, href=local, external=False)
        context = self.common(page, str(self.info.dataset), "dataset", jsonld)
        self.write(page, ".html", render("dataset.html", **context, **data))

    def write_docs(self) -> None:
        page = self.docs_page
        ontology = ontology_graph()
        data = documentation(ontology, vocabulary_graph())
        context = self.common(page, ONTOLOGY_IRI, "ontology", data.pop("jsonld"))
        self.write(page, ".html", render("docs.html", **context, **data))
        triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                   for s, p, o in ontology]
        self.write_rdf(page, triples)


# ---------------------------------------------------------------- the output folder


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise PublishError("not a folder", path=str(out), hint="choose a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise PublishError(
            "the folder is not empty and holds no site written by pgraph", path=str(out),
            hint="choose a new or empty folder (pgraph replaces only a site it wrote)",
        )


def _make_readable(folder: Path) -> None:
    """Give the folder the mode mkdir gives (mkdtemp's 0700 would hide the site from a server)."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _move_into_place(staging: Path, out: Path) -> None:
    """Swap the finished site in for ``out`` (empty, absent, or an earlier site)."""
    _check_target(out)  # again: the folder may have changed while the site was written
    try:
        if not out.exists():
            staging.rename(out)
            return
        if not any(out.iterdir()):
            out.rmdir()
            staging.rename(out)
            return
        previous = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        previous.rmdir()
        out.rename(previous)
        staging.rename(out)
        shutil.rmtree(previous, ignore_errors=True)
    except OSError as error:
        raise PublishError(f"cannot move the site into place: {error.strerror or error}",
                           path=str(out)) from error


__all__ = ["DEFAULT_SITE_BASE", "SiteReport", "write_site"]
