"""Peak memory and time of `pgraph dump`, syntax by syntax, in one process.

The dumps are written one after the other in one process, as ``pgraph dump
--out DIR`` writes them (one ``write_dumps`` call: with several formats the
store is first copied to a temporary N-Quads file, the "copy" line). Before each syntax the
process's peak RSS is reset (``echo 5 > /proc/self/clear_refs``, Linux), so
the ``VmHWM`` read after it is that syntax's peak, on top of whatever the
earlier syntaxes left behind; the whole dump's peak is the largest of them.
CPU is user+system of this process (``resource.getrusage``), beside wall time.
One JSON line per syntax on standard output, with the dump's SHA-256.

Run: ``.venv/bin/python bench/bench_dump.py STORE OUT_DIR [--format jsonld ...]``
(the store is opened read-only; ``PYTHONPATH=other/src`` measures other code).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from pgraph.publish import dumps
from pgraph.publish.dumps import DumpFormat, write_dumps
from pgraph.store import open_store


def peak_kib() -> int:
    """Return VmHWM (the peak resident set since the last reset) in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("out", type=Path)
    parser.add_argument("--format", dest="formats", action="append",
                        choices=[f.value for f in DumpFormat])
    args = parser.parse_args()
    store = open_store(Path(args.store), read_only=True)
    print(json.dumps({"code": __import__("pgraph").__file__, "open_peak_kib": peak_kib(),
                      "load": os.getloadavg()}), flush=True)
    write_file = dumps._write_file_atomically
    started = [time.perf_counter(), cpu_seconds()]

    def report(**fields) -> None:
        wall, cpu = time.perf_counter(), cpu_seconds()
        print(json.dumps({**fields, "wall_s": round(wall - started[0], 1),
                          "cpu_s": round(cpu - started[1], 1), "peak_mib": round(peak_kib() / 1024),
                          "load": os.getloadavg()}), flush=True)
        reset_peak()
        started[:] = [time.perf_counter(), cpu_seconds()]

    def measured(path, source, fmt, graphs, *, gzip):
        if fmt == formats[0]:
            report(step="copy (or nothing: one format)")
        dump = write_file(path, source, fmt, graphs, gzip=gzip)
        report(format=fmt.value, statements=dump.triples, bytes=dump.byte_size, sha256=dump.sha256)
        return dump

    formats = [DumpFormat.parse(f) for f in args.formats or list(DumpFormat)]
    dumps._write_file_atomically = measured
    reset_peak()
    started[:] = [time.perf_counter(), cpu_seconds()]
    write_dumps(store, args.out, formats)

if __name__ == "__main__":
    main()
