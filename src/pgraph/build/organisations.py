"""The organisations graph: each partner organisation described once, from every page that names it.

A page names its partners; the same organisation appears on hundreds of
pages. Were each page's graph to describe it, the union of the graphs would
repeat its type and labels once per page, and every query joining through
organisations would multiply its rows. So a page's graph keeps only what the
page says — the membership, with the name as written (``pg:partnerName``) —
and one graph, ``<base>graph/organisations``, holds one description per
organisation, computed from all the names the sources give it and how often
(``pgraph.mapping.describe_organisations``).

Two things here need the whole catalogue, not one page:

- **Acronyms.** A page naming a partner "CoLP" alone names the organisation
  another page calls "City of London Police (CoLP)". The organisations graph
  keeps each defined acronym (``pg:acronym``); a membership naming a partner
  by an acronym that exactly one organisation defines points at that
  organisation (its ``org:member`` and the partnership's ``org:hasMember`` are
  patched in the page's graph), and points back at the acronym's own IRI when
  the definition goes. An acronym two organisations define is left alone,
  with a note.
- **Retired IRIs.** When an organisation's IRI stops being used because its
  names now resolve elsewhere (an alias edit, an acronym defined), the old
  IRI stays in the graph with ``dcterms:isReplacedBy`` and ``owl:sameAs`` to
  the new one, so links made to it keep working.

At each build, the organisations named by the files read, or by the graphs
being replaced or dropped, are described again from the mentions that remain;
the others are left alone. The result equals a full rebuild (tested).

Example:
    >>> import pyoxigraph as ox
    >>> from pgraph.mapping import Iris
    >>> police = Iris().organisation("Police Scotland")
    >>> change = organisation_change(ox.Store(), Iris(), {police: {"Police Scotland": 1}},
    ...                              leaving=set())
    >>> len(change.added), change.removed, sorted(change.organisations) == [f"<{police}>"]
    (6, [], True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import OWL, SKOS, URIRef
from rdflib.namespace import DCTERMS

from pgraph.mapping import BareAcronym, Iris, describe_organisations
from pgraph.partners import acronyms_of, preferred_name, read_partner_name
from pgraph.store import STAGING_SUFFIX, to_oxigraph
from pgraph.vocab import ORG, PG, fold

_MEMBER = ox.NamedNode(str(ORG.member))
_HAS_MEMBER = ox.NamedNode(str(ORG.hasMember))
_ACRONYM = ox.NamedNode(str(PG.acronym))
_REPLACED_BY = ox.NamedNode(str(DCTERMS.isReplacedBy))
_SAME_AS = ox.NamedNode(str(OWL.sameAs))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ORGANIZATION = ox.NamedNode(str(ORG.Organization))
_GENERIC_PARTNER = ox.NamedNode(str(PG.GenericPartner))
_LABELS = {ox.NamedNode(str(SKOS.prefLabel)), ox.NamedNode(str(SKOS.altLabel))}
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass
class OrganisationChange:
    """What a build changes in the organisations graph: quads to remove and to add."""

    removed: list[ox.Quad]
    added: list[ox.Quad]
    organisations: set[str]
    """The nodes whose description changed, as N-Triples terms (``<iri>``)."""
    notes: list[str] = field(default_factory=list)
    """Acronyms resolved and IRIs retired, for the build's output."""


@dataclass
class _Pending:
    """A membership naming its partner by an acronym alone, to resolve."""

    graph: str
    mention: BareAcronym
    current: URIRef  # what its org:member is now (or will be, once the staged graph moves)
    stored: bool  # already in the store (True) or just read


def organisation_change(
    store: ox.Store,
    iris: Iris,
    new_mentions: Mapping[URIRef, Mapping[str, int]],
    *,
    leaving: set[str],
    bare_acronyms: Sequence[tuple[str, BareAcronym]] = (),
) -> OrganisationChange:
    """Return the change to the organisations graph once the files just read replace ``leaving``.

    ``new_mentions`` are the names the files just read give each organisation
    (with counts); ``bare_acronyms`` their memberships naming a partner by an
    acronym alone, with the graph each goes to; the store provides the mentions
    of every other graph.
    """
    target = ox.NamedNode(str(iris.graph("organisations")))
    state = _State(store, leaving)
    affected = set(new_mentions) | _mentioned_in(store, leaving)
    for organisation, names in new_mentions.items():
        state.mentions.setdefault(organisation, Counter()).update(names)
    state.gather(affected)

    table, changed = _acronym_table(store, target, affected, state)
    pending = [_Pending(g, b, b.organisation, False) for g, b in bare_acronyms]
    pending += _stored_bare(store, iris, changed, leaving)
    removed_quads, added_quads, patched, notes = _resolve_bare(
        store, pending, table, state, affected
    )
    # The commit applies these after moving staged graphs in: a new graph is patched too.
    removed_quads -= added_quads

    described = {o: c for o in affected if (c := state.mentions.get(o)) and +c}
    new = {
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)
        for s, p, o in describe_organisations({o: +c for o, c in described.items()})
    }
    old = {
        quad
        for organisation in affected
        for quad in store.quads_for_pattern(_node(organisation), None, None, target)
    }
    retired, retire_notes = _retirements(store, iris, target, affected, described, old, table)
    new |= retired
    old |= _pointing_at(store, target, {q.subject for q in retired})
    new |= _repointed(store, target, retired)
    notes += retire_notes
    # The graph names itself, as the builds, vocabularies and ontology graphs do, so that
    # its IRI dereferences to a document about it.
    named = ox.Quad(target, _LABEL, ox.Literal("graph of the organisations"), target)
    if named not in store:
        added_quads.add(named)
    return OrganisationChange(
        removed=sorted((old - new) | removed_quads, key=str),
        added=sorted((new - old) | added_quads, key=str),
        organisations={str(quad.subject) for quad in old ^ new} | patched,
        notes=notes,
    )


def _acronym_table(
    store: ox.Store, target: ox.NamedNode, affected: set[str], state: _State
) -> tuple[dict[str, set[str]], set[str]]:
    """The folded acronym → organisations table after the change, and the acronyms it changes."""
    old_table = _stored_acronyms(store, target)
    table = {key: {o for o in owners if o not in affected} for key, owners in old_table.items()}
    for organisation in affected:
        for acronym in acronyms_of(state.mentions.get(organisation, {})):
            table.setdefault(fold(acronym), set()).add(organisation)
    changed = {k for k in {*old_table, *table} if old_table.get(k, set()) != table.get(k, set())}
    return table, changed


def _resolve_bare(
    store: ox.Store,
    pending: list[_Pending],
    table: dict[str, set[str]],
    state: _State,
    affected: set[str],
) -> tuple[set[ox.Quad], set[ox.Quad], set[str], list[str]]:
    """Point each bare-acronym membership at the one organisation defining its acronym.

    Returns the quads to remove and to add, the membership and partnership
    nodes patched, and the notes; ``affected`` and ``state`` take in the
    organisations whose mentions move.
    """
    removed_quads: set[ox.Quad] = set()
    added_quads: set[ox.Quad] = set()
    patched: set[str] = set()
    notes: list[str] = []
    for item in pending:
        owners = table.get(item.mention.acronym, set())
        want = next(iter(owners)) if len(owners) == 1 else item.mention.organisation
        if len(owners) > 1 and not item.stored:
            notes.append(
                f'"{item.mention.name}" ({_source(item)}) is left as it is: '
                f"{len(owners)} organisations define this acronym"
            )
        if want == item.current:
            if want != item.mention.organisation and not item.stored:
                notes.append(_resolved_note(item, want, state))
            continue
        state.gather({item.current, want})
        state.mentions.setdefault(item.current, Counter())[item.mention.name] -= 1
        state.mentions.setdefault(want, Counter())[item.mention.name] += 1
        affected |= {item.current, want}
        graph = ox.NamedNode(item.graph)
        m, p = _node(item.mention.membership), _node(item.mention.partnership)
        removed_quads.add(ox.Quad(m, _MEMBER, _node(item.current), graph))
        if not (item.stored and _other_member(store, item, graph)):
            removed_quads.add(ox.Quad(p, _HAS_MEMBER, _node(item.current), graph))
        added_quads |= {ox.Quad(m, _MEMBER, _node(want), graph),
                        ox.Quad(p, _HAS_MEMBER, _node(want), graph)}
        patched |= {f"<{item.mention.membership}>", f"<{item.mention.partnership}>"}
        if want != item.mention.organisation:
            notes.append(_resolved_note(item, want, state))
    return removed_quads, added_quads, patched, notes


class _State:
    """The names each organisation is given in the catalogue after the build, gathered lazily."""

    def __init__(self, store: ox.Store, leaving: set[str]) -> None:
        self.store, self.leaving = store, leaving
        self.mentions: dict[URIRef, Counter[str]] = {}
        self.gathered: set[URIRef] = set()

    def gather(self, organisations: Iterable[URIRef]) -> None:
        wanted = set(organisations) - self.gathered
        self.gathered |= wanted
        for source, organisation, name in _stored_mentions(self.store, wanted):
            if source not in self.leaving and not source.endswith(STAGING_SUFFIX):
                self.mentions.setdefault(organisation, Counter())[name] += 1

    def label(self, organisation: URIRef) -> str:
        counts = +self.mentions.get(organisation, Counter())
        return preferred_name(counts) if counts else str(organisation)


def _resolved_note(item: _Pending, want: URIRef, state: _State) -> str:
    return (
        f'"{item.mention.name}" ({_source(item)}) read as "{state.label(want)}", '
        "whose acronym it is elsewhere in the catalogue"
    )


def _source(item: _Pending) -> str:
    """Return "practice <slug>" for a membership of ``…/practice/<slug>/partnership``."""
    return "practice " + str(item.mention.partnership).rsplit("/", 2)[-2]


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _mentioned_in(store: ox.Store, graphs: Iterable[str]) -> set[URIRef]:
    """The organisations ``graphs`` name as members: not their generic partners ("local
    residents"), which a graph describes itself and the organisations graph never does."""
    found = set()
    for graph in map(ox.NamedNode, graphs):
        for quad in store.quads_for_pattern(None, _MEMBER, None, graph):
            member = quad.object
            if isinstance(member, ox.NamedNode) and not any(
                    store.quads_for_pattern(member, _TYPE, _GENERIC_PARTNER, graph)):
                found.add(URIRef(member.value))
    return found


def _stored_mentions(
    store: ox.Store, organisations: set[URIRef]
) -> Iterable[tuple[str, URIRef, str]]:
    """Yield (graph, organisation, name as written) for each stored mention of ``organisations``."""
    if not organisations:
        return
    values = " ".join(f"<{o}>" for o in organisations)
    rows = store.query(
        f"SELECT ?g ?m ?o ?name WHERE {{ VALUES ?o {{ {values} }} "
        f"GRAPH ?g {{ ?m <{ORG.member}> ?o ; <{PG.partnerName}> ?name }} }}"
    )
    for row in rows:
        yield row["g"].value, URIRef(row["o"].value), row["name"].value


def _stored_acronyms(store: ox.Store, target: ox.NamedNode) -> dict[str, set[URIRef]]:
    table: dict[str, set[URIRef]] = {}
    for quad in store.quads_for_pattern(None, _ACRONYM, None, target):
        table.setdefault(fold(quad.object.value), set()).add(URIRef(quad.subject.value))
    return table


def _stored_bare(
    store: ox.Store, iris: Iris, acronyms: set[str], leaving: set[str]
) -> list[_Pending]:
    """Return the stored memberships naming a partner by one of ``acronyms`` alone."""
    if not acronyms:
        return []
    wanted = ", ".join(f'"{a}"' for a in sorted(acronyms))
    rows = store.query(
        f"SELECT ?g ?m ?p ?o ?name WHERE {{ GRAPH ?g {{ ?m <{PG.partnerName}> ?name ; "
        f"<{ORG.organization}> ?p ; <{ORG.member}> ?o }} "
        f"FILTER (LCASE(STR(?name)) IN ({wanted})) }}"
    )
    found = []
    for row in rows:
        graph, name = row["g"].value, row["name"].value
        if graph in leaving or graph.endswith(STAGING_SUFFIX):
            continue
        read = read_partner_name(name)
        if read.bare_acronym is None:
            continue
        mention = BareAcronym(
            URIRef(row["m"].value), URIRef(row["p"].value), iris.organisation(name), name,
            read.bare_acronym,
        )
        found.append(_Pending(graph, mention, URIRef(row["o"].value), True))
    return sorted(found, key=lambda p: (p.graph, p.mention.membership))


def _other_member(store: ox.Store, item: _Pending, graph: ox.NamedNode) -> bool:
    """Return True when another membership of the partnership has the same member."""
    for quad in store.quads_for_pattern(None, _MEMBER, _node(item.current), graph):
        if quad.subject.value == str(item.mention.membership):
            continue
        org = ox.NamedNode(str(ORG.organization))
        if any(store.quads_for_pattern(quad.subject, org, _node(item.mention.partnership), graph)):
            return True
    return False


# ---------------------------------------------------------------- retired IRIs


def _retirements(store, iris, target, affected, described, old, table):
    """Return the retirement quads of organisations no name uses any more, and notes.

    An organisation described before (or retired before) and named by no page
    now is retired to where its names resolve now, when that is one described
    organisation.
    """
    quads: set[ox.Quad] = set()
    notes: list[str] = []
    old_by_subject: dict[str, list[ox.Quad]] = {}
    for quad in old:
        old_by_subject.setdefault(quad.subject.value, []).append(quad)
    for organisation in sorted(affected):
        if organisation in described:
            continue
        before = old_by_subject.get(str(organisation), [])
        names = [q.object.value for q in before if q.predicate in _LABELS]
        previous = [q.object for q in before if q.predicate == _REPLACED_BY]
        replacement = _replacement(store, iris, target, names, table, affected, described,
                                   organisation)
        if replacement is None and previous:
            replacement = URIRef(previous[0].value)
        if replacement is None or replacement == organisation:
            continue
        subject = _node(organisation)
        quads |= {ox.Quad(subject, _REPLACED_BY, _node(replacement), target),
                  ox.Quad(subject, _SAME_AS, _node(replacement), target)}
        if not previous:
            notes.append(f"<{organisation}> retired: its names now name <{replacement}>")
    return quads, notes


def _replacement(
    store, iris, target, names, table, affected, described, organisation
) -> URIRef | None:
    votes: Counter[URIRef] = Counter()
    for name in names:
        read = read_partner_name(name)
        if read.kind is not None:
            continue
        owners = table.get(read.bare_acronym or "", set())
        candidate = next(iter(owners)) if len(owners) == 1 else iris.organisation(name)
        if candidate == organisation:
            continue
        if candidate in described or (
            candidate not in affected
            and any(store.quads_for_pattern(_node(candidate), _TYPE, _ORGANIZATION, target))
        ):
            votes[candidate] += 1
    if not votes:
        return None
    return min(votes, key=lambda o: (-votes[o], str(o)))


def _pointing_at(store, target, retired: set) -> set[ox.Quad]:
    """Return the stored retirement quads pointing at organisations retired now."""
    found = set()
    for subject in retired:
        for predicate in (_REPLACED_BY, _SAME_AS):
            found |= set(store.quads_for_pattern(None, predicate, subject, target))
    return found


def _repointed(store, target, retired: set[ox.Quad]) -> set[ox.Quad]:
    """Return the retirements pointing at a newly retired IRI, pointing at its replacement."""
    replacement = {q.subject: q.object for q in retired if q.predicate == _REPLACED_BY}
    quads = set()
    for old, new in replacement.items():
        for quad in store.quads_for_pattern(None, _REPLACED_BY, old, target):
            if quad.subject in replacement:
                continue
            quads |= {ox.Quad(quad.subject, _REPLACED_BY, new, target),
                      ox.Quad(quad.subject, _SAME_AS, new, target)}
    return quads
