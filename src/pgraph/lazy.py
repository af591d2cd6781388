"""Heavy libraries imported when first used, so that commands which never use them start fast.

``pgraph build``, ``pgraph stats`` and ``pgraph query`` load the command line,
which names every stage; networkx (about 0.2 s to import) is needed only by
the network commands. A module-level ``nx = lazy_module("networkx")`` reads
like an import, and imports networkx at the first ``nx.<name>``.

Example:
    >>> import sys
    >>> colorsys = lazy_module("colorsys")
    >>> colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
    (0.0, 1.0, 1.0)
    >>> "colorsys" in sys.modules
    True
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A stand-in for a module: the first attribute asked for imports it."""

    def __init__(self, name: str) -> None:
        self.__name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self.__name), attribute)
        setattr(self, attribute, value)  # later look-ups are plain attribute reads
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__name!r}>"


def lazy_module(name: str) -> Any:
    """Return a stand-in for module ``name`` that imports it on first use."""
    return LazyModule(name)
