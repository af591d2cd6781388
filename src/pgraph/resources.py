"""Where pgraph's own files live: the ontology, the vocabularies, the queries, the data.

This is the only module that knows. In a source checkout they are the
top-level folders; in an installed wheel they are shipped under
``pgraph/_data``.

Example:
    >>> (ontology_dir() / "pgraph.ttl").is_file()
    True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _find(name: str) -> Path:
    shipped = Path(str(resources.files("pgraph"))) / "_data" / name
    if shipped.is_dir():
        return shipped
    return _CHECKOUT / name


def ontology_dir() -> Path:
    """Return the folder holding ``pgraph.ttl``, ``shapes.ttl`` and ``context.jsonld``."""
    return _find("ontology")


def vocabularies_dir() -> Path:
    """Return the folder of SKOS vocabularies (labels, facets, ratings, countries)."""
    return ontology_dir() / "vocabularies"


def queries_dir() -> Path:
    """Return the folder of the SPARQL query library (``*.rq``)."""
    return _find("queries")


def data_dir() -> Path:
    """Return the bundled data folder (seed page, synthetic pages, label and alias tables)."""
    return _find("data")


def aliases_path() -> Path:
    """Return the alias table in use: ``PGRAPH_ALIASES`` if set, else ``data/aliases.yaml``.

    The alias table is the curator's: ``pgraph organisations review --accept``
    writes to it, and every build reads it (its content is part of each
    file's hash, so editing it rebuilds everything).
    """
    import os

    return Path(os.environ.get("PGRAPH_ALIASES") or data_dir() / "aliases.yaml")
