"""Coverage-guided fuzzing (atheris, libFuzzer) of the page reader, from bytes to stored triples.

Each input goes the way a file in a catalogue folder goes: bytes decoded
(``decode_text``), read as a catalogue page (``read_page``), mapped to RDF
(``map_practice``) and every term converted for the store (``to_oxigraph``,
which refuses an invalid IRI or language tag). A ``SourceError`` (including
"not a practice page") is a correct answer; any other exception is a crash.

Run (atheris is in the ``dev`` extra; it needs Linux and clang-built CPython
wheels, which PyPI has)::

    .venv/bin/python tests/fuzz/fuzz_pages.py tests/fuzz/corpus -atheris_runs=200000

``tests/fuzz/corpus/`` holds the seed inputs (the bundled page, the page
fixtures and the bad-input pages); libFuzzer adds what it finds there when
given a writable folder. Crashes are written as ``crash-*`` files; each one
found so far is kept in ``tests/fuzz/crashes/`` and replayed by
``tests/test_fuzz_regressions.py``. With ``PGRAPH_FUZZ_COLLECT=FOLDER`` a run
does not stop at the first crash: it keeps one input per kind of crash in
FOLDER. Results: ``tests/fuzz/RESULTS.md``.
"""

from __future__ import annotations

import sys


def check_page(data: bytes) -> None:
    """Read, map and convert one input; raise only for a crash (anything but SourceError)."""
    from pgraph.errors import SourceError
    from pgraph.mapping import map_practice
    from pgraph.sources.decoding import decode_text
    from pgraph.sources.pages import read_page
    from pgraph.store import to_oxigraph

    try:
        text, _ = decode_text(data, name="fuzz.txt")
        practice, _ = read_page(text, name="fuzz.txt")
    except SourceError:
        return
    for triple in map_practice(practice).triples:
        for term in triple:
            to_oxigraph(term)


def collecting(check, folder: str):
    """Return ``check`` that, instead of stopping at the first crash, keeps one input per kind.

    A kind is the exception type and the line of pgraph's code it came from;
    with ``PGRAPH_FUZZ_COLLECT=FOLDER``, one run lists every kind it meets.
    """
    import hashlib
    import traceback
    from pathlib import Path

    seen: set[str] = set()

    def run(data: bytes) -> None:
        try:
            check(data)
        except Exception as error:
            frames = [f for f in traceback.extract_tb(error.__traceback__)
                      if "pgraph" in f.filename]
            last = frames[-1] if frames else None
            where = f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}" if last else "?"
            kind = f"{type(error).__name__}@{where}"
            if kind not in seen:
                seen.add(kind)
                name = f"crash-{kind.replace(':', '-')}-{hashlib.sha1(data).hexdigest()[:8]}"
                Path(folder, name).write_bytes(data)
                print(f"CRASH {kind}: {str(error)[:200]}", flush=True)

    return run


def main(argv: list[str]) -> None:
    import os

    import atheris

    with atheris.instrument_imports(include=["pgraph"]):
        import pgraph.mapping
        import pgraph.sources.decoding
        import pgraph.sources.page_fields
        import pgraph.sources.page_lines
        import pgraph.sources.pages
        import pgraph.sources.partnerships
        import pgraph.store  # noqa: F401
    # Load the label tables and the language model once, before the clock starts.
    check_page("Curricula - Knowledge - Navigation\n\nT\n • France\nObjectives\n\nA "
               "text long enough for the language detector.\n".encode())
    collect = os.environ.get("PGRAPH_FUZZ_COLLECT")
    atheris.Setup(argv, collecting(check_page, collect) if collect else check_page)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
