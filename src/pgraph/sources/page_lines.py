"""A catalogue page cut into lines and sections: where headings are, what lies under each.

Headings are recognised only through the label table
(``vocabularies().field_for_heading``); a line that looks like a heading but
is not in the table becomes an unknown section, kept verbatim by the caller.

Example:
    >>> page = split_page("Chrome\\n\\nTitle\\n  •\\u00a0France\\nObjectives\\n\\nTo help.\\n")
    >>> [(s.heading, s.line, len(s.body)) for s in cut_sections(page, 3)]
    [('', 4, 1), ('Objectives', 5, 3)]
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pgraph.vocab import Field, vocabularies

SECTION_KINDS = frozenset({"meta", "prose", "facet", "rating", "assessment"})
"""Kinds of label-table fields that open a section of a practice page."""

_INLINE_KINDS = frozenset({"facet", "rating"})
"""Kinds whose heading may carry its value on the same line ("Calendrier Long term / Permanent")."""

_MAX_HEADING_WORDS = 8

# Bullets the catalogue and hand-edited copies use. "•", "·", "▪", "◦" are
# unambiguous; "-", "*", en and em dashes only count when a space follows, so
# that "-5 %" or "*note" stay text.
_BULLET = re.compile(r"^(?:[•·▪◦‣]\s*|[-*\u2013\u2014]\s+)(?P<value>.*)$")
_BULLET_FIRST = frozenset("•·▪◦‣-*\u2013\u2014")
"""The characters a bullet line starts with: other lines skip the regular expression."""
# Dropped from pages: invisible characters, and control characters other than line ends.
_DROPPED = re.compile(r"[\u200b\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_OTHER_LINE_ENDS = ("\r", "\u2028", "\u2029", "\x85")
_FINAL_PUNCTUATION = tuple(".,;:!?…")
_LABEL_VALUE = re.compile(r"^([^:]{1,60}?)\s*:\s*(.*)$")


@dataclass(slots=True)
class PageLine:
    """One line of a page: its 1-based number, its text (spaces normalised) and bullet value."""

    number: int
    text: str
    bullet: bool = False
    value: str = ""

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass
class PageSection:
    """A heading and the lines under it; ``field`` is None for a heading the table lacks."""

    field: Field | None
    heading: str
    line: int
    body: list[PageLine] = dataclasses.field(default_factory=list)
    label: str = ""  # the heading words that matched the label table


def split_page(text: str) -> list[PageLine]:
    """Return the page's lines, numbered from 1, with line ends, spaces and bullets normalised.

    Example:
        >>> [(x.number, x.bullet, x.value) for x in split_page("a\\r\\n\\u2022\\u00a0b\\rc")]
        [(1, False, 'a'), (2, True, 'b'), (3, False, 'c')]
    """
    text = _DROPPED.sub("", text)
    if any(end in text for end in _OTHER_LINE_ENDS):  # most pages end their lines with "\n"
        text = _NEWLINES.sub("\n", text)
    # str.split() splits at tabs, no-break and the other Unicode spaces too.
    return [page_line(number, " ".join(raw.split()))
            for number, raw in enumerate(text.split("\n"), start=1)]


def page_line(number: int, text: str) -> PageLine:
    """Return a page line from text already cut at line ends with its spaces normalised.

    Example:
        >>> page_line(7, "• Local")
        PageLine(number=7, text='• Local', bullet=True, value='Local')
    """
    match = _BULLET.match(text) if text[:1] in _BULLET_FIRST else None
    if match:
        return PageLine(number, text, True, match["value"].strip())
    return PageLine(number, text, False, text)


def drop_invisible(text: str) -> str:
    """Return ``text`` without the invisible and control characters pages never need."""
    return _DROPPED.sub("", text)


def known_heading(line: PageLine) -> tuple[Field, str, str | None] | None:
    """Return (field, matched label, inline value) when a line is a heading of the label table.

    A heading may end with ":"; a facet or rating heading may carry its value
    on the same line ("Calendrier Long term / Permanent").
    """
    if line.blank or line.bullet:
        return None
    text = line.text.rstrip(":").strip()
    return _known_heading(line, text, vocabularies().field_for_heading(text))


def _known_heading(
    line: PageLine, text: str, found: Field | None
) -> tuple[Field, str, str | None] | None:
    # ``text``: the line without a final ":"; ``found``: its field (looked up once per line).
    vocab = vocabularies()
    if found is not None:
        return (found, text, None) if found.kind in SECTION_KINDS else None
    if line.text.endswith(_FINAL_PUNCTUATION):
        return None  # an inline value ends the line, and never with punctuation (``_short``)
    words = line.text.split()
    # The inline value is short (at most _MAX_HEADING_WORDS words), so only the
    # last few split points can match: trying every one made a long line quadratic.
    for size in range(len(words) - 1, max(len(words) - _MAX_HEADING_WORDS, 1) - 1, -1):
        head = " ".join(words[:size]).rstrip(":")
        found = vocab.field_for_heading(head)
        if found is not None and found.kind in _INLINE_KINDS:
            value = " ".join(words[size:])
            if _short(value):
                return found, head, value
    return None


def looks_like_heading(line: PageLine) -> bool:
    """Return True for a line shaped like a heading: short, capitalised, no final punctuation."""
    text = line.text
    if line.blank or line.bullet or "://" in text or not _short(text):
        return False
    if vocabularies().is_not_reported(text):
        return False
    first = next((c for c in text if c.isalpha()), "")
    return first.isupper()


def _short(text: str) -> bool:
    # The cheap test first: most prose lines end with a full stop.
    return not text.endswith(_FINAL_PUNCTUATION) and 0 < len(text.split()) <= _MAX_HEADING_WORDS


def label_value(text: str) -> tuple[str, str] | None:
    """Split a "Label: value" line; None when there is no label (or it is a URL's scheme).

    Example:
        >>> label_value("Date de début: 1er janvier 2014"), label_value("https://x.org")
        (('Date de début', '1er janvier 2014'), None)
    """
    if ":" not in text:  # most lines: no need for the regular expression
        return None
    match = _LABEL_VALUE.match(text)
    if match is None or match[2].startswith("//") or not match[1].strip():
        return None
    return match[1].strip(), match[2].strip()


def is_chrome(line: PageLine) -> bool:
    """Return True for the site's navigation line ("Curricula - Knowledge - Navigation")."""
    if line.blank or line.bullet:  # the chrome line is neither (a fast path for long lists)
        return False
    return _is_chrome_field(vocabularies().field_for_heading(line.text))


def _is_chrome_field(found: Field | None) -> bool:
    return found is not None and found.kind == "chrome"


def cut_sections(lines: list[PageLine], start: int) -> list[PageSection]:
    """Return the sections of ``lines[start:]``: each heading with the lines under it.

    Lines before the first heading belong to a leading section whose heading
    is "" (the page's header: country and start date bullets).

    An unknown heading is a heading-shaped line (see ``looks_like_heading``)
    that either stands alone between blank lines after some body text of the
    current section, or is directly followed by bullets while the current
    section is a facet or rating block (or the header). Inside References and
    Useful links a short line alone is a reference, not a heading.
    """
    sections = [PageSection(None, "", lines[start].number if start < len(lines) else 0)]
    vocab = vocabularies()
    for i in range(start, len(lines)):
        line = lines[i]
        current = sections[-1]
        if line.blank or line.bullet:  # never a heading (nor chrome): the fast path
            current.body.append(line)
            continue
        text = line.text
        exact = vocab.field_for_heading(text)
        if _is_chrome_field(exact):
            continue
        stripped = text.rstrip(":").strip()
        if stripped != text:
            exact = vocab.field_for_heading(stripped)
        opens = _may_open_section(lines, i, current, exact)
        heading = _known_heading(line, stripped, exact) if opens else None
        if heading is not None:
            found, label, inline = heading
            section = PageSection(found, line.text, line.number, label=label)
            if inline is not None:
                section.body.append(PageLine(line.number, inline, value=inline))
            sections.append(section)
        elif _unknown_heading(lines, i, current):
            sections.append(PageSection(None, line.text, line.number))
        else:
            current.body.append(line)
    return sections


def _may_open_section(
    lines: list[PageLine], i: int, current: PageSection, exact: Field | None
) -> bool:
    # A heading-with-value line inside a running paragraph is prose that
    # happens to start with a facet's name ("Types of support include …");
    # an exact heading line (``exact``: the field of the line's own text) always opens one.
    if exact is not None:
        return True
    in_prose = current.field is not None and current.field.kind in {"prose", "assessment"}
    return not in_prose or i == 0 or lines[i - 1].blank


def _unknown_heading(lines: list[PageLine], i: int, current: PageSection) -> bool:
    line = lines[i]
    if not looks_like_heading(line) or label_value(line.text) is not None:
        return False
    before = lines[i - 1] if i > 0 else None
    after = lines[i + 1] if i + 1 < len(lines) else None
    kind = (
        current.field.kind
        if current.field is not None
        else ("header" if not current.heading else "unknown")
    )
    has_body = any(not b.blank for b in current.body)
    if after is not None and after.bullet:
        return kind in {"facet", "rating", "meta", "unknown"} or (kind == "header" and has_body)
    alone = (before is None or before.blank) and (after is None or after.blank)
    if not (alone and has_body and any(not x.blank for x in lines[i + 1 :])):
        return False
    in_list_section = (
        current.field is not None
        and current.field.kind == "prose"
        and current.field.key in {"references", "links"}
    )
    return not in_list_section


def section_text(body: list[PageLine]) -> str:
    """Return a section's lines as text: blank runs collapsed, edges trimmed.

    Example:
        >>> section_text(split_page("\\na\\n\\n\\nb\\n"))
        'a\\n\\nb'
    """
    out: list[str] = []
    for line in body:
        if line.blank and (not out or out[-1] == ""):
            continue
        out.append(line.text)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
