"""The dataset's description: DCAT 3 as profiled by DCAT-AP, and VoID statistics.

:func:`dataset_statistics` counts what the store holds (the merge of its
graphs); :func:`describe_dataset` turns those counts, the dumps written and
the publisher's details into a catalogue, a dataset, one distribution per dump
(media type, byte size, SHA-256 checksum), the SPARQL endpoint as a
``dcat:DataService``, and VoID class and property partitions and linksets to
Wikidata and legislation.gov.uk. ``ontology/dataset-shapes.ttl`` checks the
result. Every node has an IRI (no blank nodes), so the Turtle is stable.

Definitions used for the VoID figures, over the merge of the selected graphs
(a triple stated in two graphs counts once):

- ``void:triples``: distinct triples; ``void:distinctSubjects`` /
  ``void:distinctObjects``: distinct subject / object terms;
- ``void:entities``: distinct IRI subjects inside the data namespace
  (``void:uriSpace``, the base under which pgraph mints IRIs);
- a class partition's ``void:entities``: distinct subjects typed with the class;
  a property partition's ``void:triples``: distinct triples with the property;
- a linkset: the triples whose object is in the target's namespace (e.g.
  ``http://www.wikidata.org/entity/``) and whose subject is not, one linkset
  per target and link predicate.

Example:
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://w3id.org/pgraph/id/organisation/x"),
    ...     ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
    ...     ox.NamedNode("http://www.wikidata.org/entity/Q1"), ox.NamedNode("https://e.org/g")))
    >>> stats = dataset_statistics(store)
    >>> stats.triples, stats.entities, stats.linksets
    (1, 1, {('wikidata', 'http://www.w3.org/2002/07/owl#sameAs'): 1})
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path

import pycountry
import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, VOID

from pgraph.publish.dumps import PREFIXES, Dump, DumpFormat, write_triples
from pgraph.vocab import DEFAULT_BASE, PG, PGV

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = Namespace("http://www.iana.org/assignments/media-types/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_AVAILABILITY = Namespace(
    "http://publications.europa.eu/resource/authority/planned-availability/")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
DESCRIPTION_NAME = "dataset"
"""The file stem of the description beside the dumps (``dataset.ttl``): never a dump itself."""

_LABELS = {
    str(EU_THEME.JUST): "Justice, legal system and public safety",
    str(EU_THEME)[:-1]: "Data theme",
    str(EU_AVAILABILITY.STABLE): "Stable",
    str(EU_AVAILABILITY)[:-1]: "Planned availability",
    str(ADMS_PUBLISHER_TYPE.NonProfitOrganisation): "Non-Profit Organisation",
    str(ADMS_PUBLISHER_TYPE["1.0"]): "Publisher type",
    str(PGV.domain): "Domains of crime and harm",
}
"""English names of the authority concepts and schemes the description uses (DCAT-AP asks
for a ``skos:prefLabel`` on each concept and a ``dct:title`` on each scheme)."""

_LICENCE_TYPES = {
    "https://creativecommons.org/licenses/by/4.0/": "http://purl.org/adms/licencetype/Attribution",
}
"""Known licences → their ADMS licence type (``dct:type``, recommended by DCAT-AP)."""

_FILE_TYPES = {
    DumpFormat.TURTLE: ("RDF_TURTLE", "Turtle"),
    DumpFormat.NTRIPLES: ("RDF_N_TRIPLES", "N-Triples"),
    DumpFormat.NQUADS: ("RDF_N_QUADS", "N-Quads"),
    DumpFormat.TRIG: ("RDF_TRIG", "TriG"),
    DumpFormat.JSONLD: ("JSON_LD", "JSON-LD"),
    DumpFormat.RDFXML: ("RDF_XML", "RDF_XML"),
}


@dataclass(frozen=True)
class LinkTarget:
    """Another dataset pgraph links to, known by the namespace of its IRIs."""

    key: str
    title: str
    uri_space: str
    homepage: str


LINK_TARGETS = (
    LinkTarget("wikidata", "Wikidata", "http://www.wikidata.org/entity/",
               "https://www.wikidata.org/"),
    LinkTarget("legislation", "legislation.gov.uk", "http://www.legislation.gov.uk/id/",
               "https://www.legislation.gov.uk/"),
)


@dataclass
class DatasetInfo:
    """What the store cannot tell: names, publisher, licence, where things are served."""

    base: str = "https://w3id.org/pgraph/"
    """Where the catalogue, dataset and distribution IRIs are minted."""
    data_base: str = DEFAULT_BASE
    """The namespace of the data's own IRIs (``void:uriSpace``)."""
    title: str = "pgraph: crime-prevention practices"
    description: str = (
        "Crime-prevention, community-policing and counter-radicalisation practices, "
        "their evaluations, partnerships and the legislation behind them, as a linked-data "
        "knowledge graph built by pgraph."
    )
    publisher: str = "https://w3id.org/pgraph/publisher"
    publisher_name: str = "pgraph"
    publisher_type: str = str(ADMS_PUBLISHER_TYPE.NonProfitOrganisation)
    """A concept of the ADMS publisher types (DCAT-AP recommends one)."""
    contact_email: str | None = None
    """The contact point's e-mail address (``vcard:hasEmail``), if there is one."""
    homepage: str | None = None
    """The catalogue's home page (default: ``base``, where the site is served)."""
    language: str = "ENG"
    """The catalogue's language, as an EU Publications Office language code."""
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    download_base: str | None = None
    """URL under which the dump files are served (default: ``{base}dumps/``)."""
    sparql_endpoint: str | None = None
    themes: tuple[str, ...] = (str(EU_THEME.JUST),)
    keywords: tuple[str, ...] = ("crime prevention", "community policing", "radicalisation")
    modified: dt.date | None = None
    """Default: the day the last build recorded in the store ended (else today)."""

    @property
    def dataset(self) -> URIRef:
        return URIRef(self.base + "dataset")

    @property
    def catalog(self) -> URIRef:
        return URIRef(self.base + "catalog")


@dataclass
class Statistics:
    """VoID figures of a store (see the module docstring for their definitions)."""

    triples: int = 0
    entities: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    """Class IRI → number of distinct instances."""
    properties: dict[str, int] = field(default_factory=dict)
    """Property IRI → number of distinct triples."""
    linksets: dict[tuple[str, str], int] = field(default_factory=dict)
    """(target key, link predicate IRI) → number of distinct triples."""
    countries: set[str] = field(default_factory=set)
    """ISO 3166-1 alpha-2 codes of the practices' countries."""
    domains: set[str] = field(default_factory=set)
    domain_labels: dict[str, str] = field(default_factory=dict)
    """Domain concept IRI → its preferred label (English if it has one)."""
    start_dates: tuple[dt.date, dt.date] | None = None
    vocabularies: set[str] = field(default_factory=set)
    example: str | None = None
    last_build: dt.date | None = None
    """The day the latest ``prov:endedAtTime`` in the store falls on."""


def dataset_statistics(
    store: ox.Store, *, graphs: Iterable[str] | None = None, data_base: str = DEFAULT_BASE
) -> Statistics:
    """Return the VoID figures of the store (or of some named graphs), merged."""
    if graphs is None:
        quads = store.quads_for_pattern(None, None, None, None)
    else:
        quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None,
                                                                     ox.NamedNode(str(g))))
    triples = {q.triple for q in quads}
    stats = Statistics(triples=len(triples))
    subjects = {t.subject for t in triples}
    stats.distinct_subjects = len(subjects)
    stats.distinct_objects = len({t.object for t in triples})
    stats.entities = sum(
        1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(data_base)
    )
    instances: dict[str, set] = {}
    properties: Counter[str] = Counter()
    linksets: Counter[tuple[str, str]] = Counter()
    for t in triples:
        predicate = t.predicate.value
        properties[predicate] += 1
        if predicate == str(RDF.type) and isinstance(t.object, ox.NamedNode):
            instances.setdefault(t.object.value, set()).add(t.subject)
        if isinstance(t.object, ox.NamedNode):
            for target in LINK_TARGETS:
                subject_outside = not (isinstance(t.subject, ox.NamedNode)
                                       and t.subject.value.startswith(target.uri_space))
                if t.object.value.startswith(target.uri_space) and subject_outside:
                    linksets[(target.key, predicate)] += 1
    stats.classes = {c: len(members) for c, members in sorted(instances.items())}
    stats.properties = dict(sorted(properties.items()))
    stats.linksets = dict(sorted(linksets.items()))
    _practice_facts(triples, stats)
    ended = [t.object.value for t in triples if t.predicate.value == str(PROV.endedAtTime)
             and isinstance(t.object, ox.Literal)]
    if ended:
        stats.last_build = dt.date.fromisoformat(max(ended)[:10])
    used = set(stats.classes) | set(stats.properties)
    stats.vocabularies = {ns for ns in PREFIXES.values() if any(i.startswith(ns) for i in used)}
    return stats


def _practice_facts(triples: set[ox.Triple], stats: Statistics) -> None:
    practice = ox.NamedNode(str(PG.Practice))
    practices = {t.subject for t in triples
                 if t.predicate.value == str(RDF.type) and t.object == practice}
    notations = {t.subject: t.object.value for t in triples
                 if t.predicate.value == str(SKOS.notation) and isinstance(t.object, ox.Literal)}
    dates = []
    for t in triples:
        value = t.object
        if t.subject not in practices or not isinstance(value, ox.NamedNode | ox.Literal):
            continue
        if t.predicate.value == str(PG.country) and isinstance(value, ox.NamedNode):
            if value in notations:
                stats.countries.add(notations[value])
        elif t.predicate.value == str(PG.domain):
            stats.domains.add(value.value)
        elif t.predicate.value == str(PG.startDate):
            try:
                dates.append(dt.date.fromisoformat(value.value))
            except ValueError:
                continue
    labels: dict[str, list[ox.Literal]] = {}
    for t in triples:
        if (t.predicate.value == str(SKOS.prefLabel) and isinstance(t.subject, ox.NamedNode)
                and t.subject.value in stats.domains and isinstance(t.object, ox.Literal)):
            labels.setdefault(t.subject.value, []).append(t.object)
    stats.domain_labels = {
        iri: min(found, key=lambda lit: (lit.language != "en", lit.value)).value
        for iri, found in labels.items()}
    if dates:
        stats.start_dates = (min(dates), max(dates))
    if practices:
        stats.example = min(p.value for p in practices if isinstance(p, ox.NamedNode))


# ---------------------------------------------------------------- the description


def describe_dataset(
    store: ox.Store,
    dumps: Sequence[Dump] = (),
    *,
    info: DatasetInfo | None = None,
    statistics: Statistics | None = None,
) -> Graph:
    """Return the DCAT-AP and VoID description of the store and its dumps as an rdflib graph."""
    info = info or DatasetInfo()
    stats = statistics or dataset_statistics(store, data_base=info.data_base)
    info = _with_modified(info, stats)
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    _describe_catalog(g, info, stats)
    _describe_dataset(g, info, stats)
    for dump in dumps:
        _describe_dump(g, info, dump)
    if info.sparql_endpoint:
        _describe_service(g, info)
    _describe_partitions(g, info, stats)
    _describe_linksets(g, info, stats)
    return g


def write_description(
    description: Graph, path_or_stream, fmt: DumpFormat | str = DumpFormat.TURTLE
) -> Dump:
    """Return what was written after writing the description (sorted, like every dump)."""
    from pgraph.store import to_oxigraph

    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
               for s, p, o in description]
    return write_triples(triples, path_or_stream, fmt)


def _agent(g: Graph, info: DatasetInfo) -> URIRef:
    publisher = URIRef(info.publisher)
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(info.publisher_name)))
    kind = URIRef(info.publisher_type)
    g.add((publisher, DCTERMS.type, kind))
    _concept(g, kind, ADMS_PUBLISHER_TYPE["1.0"])
    return publisher


def _concept(g: Graph, concept: URIRef, scheme: URIRef | None = None,
             label: str | None = None) -> URIRef:
    """Type an object as the ``skos:Concept`` DCAT-AP's range shapes ask for, with its label."""
    g.add((concept, RDF.type, SKOS.Concept))
    label = label or _LABELS.get(str(concept))
    if label:
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    if scheme is not None:
        g.add((concept, SKOS.inScheme, scheme))
        _scheme(g, scheme)
    return concept


def _scheme(g: Graph, scheme: URIRef) -> URIRef:
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    if str(scheme) in _LABELS:
        g.add((scheme, DCTERMS.title, Literal(_LABELS[str(scheme)], lang="en")))
    return scheme


def _typed(g: Graph, node: URIRef, *classes: URIRef) -> URIRef:
    for kind in classes:
        g.add((node, RDF.type, kind))
    return node


def _license(g: Graph, info: DatasetInfo) -> URIRef:
    licence = _typed(g, URIRef(info.license), DCTERMS.LicenseDocument)
    kind = _LICENCE_TYPES.get(info.license)
    if kind:
        g.add((licence, DCTERMS.type, _concept(g, URIRef(kind), label="Attribution")))
    return licence


def _contact(g: Graph, info: DatasetInfo) -> URIRef:
    """Return the contact point (a ``vcard:Kind``): the publisher, reached at its home page."""
    contact = URIRef(f"{info.publisher}#contact")
    _typed(g, contact, VCARD.Kind, VCARD.Organization)
    g.add((contact, VCARD.fn, Literal(info.publisher_name)))
    g.add((contact, VCARD.hasURL, URIRef(_homepage(info))))
    if info.contact_email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{info.contact_email}")))
    return contact


def _homepage(info: DatasetInfo) -> str:
    return info.homepage or info.base


def _location(g: Graph, code: str) -> URIRef:
    return _typed(g, _country(code), DCTERMS.Location)


def _describe_catalog(g: Graph, info: DatasetInfo, stats: Statistics) -> None:
    catalog = info.catalog
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"{info.title} (catalogue)", lang="en")))
    g.add((catalog, DCTERMS.description,
           Literal(f"The catalogue of the dataset {info.title}.", lang="en")))
    g.add((catalog, DCTERMS.publisher, _agent(g, info)))
    g.add((catalog, DCTERMS.license, _license(g, info)))
    g.add((catalog, DCAT.dataset, info.dataset))
    g.add((catalog, DCTERMS.modified, _modified(info)))
    g.add((catalog, DCTERMS.issued, _modified(info)))
    g.add((catalog, FOAF.homepage, _typed(g, URIRef(_homepage(info)), FOAF.Document)))
    language = _typed(g, EU_LANGUAGE[info.language], DCTERMS.LinguisticSystem)
    g.add((catalog, DCTERMS.language, language))
    for code in sorted(stats.countries):
        g.add((catalog, DCTERMS.spatial, _location(g, code)))
    g.add((catalog, DCAT.themeTaxonomy, _scheme(g, URIRef(str(EU_THEME)[:-1]))))
    if stats.domains:
        g.add((catalog, DCAT.themeTaxonomy, _scheme(g, PGV.domain)))
    if info.sparql_endpoint:
        g.add((catalog, DCAT.service, _service_iri(info)))


def _modified(info: DatasetInfo) -> Literal:
    return Literal((info.modified or dt.date.today()).isoformat(), datatype=XSD.date)


def _with_modified(info: DatasetInfo, stats: Statistics) -> DatasetInfo:
    if info.modified is not None or stats.last_build is None:
        return info
    return dataclasses.replace(info, modified=stats.last_build)


def _describe_dataset(g: Graph, info: DatasetInfo, stats: Statistics) -> None:
    d = info.dataset
    for kind in (DCAT.Dataset, VOID.Dataset):
        g.add((d, RDF.type, kind))
    g.add((d, DCTERMS.title, Literal(info.title, lang="en")))
    g.add((d, DCTERMS.description, Literal(info.description, lang="en")))
    g.add((d, DCTERMS.publisher, _agent(g, info)))
    g.add((d, DCTERMS.license, _license(g, info)))
    g.add((d, DCTERMS.modified, _modified(info)))
    g.add((d, DCAT.contactPoint, _contact(g, info)))
    g.add((d, DCTERMS.conformsTo, _typed(g, URIRef("https://w3id.org/pgraph/ontology"),
                                         DCTERMS.Standard)))
    for theme in _themes(g, info, stats):
        g.add((d, DCAT.theme, theme))
    for keyword in info.keywords:
        g.add((d, DCAT.keyword, Literal(keyword, lang="en")))
    for code in sorted(stats.countries):
        g.add((d, DCTERMS.spatial, _location(g, code)))
    if stats.start_dates:
        period = URIRef(f"{d}/temporal")
        g.add((d, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(stats.start_dates[0].isoformat(),
                                                datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(stats.start_dates[1].isoformat(),
                                              datatype=XSD.date)))
    # VoID
    g.add((d, VOID.uriSpace, Literal(info.data_base)))
    for name, value in (("triples", stats.triples), ("entities", stats.entities),
                        ("distinctSubjects", stats.distinct_subjects),
                        ("distinctObjects", stats.distinct_objects),
                        ("classes", len(stats.classes)), ("properties", len(stats.properties))):
        g.add((d, VOID[name], Literal(value, datatype=XSD.integer)))
    for namespace in sorted(stats.vocabularies):
        g.add((d, VOID.vocabulary, URIRef(namespace)))
    if stats.example:
        g.add((d, VOID.exampleResource, URIRef(stats.example)))
    if info.sparql_endpoint:
        g.add((d, VOID.sparqlEndpoint, URIRef(info.sparql_endpoint)))


def _themes(g: Graph, info: DatasetInfo, stats: Statistics) -> list[URIRef]:
    """Return the dataset's themes (EU data themes, then the domains), typed as concepts."""
    themes = [_concept(g, URIRef(theme), URIRef(str(EU_THEME)[:-1])) for theme in info.themes]
    # Only the curated domains: an unmapped value is no concept of the domain scheme.
    return themes + [_concept(g, URIRef(domain), PGV.domain, stats.domain_labels.get(domain))
                     for domain in sorted(stats.domains) if domain.startswith(str(PGV))]


def _country(code: str) -> URIRef:
    """Return the EU Publications Office country IRI for an alpha-2 code (our concept if none)."""
    country = pycountry.countries.get(alpha_2=code)
    return EU_COUNTRY[country.alpha_3] if country else PGV[f"country/{code}"]


def _download_url(info: DatasetInfo, dump: Dump) -> URIRef:
    base = info.download_base or f"{info.base}dumps/"
    return URIRef(base if base.endswith("/") else base + "/") + dump.file_name


def _describe_dump(g: Graph, info: DatasetInfo, dump: Dump) -> None:
    d = info.dataset
    distribution = URIRef(f"{d}/distribution/{dump.file_name}")
    file_type, format_name = _FILE_TYPES[dump.format]
    url = _download_url(info, dump)
    g.add((d, DCAT.distribution, distribution))
    g.add((d, VOID.dataDump, url))
    g.add((d, VOID.feature, W3C_FORMATS[format_name]))
    g.add((distribution, RDF.type, DCAT.Distribution))
    packed = " (gzip)" if dump.gzip else ""
    syntax = format_name.replace("_", "/")
    g.add((distribution, DCTERMS.title, Literal(f"{syntax} dump{packed}", lang="en")))
    graphs = ("keeps the named graphs (one per source file)" if dump.format.keeps_graphs
              else "holds the merge of the named graphs")
    g.add((distribution, DCTERMS.description, Literal(
        f"The whole graph in {syntax}{packed}; it {graphs}.", lang="en")))
    g.add((distribution, DCAT.accessURL, _typed(g, url, RDFS.Resource)))
    g.add((distribution, DCAT.downloadURL, url))
    g.add((distribution, DCAT.mediaType, _typed(g, IANA[dump.media_type], DCTERMS.MediaType)))
    g.add((distribution, DCTERMS["format"], _typed(g, EU_FILE_TYPE[file_type],
                                                   DCTERMS.MediaTypeOrExtent)))
    if dump.gzip:
        g.add((distribution, DCAT.compressFormat, _typed(g, IANA["application/gzip"],
                                                         DCTERMS.MediaType)))
    g.add((distribution, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)))
    g.add((distribution, DCTERMS.license, _license(g, info)))
    g.add((distribution, DCATAP.availability, _availability(g)))
    g.add((distribution, DCTERMS.modified, _modified(info)))
    checksum = URIRef(f"{distribution}/checksum")
    g.add((distribution, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, _typed(g, SPDX.checksumAlgorithm_sha256,
                                            SPDX.ChecksumAlgorithm)))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))


def _availability(g: Graph) -> URIRef:
    return _concept(g, EU_AVAILABILITY.STABLE, URIRef(str(EU_AVAILABILITY)[:-1]))


def _service_iri(info: DatasetInfo) -> URIRef:
    return URIRef(f"{info.dataset}/sparql-service")


def _describe_service(g: Graph, info: DatasetInfo) -> None:
    service, endpoint = _service_iri(info), URIRef(str(info.sparql_endpoint))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal(f"SPARQL endpoint of {info.title}", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.servesDataset, info.dataset))
    g.add((service, DCTERMS.description, Literal(
        f"Answers SPARQL 1.1 queries over {info.title}.", lang="en")))
    g.add((service, DCTERMS.conformsTo, _typed(g, SPARQL_PROTOCOL, DCTERMS.Standard)))
    # A SPARQL 1.1 endpoint describes itself (Service Description) at its own URL.
    g.add((service, DCAT.endpointDescription, _typed(g, endpoint, RDFS.Resource)))
    g.add((service, DCTERMS.license, _license(g, info)))
    g.add((service, DCTERMS.publisher, _agent(g, info)))
    g.add((service, DCAT.contactPoint, _contact(g, info)))
    for theme in _themes(g, info, Statistics()):
        g.add((service, DCAT.theme, theme))
    for keyword in info.keywords:
        g.add((service, DCAT.keyword, Literal(keyword, lang="en")))
    distribution = URIRef(f"{info.dataset}/distribution/sparql")
    g.add((info.dataset, DCAT.distribution, distribution))
    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((distribution, DCTERMS.description, Literal(
        "The graph behind a SPARQL 1.1 endpoint (the union of its named graphs).", lang="en")))
    g.add((distribution, DCAT.accessURL, endpoint))
    g.add((distribution, DCAT.accessService, service))
    g.add((distribution, DCTERMS["format"], _typed(g, EU_FILE_TYPE.SPARQLQ,
                                                   DCTERMS.MediaTypeOrExtent)))
    g.add((distribution, DCTERMS.license, _license(g, info)))
    g.add((distribution, DCATAP.availability, _availability(g)))


def _local_key(iri: str) -> str:
    """Return a readable, stable key for a class or property IRI: ``org-Membership``."""
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local.replace("_", "").isalnum():
            return f"{prefix}-{local}"
    return sha1(iri.encode("utf-8")).hexdigest()[:16]


def _describe_partitions(g: Graph, info: DatasetInfo, stats: Statistics) -> None:
    d = info.dataset
    for iri, entities in stats.classes.items():
        partition = URIRef(f"{d}/class/{_local_key(iri)}")
        g.add((d, VOID.classPartition, partition))
        g.add((partition, RDF.type, VOID.Dataset))
        g.add((partition, VOID["class"], URIRef(iri)))
        g.add((partition, VOID.entities, Literal(entities, datatype=XSD.integer)))
    for iri, triples in stats.properties.items():
        partition = URIRef(f"{d}/property/{_local_key(iri)}")
        g.add((d, VOID.propertyPartition, partition))
        g.add((partition, RDF.type, VOID.Dataset))
        g.add((partition, VOID.property, URIRef(iri)))
        g.add((partition, VOID.triples, Literal(triples, datatype=XSD.integer)))


def _describe_linksets(g: Graph, info: DatasetInfo, stats: Statistics) -> None:
    d = info.dataset
    targets = {t.key: t for t in LINK_TARGETS}
    for (key, predicate), triples in stats.linksets.items():
        target = targets[key]
        target_dataset = URIRef(f"{info.base}dataset/target/{key}")
        g.add((target_dataset, RDF.type, VOID.Dataset))
        g.add((target_dataset, DCTERMS.title, Literal(target.title)))
        g.add((target_dataset, VOID.uriSpace, Literal(target.uri_space)))
        g.add((target_dataset, FOAF.homepage, URIRef(target.homepage)))
        linkset = URIRef(f"{d}/linkset/{key}/{_local_key(predicate)}")
        g.add((d, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, d))
        g.add((linkset, VOID.objectsTarget, target_dataset))
        g.add((linkset, VOID.target, d))
        g.add((linkset, VOID.target, target_dataset))
        g.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        g.add((linkset, VOID.triples, Literal(triples, datatype=XSD.integer)))


def describe_dump_files(
    directory: str | os.PathLike[str], *, exclude: Iterable[str | os.PathLike[str]] = ()
) -> list[Dump]:
    """Return a :class:`Dump` for each dump file in ``directory`` (size and checksum).

    ``exclude`` names other files that are not dumps; the description itself
    (``dataset.ttl``, ``dataset.jsonld``, … written by ``pgraph describe``) is
    never one, so describing a folder twice gives the same description.
    """
    from pgraph.publish.dumps import file_digest, iter_dump_files

    skipped = {Path(p).resolve() for p in exclude}
    dumps = []
    for path, fmt, zipped in iter_dump_files(directory):
        if path.resolve() in skipped or path.name.split(".", 1)[0] == DESCRIPTION_NAME:
            continue
        size, digest = file_digest(path)
        dumps.append(Dump(format=fmt, path=Path(path), gzip=zipped, triples=0, graphs=(),
                          byte_size=size, sha256=digest))
    return dumps


__all__ = [
    "DESCRIPTION_NAME",
    "LINK_TARGETS",
    "DatasetInfo",
    "Statistics",
    "dataset_statistics",
    "describe_dataset",
    "describe_dump_files",
    "write_description",
]
