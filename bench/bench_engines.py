"""Benchmark: compiled engines (igraph, networkit, leidenalg) against pgraph's measures at 10k.

For each measure of ``pgraph network stats`` on the co-partnership network of
the 10,000-practice synthetic catalogue, this times pgraph's own code (numpy,
networkx) and the compiled libraries' equivalents, and checks whether they
give the same values (maximum absolute difference). A library replaces
pgraph's code only where it gives the same values and is faster.

Needs the catalogue dump made by ``bench/bench_network.py`` (``bench/work/``),
and igraph; networkit and leidenalg are measured when installed.

Run: ``.venv/bin/python bench/bench_engines.py [--practices 10000]``; prints a
Markdown section and, without ``--no-write``, puts it in ``bench/RESULTS.md``.
"""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_network import catalogue_store, machine

from pgraph.network import build
from pgraph.network import measures as m

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "## Network engines"


def timed(action):
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    header = machine()
    store, _ = catalogue_store(args.practices, args.seed)
    G = build("co-partnership", store=store)
    import igraph

    g = m.indexed(G)
    ig = igraph.Graph(
        n=g.n, edges=[(i, j) for i, j in zip(g.rows, g.indices, strict=True) if i < j]
    )
    ig.es["weight"] = [w for i, j, w in zip(g.rows, g.indices, g.weights, strict=True) if i < j]
    rows: list[tuple[str, str, float, str, float, str]] = []

    ours, t_ours = timed(lambda: m.shortest_path_measures(g))
    theirs, t_theirs = timed(lambda: np.array(ig.betweenness(directed=False)))
    n = g.n
    scaled = theirs * 2 / ((n - 1) * (n - 2))
    rows.append(
        (
            "betweenness, exact",
            "pgraph (numpy, Brandes)",
            t_ours,
            "igraph",
            t_theirs,
            f"{np.abs(scaled - ours.betweenness).max():.1e}",
        )
    )
    _, t_sample = timed(lambda: m.shortest_path_measures(g, sample=200))
    rows.append(("betweenness + closeness, 200 sources", "pgraph (numpy)", t_sample, "—", 0.0, "—"))
    closeness, t_close = timed(lambda: np.array(ig.closeness()))
    rows.append(
        (
            "closeness, exact",
            "pgraph (with betweenness above)",
            0.0,
            "igraph",
            t_close,
            f"{np.abs(closeness - ours.closeness).max():.1e}",
        )
    )
    ego, t_ego = timed(lambda: m.ego_measures(g))
    local, t_local = timed(lambda: np.nan_to_num(np.array(ig.transitivity_local_undirected())))
    rows.append(
        (
            "local clustering",
            "pgraph (numpy, with constraint and effective size)",
            t_ego,
            "igraph",
            t_local,
            f"{np.abs(local - ego.clustering).max():.1e}",
        )
    )
    burt, t_burt = timed(lambda: np.array(ig.constraint(weights="weight")))
    ok = ~np.isnan(ego.constraint)
    rows.append(
        (
            "Burt's constraint",
            "pgraph (above)",
            0.0,
            "igraph",
            t_burt,
            f"{np.nanmax(np.abs(burt[ok] - ego.constraint[ok])):.1e}",
        )
    )
    eigen, t_eigen = timed(lambda: m.eigenvector(g))
    ev, t_ev = timed(lambda: np.array(ig.eigenvector_centrality(weights="weight", scale=False)))
    ev = ev / np.linalg.norm(ev)
    rows.append(
        (
            "eigenvector",
            "pgraph (numpy)",
            t_eigen,
            "igraph (ARPACK)",
            t_ev,
            f"{np.abs(ev - eigen).max():.1e}",
        )
    )
    louvain, t_louvain = timed(
        lambda: nx.community.louvain_communities(G, weight="weight", seed=42)
    )
    q_louvain = nx.community.modularity(G, louvain, weight="weight")
    multilevel, t_multi = timed(lambda: ig.community_multilevel(weights="weight"))
    rows.append(
        (
            "communities",
            f"networkx Louvain (Q = {q_louvain:.3f}, {len(louvain)})",
            t_louvain,
            f"igraph multilevel (Q = {multilevel.modularity:.3f}, {len(multilevel)})",
            t_multi,
            "different partition",
        )
    )
    try:
        import leidenalg

        leiden, t_leiden = timed(
            lambda: leidenalg.find_partition(
                ig, leidenalg.ModularityVertexPartition, weights="weight", seed=42
            )
        )
        rows.append(
            (
                "communities",
                "—",
                0.0,
                f"leidenalg Leiden (Q = {ig.modularity(leiden.membership, weights='weight'):.3f}, "
                f"{len(leiden)})",
                t_leiden,
                "different partition",
            )
        )
    except ImportError:
        pass
    try:
        import networkit as nk

        nkg = nk.nxadapter.nx2nk(nx.convert_node_labels_to_integers(G), weightAttr="weight")
        nk.engineering.setNumberOfThreads(1)

        def nk_betweenness():
            b = nk.centrality.Betweenness(nkg, normalized=True)
            b.run()
            return np.array(b.scores())

        nb, t_nb = timed(nk_betweenness)
        order = list(G)
        position = {v: i for i, v in enumerate(g.nodes)}
        aligned = np.array([ours.betweenness[position[v]] for v in order])
        rows.append(
            (
                "betweenness, exact",
                "—",
                0.0,
                "networkit (1 thread)",
                t_nb,
                f"{np.abs(nb - aligned).max():.1e}",
            )
        )

        def nk_clustering():
            c = nk.centrality.LocalClusteringCoefficient(nkg, turbo=True)
            c.run()
            return np.array(c.scores())

        nc, t_nc = timed(nk_clustering)
        aligned = np.array([ego.clustering[position[v]] for v in order])
        rows.append(
            (
                "local clustering",
                "—",
                0.0,
                "networkit (1 thread)",
                t_nc,
                f"{np.abs(nc - aligned).max():.1e}",
            )
        )
    except ImportError:
        pass

    lines = [
        SECTION,
        "",
        f"`bench/bench_engines.py` — {dt.date.today().isoformat()} — {header}. The machine is "
        "shared with other jobs: single runs, wall-clock.",
        "",
        f"Co-partnership network of {args.practices:,} synthetic practices: "
        f"{G.number_of_nodes():,} organisations, {G.number_of_edges():,} ties. Difference: "
        "the largest absolute difference from pgraph's value (betweenness on networkx's "
        "normalised scale).",
        "",
        "| measure | pgraph | s | library | s | max difference |",
        "| --- | --- | ---: | --- | ---: | ---: |",
        *(
            f"| {measure} | {a} | {ta:.2f} | {b} | {tb:.2f} | {d} |"
            if ta
            else f"| {measure} | {a} | | {b} | {tb:.2f} | {d} |"
            for measure, a, ta, b, tb, d in rows
        ),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        import re

        previous = RESULTS.read_text(encoding="utf-8")
        pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
        updated = (
            pattern.sub(lambda _: text + "\n", previous)
            if pattern.search(previous)
            else previous.rstrip("\n") + "\n\n" + text
        )
        RESULTS.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
