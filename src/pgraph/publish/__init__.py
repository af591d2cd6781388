"""Publication: dumps, the DCAT/VoID description, triple stores and links out.

One module per concern: :mod:`~pgraph.publish.dumps` (RDF files),
:mod:`~pgraph.publish.description` (DCAT-AP and VoID),
:mod:`~pgraph.publish.stores` (Graph Store Protocol and SPARQL Update) and
:mod:`~pgraph.publish.link` (proposing links to Wikidata).
"""

from pgraph.publish.dumps import Dump, DumpFormat, write_dump, write_dumps

__all__ = ["Dump", "DumpFormat", "write_dump", "write_dumps"]

# The static site and the ontology documentation.
from pgraph.publish.docs import write_docs
from pgraph.publish.site import SiteReport, write_site

__all__ += ["SiteReport", "write_docs", "write_site"]
