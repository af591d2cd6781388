"""Precision and recall of organisation merges: automatic (the build) and proposed (the review).

Writes a synthetic catalogue whose partner names are partly written as
variants, with ground truth (``pgraph synth --name-variants``), builds it, and
compares the organisations the build made with the truth:

- automatic merges, over pairs of organisation mentions: a pair is merged
  when both mentions point at one node; it is truly one when both name the
  same organisation. Precision must be 1.0 (nothing merged wrongly); recall
  is how much of the truth the certain rules alone recover (they leave typos,
  "Ltd" and French names to a curator, by design);
- proposals, over pairs of nodes: a proposed pair is right when some mention
  of each names the same organisation; recall is over the pairs of nodes that
  the truth says are one organisation.

Usage: .venv/bin/python bench/bench_names.py --practices 2000 --share 0.3 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx

from pgraph.build import build_catalogue
from pgraph.review import organisation_names, propose_merges
from pgraph.synth import VARIANTS_FILE, generate_catalogue
from pgraph.synth.variants import ALIKE, CERTAIN


def mentions(store) -> dict[tuple[str, str], str]:
    """Return {(source file, name as written): organisation node} for every organisation mention."""
    rows = store.query(
        """PREFIX pg: <https://w3id.org/pgraph/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?file ?name ?o WHERE {
          ?practice pg:sourceFile ?file ; pg:partnership ?p .
          ?m org:organization ?p ; org:member ?o ; pg:partnerName ?name .
          ?o a org:Organization }""",
        use_default_graph_as_union=True,
    )
    return {(r["file"].value, r["name"].value): r["o"].value for r in rows}


def pair_scores(truth: list[tuple[str, str, str]], node_of: dict[tuple[str, str], str]):
    """Return (precision, recall, recall of certain variants) of the automatic merges."""
    by_node: dict[str, Counter] = defaultdict(Counter)
    by_true: dict[str, Counter] = defaultdict(Counter)
    joint: Counter = Counter()
    certain_total = certain_found = 0
    canonical_node: dict[str, Counter] = defaultdict(Counter)
    for key, organisation, kind in truth:
        node = node_of[key]
        by_node[node][organisation] += 1
        by_true[organisation][node] += 1
        joint[(node, organisation)] += 1
        if not kind:
            canonical_node[organisation][node] += 1

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    same_node = sum(pairs(sum(c.values())) for c in by_node.values())
    same_true = sum(pairs(sum(c.values())) for c in by_true.values())
    both = sum(pairs(n) for n in joint.values())
    for key, organisation, kind in truth:
        if kind in CERTAIN and canonical_node[organisation]:
            certain_total += 1
            home = canonical_node[organisation].most_common(1)[0][0]
            certain_found += node_of[key] == home
    return (
        both / same_node if same_node else 1.0,
        both / same_true if same_true else 1.0,
        certain_found / certain_total if certain_total else 1.0,
        sum(1 for c in by_node.values() if len(c) > 1),
    )


def proposal_scores(truth, node_of, proposals):
    """Return {threshold: (precision, recall, proposed)} of the review's proposals."""
    true_of_node: dict[str, set[str]] = defaultdict(set)
    for key, organisation, _ in truth:
        true_of_node[node_of[key]].add(organisation)
    nodes_of_true: dict[str, set[str]] = defaultdict(set)
    for node, organisations in true_of_node.items():
        for organisation in organisations:
            nodes_of_true[organisation].add(node)
    wanted = {
        tuple(sorted(pair))
        for nodes in nodes_of_true.values()
        for pair in itertools.combinations(sorted(nodes), 2)
    }
    results = {}
    for threshold in (80.0, 85.0, 90.0, 95.0):
        proposed = {(p.a, p.b) for p in proposals if p.score >= threshold}
        right = {pair for pair in proposed if true_of_node[pair[0]] & true_of_node[pair[1]]}
        # A curator accepting the right proposals merges whole groups: "A~B" and "B~C" merge
        # A and C too, so recall counts the true pairs the accepted proposals connect.
        accepted = nx.Graph(list(right))
        component = {n: i for i, c in enumerate(nx.connected_components(accepted)) for n in c}
        connected = {
            (a, b) for a, b in wanted
            if a in component and component[a] == component.get(b)
        }
        results[threshold] = (
            len(right) / len(proposed) if proposed else 1.0,
            len(connected) / len(wanted) if wanted else 1.0,
            len(wanted & proposed) / len(wanted) if wanted else 1.0,
            len(proposed),
            len(wanted),
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--practices", type=int, default=2000)
    parser.add_argument("--share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pgraph-names-")) / "catalogue"
    started = time.perf_counter()
    generate_catalogue(folder, practices=args.practices, seed=args.seed,
                       malformed_share=0.0, name_variants=args.share)
    with (folder / VARIANTS_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    built = build_catalogue([folder], store_path=None)
    node_of = mentions(built.store)
    prefix = folder.name + "/"
    truth = [((prefix + r["file"], " ".join(r["written"].split())), r["organisation"], r["variant"])
             for r in rows]
    missing = [key for key, _, _ in truth if key not in node_of]
    truth = [t for t in truth if t[0] in node_of]
    precision, recall, certain_recall, mixed = pair_scores(truth, node_of)
    review_started = time.perf_counter()
    proposals = propose_merges(organisation_names(built.store), threshold=80.0)
    review_seconds = time.perf_counter() - review_started
    kinds = Counter(kind or "(as the pool names it)" for _, _, kind in truth)
    today = time.strftime("%Y-%m-%d")
    print(f"# Organisation merges on a synthetic catalogue with name variants ({today})")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; load: {load}")
    print(f"command: {' '.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}")
    print(f"{args.practices} practices, seed {args.seed}, share of mentions varied {args.share}; "
          f"{len(truth)} organisation mentions ({len(missing)} not found as written), "
          f"{len(set(node_of.values()))} organisation nodes, "
          f"{len({o for _, o, _ in truth})} organisations in the truth")
    print("variants: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print()
    print("| automatic merges (pairs of mentions) | value |")
    print("| --- | --- |")
    print(f"| precision | {precision:.4f} |")
    print(f"| recall, all variants | {recall:.4f} |")
    print(f"| recall, certain variants only ({', '.join(CERTAIN)}) | {certain_recall:.4f} |")
    print(f"| nodes mixing two organisations | {mixed} |")
    print()
    print(f"| proposals (pairs of nodes; {', '.join(ALIKE)} and the rest) | threshold | "
          "precision | recall (once accepted) | recall (pairs proposed) | proposed | "
          "true pairs |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for threshold, (p, r, direct, n, w) in proposal_scores(truth, node_of, proposals).items():
        print(f"| | {threshold:g} | {p:.4f} | {r:.4f} | {direct:.4f} | {n} | {w} |")
    print()
    print(f"review time: {review_seconds:.1f} s for {len(organisation_names(built.store))} "
          f"organisations; total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
