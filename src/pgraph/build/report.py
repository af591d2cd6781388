"""The build report kept with the store: every source's warnings and errors, shown again on demand.

A rebuild reads only the files that changed, so its own output says nothing
about the others. The kept report (``STORE.build-report.json``, beside the
store) holds, per source file, the warnings and errors of the build that last
read it, and, for the last build, its summary and notes. A build that leaves
every source's messages as they were (a one-page edit that changes no
message) writes only its summary and notes, in ``STORE.build-report.last.json``
(:func:`last_build_path`), instead of rewriting the report (megabytes at
10,000 pages). ``pgraph report``
prints it: the data-quality messages of the whole catalogue as it is stored,
whichever build found them.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from pgraph.errors import Warning_
    >>> store = Path(tempfile.mkdtemp()) / "store"
    >>> odd = str(Warning_("odd", path="a.txt"))
    >>> kept = KeptReport(sources={"a.txt": SourceReport(warnings=[odd])})
    >>> write_kept_report(store, kept)
    >>> read_kept_report(store).sources["a.txt"].warnings
    ['a.txt: odd']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from pgraph.errors import StoreError
from pgraph.jsonfiles import read_json, write_json


@dataclass
class SourceReport:
    """What the last build that read one source file said about it."""

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: str | None = None


@dataclass
class KeptReport:
    """Every stored source's messages, and the last build's summary and notes."""

    sources: dict[str, SourceReport] = field(default_factory=dict)
    last_build: dict[str, object] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [w for name in sorted(self.sources) for w in self.sources[name].warnings]

    @property
    def errors(self) -> list[str]:
        return [e for name in sorted(self.sources) for e in self.sources[name].errors]

    def lines(self) -> list[str]:
        """Return the report as ``pgraph report`` prints it."""
        out = [f"Warning: {w}" for w in self.warnings]
        out += [
            f"Skipped: {s.skipped}" for _, s in sorted(self.sources.items()) if s.skipped
        ]
        out += [f"Error: {e}" for e in self.errors]
        out += [f"Note: {n}" for n in self.last_build.get("notes", [])]  # type: ignore[union-attr]
        when = self.last_build.get("ended", "never")
        out.append(
            f"Last build ({when}): {self.last_build.get('summary', 'no build recorded')}"
        )
        if self.last_build.get("phases"):
            out.append(f"Its time: {phases_line(self.last_build['phases'])}")  # type: ignore[arg-type]
        out.append(
            f"The stored catalogue: {len(self.sources)} source files, "
            f"{len(self.warnings)} warnings, {len(self.errors)} errors"
        )
        return out


def phases_line(phases: dict[str, dict[str, float]]) -> str:
    """Return a build's phases (see ``BuildReport.phases``) as one line: time, then CPU.

    Example:
        >>> phases_line({"reading and loading": {"seconds": 30.0, "cpu": 20.0,
        ...                                      "workers_cpu": 45.5}})
        'reading and loading 30.00 s (CPU 20.00 s + 45.50 s in workers)'
    """
    parts = []
    for name, t in phases.items():
        workers = f" + {t['workers_cpu']:.2f} s in workers" if t.get("workers_cpu") else ""
        parts.append(f"{name} {t['seconds']:.2f} s (CPU {t['cpu']:.2f} s{workers})")
    return "; ".join(parts)


def report_path(store_path: Path) -> Path:
    """Return where the kept build report of the store at ``store_path`` lives."""
    return store_path.with_name(f"{store_path.name}.build-report.json")


def last_build_path(store_path: Path) -> Path:
    """Return where a build that changed no source's messages keeps its summary and notes."""
    return store_path.with_name(f"{store_path.name}.build-report.last.json")


def read_kept_report(store_path: Path) -> KeptReport:
    """Return the kept report of a store (empty when no build kept one)."""
    data = _read_data(store_path)
    try:
        last_build = json.loads(last_build_path(Path(store_path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last_build = data.get("last_build", {})
    return KeptReport(
        sources={name: SourceReport(**report) for name, report in data.get("sources", {}).items()},
        last_build=last_build if isinstance(last_build, dict) else {},
    )


def _read_data(store_path: Path) -> dict:
    """Return the kept report's JSON as it is written (``{}`` when there is none)."""
    path = report_path(Path(store_path))
    try:
        return read_json(path)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise StoreError(
            f"cannot read the kept build report: {error}",
            path=str(path),
            hint="run pgraph build again to write a new one",
        ) from error


def write_kept_report(store_path: Path, report: KeptReport) -> None:
    """Write the kept report beside the store (atomically: a reader sees the old or the new)."""
    _write_data(store_path, {
        # What dataclasses.asdict gives, without its deep copy (10,000 sources: 0.3 s).
        "sources": {
            name: {"warnings": r.warnings, "errors": r.errors, "skipped": r.skipped}
            for name, r in sorted(report.sources.items())
        },
        "last_build": report.last_build,
    })


def _write_data(store_path: Path, data: dict) -> None:
    try:
        # The last build's summary goes with the sources' messages: a separate one is stale now.
        last_build_path(Path(store_path)).unlink(missing_ok=True)
    except OSError:
        return  # a read-only disk: the report stays as it was
    _replace_json(report_path(Path(store_path)), data)


def _replace_json(path: Path, data: dict) -> None:
    """Put ``data`` in place of ``path`` at once, as one line of JSON.

    One line (``pgraph.jsonfiles``: orjson, no indentation). The report is a
    convenience: a read-only or full disk must not fail the build, so nothing is
    written then.
    """
    with contextlib.suppress(OSError):
        write_json(path, data)


def update_kept_report(store_path: Path, build, *, kept_names: set[str]) -> None:
    """Replace the messages of the sources a build read or removed; keep the others'.

    ``build`` is the ``BuildReport``; ``kept_names`` are the sources still in the store.
    The other sources' entries are carried over as JSON, never turned into objects
    (a one-page rebuild of 10,000 sources touches one).
    """
    data = _read_data(store_path)
    sources: dict[str, dict] = data.get("sources", {})
    before = dict(sources)
    for name in [*build.read, *build.removed, *(getattr(e, "path", None) for e in build.errors)]:
        if name:
            sources.pop(name, None)
    by_source: dict[str, dict] = {}

    def entry(name: str) -> dict:
        return by_source.setdefault(name, {"warnings": [], "errors": [], "skipped": None})

    for warning in build.warnings:
        entry(warning.path or "")["warnings"].append(str(warning))
    for error in build.errors:
        entry(error.path or "")["errors"].append(str(error))
    for skipped in build.skipped:
        entry(skipped.split(":", 1)[0])["skipped"] = skipped
    for name in build.read:
        sources[name] = by_source.pop(name, None) or {"warnings": [], "errors": [], "skipped": None}
    for name, report in by_source.items():
        if name in kept_names or report["errors"]:
            sources[name] = report
    sources = {
        name: r for name, r in sorted(sources.items())
        if name in kept_names or r.get("errors") or r.get("warnings") or r.get("skipped")
    }
    last_build = {
        "ended": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "summary": build.summary(),
        "notes": list(build.notes),
        "phases": build.phases,
    }
    if data and sources == before:
        _replace_json(last_build_path(Path(store_path)), last_build)
    else:
        _write_data(store_path, {"sources": sources, "last_build": last_build})
