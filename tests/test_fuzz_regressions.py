"""Every input the fuzzer crashed on (tests/fuzz/crashes/), and its seed corpus, read cleanly.

The atheris harness is ``tests/fuzz/fuzz_pages.py``; its results are in
``tests/fuzz/RESULTS.md``. This replays, without atheris, what it found.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent / "fuzz"
_spec = importlib.util.spec_from_file_location("fuzz_pages", FUZZ / "fuzz_pages.py")
fuzz_pages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_pages)

CRASHES = sorted((FUZZ / "crashes").glob("crash-*"))
CORPUS = sorted((FUZZ / "corpus").iterdir())


@pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
def test_a_crash_the_fuzzer_found_is_fixed(path: Path) -> None:
    fuzz_pages.check_page(path.read_bytes())


def test_the_seed_corpus_reads_without_a_crash() -> None:
    assert CORPUS
    for path in CORPUS:
        fuzz_pages.check_page(path.read_bytes())


# ---------------------------------------------------------------- the other readers

_spec_readers = importlib.util.spec_from_file_location(
    "fuzz_readers", FUZZ / "fuzz_readers.py")
fuzz_readers = importlib.util.module_from_spec(_spec_readers)
_spec_readers.loader.exec_module(fuzz_readers)

READER_CRASHES = sorted(
    (target, path) for target in fuzz_readers.CHECKS
    for path in (FUZZ / "crashes" / target).glob("crash-*")
)


@pytest.mark.parametrize("target", sorted(fuzz_readers.CHECKS))
def test_each_reader_s_seed_corpus_reads_without_a_crash(target: str) -> None:
    corpus = sorted((FUZZ / "corpora" / target).iterdir())
    assert corpus
    for path in corpus:
        fuzz_readers.CHECKS[target](path.read_bytes())


def test_every_crash_the_fuzzer_found_in_another_reader_is_fixed() -> None:
    # One test for all (none found so far): each input kept in crashes/<target>/ must read.
    for target, path in READER_CRASHES:
        fuzz_readers.CHECKS[target](path.read_bytes())
