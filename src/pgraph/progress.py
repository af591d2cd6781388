"""Progress on a terminal: stage, done/total, rate and time left, drawn by tqdm.

The library reports what it works through with :func:`track` (an iterator
wrapper) or :func:`stage` (a callback for work done outside a Python loop);
both cost nothing unless progress was turned on with :func:`shown`, which
the command line does for build, validate, dump, publish and site when
standard error is a terminal and ``--quiet`` was not given. Bars go to
standard error, so piped output stays clean.

Example:
    >>> from pgraph.progress import stage, track
    >>> sum(track(range(4), "counting", total=4))  # progress off: the iterable itself
    6
    >>> with stage("loading", total=3) as advance:
    ...     for _ in range(3):
    ...         advance(1)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, TypeVar

T = TypeVar("T")

_SHOWN: ContextVar[IO[str] | None] = ContextVar("pgraph_progress", default=None)
MIN_INTERVAL = 0.5
"""Seconds between two redraws: tqdm checks the clock only every few items, so a bar costs
well under 1% of a loop's time (bench/RESULTS.md, "Progress")."""


@contextmanager
def shown(on: bool = True, *, stream: IO[str] | None = None) -> Iterator[bool]:
    """Show progress bars on ``stream`` (standard error) while inside, if it is a terminal.

    Yields whether bars are shown. ``on=False`` (``--quiet``) turns them off.
    """
    target = sys.stderr if stream is None else stream
    visible = bool(on) and _is_terminal(target)
    token = _SHOWN.set(target if visible else None)
    try:
        yield visible
    finally:
        _SHOWN.reset(token)


def is_shown() -> bool:
    """Return True when progress bars are being drawn (inside :func:`shown` on a terminal)."""
    return _SHOWN.get() is not None


def track(
    items: Iterable[T], description: str, *, total: int | None = None, unit: str = "item"
) -> Iterable[T]:
    """Return ``items``, drawing a bar while they are consumed when progress is shown.

    ``total`` defaults to ``len(items)`` when it has one; without it the bar
    shows a count and a rate but no time left.
    """
    stream = _SHOWN.get()
    if stream is None:
        return items
    from tqdm import tqdm

    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    return tqdm(items, desc=description, total=total, unit=unit, file=stream,
                mininterval=MIN_INTERVAL, leave=False, **_size(stream))


@contextmanager
def stage(
    description: str, *, total: int | None = None, unit: str = "item"
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``, to call as work is done; a bar is drawn when progress is shown."""
    stream = _SHOWN.get()
    if stream is None:
        yield _nothing
        return
    from tqdm import tqdm

    with tqdm(desc=description, total=total, unit=unit, file=stream, mininterval=MIN_INTERVAL,
              leave=False, **_size(stream)) as bar:
        yield bar.update


def _nothing(_n: int = 1) -> None:
    return None


def _size(stream: IO[str]) -> dict[str, int]:
    """Return the terminal's size for tqdm: a terminal that says 0 (a bare pty) gets 100x24.

    tqdm would draw a 0-column bar, or none at all, there.
    """
    try:
        columns, lines = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        columns, lines = 0, 0
    return {"ncols": columns or int(os.environ.get("COLUMNS", "0") or 0) or 100,
            "nrows": lines or 24}


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
