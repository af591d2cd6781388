"""Faults planted in synthetic pages: the kinds of bad input the page reader must survive.

Each fault takes a well-formed page (and its draft) and returns the page as a
careless scrape or edit would have left it. ``FAULTS`` names them; the
catalogue's report says which file got which.

Example:
    >>> plant_fault("crlf", "a\\nb", draft=None, rng=None)
    'a\\r\\nb'
"""

from __future__ import annotations

import random
import re

from pgraph.synth import bank
from pgraph.synth.labels import PROSE_SECTIONS, page_labels
from pgraph.synth.page import FACET_BULLET, META_BULLET, NOT_REPORTED, PARTNER_BULLET, PracticeDraft

FAULTS = (
    "missing_title",
    "truncated",
    "impossible_date",
    "unknown_heading",
    "duplicate_section",
    "other_bullets",
    "crlf",
    "bom",
    "not_reported_sections",
    "not_a_practice",
)
"""Kinds of fault, in the order the catalogue cycles through them (shuffled per seed)."""


def plant_fault(
    kind: str, text: str, *, draft: PracticeDraft | None, rng: random.Random | None
) -> str:
    """Return ``text`` with a fault of ``kind`` (one of ``FAULTS``) planted in it."""
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "bom":
        return "\ufeff" + text
    assert draft is not None and rng is not None, f"fault {kind} needs the draft and an RNG"
    if kind == "missing_title":
        return text.replace(f"\n\n{draft.title}\n\n", "\n\n", 1)
    if kind == "truncated":
        # Cut anywhere after the title, as an interrupted download would.
        after_title = text.index(draft.title) + len(draft.title) + 1
        return text[: rng.randint(after_title, len(text) - 1)]
    if kind == "impossible_date":
        return text.replace(draft.start_date_text, f"31st February {draft.start_date.year}", 1)
    if kind == "unknown_heading":
        block = _section_blocks(text, draft)
        anchor = rng.choice(block[1:])
        heading = rng.choice(bank.UNKNOWN_HEADINGS)
        body = f"Please contact the {draft.partnership} for more information."
        return text.replace(anchor, f"\n{heading}\n\n{body}\n{anchor}", 1)
    if kind == "duplicate_section":
        blocks = _section_blocks(text, draft)
        index = rng.randrange(len(blocks) - 1)
        start, end = text.index(blocks[index]), text.index(blocks[index + 1])
        return text[:end] + text[start:end] + text[end:]
    if kind == "other_bullets":
        bullet = rng.choice(("-", "*"))
        text = text.replace(META_BULLET, META_BULLET.replace("•", bullet))
        text = text.replace(FACET_BULLET, FACET_BULLET.replace("•", bullet))
        return re.sub(f"^{PARTNER_BULLET}", f"{bullet} ", text, flags=re.MULTILINE)
    if kind == "not_reported_sections":
        for key in rng.sample(("objectives", "sustainability", "transferability", "evidence"), 3):
            text = text.replace(f"\n\n{draft.prose[key]}\n\n", f"\n\n{NOT_REPORTED}\n\n", 1)
        return text
    if kind == "not_a_practice":
        return resource_list_page(rng, draft)
    raise ValueError(f"unknown fault {kind!r}; choose one of {', '.join(FAULTS)}")


def resource_list_page(rng: random.Random, draft: PracticeDraft) -> str:
    """Return a resource-list page: same chrome line, but "Language:"/"Categories:" lines."""
    chrome = page_labels().heading(draft.language, "chrome", "chrome")
    title = rng.choice(bank.RESOURCE_TITLES)
    categories = ", ".join(rng.sample(bank.RESOURCE_CATEGORIES, rng.randint(1, 3)))
    lines = [chrome, "", title, "", "Language: English", f"Categories: {categories}", ""]
    lines.append(
        f"This resource was written with the {draft.partnership} for practitioners "
        f"working with {rng.choice(bank.AUDIENCES)}."
    )
    lines.append("")
    lines += [
        f"Download (PDF): https://www.{draft.slug}.invalid/resources/{n}.pdf"
        for n in range(1, rng.randint(2, 4))
    ]
    return "\n".join(lines)


def _section_blocks(text: str, draft: PracticeDraft) -> list[str]:
    # The prose sections' "Heading\n\n" openings, in page order, as they occur in the text.
    labels = page_labels()
    return [
        f"\n{labels.heading(draft.language, 'prose', key)}\n\n"
        for key in PROSE_SECTIONS
        if f"\n{labels.heading(draft.language, 'prose', key)}\n\n" in text
    ]
