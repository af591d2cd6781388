"""Figures about a built graph: what ``pgraph stats`` prints.

Example:
    >>> from pgraph.store import open_store
    >>> graph_stats(open_store(None))["triples"]
    0
"""

from __future__ import annotations

import pyoxigraph as ox

_CLASS_COUNTS = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?what (COUNT(DISTINCT ?node) AS ?count) WHERE {
  VALUES (?class ?what) {
    (pg:Practice "practices") (org:Organization "organisations")
    (pg:GenericPartner "generic_partners")
    (org:OrganizationalCollaboration "partnerships") (org:Membership "memberships")
    (pg:Assessment "assessments") (schema:Legislation "acts") (pg:Reference "references")
  }
  ?node a ?class .
} GROUP BY ?what
"""

_FLAGGED = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT
  (COUNT(DISTINCT ?unmapped) AS ?unmapped_concepts)
  (COUNT(DISTINCT ?unresolved) AS ?unresolved_acts)
  (COUNT(DISTINCT ?statutory) AS ?statutory_memberships)
WHERE {
  { ?unmapped pg:unmapped true }
  UNION { ?unresolved pg:unresolved true }
  UNION { ?statutory org:role <https://w3id.org/pgraph/vocab/role/statutory-partner> }
}
"""

_PER_COUNTRY = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?country (COUNT(DISTINCT ?practice) AS ?practices) WHERE {
  ?practice a pg:Practice ; pg:country ?concept .
  OPTIONAL { ?concept skos:notation ?code }
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(lang(?label) = "en" || lang(?label) = "") }
  BIND(COALESCE(?code, ?label) AS ?country)
} GROUP BY ?country ORDER BY DESC(?practices) ?country
"""


def resource_counts(store: ox.Store) -> dict[str, int]:
    """Return how many practices, organisations, partnerships, memberships, … the store holds."""
    counts = dict.fromkeys(
        ("practices", "organisations", "generic_partners", "partnerships", "memberships",
         "assessments", "acts", "references"),
        0,
    )
    for row in store.query(_CLASS_COUNTS, use_default_graph_as_union=True):
        counts[row["what"].value] = int(row["count"].value)
    return counts


def graph_stats(store: ox.Store) -> dict[str, object]:
    """Return counts of the graph's main resources, flags, triples, graphs and countries."""
    figures: dict[str, object] = dict(resource_counts(store))
    row = next(iter(store.query(_FLAGGED, use_default_graph_as_union=True)))
    for name in ("unmapped_concepts", "unresolved_acts", "statutory_memberships"):
        figures[name] = int(row[name].value)
    figures["triples"] = len(store)
    figures["named_graphs"] = sum(1 for _ in store.named_graphs())
    figures["practices_per_country"] = {
        row["country"].value: int(row["practices"].value)
        for row in store.query(_PER_COUNTRY, use_default_graph_as_union=True)
        if row["country"] is not None
    }
    return figures
