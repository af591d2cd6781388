"""pgraph: catalogues of crime-prevention practices as a linked-data knowledge graph.

Example:
    >>> import pgraph
    >>> pgraph.__version__.count(".") >= 1
    True
"""

__version__ = "0.1.0"
from pgraph import query  # noqa: E402,F401  (callable: pgraph.query(name, **params))
