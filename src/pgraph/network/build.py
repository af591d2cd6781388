"""Partnership networks built from SPARQL results: five kinds of networkx graph.

The rows come from the query library (``queries/network-*.rq``) through
:func:`pgraph.query.run_query`, so a network is built the same way from the
local store and from any SPARQL 1.1 endpoint. Filters select the practices
(in SPARQL: ``network-practices``); every network is then built from those
practices only.

Nodes are keyed by IRI and carry ``iri``, ``label`` and ``kind``
(``practice``, ``organisation``, ``legislation`` or ``concept``), plus:

- practices: ``country`` (ISO code), ``country_name``, ``start_date``,
  ``statutory`` (has a statutory partner) and the facets ``domain``,
  ``level``, ``target_audience``, ``practice_type``, ``intervention_point``,
  ``timeline``, ``costs`` (lists of labels);
- organisations: ``type`` (and ``type_iri``), ``country`` (the countries of
  its practices), ``statutory`` (a statutory partner somewhere), ``acts``,
  ``practices`` (how many);
- Acts: ``year``, ``unresolved``; concepts: ``facet``, ``unmapped``,
  ``practices``.

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
    >>> G = build("co-partnership", store=store)
    >>> G.number_of_nodes(), G.number_of_edges(), G.graph["generic_partners_left_out"]
    (9, 36, 3)
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module
from pgraph.network.rows import (
    CatalogueRows,
    Filters,
    local_name,
    open_source,
    plural,
)

nx = lazy_module("networkx")  # imported at first use: most commands never need it


class NetworkKind(StrEnum):
    """The networks pgraph builds."""

    PRACTICE_ORGANISATION = "practice-organisation"
    CO_PARTNERSHIP = "co-partnership"
    ORGANISATION_LEGISLATION = "organisation-legislation"
    PRACTICE_SIMILARITY = "practice-similarity"
    PRACTICE_CONCEPT = "practice-concept"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    NetworkKind.PRACTICE_ORGANISATION: "practices and their partner organisations (bipartite)",
    NetworkKind.CO_PARTNERSHIP: "organisations tied by the practices they share (weight: how many)",
    NetworkKind.ORGANISATION_LEGISLATION: "statutory partners and the Acts that make them so",
    NetworkKind.PRACTICE_SIMILARITY: (
        "practices tied by shared domains, types, audiences and intervention points (Jaccard)"
    ),
    NetworkKind.PRACTICE_CONCEPT: "practices and their facet values (bipartite)",
}

KIND_ALIASES = {
    "bipartite": NetworkKind.PRACTICE_ORGANISATION,
    "partners": NetworkKind.PRACTICE_ORGANISATION,
    "copartnership": NetworkKind.CO_PARTNERSHIP,
    "organisations": NetworkKind.CO_PARTNERSHIP,
    "legislation": NetworkKind.ORGANISATION_LEGISLATION,
    "statutory": NetworkKind.ORGANISATION_LEGISLATION,
    "similarity": NetworkKind.PRACTICE_SIMILARITY,
    "concepts": NetworkKind.PRACTICE_CONCEPT,
    "facets": NetworkKind.PRACTICE_CONCEPT,
}
"""Short names accepted wherever a kind is."""


class ProjectionWeight(StrEnum):
    """How a co-partnership tie is weighted (the projection of the two-mode network)."""

    COUNT = "count"
    NEWMAN = "newman"
    JACCARD = "jaccard"

    @property
    def definition(self) -> str:
        return WEIGHT_DEFINITIONS[self]


WEIGHT_DEFINITIONS = {
    ProjectionWeight.COUNT: "shared practices: how many practices both organisations are "
    "partners of",
    ProjectionWeight.NEWMAN: "Newman's collaboration weight: the sum over the shared practices "
    "p of 1/(n_p - 1), n_p the number of partners of p (Newman 2001, Phys. Rev. E 64:016132)",
    ProjectionWeight.JACCARD: "Jaccard overlap: shared practices divided by the practices of "
    "either organisation",
}
"""The definition stored with each weight in the files written."""

DEFAULT_THRESHOLD = 0.5
"""Practice similarity keeps ties whose Jaccard index is at least this."""

SIMILARITY_FACETS = ("domain", "practice_type", "target_audience", "intervention_point")
"""What practice similarity compares."""


def network_kind(value: str | NetworkKind) -> NetworkKind:
    """Return the kind a name (or short name) stands for.

    Example:
        >>> network_kind("bipartite").value
        'practice-organisation'
        >>> try:
        ...     network_kind("co-partnershp")
        ... except NetworkError as error:
        ...     print(error.hint)
        did you mean co-partnership? `pgraph network kinds` lists them
    """
    if isinstance(value, NetworkKind):
        return value
    name = str(value).strip().lower().replace("_", "-")
    try:
        return NetworkKind(name)
    except ValueError:
        if name in KIND_ALIASES:
            return KIND_ALIASES[name]
    names = [k.value for k in NetworkKind] + sorted(KIND_ALIASES)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    suggestion = f"did you mean {close[0]}? " if close else ""
    raise NetworkError(
        f"unknown network kind {value!r}",
        hint=suggestion + "`pgraph network kinds` lists them",
    )


def build(
    kind: str | NetworkKind,
    *,
    store: ox.Store | Path | str | None = None,
    endpoint: str | None = None,
    country: str | None = None,
    domain: str | None = None,
    level: str | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    keep_generic: bool = False,
    weight: str | ProjectionWeight = ProjectionWeight.COUNT,
    domains: bool = False,
) -> nx.Graph:
    """Return a partnership network of the practices that match the filters.

    ``kind`` is a :class:`NetworkKind` or its name. Give a ``store`` (an open
    pyoxigraph Store or its path) or an ``endpoint`` URL; with neither, the
    default store (``PGRAPH_STORE`` or ``.pgraph/store``). ``country``,
    ``domain`` and ``level`` are labels in any language, ISO codes for
    countries, or IRIs; ``since`` and ``until`` bound the start date.
    ``threshold`` is the least Jaccard index of a practice-similarity tie.
    Generic partners ("Residents' representatives": kinds of participant, one
    node per partnership, not organisations) are left out unless
    ``keep_generic``; ``G.graph["generic_partners_left_out"]`` says how many
    memberships went.

    ``weight`` (co-partnership only) chooses the tie weight: ``count``,
    ``newman`` or ``jaccard`` (:class:`ProjectionWeight`); every tie carries
    all three (``shared``, ``newman``, ``jaccard``), and the graph's
    ``weight`` and ``weight_definition`` say which ``weight`` is.

    ``domains`` gives organisations a ``domain`` attribute (the domains of
    their practices) in every network; it costs one more query, so it is
    off unless asked for (the interactive page asks, for its filter).

    Every tie carries ``start_date``: the earliest start of the practices it
    stands for (ISO date, ``""`` when none is known); every node too (an
    organisation: its first practice's; an Act or concept: its first tie's).

    Raises NetworkError when no practice matches, or the network would be empty.

    Example:
        >>> from pgraph.build import build_catalogue
        >>> from pgraph.resources import data_dir
        >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
        >>> G = build("organisation-legislation", store=store, country="Royaume-Uni")
        >>> sorted(G.nodes[n]["label"] for n in G if G.nodes[n]["kind"] == "legislation")
        ['Crime and Disorder Act 1998']
    """
    kind, weight = _checked(kind, weight, threshold)
    filters = Filters(
        country, domain, level, parse_date(since, "since"), parse_date(until, "until")
    )
    data = CatalogueRows(open_source(store) if endpoint is None else None, endpoint)
    data.keep_generic = keep_generic
    practices = data.practices(filters)
    if domains:
        data.facets(practices)
    builder = {
        NetworkKind.PRACTICE_ORGANISATION: _practice_organisation,
        NetworkKind.CO_PARTNERSHIP: _co_partnership,
        NetworkKind.ORGANISATION_LEGISLATION: _organisation_legislation,
        NetworkKind.PRACTICE_SIMILARITY: _practice_similarity,
        NetworkKind.PRACTICE_CONCEPT: _practice_concept,
    }[kind]
    G = builder(data, practices, threshold, weight)
    if kind is not NetworkKind.CO_PARTNERSHIP:  # co-partnership ties are dated as they are made
        _date(G, practices)
    _describe(G, kind, weight, threshold, filters, practices, data)
    return G


def _checked(
    kind: str | NetworkKind, weight: str | ProjectionWeight, threshold: float
) -> tuple[NetworkKind, ProjectionWeight]:
    """The network kind and tie weight asked for, once both and the threshold are known to fit."""
    kind = network_kind(kind)
    weight = projection_weight(weight)
    if weight is not ProjectionWeight.COUNT and kind is not NetworkKind.CO_PARTNERSHIP:
        raise NetworkError(
            f"the {weight.value} weight is for the co-partnership network, not {kind.value}",
            hint="leave out --weight, or build co-partnership",
        )
    if not 0 < threshold <= 1:
        raise NetworkError(f"the similarity threshold must be in (0, 1], not {threshold}")
    return kind, weight


def _describe(
    G: nx.Graph,
    kind: NetworkKind,
    weight: ProjectionWeight,
    threshold: float,
    filters: Filters,
    practices: dict[str, dict[str, Any]],
    data: CatalogueRows,
) -> None:
    """Record how ``G`` was made in ``G.graph``; raise NetworkError when it is empty."""
    G.graph.update(
        kind=kind.value,
        name=f"{kind.value} network",
        filters=filters.describe(),
        practices=len(practices),
        generic_partners_left_out=data.generic_left_out if kind in _ORGANISATION_KINDS else 0,
        weight=weight.value if kind is NetworkKind.CO_PARTNERSHIP else _WEIGHTS[kind][0],
        weight_definition=weight.definition
        if kind is NetworkKind.CO_PARTNERSHIP
        else _WEIGHTS[kind][1],
    )
    if kind is NetworkKind.PRACTICE_SIMILARITY:
        G.graph["threshold"] = threshold
    if G.number_of_nodes() == 0:
        raise NetworkError(
            f"the {kind.value} network of {plural(len(practices), 'practice')}"
            f"{' (' + filters.describe() + ')' if filters.describe() else ''} is empty: "
            + _EMPTY_REASONS[kind],
            hint="try another kind of network, or fewer filters",
        )


_ORGANISATION_KINDS = {
    NetworkKind.PRACTICE_ORGANISATION,
    NetworkKind.CO_PARTNERSHIP,
    NetworkKind.ORGANISATION_LEGISLATION,
}
"""The networks with organisation nodes, from which generic partners are left out."""


_WEIGHTS = {
    NetworkKind.PRACTICE_ORGANISATION: ("none", "every tie weighs 1: a partnership"),
    NetworkKind.ORGANISATION_LEGISLATION: (
        "count",
        "practices in which the organisation is a statutory partner under the Act",
    ),
    NetworkKind.PRACTICE_SIMILARITY: (
        "jaccard",
        "Jaccard index of the two practices' domains, types, audiences and intervention points",
    ),
    NetworkKind.PRACTICE_CONCEPT: ("none", "every tie weighs 1: the practice has the value"),
}


def projection_weight(value: str | ProjectionWeight) -> ProjectionWeight:
    """Return the co-partnership weight a name stands for.

    Example:
        >>> projection_weight("Newman").definition.split(":")[0]
        "Newman's collaboration weight"
    """
    if isinstance(value, ProjectionWeight):
        return value
    try:
        return ProjectionWeight(str(value).strip().lower())
    except ValueError:
        raise NetworkError(
            f"unknown weight {value!r}",
            hint="choose one of " + ", ".join(w.value for w in ProjectionWeight),
        ) from None


def _date(G: nx.Graph, practices: dict[str, dict[str, Any]]) -> None:
    """Give every tie and node a ``start_date``: when the first practice behind it started."""

    def start(iri: str) -> str:
        return (practices.get(iri) or {}).get("start_date") or ""

    earliest: dict[Any, str] = {}
    for u, v, data in G.edges(data=True):
        if "start_date" in data:  # dated by its builder
            continue
        if "practices" in data:
            dates = [d for p in data["practices"] if (d := start(p))]
            when = min(dates) if dates else ""
        elif u in practices and v in practices:  # similarity: once both practices exist
            when = max(start(u), start(v)) if start(u) and start(v) else ""
        else:
            when = start(u) if u in practices else start(v)
        data["start_date"] = when
        for node in (u, v):
            if when and (node not in earliest or when < earliest[node]):
                earliest[node] = when
    for node, data in G.nodes(data=True):
        if "start_date" not in data:
            data["start_date"] = earliest.get(node, "")


_EMPTY_REASONS = {
    NetworkKind.PRACTICE_ORGANISATION: "none of them names a partner",
    NetworkKind.CO_PARTNERSHIP: "none of them names a partner",
    NetworkKind.ORGANISATION_LEGISLATION: "none of them has a statutory partner tied to an Act",
    NetworkKind.PRACTICE_SIMILARITY: "there are no practices",
    NetworkKind.PRACTICE_CONCEPT: "none of them has a facet value",
}


def parse_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise NetworkError(
            f"{name}: {value!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


# ---------------------------------------------------------------- the five networks


def _organisation_nodes(
    data: CatalogueRows, memberships: list[dict[str, Any]], practices: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    known, acts = data.organisations(), data.acts()
    concepts = {row["concept"]: row["label"] for row in data.rows("network-concepts")}
    nodes: dict[str, dict[str, Any]] = {}
    for row in memberships:
        iri = row["organisation"]
        about = known.get(iri, {})
        node = nodes.setdefault(
            iri,
            {
                "iri": iri,
                "label": about.get("label") or local_name(iri),
                "kind": "organisation",
                "type": concepts.get(about.get("type") or "") or "",
                "type_iri": about.get("type") or "",
                "country": set(),
                "statutory": False,
                "acts": set(),
                "practices": set(),
                "generic": bool(row.get("generic")),
            },
        )
        node["practices"].add(row["practice"])
        if country := practices[row["practice"]]["country"]:
            node["country"].add(country)
        if row["statutory"]:
            node["statutory"] = True
            if row["act"]:
                node["acts"].add(_act_label(acts, row["act"]))
    with_domains = any(practice.get("domain") for practice in practices.values())
    for node in nodes.values():
        node["country"], node["acts"] = sorted(node["country"]), sorted(node["acts"])
        node["start_date"] = min(
            (d for p in node["practices"] if (d := practices[p]["start_date"])), default=""
        )
        if with_domains:
            node["domain"] = sorted({d for p in node["practices"] for d in practices[p]["domain"]})
        node["practices"] = len(node["practices"])
    return nodes


def _act_label(acts: dict[str, dict[str, Any]], iri: str) -> str:
    return (acts.get(iri) or {}).get("label") or local_name(iri)


def _practice_organisation(
    data: CatalogueRows, practices: dict, threshold: float, weight: ProjectionWeight
) -> nx.Graph:
    memberships = data.memberships(practices)
    data.facets(practices)
    organisations = _organisation_nodes(data, memberships, practices)
    acts = data.acts() if any(row["act"] for row in memberships) else {}
    G = nx.Graph()
    used = {row["practice"] for row in memberships}
    G.add_nodes_from(
        (iri, {**node, "bipartite": 0}) for iri, node in practices.items() if iri in used
    )
    G.add_nodes_from((iri, {**node, "bipartite": 1}) for iri, node in organisations.items())
    for row in memberships:
        G.add_edge(
            row["practice"],
            row["organisation"],
            weight=1,
            statutory=bool(row["statutory"]),
            act=_act_label(acts, row["act"]) if row["act"] else "",
        )
    return G


def _co_partnership(
    data: CatalogueRows, practices: dict, threshold: float, weight: ProjectionWeight
) -> nx.Graph:
    memberships = data.memberships(practices)
    organisations = _organisation_nodes(data, memberships, practices)
    partners: dict[str, set[str]] = defaultdict(set)
    statutory: dict[str, set[str]] = defaultdict(set)
    for row in memberships:
        partners[row["practice"]].add(row["organisation"])
        if row["statutory"]:
            statutory[row["practice"]].add(row["organisation"])
    # Pairs that are statutory partners together in some practice (few: computed apart).
    statutory_pairs = {
        pair for members in statutory.values() for pair in combinations(sorted(members), 2)
    }
    title = {p: about["label"] for p, about in practices.items()}.__getitem__
    # "~" sorts after every ISO date: the earliest known start, or "~" when none is known.
    start = {p: about["start_date"] or "~" for p, about in practices.items()}.__getitem__
    key = _TIE_KEY[weight]

    def ties():
        for pair, tie in _projection(partners):
            ps = tie["practices"]
            earliest = min(map(start, ps))
            tie["practice_titles"] = list(map(title, ps))
            tie["start_date"] = "" if earliest == "~" else earliest
            tie["weight"] = tie[key]
            tie["statutory"] = pair in statutory_pairs
            yield (*pair, tie)

    G = nx.Graph()
    G.add_nodes_from(organisations.items())
    G.add_edges_from(ties())
    return G


def projection_ties(partners: dict[str, set[str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Return the ties of the organisations' projection of a two-mode network, all weights.

    ``partners`` maps each practice to its partner organisations. Each tie
    (a, b), a < b, gets ``shared`` (how many practices name both), ``newman``
    (Σ 1/(n_p - 1) over the shared practices p, n_p partners of p), ``jaccard``
    (shared / practices of a or b) and ``practices`` (the shared ones, in the
    order of ``partners``).

    Example:
        >>> ties = projection_ties({"p1": {"a", "b", "c"}, "p2": {"a", "b"}})
        >>> ties["a", "b"]
        {'shared': 2, 'newman': 1.5, 'jaccard': 1.0, 'practices': ['p1', 'p2']}
        >>> ties["a", "c"]["jaccard"]
        0.5
    """
    return dict(_projection(partners))


def _projection(partners: dict[str, set[str]]):
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    involved: dict[str, int] = defaultdict(int)
    for practice, members in partners.items():
        for organisation in members:
            involved[organisation] += 1
        for pair in combinations(sorted(members), 2):
            shared[pair].append(practice)
    share = {p: 1.0 / (len(members) - 1) for p, members in partners.items() if len(members) > 1}
    part = share.__getitem__
    for (a, b), ps in shared.items():
        count = len(ps)
        yield (
            (a, b),
            {
                "shared": count,
                "newman": sum(map(part, ps)),
                "jaccard": count / (involved[a] + involved[b] - count),
                "practices": ps,
            },
        )


_TIE_KEY = {
    ProjectionWeight.COUNT: "shared",
    ProjectionWeight.NEWMAN: "newman",
    ProjectionWeight.JACCARD: "jaccard",
}


def _organisation_legislation(
    data: CatalogueRows, practices: dict, threshold: float, weight: ProjectionWeight
) -> nx.Graph:
    memberships = data.memberships(practices)
    statutory = [row for row in memberships if row["statutory"] and row["act"]]
    organisations = _organisation_nodes(data, statutory, practices)
    acts = data.acts() if statutory else {}
    ties: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in statutory:
        ties[(row["organisation"], row["act"])].add(row["practice"])
    G = nx.Graph()
    G.add_nodes_from(organisations.items())
    for act in sorted({row["act"] for row in statutory}):
        about = acts.get(act, {})
        G.add_node(
            act,
            iri=act,
            label=_act_label(acts, act),
            kind="legislation",
            year=str(about.get("year") or ""),
            unresolved=bool(about.get("unresolved")),
        )
    G.add_edges_from(
        (
            o,
            a,
            {
                "weight": len(ps),
                "practices": sorted(ps),
                "practice_titles": [practices[p]["label"] for p in sorted(ps)],
                "statutory": True,
            },
        )
        for (o, a), ps in ties.items()
    )
    return G


def _practice_similarity(
    data: CatalogueRows, practices: dict, threshold: float, weight: ProjectionWeight
) -> nx.Graph:
    data.memberships(practices)
    rows = data.facets(practices)
    G = nx.Graph()
    G.add_nodes_from(practices.items())
    order = list(practices)
    concepts: dict[str, int] = {}
    labels: dict[str, str] = {}
    values: dict[str, set[str]] = {iri: set() for iri in order}
    for row in rows:
        if row["attribute"] in SIMILARITY_FACETS:
            concepts.setdefault(row["concept"], len(concepts))
            labels[row["concept"]] = row["label"]
            values[row["practice"]].add(row["concept"])
    for i, j, jaccard in _jaccard_pairs(
        [[concepts[c] for c in values[iri]] for iri in order], len(concepts), threshold
    ):
        common = sorted(labels[c] for c in values[order[i]] & values[order[j]])
        G.add_edge(order[i], order[j], weight=round(jaccard, 4), shared=common)
    return G


def _jaccard_pairs(
    sets: list[list[int]], universe: int, threshold: float, block: int = 1024
) -> Iterable[tuple[int, int, float]]:
    """Yield (i, j, Jaccard index) for i < j whose index is at least ``threshold``."""
    n = len(sets)
    if n < 2 or universe == 0:
        return
    matrix = np.zeros((n, universe), dtype=np.float32)
    for i, members in enumerate(sets):
        matrix[i, members] = 1.0
    sizes = matrix.sum(axis=1)
    for start in range(0, n, block):
        stop = min(start + block, n)
        common = matrix[start:stop] @ matrix.T
        union = sizes[start:stop, None] + sizes[None, :] - common
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(union > 0, common / union, 0.0)
        rows, columns = np.nonzero(index >= threshold - 1e-9)
        upper = columns > rows + start
        for r, c in zip(rows[upper], columns[upper], strict=True):
            yield int(r + start), int(c), float(index[r, c])


def _practice_concept(
    data: CatalogueRows, practices: dict, threshold: float, weight: ProjectionWeight
) -> nx.Graph:
    data.memberships(practices)
    rows = data.facets(practices)
    G = nx.Graph()
    used = {row["practice"] for row in rows}
    G.add_nodes_from(
        (iri, {**node, "bipartite": 0}) for iri, node in practices.items() if iri in used
    )
    counts: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        counts[row["concept"]].add(row["practice"])
        if row["concept"] not in G:
            G.add_node(
                row["concept"],
                iri=row["concept"],
                label=row["label"],
                kind="concept",
                facet=row["attribute"],
                unmapped=bool(row["unmapped"]),
                bipartite=1,
            )
        G.add_edge(row["practice"], row["concept"], weight=1, facet=row["attribute"])
    for concept, members in counts.items():
        G.nodes[concept]["practices"] = len(members)
    return G
