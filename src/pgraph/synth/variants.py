"""Written variants of organisation names, with ground truth: how pages misspell one organisation.

``pgraph synth --name-variants SHARE`` writes a share of the partner mentions
of a synthetic catalogue as a variant of the organisation's name, and the
truth in ``name-variants.csv`` (one row per mention: file, name as written,
the organisation meant, the kind of variant). The kinds are the ways real
pages differ:

- certainly the same name, which the build must merge: ``upper`` (all
  capitals), ``article`` ("The …"), ``punctuation`` (a trailing full stop,
  double spaces), ``acronym-defined`` ("Name (ACR)"), ``acronym-bare``
  ("ACR" alone, for an acronym that one organisation of the pool has);
- alike, which the build must leave to a curator (``pgraph organisations
  review``): ``typo`` (two letters swapped, or one dropped), ``ltd`` ("… Ltd"),
  ``french`` (the French name of an English one, "Conseil municipal de Lyon").

Example:
    >>> import random
    >>> rng = random.Random(1)
    >>> write_variant(rng, "Lyon City Council", "french", acronym="LCC")
    'Conseil municipal de Lyon'
    >>> write_variant(rng, "Lyon City Council", "acronym-defined", acronym="LCC")
    'Lyon City Council (LCC)'
"""

from __future__ import annotations

import random
import re

CERTAIN = ("upper", "article", "punctuation", "acronym-defined", "acronym-bare")
"""Variants that name the organisation certainly: the build merges them."""
ALIKE = ("typo", "ltd", "french")
"""Variants that only look alike: proposed to a curator, never merged."""
KINDS = CERTAIN + ALIKE

_FRENCH = (
    (r"^(?P<city>.+) City Council$", "Conseil municipal de {city}"),
    (r"^(?P<city>.+) Municipal Police$", "Police municipale de {city}"),
    (r"^(?P<city>.+) Fire and Rescue Service$", "Service d'incendie et de secours de {city}"),
    (r"^(?P<city>.+) Public Health Service$", "Service de santé publique de {city}"),
    (r"^(?P<city>.+) University$", "Université de {city}"),
    (r"^(?P<city>.+) Chamber of Commerce$", "Chambre de commerce de {city}"),
    (r"^(?P<city>.+) Youth Association$", "Association de jeunesse de {city}"),
    (r"^(?P<city>.+) Housing Association$", "Association de logement de {city}"),
    (r"^(?P<city>.+) Interfaith Forum$", "Forum interreligieux de {city}"),
    (r"^(?P<city>.+) College$", "Collège de {city}"),
)
_SMALL = frozenset({"of", "and", "for", "the", "de", "du", "des", "la", "le", "et"})


def acronym_of(name: str) -> str:
    """Return the acronym a page would give a name: the initials, small words in lower case.

    Example:
        >>> acronym_of("Transport for London"), acronym_of("Leicester Clinical Commissioning Group")
        ('TfL', 'LCCG')
    """
    words = re.findall(r"[^\W\d_][\w']*", name)
    return "".join(w[0].lower() if w.lower() in _SMALL else w[0].upper() for w in words)


def french_name(name: str) -> str | None:
    """Return the French name of an English organisation name, when its pattern has one."""
    for pattern, french in _FRENCH:
        match = re.match(pattern, name)
        if match:
            return french.format(city=match["city"])
    return None


def possible_kinds(name: str, *, acronym_unique: bool) -> list[str]:
    """Return the variant kinds a name allows (acronyms only when no other name shares it)."""
    kinds = ["upper", "article", "punctuation", "typo", "ltd"]
    if acronym_unique and sum(c.isupper() for c in acronym_of(name)) >= 2:
        kinds += ["acronym-defined", "acronym-bare"]
    if french_name(name):
        kinds.append("french")
    return kinds


def write_variant(rng: random.Random, name: str, kind: str, *, acronym: str) -> str:
    """Return ``name`` written as a variant of ``kind``."""
    if kind == "upper":
        return name.upper()
    if kind == "article":
        return f"The {name}"
    if kind == "punctuation":
        return rng.choice((f"{name}.", name.replace(" ", "  ", 1)))
    if kind == "acronym-defined":
        return f"{name} ({acronym})"
    if kind == "acronym-bare":
        return acronym
    if kind == "ltd":
        return f"{name} Ltd"
    if kind == "french":
        return french_name(name) or name
    if kind == "typo":
        return _typo(rng, name)
    raise ValueError(f"unknown variant kind {kind!r}")


def _typo(rng: random.Random, name: str) -> str:
    words = name.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return name + "s"
    i = rng.choice(long)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # two letters swapped
    else:
        word = word[:j] + word[j + 1 :]  # one dropped
    words[i] = word
    return " ".join(words)
