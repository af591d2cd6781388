"""Organisation merges proposed to a curator: pairs of names that look alike, scored, with a reason.

The build merges only names that are certainly the same (``pgraph.partners``).
Everything else that looks alike — "Met Police" / "Metropolitan Police
Service", a typo, "Ltd", a French and an English name — is proposed here and
merged only when a curator adds it to ``data/aliases.yaml``.

Names are compared with rapidfuzz (a maintained C++ library of string
similarities; pgraph writes no edit distance of its own) after three
preparations that are data, not code: French words and phrases read in
English (``data/name-words.yaml``), corporate words left out ("Ltd", "the",
"of"), and accents, case and punctuation folded. A pair scores:

- 100 when the prepared names are equal ("same name once 'Ltd' … are left
  out", "same name in French and English", "same words in another order");
- 95 when one name is the other's acronym ("LCCG" and "Leicester Clinical
  Commissioning Group");
- 90 when a word of one is the start of a word of the other and the rest
  agrees ("Met" for "Metropolitan");
- 92 when they differ in one word, by one letter (rapidfuzz's optimal string
  alignment distance 1: a letter dropped, added, changed, or two swapped);
- 85 when one has one more word; otherwise rapidfuzz's ``ratio`` of the
  prepared names, at most 85: names alike in several places ("Bern Municipal
  Police" / "Brno Municipal Police") are different organisations more often
  than not, so they stay under the default threshold.

Example:
    >>> for p in propose_merges({
    ...     "a": ["Met Police"], "b": ["Metropolitan Police Service"],
    ...     "c": ["Leeds Youth Trust Ltd"], "d": ["Leeds Youth Trust"],
    ...     "e": ["City of London Police"], "f": ["City of London Corporation"]}):
    ...     print(p.score, p.a_label, "~", p.b_label, "|", p.reason[:36])
    100.0 Leeds Youth Trust Ltd ~ Leeds Youth Trust | same name once words such as 'Ltd' o
    90.0 Met Police ~ Metropolitan Police Service | a word is shortened ("met" for "metr
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from pgraph.partners import is_acronym
from pgraph.resources import aliases_path, data_dir
from pgraph.vocab import fold

DEFAULT_THRESHOLD = 90.0
"""Least score of a proposed pair."""

_CANDIDATE_CUTOFF = 70
"""Least rapidfuzz token-set score for a pair to be looked at closely."""
_BLOCK = 2_000
_SMALL_WORDS = frozenset({"of", "and", "for", "the", "de", "du", "des", "la", "le", "les", "et"})


@dataclass(frozen=True, order=True)
class Proposal:
    """Two organisations that may be one: the score (0 to 100) and why."""

    score: float
    reason: str
    a: str
    a_label: str
    b: str
    b_label: str


@dataclass
class ReviewReport:
    """What ``review_organisations`` found and wrote."""

    organisations: int
    proposals: list[Proposal] = field(default_factory=list)
    accepted: list[Proposal] = field(default_factory=list)
    written: Path | None = None

    def summary(self) -> str:
        return (
            f"{self.organisations} organisations compared: {len(self.proposals)} pairs proposed"
            + (f", {len(self.accepted)} accepted into the alias table" if self.accepted else "")
            + (f"; written to {self.written}" if self.written else "")
        )


@cache
def _name_words() -> tuple[list[tuple[str, str]], frozenset[str]]:
    table = yaml.safe_load((data_dir() / "name-words.yaml").read_text(encoding="utf-8")) or {}
    phrases = sorted(
        ((_fold_words(str(fr)), _fold_words(str(en)))
         for fr, en in (table.get("french_to_english") or {}).items()),
        key=lambda pair: -len(pair[0]),
    )
    return phrases, frozenset(_fold_words(str(w)) for w in table.get("suffixes") or [])


def _fold_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text).replace("'", " ")))


def prepared(name: str) -> tuple[str, bool]:
    """Return a name as compared (English words, no corporate words) and whether it was French.

    Example:
        >>> prepared("Conseil municipal de Lyon")
        ('city council lyon', True)
        >>> prepared("The Leeds Youth Trust Ltd.")
        ('leeds youth trust', False)
    """
    phrases, suffixes = _name_words()
    text = f" {_fold_words(name)} "
    translated = False
    for french, english in phrases:
        if f" {french} " in text:
            text = text.replace(f" {french} ", f" {english} ")
            translated = True
    words = [w for w in text.split() if w not in suffixes]
    if translated:
        words = [w for w in words if w not in _SMALL_WORDS]
    return " ".join(words), translated


def _initials(name: str) -> set[str]:
    words = _fold_words(name).split()
    if len(words) > 1 and words[0] in ("the", "le", "la", "les"):
        words = words[1:]
    return {
        "".join(w[0] for w in words),
        "".join(w[0] for w in words if w not in _SMALL_WORDS),
    }


def propose_merges(
    names: Mapping[str, Iterable[str]], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Proposal]:
    """Return the pairs of organisations (IRI → their names) that may be one, best first."""
    keys = sorted(names)
    labels = {key: sorted(set(names[key])) for key in keys}
    forms: list[tuple[str, str, str, bool]] = []  # (key, name, prepared, translated)
    for key in keys:
        for name in labels[key]:
            text, translated = prepared(name)
            if text:
                forms.append((key, name, text, translated))
    best: dict[tuple[str, str], Proposal] = {}

    def offer(a: str, a_name: str, b: str, b_name: str, score: float, reason: str) -> None:
        if a == b or score < threshold:
            return
        if b < a:
            a, a_name, b, b_name = b, b_name, a, a_name
        found = Proposal(score, reason, a, a_name, b, b_name)
        if (a, b) not in best or best[(a, b)].score < score:
            best[(a, b)] = found

    texts = [text for _, _, text, _ in forms]
    for start in range(0, len(forms), _BLOCK):
        scores = process.cdist(
            texts[start : start + _BLOCK], texts, scorer=fuzz.token_set_ratio,
            score_cutoff=_CANDIDATE_CUTOFF, workers=-1,
        )
        for i, j in zip(*scores.nonzero(), strict=True):
            i += start
            if j <= i or forms[i][0] == forms[j][0]:
                continue
            score, reason = _score(forms[i], forms[j])
            offer(forms[i][0], forms[i][1], forms[j][0], forms[j][1], score, reason)
    by_initials: dict[str, list[tuple[str, str]]] = {}
    for key, name, _, _ in forms:
        for initials in _initials(name):
            if len(initials) >= 2:
                by_initials.setdefault(initials, []).append((key, name))
    for key, name, _, _ in forms:
        if is_acronym(name):
            matches = [(o, n) for o, n in by_initials.get(fold(name), []) if len(n.split()) > 1]
            owners = {o for o, _ in matches}
            for other, other_name in matches:
                if len(owners) == 1:
                    offer(key, name, other, other_name, 95.0, "one name is the other's acronym")
                else:
                    offer(key, name, other, other_name, 80.0,
                          f"the acronym of {len(owners)} organisations' names")
    return sorted(best.values(), key=lambda p: (-p.score, p.a, p.b))


def _score(first: tuple[str, str, str, bool], second: tuple[str, str, str, bool]):
    _, a_name, a, a_french = first
    _, b_name, b, b_french = second
    if sorted(a.split()) == sorted(b.split()):
        if a_french != b_french:
            return 100.0, "same name in French and English"
        if a == b:
            return 100.0, "same name once words such as 'Ltd' or 'the' are left out"
        return 100.0, "same words in another order"
    shortened = _shortened(a.split(), b.split()) or _shortened(b.split(), a.split())
    if shortened is not None:
        return 90.0, f'a word is shortened ("{shortened[0]}" for "{shortened[1]}")'
    # Two acronyms a letter apart ("OPHS", "TPHS") are two organisations' acronyms.
    acronyms = is_acronym(a_name) or is_acronym(b_name)
    typo = None if acronyms else _mistyped(a.split(), b.split())
    if typo is not None:
        return typo
    longer, shorter = (a.split(), b.split()) if len(a) > len(b) else (b.split(), a.split())
    extra = [w for w in longer if w not in shorter]
    if set(shorter) < set(longer) and len(extra) == 1:
        return 85.0, f'one name has one more word ("{extra[0]}")'
    # Alike but not by one slip: two cities' "… Municipal Police" share most letters.
    return min(round(fuzz.ratio(a, b), 1), 85.0), "spelling differs in several places"


def _mistyped(a: list[str], b: list[str]) -> tuple[float, str] | None:
    """Return (score, reason) when the names differ by slips of the pen: one word by one
    letter (dropped, added, changed, or two swapped: 92), or a long word by two letters, or
    two words by one letter each (90); None otherwise."""
    only_a, only_b = Counter(a) - Counter(b), Counter(b) - Counter(a)
    if sum(only_a.values()) != sum(only_b.values()) or sum(only_a.values()) not in (1, 2):
        return None
    if sum(only_a.values()) == 1:
        (x,), (y,) = only_a, only_b
        if min(len(x), len(y)) < 3 or max(len(x), len(y)) < 4:
            return None
        distance = OSA.distance(x, y)
        if distance == 1:
            return 92.0, f'one word differs by a letter ("{x}" / "{y}")'
        if distance == 2 and min(len(x), len(y)) >= 7:
            return 90.0, f'one long word differs by two letters ("{x}" / "{y}")'
        return None
    pairs = [(x, y) for x in only_a for y in only_b if OSA.distance(x, y) == 1
             and min(len(x), len(y)) >= 5]
    if len({x for x, _ in pairs}) == 2 and len({y for _, y in pairs}) == 2:
        return 90.0, "two words differ by a letter each"
    return None


def _shortened(short: list[str], long: list[str]) -> tuple[str, str] | None:
    """Return (abbreviation, word) when ``short`` is ``long`` with a word shortened (and maybe
    fewer words at the end), else None."""
    if len(short) > len(long) or len(short) < 2:
        return None
    found = None
    for word, full in zip(short, long, strict=False):
        if word == full:
            continue
        if found is None and len(word) >= 3 and len(full) > len(word) and full.startswith(word):
            found = (word, full)
            continue
        return None
    extra = long[len(short):]
    if found is None or len(extra) > 1:
        return None
    return found


# ---------------------------------------------------------------- the store, the files


def organisation_names(store: ox.Store) -> dict[str, list[str]]:
    """Return {organisation IRI: its preferred and alternative labels} of the store."""
    rows = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?o ?label WHERE { ?o a <http://www.w3.org/ns/org#Organization> . "
        "{ ?o skos:prefLabel ?label } UNION { ?o skos:altLabel ?label } }",
        use_default_graph_as_union=True,
    )
    names: dict[str, set[str]] = {}
    for row in rows:
        names.setdefault(row["o"].value, set()).add(row["label"].value)
    return {iri: sorted(labels) for iri, labels in sorted(names.items())}


def preferred_labels(store: ox.Store) -> dict[str, str]:
    rows = store.query(
        "SELECT ?o ?label WHERE { ?o a <http://www.w3.org/ns/org#Organization> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
        use_default_graph_as_union=True,
    )
    return {row["o"].value: row["label"].value for row in rows}


def review_organisations(
    store: ox.Store,
    *,
    out: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    accept_above: float | None = None,
    aliases: Path | None = None,
) -> ReviewReport:
    """Return the proposed merges of the store's organisations; write them to ``out`` (CSV).

    With ``accept_above``, pairs scoring at least that much go into the alias
    table (``aliases``, default ``data/aliases.yaml``) under the fuller of the
    two preferred labels: the next build merges them.
    """
    names = organisation_names(store)
    report = ReviewReport(organisations=len(names))
    report.proposals = propose_merges(names, threshold=threshold)
    if out is not None:
        write_review(report.proposals, out, preferred_labels(store))
        report.written = out
    if accept_above is not None:
        report.accepted = [p for p in report.proposals if p.score >= accept_above]
        if report.accepted:
            accept_into_aliases(report.accepted, aliases or aliases_path(),
                                preferred_labels(store))
    return report


def write_review(proposals: list[Proposal], out: Path, labels: Mapping[str, str]) -> None:
    """Write the proposals as CSV: score, reason, both organisations and the names compared."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["score", "reason", "organisation_a", "label_a", "name_a",
                         "organisation_b", "label_b", "name_b"])
        for p in proposals:
            writer.writerow([f"{p.score:.1f}", p.reason, p.a, labels.get(p.a, ""), p.a_label,
                             p.b, labels.get(p.b, ""), p.b_label])


def accept_into_aliases(
    proposals: Iterable[Proposal], path: Path, labels: Mapping[str, str]
) -> None:
    """Add accepted pairs to the alias table, keeping its comments and existing entries."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    table = yaml.safe_load(text) or {}
    canonical_of = {str(alias): str(c) for c, aliases in table.items()
                    for alias in [c, *(aliases or [])]}
    for p in proposals:
        # The fuller name stays ("Metropolitan Police Service", not "Met Police").
        keep, other = sorted(
            (labels.get(p.a, p.a_label), labels.get(p.b, p.b_label)),
            key=lambda name: (-len(name.split()), -len(name), name),
        )
        keep = canonical_of.get(keep, keep)
        if other in canonical_of or other == keep:
            continue  # already named by the table: the curator decides
        table.setdefault(keep, [])
        table[keep] = [*(table[keep] or []), other]
        canonical_of[other] = keep
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    body = "".join(
        f"{_yaml_scalar(str(c))}: [{', '.join(_yaml_scalar(str(a)) for a in aliases or [])}]\n"
        for c, aliases in table.items()
    )
    path.write_text(header + body, encoding="utf-8")


def _yaml_scalar(text: str) -> str:
    dumped = yaml.safe_dump(text, allow_unicode=True, default_style=None, width=10_000)
    dumped = dumped.strip().removesuffix("...").strip()
    # Flow sequences end at "," and "]": quote names holding them.
    return dumped if not any(c in dumped for c in ",[]{}") or dumped[0] in "'\"" else (
        "'" + text.replace("'", "''") + "'"
    )
