"""pgraph: catalogues of crime-prevention practices as a linked-data knowledge graph.

Example:
    >>> import pgraph
    >>> pgraph.__version__.count(".") >= 1
    True
"""

__version__ = "0.1.0"
from pgraph.store import register_commit_watcher

# Incremental validation must hear of every commit; the build does not know it.
register_commit_watcher("validation", "pgraph.shacl.state:track_commit")
# The derived graph (small summaries computed once) follows every build the same way.
register_commit_watcher("derived", "pgraph.derived:track_commit")
# The figures of `pgraph stats` are kept by every build, counting only what changed
# (after the derived graph's watcher, which adds to the commit's patches).
register_commit_watcher("stats", "pgraph.stats:track_commit")


def __getattr__(name: str):
    # ``pgraph.query`` (callable: ``pgraph.query(name, **params)``) is imported when first
    # used: a build or a validation needs none of the query library (PEP 562).
    if name == "query":
        import pgraph.query

        return pgraph.query
    raise AttributeError(f"module 'pgraph' has no attribute {name!r}")
