"""Proposing links from organisations to Wikidata: candidates, scores, accepted and to review.

``pgraph link`` looks up each organisation that has no Wikidata link yet in a
reconciliation endpoint (Wikidata's SPARQL endpoint by default, any endpoint
holding Wikidata-shaped data in tests), by exact label or alias — its
canonical name, the other names pages use, with and without "The" — in a few
languages. Each candidate gets a score from three clues:

- **name** (weight 0.5): the best similarity between our names and the
  candidate's labels and aliases, case and accents folded;
- **country** (0.25): 1 when the candidate's country (``wdt:P17``) is a
  country where the organisation works, 0 when it is another, ½ when unknown;
- **type** (0.25): 1 when a label of the candidate's class (``wdt:P31``)
  contains a keyword of the organisation's type (``org:classification``),
  0 when not, ½ when either is unknown.

A candidate scoring at least ``accept_above`` (0.85), and clearly ahead of
the next one, becomes a link in ``data/alignments.yaml`` (which the next
build turns into ``owl:sameAs``); candidates between ``review_above`` (0.5)
and that are written to a review list (CSV) for a person to decide. Nothing
already in the alignment file is changed.

Example:
    >>> org = Organisation("https://w3id.org/pgraph/id/organisation/x", "City of London Police",
    ...                    countries={"http://www.wikidata.org/entity/Q145"}, keywords={"police"})
    >>> candidate = score_candidate(org, RemoteItem("http://www.wikidata.org/entity/Q1",
    ...     labels={"City of London Police"}, countries={"http://www.wikidata.org/entity/Q145"},
    ...     type_labels={"territorial police force"}))
    >>> candidate.score, candidate.qid
    (1.0, 'Q1')
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal

from pgraph.errors import PublishError
from pgraph.publish.alignments import (
    add_organisation_links,
    read_organisation_links,
    write_review_list,
)
from pgraph.query.binding import sparql_term
from pgraph.vocab import fold, prefixes

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
ACCEPT_ABOVE, REVIEW_ABOVE = 0.85, 0.5
MARGIN = 0.1
"""The accepted candidate must be this far ahead of the next one, else both go to review."""
WEIGHTS = {"name": 0.5, "country": 0.25, "type": 0.25}
LANGUAGES = ("en", "fr", "de", "nl", "it", "es")
BATCH = 20
"""Organisations looked up per request."""


@dataclass
class Organisation:
    """An organisation of the store without a Wikidata link, with the clues for scoring."""

    iri: str
    name: str
    other_names: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    """Wikidata IRIs of the countries of the practices it partners in."""
    keywords: set[str] = field(default_factory=set)
    """Words that name its type (the type's labels and pg:keyword values)."""

    @property
    def names(self) -> set[str]:
        return {self.name} | self.other_names


@dataclass
class RemoteItem:
    """A Wikidata-shaped item found by label: its labels, countries and class labels."""

    iri: str
    labels: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    type_labels: set[str] = field(default_factory=set)


@dataclass
class Candidate:
    """A scored candidate item for one organisation."""

    iri: str
    label: str
    score: float
    name_score: float
    country_score: float
    type_score: float

    @property
    def qid(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Proposal:
    """The candidates of one organisation, best first, and what became of them."""

    organisation: Organisation
    candidates: list[Candidate]
    decision: str = "none"
    """``accepted``, ``review`` or ``none``."""
    reason: str = ""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class LinkReport:
    """What ``link_organisations`` found and wrote."""

    proposals: list[Proposal]
    added: dict[str, str] = field(default_factory=dict)
    """Canonical name → QID, newly written to the alignment file."""
    alignments: Path | None = None
    review: Path | None = None

    @property
    def accepted(self) -> list[Proposal]:
        return [p for p in self.proposals if p.decision == "accepted"]

    @property
    def to_review(self) -> list[Proposal]:
        return [p for p in self.proposals if p.decision == "review"]

    def summary(self) -> str:
        """Return the lines ``pgraph link`` prints."""
        lines = [f"{len(self.proposals)} organisations without a Wikidata link looked up: "
                 f"{len(self.accepted)} accepted, {len(self.to_review)} to review, "
                 f"{len(self.proposals) - len(self.accepted) - len(self.to_review)} "
                 "without a candidate"]
        for proposal in self.accepted:
            best = proposal.best
            assert best is not None
            lines.append(f"  accepted {proposal.organisation.name} -> {best.qid} "
                         f"({best.label}, score {best.score:.2f})")
        if self.alignments and self.added:
            lines.append(f"wrote {len(self.added)} links to {self.alignments}")
        if self.review:
            lines.append(f"wrote the review list to {self.review}")
        return "\n".join(lines)


# ---------------------------------------------------------------- the local side


_PREFIXES = "".join(
    f"PREFIX {name}: <{namespace}>\n"
    for name, namespace in prefixes("org", "skos", "owl", "pg").items()
)
# Five small queries: one query joining all of them through UNION is 100 times slower.
_LOCAL_QUERIES = {
    "name": "SELECT DISTINCT ?org ?value WHERE { ?org a org:Organization ; skos:prefLabel ?value }",
    "linked": """SELECT DISTINCT ?org ?value WHERE {
        ?org a org:Organization ; owl:sameAs|skos:exactMatch ?value
        FILTER(STRSTARTS(STR(?value), "http://www.wikidata.org/entity/")) }""",
    "other": "SELECT DISTINCT ?org ?value WHERE { ?org a org:Organization ; skos:altLabel ?value }",
    "country": """SELECT DISTINCT ?org ?value WHERE {
        ?membership org:member ?org ; org:organization ?partnership .
        ?practice pg:partnership ?partnership ; pg:country/skos:exactMatch ?value
        FILTER(STRSTARTS(STR(?value), "http://www.wikidata.org/entity/")) }""",
    "kind": """SELECT DISTINCT ?org ?value WHERE {
        ?org a org:Organization ; org:classification/(skos:prefLabel|pg:keyword) ?value }""",
}


def organisations_to_link(store: ox.Store, *, skip_names: Iterable[str] = ()) -> list[Organisation]:
    """Return the store's organisations that have no Wikidata link (nor one in ``skip_names``)."""
    facts: dict[str, dict[str, set[str]]] = {}
    for clue, query in _LOCAL_QUERIES.items():
        for row in store.query(_PREFIXES + query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            facts.setdefault(row["org"].value, {}).setdefault(clue, set()).add(row["value"].value)
    skip = {fold(n) for n in skip_names}
    found = []
    for iri, clues in facts.items():
        if "name" not in clues or "linked" in clues:
            continue
        name = min(clues["name"])
        if fold(name) in skip:
            continue
        found.append(Organisation(
            iri, name, other_names=clues.get("other", set()) - {name},
            countries=clues.get("country", set()),
            keywords={fold(word) for word in clues.get("kind", set())},
        ))
    return sorted(found, key=lambda o: (fold(o.name), o.iri))


def name_variants(organisation: Organisation) -> set[str]:
    """Return the spellings to look up: each name with and without a leading "The", and in
    lower case (Wikidata writes generic things so: "social services").

    Example:
        >>> sorted(name_variants(Organisation("x", "City of London Police")))
        ['City of London Police', 'The City of London Police', 'city of london police']
    """
    variants = set()
    for name in organisation.names:
        name = " ".join(name.split())
        bare = name[4:] if name.lower().startswith("the ") else name
        variants |= {bare, f"The {bare}", bare.lower()}
    return variants


# ---------------------------------------------------------------- the remote side


_CANDIDATES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?key ?item WHERE {
  VALUES (?key ?name) { %s }
  ?item rdfs:label|skos:altLabel ?name .
}
"""

_DETAILS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt:  <http://www.wikidata.org/prop/direct/>
SELECT ?item ?label ?country ?typeLabel WHERE {
  VALUES ?item { %s }
  { ?item rdfs:label|skos:altLabel ?label FILTER(LANG(?label) IN (%s)) }
  UNION { ?item wdt:P17 ?country }
  UNION { ?item wdt:P31 ?type . ?type rdfs:label ?typeLabel FILTER(LANG(?typeLabel) IN (%s)) }
}
"""


def candidate_queries(
    organisations: Sequence[Organisation], *, languages: Sequence[str] = LANGUAGES
) -> Iterator[tuple[Sequence[Organisation], str]]:
    """Yield each batch of organisations and the query finding their candidates.

    In the query's rows, ``?key`` is the index of the organisation in the batch.
    """
    for start in range(0, len(organisations), BATCH):
        batch = organisations[start:start + BATCH]
        pairs = " ".join(
            # sparql_term, not rdflib's n3(): n3() can close a triple-quoted string
            # early ("…\n…\\\"" does), which breaks, or rewrites, the query.
            f"({sparql_term(Literal(str(index)))} {sparql_term(Literal(name, lang=language))})"
            for index, organisation in enumerate(batch)
            for name in sorted(name_variants(organisation))
            for language in languages
        )
        yield batch, _CANDIDATES % pairs


def find_candidates(
    endpoint: str,
    organisations: Sequence[Organisation],
    *,
    languages: Sequence[str] = LANGUAGES,
    timeout: float = 60.0,
) -> dict[str, list[RemoteItem]]:
    """Return, per organisation IRI, the items whose label or alias is one of its names."""
    items_by_org: dict[str, set[str]] = {}
    for batch, query in candidate_queries(organisations, languages=languages):
        for row in _select(endpoint, query, timeout):
            organisation = batch[int(row["key"]["value"])]
            items_by_org.setdefault(organisation.iri, set()).add(row["item"]["value"])
    every_item = sorted({i for items in items_by_org.values() for i in items})
    details = _item_details(endpoint, every_item, languages, timeout)
    return {org: [details[i] for i in sorted(items)] for org, items in items_by_org.items()}


def _item_details(endpoint: str, items: list[str], languages: Sequence[str],
                  timeout: float) -> dict[str, RemoteItem]:
    details = {iri: RemoteItem(iri) for iri in items}
    wanted_languages = ", ".join(sparql_term(Literal(language)) for language in languages)
    for start in range(0, len(items), BATCH * 5):
        values = " ".join(str(ox.NamedNode(i)) for i in items[start:start + BATCH * 5])
        query = _DETAILS % (values, wanted_languages, wanted_languages)
        for row in _select(endpoint, query, timeout):
            item = details[row["item"]["value"]]
            if "label" in row:
                item.labels.add(row["label"]["value"])
            if "country" in row:
                item.countries.add(row["country"]["value"])
            if "typeLabel" in row:
                item.type_labels.add(row["typeLabel"]["value"])
    return details


def _select(endpoint: str, query: str, timeout: float) -> list[dict]:
    from pgraph.http import HttpClient, HttpFailure, masked_url, sparql_request

    client = HttpClient(timeout=timeout)
    try:
        answer = sparql_request(client, endpoint, query=query,
                                accept="application/sparql-results+json")
        return json.loads(answer.body)["results"]["bindings"]
    except HttpFailure as failure:
        if failure.status is not None:
            raise PublishError(
                f"the reconciliation endpoint {masked_url(endpoint)} refused a query: "
                f"HTTP {failure.status} {failure.reason}".rstrip()) from None
        reason = "timed out" if failure.timed_out else failure.reason
        raise PublishError(f"cannot reach the reconciliation endpoint {masked_url(endpoint)}: "
                           f"{reason}", hint="check --endpoint and the network") from None
    except (ValueError, KeyError, TypeError) as error:
        raise PublishError(f"{masked_url(endpoint)} did not answer with SPARQL JSON results",
                           hint="is --endpoint a SPARQL endpoint?") from error


# ---------------------------------------------------------------- scoring


def name_similarity(ours: Iterable[str], theirs: Iterable[str]) -> float:
    """Return the best similarity (0 to 1) between any of our names and any of theirs.

    Example:
        >>> name_similarity(["The City of London Police"], ["city of london police"])
        1.0
    """
    def key(name: str) -> str:
        name = fold(name)
        return name[4:] if name.startswith("the ") else name

    best = 0.0
    for a in {key(n) for n in ours}:
        for b in {key(n) for n in theirs}:
            best = max(best, difflib.SequenceMatcher(None, a, b).ratio())
    return round(best, 3)


def score_candidate(organisation: Organisation, item: RemoteItem) -> Candidate:
    """Return the candidate with its three clue scores and the weighted total."""
    name = name_similarity(organisation.names, item.labels)
    if organisation.countries and item.countries:
        country = 1.0 if organisation.countries & item.countries else 0.0
    else:
        country = 0.5
    if organisation.keywords and item.type_labels:
        words = {f" {' '.join(re.findall(r'[a-z0-9]+', fold(t)))} " for t in item.type_labels}
        kind = 1.0 if any(f" {k} " in w for k in organisation.keywords for w in words) else 0.0
    else:
        kind = 0.5
    total = WEIGHTS["name"] * name + WEIGHTS["country"] * country + WEIGHTS["type"] * kind
    label = _preferred_label(organisation, item)
    return Candidate(item.iri, label, round(total, 3), name, country, kind)


def _preferred_label(organisation: Organisation, item: RemoteItem) -> str:
    if not item.labels:
        return item.iri.rsplit("/", 1)[-1]
    return max(sorted(item.labels), key=lambda label: name_similarity(organisation.names, [label]))


def decide(proposal: Proposal, *, accept_above: float, review_above: float) -> Proposal:
    """Return the proposal with its decision: accepted, review, or none."""
    candidates = proposal.candidates
    if not candidates or candidates[0].score < review_above:
        proposal.decision, proposal.reason = "none", "no candidate scores high enough"
        return proposal
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score >= accept_above and best.score - runner_up >= MARGIN:
        proposal.decision, proposal.reason = "accepted", ""
    elif best.score >= accept_above:
        proposal.decision = "review"
        proposal.reason = f"{len(candidates)} candidates score alike"
    else:
        proposal.decision = "review"
        proposal.reason = _weakness(best)
    return proposal


def _weakness(candidate: Candidate) -> str:
    reasons = []
    if candidate.name_score < 1:
        reasons.append("the names differ")
    if candidate.country_score == 0:
        reasons.append("another country")
    elif candidate.country_score == 0.5:
        reasons.append("country unknown")
    if candidate.type_score == 0:
        reasons.append("another kind of organisation")
    elif candidate.type_score == 0.5:
        reasons.append("kind unknown")
    return "; ".join(reasons) or "score below the acceptance threshold"


# ---------------------------------------------------------------- the whole job


def propose_links(
    store: ox.Store,
    endpoint: str = WIKIDATA_ENDPOINT,
    *,
    accept_above: float = ACCEPT_ABOVE,
    review_above: float = REVIEW_ABOVE,
    skip_names: Iterable[str] = (),
    languages: Sequence[str] = LANGUAGES,
    timeout: float = 60.0,
) -> list[Proposal]:
    """Return a decided proposal for each organisation of the store without a Wikidata link."""
    if not 0 <= review_above <= accept_above <= 1:
        raise PublishError("the thresholds must satisfy 0 ≤ review ≤ accept ≤ 1",
                           field="accept_above")
    organisations = organisations_to_link(store, skip_names=skip_names)
    found = find_candidates(endpoint, organisations, languages=languages, timeout=timeout)
    proposals = []
    for organisation in organisations:
        candidates = sorted(
            (score_candidate(organisation, item) for item in found.get(organisation.iri, [])),
            key=lambda c: (-c.score, c.iri),
        )
        proposals.append(decide(Proposal(organisation, candidates),
                                accept_above=accept_above, review_above=review_above))
    return proposals


def link_organisations(
    store: ox.Store,
    endpoint: str = WIKIDATA_ENDPOINT,
    *,
    alignments: str | os.PathLike[str],
    review: str | os.PathLike[str] | None = None,
    accept_above: float = ACCEPT_ABOVE,
    review_above: float = REVIEW_ABOVE,
    dry_run: bool = False,
    timeout: float = 60.0,
) -> LinkReport:
    """Return what was proposed, after writing accepted links and the review list.

    The review list (CSV) defaults to ``link-review.csv`` beside the alignment
    file and is rewritten each run. With ``dry_run`` nothing is written.
    """
    alignments = Path(alignments)
    review_path = Path(review) if review else alignments.with_name("link-review.csv")
    curated = read_organisation_links(alignments)
    proposals = propose_links(store, endpoint, accept_above=accept_above,
                              review_above=review_above, skip_names=curated, timeout=timeout)
    report = LinkReport(proposals)
    if dry_run:
        return report
    links = {}
    for proposal in report.accepted:
        best = proposal.best
        assert best is not None
        links[proposal.organisation.name] = (best.qid, best.score)
    report.added = add_organisation_links(alignments, links)
    write_review_list(review_path, report.to_review, review_above=review_above)
    report.alignments, report.review = alignments, review_path
    return report


__all__ = [
    "WIKIDATA_ENDPOINT",
    "Candidate",
    "LinkReport",
    "Organisation",
    "Proposal",
    "RemoteItem",
    "add_organisation_links",
    "find_candidates",
    "link_organisations",
    "organisations_to_link",
    "propose_links",
    "read_organisation_links",
    "score_candidate",
    "write_review_list",
]
