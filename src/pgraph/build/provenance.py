"""The builds graph keeps the last build of each source, not one activity per run forever.

Each build that changes something is a PROV-O activity
(``pgraph.mapping.build_activity_triples``) that generated the graphs of the
files it read. When a later build replaces or drops a graph, the earlier
activity's statements about that graph go; an activity that no longer
generated any graph goes with them (and the software agent, once no activity
names it). So the builds graph says, for every source graph, which build made
it, when, with which pgraph — what a publisher needs — and does not grow with
every run.

Example:
    >>> import pyoxigraph as ox
    >>> superseded_provenance(ox.Store(), "https://example.org/graph/builds", ["https://e.org/g"])
    []
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.namespace import PROV

_GENERATED = ox.NamedNode(str(PROV.generated))
_ASSOCIATED = ox.NamedNode(str(PROV.wasAssociatedWith))


def superseded_provenance(store: ox.Store, builds: str, graphs: Iterable[str]) -> list[ox.Quad]:
    """Return the quads of the builds graph that the new content of ``graphs`` supersedes."""
    target = ox.NamedNode(builds)
    removed: set[ox.Quad] = set()
    activities: set[ox.NamedNode] = set()
    for graph in graphs:
        node = ox.NamedNode(graph)
        removed |= set(store.quads_for_pattern(node, None, None, target))
        for quad in store.quads_for_pattern(None, _GENERATED, node, target):
            removed.add(quad)
            activities.add(quad.subject)
    agents: set = set()
    for activity in activities:
        # Stops at the first graph the activity still generated: a first build generated
        # thousands, and a one-page rebuild replaces one.
        if any(q not in removed
               for q in store.quads_for_pattern(activity, _GENERATED, None, target)):
            continue
        quads = set(store.quads_for_pattern(activity, None, None, target))
        removed |= quads
        agents |= {q.object for q in quads if q.predicate == _ASSOCIATED}
    for agent in agents:
        users = {q.subject for q in store.quads_for_pattern(None, _ASSOCIATED, agent, target)}
        if users <= activities and all(
            not any(q not in removed for q in store.quads_for_pattern(u, _GENERATED, None, target))
            for u in users
        ):
            removed |= set(store.quads_for_pattern(agent, None, None, target))
    return sorted(removed, key=str)
