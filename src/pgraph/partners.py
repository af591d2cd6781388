"""Partner names: which name an organisation, which name the same one, and what to call it.

A page lists its partners as it writes them. Three questions decide the nodes
of every partnership network, and each is answered here from data:

- **Generic or not.** "Residents' representatives" names a kind of participant,
  not an organisation. Names listed in ``ontology/vocabularies/partner-kinds.ttl``
  (English and French) are generic; for others, the rule of
  ``data/generic-partners.yaml`` decides (with a warning asking a curator to
  list the descriptor).
- **Certainly the same name.** Two names are one organisation when they differ
  only in case, accents, articles, punctuation, spacing, apostrophes or "&" for
  "and", or when one is the other followed by its acronym in brackets
  ("City of London Police (CoLP)"), or when ``data/aliases.yaml`` says so.
  Anything less certain ("Met Police" / "Metropolitan Police Service") is only
  proposed to a curator (``pgraph.review``).
- **The preferred name.** The form most pages write; ties go to well-written
  forms (not all capitals, no trailing punctuation), then to string order.

Example:
    >>> name = read_partner_name("The City of London Police (CoLP)*")
    >>> name.name, name.acronym, name.key
    ('City of London Police', 'CoLP', 'city of london police')
    >>> read_partner_name("Residents' representatives").kind.rsplit("/", 1)[-1]
    'residents'
    >>> preferred_name({"CITY OF LONDON POLICE.": 1, "City of London Police": 1})
    'City of London Police'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import yaml
from rdflib import SKOS, URIRef

from pgraph.resources import aliases_path, cached_on_files, data_dir, vocabulary_files
from pgraph.vocab import PGV, fold, vocabularies

PARTNER_KINDS = PGV["partner-kind"]
"""The SKOS scheme of kinds of partner (``ontology/vocabularies/partner-kinds.ttl``)."""
OTHER_KIND = PGV["partner-kind/other"]
"""The kind of a generic partner found by the rule, not by the scheme."""

_ARTICLES = frozenset({"the", "le", "la", "les"})
_ACRONYM = re.compile(r"[A-Za-z][A-Za-z0-9&]{1,11}")
_BRACKETED = re.compile(r"^(?P<name>.*\S)\s*[(\[](?P<acronym>[^()\[\]]+)[)\]]\s*[.,;:]?$")


@dataclass(frozen=True)
class PartnerName:
    """A partner name read: as written, without its acronym, its key, and what it names."""

    written: str
    """As the page writes it, without the statutory asterisk and extra spaces."""
    name: str
    """Without a bracketed acronym and a leading "The": the form a preferred name is chosen from."""
    key: str
    """What certainly-equal names share (the alias table applied): the organisation's IRI key."""
    acronym: str | None = None
    """The acronym the name defines ("City of London Police (CoLP)" → "CoLP")."""
    bare_acronym: str | None = None
    """The folded acronym when the whole name is one ("CoLP" → "colp")."""
    canonical: str | None = None
    """The name ``data/aliases.yaml`` gives, when the name is in it."""
    kind: URIRef | None = None
    """For a generic partner, its concept in the partner-kind scheme."""
    by_rule: bool = False
    """True when the generic rule, not the scheme, found the kind."""


def partner_name_as_written(name: str) -> str:
    """Return a partner's name as the page writes it, without the statutory asterisk.

    Example:
        >>> partner_name_as_written("  The City of\u00a0London Police* ")
        'The City of London Police'
    """
    return " ".join(name.replace("\u00a0", " ").split()).rstrip("*").strip()


def name_key(text: str) -> str:
    """Return what certainly-equal spellings of a name share: folded words, no article.

    Case, accents, apostrophes, punctuation and spacing go; "&" reads "and";
    a leading "The" (or French "le", "la", "les", "l'") goes, unless another
    article follows it ("La La Land"), so that a key is its own key.

    Example:
        >>> name_key("The  Residents\u2019 Groups.") == name_key("residents groups")
        True
        >>> name_key("HM Courts & Tribunals Service")
        'hm courts and tribunals service'
        >>> name_key("La La Land Trust") == name_key(name_key("La La Land Trust"))
        True
    """
    folded = fold(text).replace("&", " and ")
    folded = re.sub(r"^l'\s*", "", folded).replace("'", "")
    words = re.findall(r"\w+", folded)
    if len(words) > 1 and words[0] in _ARTICLES and words[1] not in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def read_partner_name(text: str) -> PartnerName:
    """Return what a partner name says: generic kind, acronym, key (see the module's rules)."""
    # The tables' identities key the cache: an edited alias table is a new table.
    return _read_partner_name(text, id(_alias_index()), id(_generic_rule()), id(_kind_index()))


@lru_cache(maxsize=50_000)
def _read_partner_name(text: str, *_tables: int) -> PartnerName:
    written = partner_name_as_written(text)
    name, acronym = split_acronym(written)
    name = strip_article(name)
    key = name_key(name)
    kind, by_rule = generic_kind(name)
    if kind is not None:
        return PartnerName(written, name, key, kind=kind, by_rule=by_rule)
    aliases = _alias_index()
    canonical = aliases.get(name_key(written)) or aliases.get(key)
    if canonical is not None:
        return PartnerName(written, name, name_key(canonical), acronym, canonical=canonical)
    bare = fold(name) if acronym is None and is_acronym(name) else None
    return PartnerName(written, name, key, acronym, bare_acronym=bare)


def strip_article(name: str) -> str:
    """Return ``name`` without a leading English "The".

    Example:
        >>> strip_article("The Metropolitan Police"), strip_article("Theatre Company")
        ('Metropolitan Police', 'Theatre Company')
    """
    return name[4:] if name[:4].casefold() == "the " and len(name) > 4 else name


def is_acronym(text: str) -> bool:
    """Return True for one word of 2 to 12 letters with at least two capitals ("TfL", "HMCTS").

    Example:
        >>> is_acronym("CoLP"), is_acronym("Police"), is_acronym("LFB")
        (True, False, True)
    """
    return bool(_ACRONYM.fullmatch(text)) and sum(c.isupper() for c in text) >= 2


def split_acronym(written: str) -> tuple[str, str | None]:
    """Return (name, acronym) of "Name (ACRONYM)"; (written, None) for any other name.

    The bracketed word is an acronym of the name only when it is one
    (``is_acronym``) and its letters appear in order in the name, starting
    with the name's first letter: "London (Ontario)" is not split.

    Example:
        >>> split_acronym("Transport for London (TfL)")
        ('Transport for London', 'TfL')
        >>> split_acronym("Police Service (Northern Ireland)")
        ('Police Service (Northern Ireland)', None)
    """
    match = _BRACKETED.match(written)
    if match is None:
        return written, None
    name, acronym = match["name"].strip(), match["acronym"].strip()
    if not is_acronym(acronym) or not _letters_in_order(acronym, strip_article(name)):
        return written, None
    return name, acronym


def _letters_in_order(acronym: str, name: str) -> bool:
    letters = [c for c in fold(acronym) if c.isalnum()]
    text = fold(name)
    if not letters or not text or text[0] != letters[0]:
        return False
    position = 0
    for letter in letters:
        position = text.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


# ---------------------------------------------------------------- generic partners


def generic_kind(name: str) -> tuple[URIRef | None, bool]:
    """Return (partner kind, found by the rule) for a generic descriptor; (None, False) otherwise.

    Example:
        >>> generic_kind("Local businesses")[0].rsplit("/", 1)[-1]
        'businesses'
        >>> generic_kind("Neighbourhood safety volunteers")
        (rdflib.term.URIRef('https://w3id.org/pgraph/vocab/partner-kind/other'), True)
        >>> generic_kind("Metropolitan Police Service")
        (None, False)
    """
    key = name_key(name)
    kind = _kind_index().get(key)
    if kind is not None:
        return kind, False
    rule = _generic_rule()
    if key in rule["organisations"]:
        return None, False
    words = name.split()
    if not words or len(words) > 6 or any(c.isdigit() for c in name):
        return None, False
    if any(word[:1].isupper() for word in words[1:]):
        return None, False
    keyed = key.split()
    if keyed and (keyed[-1] in rule["heads"] or keyed[0] in rule["heads"]):
        return OTHER_KIND, True
    return None, False


def generic_rule_text() -> str:
    """Return the rule for descriptors the scheme lacks, as the warnings and README state it."""
    return (
        "at most six words, no digits, no capital after the first word, and a first or last "
        "word among the heads of data/generic-partners.yaml"
    )


@cached_on_files(vocabulary_files)
def _kind_index() -> dict[str, URIRef]:
    graph = vocabularies().graph
    index: dict[str, URIRef] = {}
    for concept in sorted(graph.subjects(SKOS.inScheme, PARTNER_KINDS)):
        if concept == OTHER_KIND:
            continue
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, prop):
                index.setdefault(name_key(str(label)), URIRef(concept))
    return index


@cached_on_files(lambda: [data_dir() / "generic-partners.yaml"])
def _generic_rule() -> dict[str, frozenset[str]]:
    path = data_dir() / "generic-partners.yaml"
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        "heads": frozenset(name_key(str(word)) for word in table.get("heads") or []),
        "organisations": frozenset(name_key(str(n)) for n in table.get("organisations") or []),
    }


# ---------------------------------------------------------------- aliases


@cached_on_files(lambda: [aliases_path()])
def _alias_index() -> dict[str, str]:
    path = aliases_path()
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    index: dict[str, str] = {}
    for canonical, aliases in table.items():
        for alias in [canonical, *(aliases or [])]:
            index[name_key(str(alias))] = str(canonical)
    return index


def canonical_organisation_name(name: str) -> str:
    """Return the name a partner name stands for: the alias table's, or the name itself.

    Example:
        >>> canonical_organisation_name("HM Court Service")
        'HM Courts Service'
        >>> canonical_organisation_name("The City of London Police*")
        'City of London Police'
    """
    read = read_partner_name(name)
    return read.canonical or read.name


# ---------------------------------------------------------------- preferred names


def well_written(form: str) -> tuple[bool, bool, bool]:
    """Return how well a form is written, best highest: not all capitals, no trailing
    punctuation, not all lower case.

    Example:
        >>> well_written("CITY OF LONDON POLICE.") < well_written("City of London Police")
        True
    """
    letters = [c for c in form if c.isalpha()]
    shouting = len(letters) > 5 and all(c.isupper() for c in letters)
    return (not shouting, form[-1:] not in ".,;:!?-*", any(c.isupper() for c in letters))


def preferred_name(counts: Mapping[str, int] | Iterable[str]) -> str:
    """Return the preferred name among the names an organisation is given, with their counts.

    The alias table's name when it applies (a curator chose it); otherwise the
    form most mentions write (without a bracketed acronym or a leading "The"),
    ties going to well-written forms, then to string order. A bare acronym is
    chosen only when nothing else names the organisation.

    Example:
        >>> preferred_name({"The Metropolitan Police": 2, "METROPOLITAN POLICE": 2, "Met": 1})
        'Metropolitan Police'
        >>> preferred_name(["HMCTS", "HM Court Service"])
        'HM Courts & Tribunals Service'
    """
    if not isinstance(counts, Mapping):
        counts = Counter(counts)
    forms: Counter[str] = Counter()
    bare: Counter[str] = Counter()
    for written, count in counts.items():
        read = read_partner_name(written)
        if read.canonical is not None:
            return read.canonical
        (bare if read.bare_acronym else forms)[read.name] += count
    forms = forms or bare
    return min(forms, key=lambda form: (-forms[form], [not w for w in well_written(form)], form))


def acronyms_of(names: Iterable[str]) -> set[str]:
    """Return the acronyms that names define ("Transport for London (TfL)" → "TfL").

    Example:
        >>> sorted(acronyms_of(["Transport for London (TfL)", "TfL", "Transport for London"]))
        ['TfL']
    """
    return {read.acronym for name in names if (read := read_partner_name(name)).acronym}


def forget_tables() -> None:
    """Forget the alias and generic-partner tables read so far (after editing them in-process)."""
    for cached in (_alias_index, _generic_rule, _kind_index, _read_partner_name):
        cached.cache_clear()
