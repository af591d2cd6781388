"""JSON files pgraph keeps beside a store, read and written with orjson.

A one-page rebuild and its validation read and write a few megabytes of
JSON that pgraph keeps for itself: the hash cache, the validation state, the
build report, the kept figures and sources (10,000 pages: 2-4 MB each).
`orjson <https://github.com/ijl/orjson>`_ (a well-kept Rust extension, no
dependencies) writes them 5-10x and reads them up to 2x faster than the
standard library's C encoder; the files are the same JSON, and either library
reads what the other wrote. Anything orjson refuses (an integer past 64 bits,
a key that is not text) is written by :mod:`json` instead, as before.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "kept.json"
    >>> write_json(path, {"b": [1, None], "a": "é"}, sort_keys=True)
    >>> path.read_text(encoding="utf-8")
    '{"a":"é","b":[1,null]}'
    >>> read_json(path)
    {'a': 'é', 'b': [1, None]}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson


def dumps(data: object, *, sort_keys: bool = False) -> bytes:
    """Return ``data`` as one line of UTF-8 JSON (keys in order with ``sort_keys``).

    Example:
        >>> dumps({"b": 1, "a": 2}, sort_keys=True), dumps({10: 2**70})
        (b'{"a":2,"b":1}', b'{"10":1180591620717411303424}')
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:  # what orjson does not write, json does (as pgraph always did)
        return json.dumps(data, sort_keys=sort_keys, ensure_ascii=False,
                          separators=(",", ":")).encode()


def read_json(path: Path) -> Any:
    """Return the data of a JSON file; ``ValueError`` when it is not JSON, ``OSError`` as open.

    Example:
        >>> read_json(Path("no-such-file.json"))
        Traceback (most recent call last):
        FileNotFoundError: [Errno 2] No such file or directory: 'no-such-file.json'
    """
    with open(path, "rb") as handle:
        return orjson.loads(handle.read())  # orjson.JSONDecodeError is a ValueError


def write_json(path: Path, data: object, *, sort_keys: bool = False) -> None:
    """Write ``data`` in place of ``path`` at once (a reader sees the old file or the new).

    ``OSError`` when it cannot be written; no temporary file is left then.
    """
    temporary = path.with_name(f"{path.name}.tmp")
    try:
        temporary.write_bytes(dumps(data, sort_keys=sort_keys))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
