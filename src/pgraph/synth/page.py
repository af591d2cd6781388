"""One synthetic practice: drawn from a seeded RNG, written in the catalogue's page format.

The format is the seed page's, character for character: the chrome line, the
title, the country and start date as "  • \\u00a0" bullets, prose sections as
"Heading", blank, text, blank; partners as "• Name*"; the timeline facet on one
line; facet and rating values as "  • value"; six qualitative blocks; no final
newline. Content and dates are English whatever the interface language, as in
the catalogue; only the headings (and the domains facet's values) follow it.

Example:
    >>> import random
    >>> from pgraph.synth.page import draw_practice, render_practice
    >>> draft = draw_practice(random.Random(1), title="Street Mediation in Lyon",
    ...     practice_name="Street Mediation", city="Lyon",
    ...     country_code="FR", language="en", partners=[("Lyon Municipal Police", True)])
    >>> render_practice(draft).splitlines()[:5]
    ['Curricula - Knowledge - Navigation', '', 'Street Mediation in Lyon', '', '  • \\xa0France']
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache

from pgraph.records import CRITERIA, FACET_FIELDS
from pgraph.synth import bank
from pgraph.synth.labels import PROSE_SECTIONS, page_labels
from pgraph.vocab import country_names, slugify

NOT_REPORTED = "n/a"
"""How the catalogue says a field has no value (a ``field:not-reported`` label)."""

ASSESSMENT_ORDER = (
    "relevance",
    "effectiveness",
    "efficiency",
    "impact",
    "sustainability",
    "inclusiveness",
)
"""The qualitative blocks come in this order on the seed page (not the ratings' order)."""

_slug = lru_cache(maxsize=8192)(slugify)  # URLs repeat the same few owners and practice names

FACET_BULLET = "  • "
META_BULLET = "  • \u00a0"  # the country and start-date lines carry a no-break space
PARTNER_BULLET = "• "


@dataclass
class PracticeDraft:
    """Everything one synthetic practice page says, before it is written out."""

    title: str
    language: str  # interface language: fr or en
    country_code: str
    city: str
    start_date: dt.date
    start_date_text: str
    partnership: str
    partners: list[tuple[str, bool]]  # (name, statutory)
    act: tuple[str, int] | None
    prose: dict[str, str]
    facets: dict[str, list[str]]
    ratings: dict[str, str]
    assessments: dict[str, str]
    curly_headings: frozenset[str] = field(default_factory=frozenset)

    @property
    def slug(self) -> str:
        return slugify(self.title)


def ordinal_date(day: dt.date) -> str:
    """Return a date as the catalogue writes it on practice pages.

    Example:
        >>> ordinal_date(dt.date(2014, 1, 1)), ordinal_date(dt.date(2016, 3, 22))
        ('1st January 2014', '22nd March 2016')
    """
    return f"{day.day}{_ordinal_suffix(day.day)} {bank.MONTHS[day.month - 1]} {day.year}"


def _ordinal_suffix(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def draw_practice(
    rng: random.Random,
    *,
    title: str,
    practice_name: str,
    city: str,
    country_code: str,
    language: str,
    partners: list[tuple[str, bool]],
    act: tuple[str, int] | None = None,
) -> PracticeDraft:
    """Return a practice with the given identity and partners, the rest drawn from ``rng``."""
    labels = page_labels()
    if rng.random() < 0.35:
        # Many catalogue entries only know the year: the site shows "1st January".
        start = dt.date(rng.randint(1995, 2024), 1, 1)
    else:
        start = dt.date(rng.randint(1995, 2024), rng.randint(1, 12), rng.randint(1, 28))
    partnership = rng.choice(bank.PARTNERSHIP_PATTERNS).format(city=city)
    context = _TextContext(
        rng, practice_name=practice_name, city=city, partnership=partnership, start=start
    )

    costs_reported = rng.random() >= 0.6
    prose = {
        "description": context.paragraph("description", 5, 10),
        "objectives": context.paragraph("objectives", 3, 6),
        "sustainability": context.paragraph("sustainability", 2, 4),
        "transferability": context.paragraph("transferability", 2, 4),
        "evidence": context.paragraph("evidence", 2, 5),
        "partnerships": _partnership_section(rng, partnership, partners, act),
        "cost_description": (
            context.paragraph("cost_description", 1, 3)
            if costs_reported or rng.random() < 0.1
            else NOT_REPORTED
        ),
        "references": context.references(),
        "links": context.links(),
    }
    facets = {key: _draw_facet(rng, key, language) for key in FACET_FIELDS}
    if not costs_reported:
        facets["costs"] = [NOT_REPORTED]
    ratings = {key: _draw_rating(rng, labels.ratings[key]) for key in CRITERIA}
    assessments = {
        key: NOT_REPORTED if rng.random() < 0.08 else context.paragraph("assessment", 3, 10)
        for key in ASSESSMENT_ORDER
    }
    # The catalogue mixes straight and curly apostrophes in French headings.
    curly = frozenset(k for k in ("intervention_points", *CRITERIA) if rng.random() < 0.5)
    return PracticeDraft(
        title=title,
        language=language,
        country_code=country_code,
        city=city,
        start_date=start,
        start_date_text=ordinal_date(start),
        partnership=partnership,
        partners=partners,
        act=act,
        prose=prose,
        facets=facets,
        ratings=ratings,
        assessments=assessments,
        curly_headings=curly,
    )


def render_practice(draft: PracticeDraft) -> str:
    """Return the page text of a practice, in the catalogue's format (no final newline)."""
    labels = page_labels()
    lang = draft.language

    def heading(kind: str, key: str) -> str:
        text = labels.heading(lang, kind, key)
        curly = key in draft.curly_headings and kind != "prose"
        return text.replace("'", "\u2019") if curly else text

    lines = [
        heading("chrome", "chrome"),
        "",
        draft.title,
        "",
        META_BULLET + country_names(lang)[draft.country_code],
        f"{META_BULLET}{heading('meta', 'start_date')}: {draft.start_date_text}",
    ]
    for key in PROSE_SECTIONS:
        lines += [heading("prose", key), "", draft.prose[key], ""]
    for key in FACET_FIELDS:
        values = draft.facets[key]
        if key == "timeline":  # label and value on one line, as the catalogue does
            lines.append(f"{heading('facet', key)} {values[0]}")
            continue
        lines.append(heading("facet", key))
        lines += [FACET_BULLET + value for value in values]
    for key in CRITERIA:
        lines += [heading("rating", key), FACET_BULLET + draft.ratings[key]]
    for key in ASSESSMENT_ORDER:
        lines += [heading("assessment", key), "", draft.assessments[key], ""]
    return "\n".join(lines).rstrip("\n")


def _draw_facet(rng: random.Random, key: str, language: str) -> list[str]:
    values = page_labels().facet_values[key]
    wanted = {
        "timeline": 1,
        "levels": rng.randint(1, 3),
        "domains": rng.randint(1, 3),
        "target_audiences": rng.randint(1, 3),
        "types": rng.randint(1, 5),
        "intervention_points": rng.randint(1, 4),
        "costs": 1,
    }[key]
    # The seed page writes the domains in the interface language, every other facet in English.
    label_language = language if key == "domains" else "en"
    weights = [v.weight for v in values]
    chosen: list[str] = []
    for _ in range(wanted * 4):
        if len(chosen) == wanted:
            break
        if rng.random() < 0.02:  # a value the vocabularies do not know
            value = rng.choice(bank.UNMAPPED_FACET_VALUES[key])
        else:
            value = rng.choices(values, weights)[0].labels[label_language]
        if value not in chosen:
            chosen.append(value)
    return chosen


def _draw_rating(rng: random.Random, scale: tuple[str, ...]) -> str:
    draw = rng.random()
    if draw < 0.01:
        return rng.choice(bank.UNMAPPED_RATINGS)
    if draw < 0.80 or len(scale) == 1:  # the catalogue mostly shows the top rating
        return scale[-1]
    if draw < 0.95 or len(scale) == 2:
        return scale[-2]
    return rng.choice(scale[:-2])


def _partnership_section(
    rng: random.Random,
    partnership: str,
    partners: list[tuple[str, bool]],
    act: tuple[str, int] | None,
) -> str:
    lines = [rng.choice(bank.PARTNERSHIP_INTRODUCTIONS).format(partnership=partnership)]
    lines += [f"{PARTNER_BULLET}{name}{'*' if statutory else ''}" for name, statutory in partners]
    if act is not None and any(statutory for _, statutory in partners):
        legend = bank.STATUTORY_LEGEND.format(act=f"{act[0]} ({act[1]})")
        lines.append(legend + rng.choice(bank.STATUTORY_LEGEND_TAILS))
    return "\n".join(lines)


# The text is most of the work: these stand in for random's choice, randint and
# sample with one C-level rng.random() call each (same stream, same bytes).
def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, options):
    return options[int(rng.random() * len(options))]


def _sample(rng: random.Random, options, count: int) -> list:
    chosen = list(options)
    for i in range(count):  # a partial Fisher-Yates shuffle
        j = i + int(rng.random() * (len(chosen) - i))
        chosen[i], chosen[j] = chosen[j], chosen[i]
    return chosen[:count]


class _TextContext:
    """Fills the sentence bank's placeholders for one practice."""

    def __init__(
        self, rng: random.Random, *, practice_name: str, city: str, partnership: str, start: dt.date
    ) -> None:
        self.rng = rng
        self.city = city
        self.partnership = partnership
        self.start = start
        self.practice = practice_name

    def _values(self) -> dict[str, object]:
        rng = self.rng
        harm, harm2 = _sample(rng, bank.HARMS, 2)
        activity, activity2 = _sample(rng, bank.ACTIVITIES, 2)
        return {
            "practice": self.practice,
            "city": self.city,
            "partnership": self.partnership,
            "audience": _pick(rng, bank.AUDIENCES),
            "harm": harm,
            "harm2": harm2,
            "activity": activity,
            "activity2": activity2,
            "number": _between(rng, 2, 9),
            "year": self.start.year,
            "year2": min(self.start.year + _between(rng, 1, 6), 2025),
            "percent": _between(rng, 5, 40),
            "cost": _between(rng, 20, 900),
        }

    def paragraph(self, section: str, fewest: int, most: int) -> str:
        """Return fewest..most sentences of a section, one or two to a line (as pages have)."""
        bank_sentences = bank.SENTENCES[section]
        count = min(_between(self.rng, fewest, most), len(bank_sentences))
        sentences = _sample(self.rng, bank_sentences, count)
        values = self._values()
        text = [s.format(**values) for s in sentences]
        lines: list[str] = []
        while text:
            take = 2 if len(text) > 1 and self.rng.random() < 0.3 else 1
            lines.append(" ".join(text[:take]))
            text = text[take:]
        return "\n".join(line[0].upper() + line[1:] for line in lines)

    def references(self) -> str:
        rng = self.rng
        refs = []
        for _ in range(_between(rng, 1, 3)):
            author = _pick(rng, bank.REFERENCE_AUTHORS).format(
                city=self.city, partnership=self.partnership
            )
            year = _between(rng, self.start.year, 2025)
            day = dt.date(year, _between(rng, 1, 12), _between(rng, 1, 28))
            refs.append(
                f"{author}. {bank.MONTHS[day.month - 1]} {day.day}, {day.year}. "
                f"{self._url(author)}."
            )
        return "\n".join(refs)

    def links(self) -> str:
        return "\n".join(self._url(self.partnership) for _ in range(_between(self.rng, 1, 3)))

    def _url(self, owner: str) -> str:
        # The reserved .invalid TLD: these links must never look like real ones.
        page = _pick(self.rng, ("about", "partnership", "news", "reports", "contact", "practice"))
        return f"https://www.{_slug(owner)}.invalid/{_slug(self.practice)}/{page}"
