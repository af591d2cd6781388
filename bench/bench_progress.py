"""What progress bars cost: the same work with bars drawn (to a terminal) and without.

Two measures, CPU time (``time.process_time``), best of ``--repeat``:

- per item: a loop over ``--items`` integers wrapped by ``pgraph.progress.track``,
  with bars drawn to a pseudo-terminal and with progress off, against the bare loop;
- end to end: ``write_dump`` of a store in ``--format`` with and without bars.

Run: ``.venv/bin/python bench/bench_progress.py STORE [--format ntriples] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pty
import time

import pyoxigraph as ox

from pgraph import progress
from pgraph.publish.dumps import write_dump


def cpu(function) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--format", default="ntriples")
    parser.add_argument("--items", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    controller, terminal = pty.openpty()
    screen = os.fdopen(terminal, "w")
    drain = os.fdopen(controller, "rb", buffering=0)
    os.set_blocking(controller, False)

    def loop(shown: bool) -> None:
        with progress.shown(shown, stream=screen):
            for _ in progress.track(range(args.items), "loop", total=args.items):
                pass
        with contextlib.suppress(BlockingIOError, TypeError):
            drain.read(1 << 20)

    def bare() -> None:
        for _ in range(args.items):
            pass

    def dump(shown: bool) -> None:
        with progress.shown(shown, stream=screen):
            write_dump(store, io.BytesIO(), args.format)
        with contextlib.suppress(BlockingIOError, TypeError):
            drain.read(1 << 20)

    per_item = {name: min(cpu(f) for _ in range(args.repeat))
                for name, f in (("bare", bare), ("off", lambda: loop(False)),
                                ("bars", lambda: loop(True)))}
    store = ox.Store.read_only(args.store)
    timings: dict[str, list[float]] = {"off": [], "bars": []}
    for _ in range(args.repeat):  # alternate, so that load changes hit both alike
        timings["off"].append(cpu(lambda: dump(False)))
        timings["bars"].append(cpu(lambda: dump(True)))
    off, bars = min(timings["off"]), min(timings["bars"])
    each = {name: seconds / args.items * 1e9 for name, seconds in per_item.items()}
    print(f"per item ({args.items:,} items): bare loop {each['bare']:.0f} ns,"
          f" track() with progress off {each['off']:.0f} ns, with bars {each['bars']:.0f} ns")
    print(f"write_dump {args.format}: {off:.2f} s CPU without bars, {bars:.2f} s with "
          f"({(bars - off) / off * 100:+.1f}%); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
