"""py3langid's model, kept uncompressed in the user's cache so that a process loads it in ms.

py3langid ships its model as an LZMA-compressed NumPy archive: decompressing
it takes ~0.3 to 0.5 s of CPU in every process that detects a language — most of
what a one-page rebuild spends on its one page. The first load writes the
same arrays, uncompressed, to ``$XDG_CACHE_HOME/pgraph/`` (default
``~/.cache/pgraph/``), named after the model file's path, size and
modification time: one NumPy ``.npy`` file per array (~70 MB in all), which
later loads map into memory instead of decompressing. The copy is a shortcut
only: written atomically (a folder renamed into place), and any problem
reading it means loading the shipped model as py3langid does.

Example:
    >>> model = language_model()
    >>> len(model), len(model[2]) == model[1].shape[0]
    (6, True)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any

import numpy as np

_TYPECODES = {2: "H", 4: "I", 8: "L"}


def language_model() -> tuple[Any, ...]:
    """Return py3langid's model as its ``load_model`` does: (ptc, pc, classes, nextmove, row,
    output), from the uncompressed copy when there is one."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    shipped = Path(MODEL_DIR) / MODEL_FILE
    copy = _copy_path(shipped)
    if copy is not None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            return _read(copy)
    model = load_model(shipped)
    if copy is not None:
        _write(copy, model)
    return model


def _copy_path(shipped: Path) -> Path | None:
    try:
        status = shipped.stat()
    except OSError:
        return None
    key = f"{shipped.resolve()}\n{status.st_size}\n{status.st_mtime_ns}\n{np.__version__}"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pgraph"
    return cache / f"langid-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


_NAMES = ("ptc", "pc", "classes", "nextmove", "row", "output")


def _read(folder: Path) -> tuple[Any, ...]:
    ptc, pc, classes, nextmove, row, output = (
        np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _NAMES
    )
    return (ptc, np.array(pc), classes.tolist(), _array(nextmove), _array(row), output.tolist())


def _write(folder: Path, model: tuple[Any, ...]) -> None:
    ptc, pc, classes, nextmove, row, output = model
    arrays = (ptc, pc, np.array(classes), _numpy(nextmove), _numpy(row),
              np.asarray(output, dtype=np.int64))
    temporary = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".langid-"))
        for name, values in zip(_NAMES, arrays, strict=True):
            np.save(temporary / f"{name}.npy", values, allow_pickle=False)
        os.replace(temporary, folder)  # an existing copy (another process's) stays
    except OSError:  # a shortcut only: a read-only home must not fail the build
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _numpy(values: array) -> np.ndarray:
    return np.frombuffer(values, dtype=np.dtype(values.typecode))


def _array(values: np.ndarray) -> array:
    out = array(_TYPECODES[values.dtype.itemsize])
    # Its buffer, as bytes: one copy, not two (tobytes first: ~20 ms more).
    out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))  # type: ignore[arg-type]
    return out
