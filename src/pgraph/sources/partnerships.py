"""The cooperation section read as a partnership: its name, partners and statutory basis.

The page lists partners as bullets and marks statutory partners with an
asterisk, explained by a legend ("Those partners marked with an asterisk are
the statutory partners under the Crime and Disorder Act (1998) …").

Example:
    >>> p = read_partnership(
    ...     ["The Safer City Partnership involves representation from the following partners:"],
    ...     ["The City of London Police*", "HM Court Service"],
    ... )
    >>> p.name, [(x.name, x.statutory) for x in p.partners]
    ('Safer City Partnership', [('The City of London Police', True), ('HM Court Service', False)])
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pgraph.records import ActMention, Partner, Partnership

# The collective nouns a partnership's name ends with. A name is a run of
# capitalised words before one of them ("Safer City Partnership").
_COLLECTIVES = "Partnership|Network|Board|Forum|Council|Alliance|Coalition|Platform|Consortium"
_CAPITALISED = r"[A-Z][\w'\u2019&.-]*"
_NAME = re.compile(rf"\b(?:The\s+)?((?:{_CAPITALISED}\s+){{1,6}}(?:{_COLLECTIVES}))\b")

# English only: an Act's name is a run of capitalised words (with "and", "of",
# "the", "for", "on" between them) ending in "Act", then its year written
# "Act 1998", "Act (1998)" or "Act of 1998". A French legend ("en vertu de la
# loi …") names no Act this reads; its asterisks still mark statutory partners.
_ACT_WORD = rf"(?:{_CAPITALISED}|and|of|the|for|on|in|&)"
_ACT = re.compile(
    rf"\b({_CAPITALISED}(?:\s+{_ACT_WORD}){{0,10}}?\s+Act)\b"
    r"(?:\s*\(\s*(\d{4})\s*\)|\s+(?:of\s+)?(\d{4})\b)?"
)
_LEADING_ARTICLE = re.compile(r"^(?:The|the)\s+")
_STATUTORY_MARK = re.compile(r"\s*(?:\(\*\)|\*+)\s*$")


def read_partnership(text_lines: Sequence[str], partner_lines: Sequence[str]) -> Partnership | None:
    """Return the partnership a cooperation section describes, or None when it names nothing.

    ``text_lines`` are the section's prose lines, ``partner_lines`` its bullets
    (bullet marks already removed).

    Example:
        >>> read_partnership(["Those marked * are statutory partners under the Police Act 1996."],
        ...                  ["Police*"]).statutory_basis
        ActMention(name='Police Act', year=1996)
    """
    partners = [p for p in (read_partner(line) for line in partner_lines) if p is not None]
    text = " ".join(text_lines)
    name = partnership_name(text)
    act = act_mention(_legend(text_lines) or text)
    if not partners and name is None and act is None:
        return None
    return Partnership(name=name, partners=partners, statutory_basis=act)


def read_partner(line: str) -> Partner | None:
    """Return a partner from a bullet's text; a trailing ``*`` marks a statutory partner.

    Example:
        >>> read_partner("London Fire Brigade *")
        Partner(name='London Fire Brigade', statutory=True)
    """
    name = _STATUTORY_MARK.sub("", line).strip().rstrip(",;")
    if not name:
        return None
    return Partner(name=name, statutory=name != line.strip().rstrip(",;"))


def partnership_name(text: str) -> str | None:
    """Return the first capitalised "… Partnership/Network/Board/…" phrase, without "The".

    Example:
        >>> partnership_name("The Safer City Partnership involves representation from:")
        'Safer City Partnership'
        >>> partnership_name("the partners meet monthly") is None
        True
    """
    match = _NAME.search(text)
    if match is None:
        return None
    return _LEADING_ARTICLE.sub("", match.group(1)).strip()


def act_mention(text: str) -> ActMention | None:
    """Return the first Act named in ``text`` with its year when given (English wording).

    Example:
        >>> act_mention("statutory partners under the Crime and Disorder Act (1998) and")
        ActMention(name='Crime and Disorder Act', year=1998)
        >>> act_mention("Crime and Disorder Act of 1998").year
        1998
    """
    match = _ACT.search(text)
    if match is None:
        return None
    name = _LEADING_ARTICLE.sub("", match.group(1)).strip()
    if name == "Act":
        return None
    year = match.group(2) or match.group(3)
    return ActMention(name=name, year=int(year) if year else None)


def _legend(text_lines: Sequence[str]) -> str | None:
    # The asterisk legend is where the Act that makes partners statutory is
    # named; prefer it over any other Act the section mentions.
    for line in text_lines:
        low = line.casefold()
        if "asterisk" in low or "astérisque" in low or "*" in line or "statutory" in low:
            return line
    return None
