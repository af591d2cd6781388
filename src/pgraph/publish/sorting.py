"""Sorting more statements than fit in memory: sorted runs on disk, merged lazily.

Dumps are sorted so that the same graph always gives the same bytes; at
100,000 practices a dump holds some 14 million statements, too many to sort
in one Python list. :class:`ExternalSort` keeps at most ``run_size`` items in
memory: each full run is sorted and spilled to a temporary file (pickled in
batches), and :meth:`ExternalSort.merged` merges the runs with
:func:`heapq.merge`, reading one batch of each run at a time.

Example:
    >>> with ExternalSort(run_size=2) as sorter:
    ...     sorter.extend([b"c\\n", b"a\\n", b"b\\n", b"a\\n"])
    ...     list(sorter.merged(unique=True))
    [b'a\\n', b'b\\n', b'c\\n']
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

_START = object()
BATCH = 1024
"""Items pickled together in a run file (and read back together while merging), at most.

While merging, one batch of every run is in memory: at 100,000 practices a
dump spills some 65 runs, so a batch of 4,096 items held as many items as a
whole run.
"""


class ExternalSort:
    """Items (comparable, picklable) sorted with at most ``run_size`` of them in memory.

    A sort that never fills one run stays in memory and touches no file.
    """

    def __init__(self, *, run_size: int = 250_000, directory: str | Path | None = None) -> None:
        self.run_size = run_size
        # While merging, one batch of every run is in memory: a small share of a run each.
        self.batch = max(1, min(BATCH, run_size // 64))
        self.directory = directory
        self._items: list[Any] = []
        self._runs: list[IO[bytes]] = []
        self.count = 0
        """Items added so far (duplicates included)."""

    def add(self, item: Any) -> None:
        self._items.append(item)
        self.count += 1
        if len(self._items) >= self.run_size:
            self._spill()

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.add(item)

    def merged(self, *, unique: bool = False) -> Iterator[Any]:
        """Yield every item added, in ascending order (once each if ``unique``).

        When runs were spilled, the items still in memory are spilled too, so
        that merging holds one batch per run and not a partial run besides.
        """
        if self._runs and self._items:
            self._spill()
        self._items.sort()
        sources: list[Iterable[Any]] = [self._items]
        for run in self._runs:
            run.seek(0)
            sources.append(_read_run(run))
        ordered = sources[0] if len(sources) == 1 else heapq.merge(*sources)
        if not unique:
            yield from ordered
            return
        previous: Any = _START
        for item in ordered:
            if previous is _START or item != previous:
                yield item
                previous = item

    def close(self) -> None:
        """Delete the run files (they are temporary files: they also go when the process ends)."""
        for run in self._runs:
            run.close()
        self._runs.clear()
        self._items.clear()

    def __enter__(self) -> ExternalSort:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _spill(self) -> None:
        self._items.sort()
        run = tempfile.TemporaryFile(prefix="pgraph-sort-", dir=self.directory)  # noqa: SIM115
        for start in range(0, len(self._items), self.batch):
            pickle.dump(self._items[start:start + self.batch], run, pickle.HIGHEST_PROTOCOL)
        self._runs.append(run)
        self._items = []


def _read_run(run: IO[bytes]) -> Iterator[Any]:
    while True:
        try:
            batch = pickle.load(run)
        except EOFError:
            return
        yield from batch
