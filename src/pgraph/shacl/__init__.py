"""SHACL validation that scales: the shapes as SPARQL on the store, incrementally.

- ``plan``: reads ``ontology/shapes.ttl`` into checks (or refuses, and pySHACL runs);
- ``engine``: runs the checks as SPARQL on Oxigraph, all focus nodes or some;
- ``owners``: ties a result to its practice, the same way for rdflib graphs and stores;
- ``state``: keeps the last results beside the store and re-checks only what changed.

``pgraph.validate.validate_store`` is the entry point; its report equals pySHACL's
on the whole graph (``tests/test_validate_scaling.py``).
"""
