"""py3langid's model read from the uncompressed copy in the cache is the model py3langid loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE
from py3langid.modelio import load_model

from pgraph.sources.language_model import _copy_path, _read, language_model


def same(model, reference) -> bool:
    return all(
        np.array_equal(a, b) and a.dtype == b.dtype if isinstance(b, np.ndarray)
        else type(a) is type(b) and a == b
        and getattr(a, "typecode", None) == getattr(b, "typecode", None)
        for a, b in zip(model, reference, strict=True)
    )


def test_the_cached_copy_is_the_shipped_model_and_a_broken_one_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    reference = load_model(Path(MODEL_DIR) / MODEL_FILE)
    copy = _copy_path(Path(MODEL_DIR) / MODEL_FILE)
    assert copy is not None and copy.parent == tmp_path / "pgraph" and not copy.exists()
    assert same(language_model(), reference)  # loaded as py3langid does, copy written
    assert (copy / "nextmove.npy").exists()
    assert same(language_model(), reference)  # read from the copy
    assert same(_read(copy), reference)  # (and not the shipped model again: reading it works)
    (copy / "output.npy").write_bytes(b"not an array")
    assert same(language_model(), reference)  # a broken copy: the shipped model


def test_a_cache_that_cannot_be_written_does_not_matter(tmp_path, monkeypatch):
    (tmp_path / "pgraph").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert same(language_model(), load_model(Path(MODEL_DIR) / MODEL_FILE))
