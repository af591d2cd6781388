"""The rows networks are built from: the ``network-*`` queries, run once each.

:class:`CatalogueRows` runs the query library's ``network-*`` queries on the
local store or a SPARQL endpoint and keeps their rows; :class:`Filters`
selects the practices (in SPARQL, through ``network-practices``'
parameters). On an endpoint the rows come from :func:`pgraph.query.run_query`;
on the local store the same bound text runs on pyoxigraph directly, read
into plain values without the detour through rdflib terms.

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> rows = CatalogueRows(build_catalogue([data_dir() / "pages"], store_path=None).store, None)
    >>> list(rows.practices(Filters(country="Royaume-Uni")))
    ['https://w3id.org/pgraph/id/practice/z-community-policing-in-the-uk']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pgraph.errors import NetworkError, QueryError
from pgraph.query import bind_params, bind_query, load_query, run_query
from pgraph.store import is_store, open_store, require_store
from pgraph.store.terms import plain_value
from pgraph.vocab import PG, vocabularies

FACETS = {
    str(prop): name
    for prop, name in (
        (PG.domain, "domain"),
        (PG.level, "level"),
        (PG.targetAudience, "target_audience"),
        (PG.practiceType, "practice_type"),
        (PG.interventionPoint, "intervention_point"),
        (PG.timeline, "timeline"),
        (PG.costs, "costs"),
    )
}
"""Facet properties and the node attribute each fills."""


@dataclass(frozen=True)
class Filters:
    """Which practices a network is built from (all of them when nothing is set)."""

    country: str | None = None
    domain: str | None = None
    level: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """Return the filters as ``country="GB", since=2010-01-01`` ('' when none)."""
        parts = [f'{k}="{v}"' for k in ("country", "domain", "level") if (v := getattr(self, k))]
        parts += [f"{k}={v.isoformat()}" for k in ("since", "until") if (v := getattr(self, k))]
        return ", ".join(parts)

    def params(self) -> dict[str, object]:
        """Return the parameters of ``network-practices``: labels resolved to IRIs where known."""
        vocab = vocabularies() if self.country or self.domain or self.level else None
        params: dict[str, object] = {}
        if self.country and vocab:
            code = (
                self.country.upper() if len(self.country) == 2 else vocab.country_code(self.country)
            )
            params["country"] = (
                str(vocab.country_concept(code))
                if code and "://" not in self.country
                else self.country
            )
        for key, facet in (("domain", "domains"), ("level", "levels")):
            value = getattr(self, key)
            if value and vocab:
                concept = None if "://" in value else vocab.concept(facet, value)
                params[key] = str(concept) if concept is not None else value
        params.update({k: v for k in ("since", "until") if (v := getattr(self, k))})
        return params


def open_source(store: ox.Store | Path | str | None) -> ox.Store:
    """Open a store path once (each query would open it again)."""
    if is_store(store):
        return store  # type: ignore[return-value]
    return open_store(require_store(store), read_only=True)  # type: ignore[arg-type]


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass
class CatalogueRows:
    """Runs the network queries once each, on one store or endpoint."""

    store: Any
    endpoint: str | None
    cache: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    keep_generic: bool = False
    """Keep generic partners in organisation networks (left out by default)."""
    generic_left_out: int = 0
    """Memberships of generic partners the last ``memberships`` call left out."""

    def rows(self, name: str, params: dict[str, object] | None = None) -> list[dict[str, Any]]:
        """Return a query's rows, sorted (queries leave order to the engine; networks must not)."""
        if params or name not in self.cache:
            rows = (
                _local_rows(self.store, name, params)
                if self.endpoint is None
                else _remote_rows(self.endpoint, name, params)
            )
            rows.sort(key=itemgetter(*SORT_KEYS[name]))
            if params:
                return rows
            self.cache[name] = rows
        return self.cache[name]

    def practices(self, filters: Filters) -> dict[str, dict[str, Any]]:
        params = filters.params()
        rows = self.rows("network-practices", params)
        if not rows:
            everything = self.rows("network-practices") if params else rows
            if not everything:
                raise NetworkError(
                    "the graph holds no practices",
                    hint="build a catalogue first: pgraph build data/",
                )
            raise NetworkError(
                f"no practice matches {filters.describe()} "
                f"(the graph holds {plural(len(everything), 'practice')})",
                hint="countries, domains and levels are labels in any language, ISO codes "
                "or IRIs; see `pgraph query practices-per-country` and `practices-per-domain`",
            )
        practices: dict[str, dict[str, Any]] = {}
        for row in rows:
            iri = row["practice"]
            node = practices.setdefault(
                iri,
                {
                    "iri": iri,
                    "label": row["title"] or local_name(iri),
                    "kind": "practice",
                    "country": "",
                    "country_name": "",
                    "start_date": "",
                    "statutory": False,
                    **{name: [] for name in FACETS.values()},
                },
            )
            node["country"] = node["country"] or row["countryCode"] or ""
            node["country_name"] = node["country_name"] or row["countryName"] or ""
            if row["startDate"] is not None:
                node["start_date"] = str(row["startDate"])
        return practices

    def memberships(self, practices: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Return (practice, organisation, statutory, act) rows; flag statutory practices.

        Generic partners (kinds of participant, one node per partnership) are
        left out unless ``keep_generic``; ``generic_left_out`` counts them.
        """
        rows = [row for row in self.rows("network-memberships") if row["practice"] in practices]
        generic = [row for row in rows if row.get("generic")]
        self.generic_left_out = 0 if self.keep_generic else len(generic)
        if not self.keep_generic:
            rows = [row for row in rows if not row.get("generic")]
        statutory: dict[tuple[str, str], str | None] = {}
        for row in self.rows("network-statutory"):
            if row["practice"] in practices:
                key = (row["practice"], row["organisation"])
                statutory[key] = statutory.get(key) or row["act"]
                practices[row["practice"]]["statutory"] = True
        return [
            {**row, "statutory": key in statutory, "act": statutory.get(key)}
            for row in rows
            for key in [(row["practice"], row["organisation"])]
        ]

    def facets(self, practices: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        concepts = {row["concept"]: row for row in self.rows("network-concepts")}
        rows = [row for row in self.rows("network-facets") if row["practice"] in practices]
        for row in rows:
            about = concepts.get(row["concept"], {})
            row["attribute"] = FACETS[row["facet"]]
            row["label"] = about.get("label") or local_name(row["concept"])
            row["unmapped"] = bool(about.get("unmapped"))
            practices[row["practice"]][row["attribute"]].append(row["label"])
        for node in practices.values():
            for name in FACETS.values():
                node[name] = sorted(set(node[name]))
        return rows

    def organisations(self) -> dict[str, dict[str, Any]]:
        return {row["organisation"]: row for row in self.rows("network-organisations")}

    def acts(self) -> dict[str, dict[str, Any]]:
        return {row["act"]: row for row in self.rows("network-legislation")}


SORT_KEYS = {
    "network-practices": ("practice",),
    "network-memberships": ("practice", "organisation"),
    "network-statutory": ("practice", "organisation"),
    "network-organisations": ("organisation",),
    "network-legislation": ("act",),
    "network-facets": ("practice", "facet", "concept"),
    "network-concepts": ("concept",),
}
"""The (always bound) columns each query's rows are sorted by, so networks come out the same."""


def _remote_rows(endpoint: str, name: str, params: dict[str, object] | None):
    return run_query(name, endpoint=endpoint, params=params).rows


def _local_rows(store: ox.Store, name: str, params: dict[str, object] | None):
    """Run a library query on the local store, as run_query does, with a leaner conversion.

    The text is bound by pgraph.query exactly as for an endpoint; the rows are
    read straight from pyoxigraph's terms into str, bool, int and date values
    (rdflib terms cost seconds on the 100,000 rows of a large catalogue).
    """
    info = load_query(name)
    text = bind_query(info.text, bind_params(info, params))
    try:
        solutions = store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions), "network queries are SELECT queries"
        variables = [v.value for v in solutions.variables]
        rows = [
            {v: plain_value(term) for v, term in zip(variables, solution, strict=True)}
            for solution in solutions
        ]
    except SyntaxError as error:
        raise QueryError(f"the query does not parse: {error}", path=str(info.path)) from error
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"the query failed: {error}", path=str(info.path)) from error
    return rows


def local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("-", " ")
