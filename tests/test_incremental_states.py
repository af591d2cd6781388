"""A stateful property test of incremental builds (hypothesis ``RuleBasedStateMachine``).

Random sequences of edits to a catalogue folder — add a page, modify one,
rename one, delete one, break one (an empty file: an error), fix it — each
followed by an incremental ``build_catalogue`` into the same on-disk store
and an incremental validation. After every step the store must hold exactly
what a full build of the same folder gives, and the validation report must
be the full validation's. A broken file keeps the graph of its last good
version (a bad edit never loses what was stored), so the full build is made
of the folder with each broken file in its last good version (or without it,
if it never had one).

``PGRAPH_STATEFUL_EXAMPLES`` sequences of up to ``STEPS`` steps (default 4:
the suite's budget; ``PGRAPH_STATEFUL_EXAMPLES=100`` for a deeper run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from pgraph.build import build_catalogue
from pgraph.shacl.engine import run_plan
from pgraph.shacl.state import state_path
from pgraph.store import open_store
from pgraph.synth import generate_catalogue
from pgraph.validate import compiled_plan, report_from_results, validate_store

EXAMPLES = int(os.environ.get("PGRAPH_STATEFUL_EXAMPLES", "4"))
STEPS = 6
NAMES = [f"page-{i}.txt" for i in range(5)]
BROKEN = b""  # an empty file: an error, the file's earlier graph is kept


@cache
def pool() -> tuple[bytes, ...]:
    """Pages to add and edit (synthetic, well-formed)."""
    folder = Path(tempfile.mkdtemp(prefix="pgraph-states-")) / "pool"
    generate_catalogue(folder, practices=6, seed=21, malformed_share=0)
    pages = tuple(p.read_bytes() for p in sorted((folder / "pages").glob("*.txt")))
    shutil.rmtree(folder.parent, ignore_errors=True)
    return pages


def variant(page: bytes, words: str) -> bytes:
    """The page with words added to its title (the third line): another practice's graph."""
    lines = page.decode("utf-8").split("\n")
    lines[2] += f" {words}"
    return "\n".join(lines).encode("utf-8")


def quads(store: ox.Store) -> set[str]:
    """Every quad but those of the builds graph (which records when each build ran)."""
    return {str(q) for q in store if not str(q.graph_name).endswith("/graph/builds>")}


class IncrementalBuilds(RuleBasedStateMachine):
    """The folder's files, the last good version of each, and the store built from them."""

    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="pgraph-states-"))
        self.pages = self.work / "catalogue" / "pages"
        self.pages.mkdir(parents=True)
        # A page no rule touches: a build refuses a folder with no source at all.
        self.anchor = variant(pool()[0], "Anchor")
        (self.pages / "anchor.txt").write_bytes(self.anchor)
        self.store = self.work / "store"
        self.files: dict[str, bytes] = {}
        self.good: dict[str, bytes] = {}  # the content each name's stored graph came from
        self.edits = 0
        self.checked = False

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    # ------------------------------------------------------------ edits

    def _write(self, name: str, content: bytes) -> None:
        self.files[name] = content
        (self.pages / name).write_bytes(content)
        self.edits += 1

    @initialize(which=st.integers(0, 5), slot=st.integers(0, len(NAMES) - 1))
    def first_page(self, which: int, slot: int) -> None:
        self.add(which, slot)

    @precondition(lambda self: len(self.files) < len(NAMES))
    @rule(which=st.integers(0, 5), slot=st.integers(0, len(NAMES) - 1))
    def add(self, which: int, slot: int) -> None:
        name = next(n for i, n in enumerate(NAMES * 2) if i >= slot and n not in self.files)
        self._write(name, variant(pool()[which % len(pool())], f"Added {self.edits}"))
        self.build()

    @precondition(lambda self: self.files)
    @rule(pick=st.integers(0, 99), which=st.integers(0, 5))
    def modify(self, pick: int, which: int) -> None:
        name = sorted(self.files)[pick % len(self.files)]
        self._write(name, variant(pool()[which % len(pool())], f"Modified {self.edits}"))
        self.build()

    @precondition(lambda self: self.files and len(self.files) < len(NAMES))
    @rule(pick=st.integers(0, 99))
    def rename(self, pick: int) -> None:
        old = sorted(self.files)[pick % len(self.files)]
        new = next(n for n in NAMES if n not in self.files)
        (self.pages / old).rename(self.pages / new)
        self.files[new] = self.files.pop(old)
        self.good.pop(old, None)  # the old name's graph goes; the new one has none yet
        self.build()

    @precondition(lambda self: self.files)
    @rule(pick=st.integers(0, 99))
    def delete(self, pick: int) -> None:
        name = sorted(self.files)[pick % len(self.files)]
        (self.pages / name).unlink()
        del self.files[name]
        self.good.pop(name, None)
        self.build()

    @precondition(lambda self: any(c != BROKEN for c in self.files.values()))
    @rule(pick=st.integers(0, 99))
    def break_a_file(self, pick: int) -> None:
        names = sorted(n for n, c in self.files.items() if c != BROKEN)
        self._write(names[pick % len(names)], BROKEN)
        self.build()

    @precondition(lambda self: BROKEN in self.files.values())
    @rule(pick=st.integers(0, 99), which=st.integers(0, 5))
    def fix_a_file(self, pick: int, which: int) -> None:
        names = sorted(n for n, c in self.files.items() if c == BROKEN)
        name = names[pick % len(names)]
        self._write(name, self.good.get(name) or pool()[which % len(pool())])
        self.build()

    # ------------------------------------------------------------ the build and the checks

    def build(self) -> None:
        report = build_catalogue([self.pages.parent], store_path=self.store)
        broken = {n for n, c in self.files.items() if c == BROKEN}
        assert {e.path for e in report.errors} == {f"catalogue/pages/{n}" for n in broken}
        incremental = quads(report.store)
        del report
        for name, content in self.files.items():
            if content != BROKEN:
                self.good[name] = content
        assert incremental == self.full_build(), "the incremental build differs from a full one"
        self.check_validation()
        self.checked = True

    def full_build(self) -> set[str]:
        """What a full build gives: broken files in their last good version."""
        folder = self.work / "full" / "catalogue"
        shutil.rmtree(folder.parent, ignore_errors=True)
        (folder / "pages").mkdir(parents=True)
        (folder / "pages" / "anchor.txt").write_bytes(self.anchor)
        for name, content in self.files.items():
            kept = self.good.get(name) if content == BROKEN else content
            if kept is not None:
                (folder / "pages" / name).write_bytes(kept)
        if not any((folder / "pages").iterdir()):
            # A first build of an empty folder is refused (nothing found, nothing to
            # remove); a folder emptied of its pages is what a build that removes them leaves.
            store = self.work / "full" / "store"
            (folder / "pages" / "page.txt").write_bytes(pool()[0])
            build_catalogue([folder], store_path=store)
            (folder / "pages" / "page.txt").unlink()
            return quads(build_catalogue([folder], store_path=store).store)
        return quads(build_catalogue([folder], store_path=None).store)

    def check_validation(self) -> None:
        store = open_store(self.store, read_only=True)
        incremental = validate_store(store, state=state_path(self.store))
        full = report_from_results(store, run_plan(compiled_plan(), store))
        assert incremental.findings == full.findings
        assert incremental.conforms == full.conforms

    @invariant()
    def the_store_holds_no_staging_graph(self) -> None:
        if self.store.exists():
            store = ox.Store.read_only(str(self.store))
            assert not [g for g in store.named_graphs() if g.value.endswith("#staging")]


IncrementalBuilds.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_incremental_builds_equal_full_builds = IncrementalBuilds.TestCase
