"""The synthetic catalogue: many practices sharing a Zipf-distributed pool of partners.

Every random choice comes from ``random.Random`` seeded with a string derived
from the catalogue's seed (the organisation pool, the Acts, each page, each
fault block), so pages can be produced one at a time, in constant memory per
page, and the same arguments always give the same bytes.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from pgraph.synth import bank, variants
from pgraph.synth.faults import FAULTS, plant_fault
from pgraph.synth.page import draw_practice, render_practice

LANGUAGES = ("fr", "en", "mixed")
URL_BASE = "https://synthetic.pgraph.invalid"
"""Synthetic pages' URLs live under the reserved .invalid TLD: they can never be real."""

ZIPF_EXPONENT = 1.1
"""Partner reuse: the organisation of rank r is drawn with weight 1 / (r + 1) ** 1.1."""
COUNTRY_EXPONENT = 0.9
# Share of practices whose partnership rests on an Act (a few then lack a statutory partner).
STATUTORY_SHARE = 0.45
GENERIC_PARTNER_SHARE = 0.15  # of partners not tied to a place ("Residents' representatives")
CROSS_BORDER_SHARE = 0.04  # of partners drawn from the whole pool, wherever they are
LEADING_AUTHORITIES = 3  # a country's first organisations are statutory kinds
MIN_LOCAL = 8  # organisations every country has, however small the pool
MIN_POOL = len(bank.GENERIC_ORGANISATIONS) + MIN_LOCAL * len(bank.COUNTRIES)
PARTNER_COUNT_WEIGHTS = (4, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 2)  # for 3..15 partners


@dataclass(frozen=True)
class SyntheticPage:
    """One generated page: where it goes, what it says, where it claims to come from."""

    file_name: str  # relative to the catalogue folder: "pages/000000_slug.txt"
    text: str
    url: str
    language: str  # interface language
    fault: str | None  # one of FAULTS, or None for a well-formed page
    country_code: str
    organisations: tuple[int, ...]  # ranks in the organisation pool of the partners
    mentions: tuple[tuple[str, str, str], ...] = ()
    """With name variants: (name as written, organisation meant, variant kind or "") per
    partner that is an organisation."""


@dataclass(frozen=True)
class Organisation:
    """A partner of the pool; ``statutory`` when its kind is a responsible authority."""

    name: str
    country_code: str | None  # None for partners not tied to a place
    statutory: bool


def page_seed(seed: int, *parts: object) -> str:
    """Return the seed of one stream of choices (``random.Random`` hashes strings with SHA-512)."""
    return "/".join(("pgraph-synth", str(seed), *map(str, parts)))


class Catalogue:
    """The shared state of one synthetic catalogue: countries, Acts, the organisation pool.

    Example:
        >>> catalogue = Catalogue(practices=10, seed=7)
        >>> page = next(catalogue.pages())
        >>> page.file_name.startswith("pages/000000_"), page.url.startswith(URL_BASE)
        (True, True)
    """

    def __init__(
        self,
        *,
        practices: int,
        seed: int = 0,
        lang: str = "mixed",
        malformed_share: float = 0.05,
        name_variants: float = 0.0,
    ) -> None:
        if practices < 0:
            raise ValueError(f"practices must be 0 or more, not {practices}")
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        if not 0 <= malformed_share <= 1:
            raise ValueError(f"malformed_share must be between 0 and 1, not {malformed_share}")
        self.practices, self.seed, self.lang = practices, seed, lang
        self.malformed_share = Fraction(repr(float(malformed_share)))
        if not 0 <= name_variants <= 1:
            raise ValueError(f"name_variants must be between 0 and 1, not {name_variants}")
        self.name_variants = name_variants
        self.countries = [code for code, _ in bank.COUNTRIES]
        self.cities = dict(bank.COUNTRIES)
        self.country_cum = list(
            itertools.accumulate(
                1 / (k + 1) ** COUNTRY_EXPONENT for k in range(len(self.countries))
            )
        )
        self.acts = self._national_acts()
        self.pool = self._organisation_pool(max(practices // 2, MIN_POOL))
        self._index_pool()
        rng = random.Random(page_seed(seed, "fault-order"))
        self.fault_order = rng.sample(FAULTS, len(FAULTS))
        acronyms: dict[str, int] = {}
        for organisation in self.pool:
            acronym = variants.acronym_of(organisation.name).casefold()
            acronyms[acronym] = acronyms.get(acronym, 0) + 1
        self.unique_acronyms = {a for a, n in acronyms.items() if n == 1}

    # -- the shared pools
    def _national_acts(self) -> dict[str, tuple[str, int]]:
        rng = random.Random(page_seed(self.seed, "acts"))
        return {
            code: (rng.choice(bank.NATIONAL_ACT_NAMES), rng.randint(1995, 2020))
            for code in self.countries
        }

    def _draw_country(self, rng: random.Random) -> str:
        return self.countries[bisect.bisect(self.country_cum, rng.random() * self.country_cum[-1])]

    def _draw_city(self, rng: random.Random, code: str) -> str:
        cities = self.cities[code]
        # Capitals and big cities first in the bank; they host more practices.
        return rng.choices(cities, [1 / math.sqrt(j + 1) for j in range(len(cities))])[0]

    def _organisation_pool(self, size: int) -> list[Organisation]:
        # Every country gets a few organisations of its own (so that a practice in
        # a rare country still has local partners), the rest follow the countries'
        # skew. The pool's order is the global Zipf rank: generic partners first,
        # then each country's first organisation (most common countries first), …
        rng = random.Random(page_seed(self.seed, "pool"))
        spare = max(size - len(bank.GENERIC_ORGANISATIONS) - MIN_LOCAL * len(self.countries), 0)
        total = self.country_cum[-1]
        weights = [b - a for a, b in itertools.pairwise([0.0, *self.country_cum])]
        names: set[str] = set(bank.GENERIC_ORGANISATIONS)  # membership only, never iterated
        numbered: dict[str, int] = {}
        local: list[tuple[int, int, Organisation]] = []  # (local rank, country index, org)
        for country_index, code in enumerate(self.countries):
            for local_rank in range(MIN_LOCAL + math.floor(spare * weights[country_index] / total)):
                for _ in range(4):
                    # A country's most-named partners are its responsible authorities
                    # (police, council, …), as in community safety partnerships.
                    authority = local_rank < LEADING_AUTHORITIES
                    name, statutory = self._organisation_name(rng, code, authority=authority)
                    if name not in names:
                        break
                else:
                    # Big pools exhaust the patterns: number schools, as many countries do.
                    city = self._draw_city(rng, code)
                    statutory = False
                    while name in names:
                        numbered[city] = numbered.get(city, 0) + 1
                        name = f"{city} Primary School No. {numbered[city]}"
                names.add(name)
                local.append((local_rank, country_index, Organisation(name, code, statutory)))
        local.sort(key=lambda entry: entry[:2])
        generic = [Organisation(name, None, False) for name in bank.GENERIC_ORGANISATIONS]
        return generic + [organisation for _, _, organisation in local]

    def _organisation_name(
        self, rng: random.Random, code: str, *, authority: bool = False
    ) -> tuple[str, bool]:
        patterns = [
            p
            for p in bank.ORGANISATION_PATTERNS
            if (p[2] == "" or p[2] == code or (p[2].startswith("!") and p[2][1:] != code))
            and (p[1] or not authority)
        ]
        pattern, statutory, _ = rng.choice(patterns)
        city = self._draw_city(rng, code)
        region = rng.choice(bank.GB_REGIONS) if code == "GB" and rng.random() < 0.6 else city
        name = pattern.format(
            city=city,
            region=region,
            district=rng.choice(bank.DISTRICTS),
            ngo_adjective=rng.choice(bank.NGO_ADJECTIVES),
            ngo_noun=rng.choice(bank.NGO_NOUNS),
            ngo_form=rng.choice(bank.NGO_FORMS),
        )
        return name, statutory

    def _index_pool(self) -> None:
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(self.pool))]
        self.pool_cum = list(itertools.accumulate(weights))
        self.generic_cum = self.pool_cum[: len(bank.GENERIC_ORGANISATIONS)]
        self.local_ranks: dict[str, list[int]] = {}
        for rank, organisation in enumerate(self.pool):
            if organisation.country_code is not None:
                self.local_ranks.setdefault(organisation.country_code, []).append(rank)
        # Within a country, the same Zipf law over the country's own organisations.
        self.local_cum = {
            code: list(itertools.accumulate(1 / (k + 1) ** ZIPF_EXPONENT for k in range(len(rs))))
            for code, rs in self.local_ranks.items()
        }

    def _draw_partners(self, rng: random.Random, code: str) -> list[int]:
        wanted = rng.choices(range(3, 16), PARTNER_COUNT_WEIGHTS)[0]
        chosen: list[int] = []
        while len(chosen) < wanted:
            draw = rng.random()
            if draw < GENERIC_PARTNER_SHARE:
                cum = self.generic_cum
                rank = bisect.bisect(cum, rng.random() * cum[-1])
            elif draw < GENERIC_PARTNER_SHARE + CROSS_BORDER_SHARE:
                rank = bisect.bisect(self.pool_cum, rng.random() * self.pool_cum[-1])
            else:
                cum = self.local_cum[code]
                rank = self.local_ranks[code][bisect.bisect(cum, rng.random() * cum[-1])]
            if rank not in chosen:
                chosen.append(rank)
        return chosen

    # -- faults: one per block of 1/share pages, at a random place in the block
    def fault_of(self, index: int) -> str | None:
        """Return the fault planted in page ``index``, or None (exactly ⌊N·share⌋ or so in all)."""
        share = self.malformed_share
        if share == 0:
            return None
        block = math.floor(index * share)
        start, end = math.ceil(block / share), math.ceil((block + 1) / share)
        chosen = start + math.floor(
            random.Random(page_seed(self.seed, "fault", block)).random() * (end - start)
        )
        return self.fault_order[block % len(FAULTS)] if chosen == index else None

    # -- pages
    def pages(self) -> Iterator[SyntheticPage]:
        """Yield the catalogue's pages in order, one at a time."""
        slugs: dict[str, int] = {}
        for index in range(self.practices):
            rng = random.Random(page_seed(self.seed, "page", index))
            language = self.lang if self.lang != "mixed" else rng.choice(("fr", "en"))
            code = self._draw_country(rng)
            city = self._draw_city(rng, code)
            name = rng.choice(bank.PRACTICE_NAMES)
            title = rng.choice(bank.TITLE_PATTERNS).format(practice=name, city=city)
            act = None
            if rng.random() < STATUTORY_SHARE:
                act = rng.choices(bank.GB_ACTS, (7, 3))[0] if code == "GB" else self.acts[code]
            ranks = self._draw_partners(rng, code)
            partners = [
                (self.pool[r].name, act is not None and self.pool[r].statutory) for r in ranks
            ]
            mentions: tuple[tuple[str, str, str], ...] = ()
            if self.name_variants:
                partners, mentions = self._vary(index, ranks, partners)
            draft = draw_practice(
                rng,
                title=title,
                practice_name=name,
                city=city,
                country_code=code,
                language=language,
                partners=partners,
                act=act,
            )
            text = render_practice(draft)
            fault = self.fault_of(index)
            if fault is not None:
                text = plant_fault(fault, text, draft=draft, rng=rng)
            # Like the catalogue's CMS: a second practice with the same title gets "-2".
            slug = draft.slug
            slugs[slug] = slugs.get(slug, 0) + 1
            if slugs[slug] > 1:
                slug = f"{slug}-{slugs[slug]}"
            kind = "resource" if fault == "not_a_practice" else "practice"
            yield SyntheticPage(
                file_name=f"pages/{index:06d}_{slug}.txt",
                text=text,
                url=f"{URL_BASE}/{language}/{kind}/{slug}",
                language=language,
                fault=fault,
                country_code=code,
                organisations=tuple(ranks),
                mentions=mentions,
            )

    def _vary(self, index: int, ranks: list[int], partners: list[tuple[str, bool]]):
        """Write a share of the organisation partners as variants (their own random stream,
        so the rest of the page is the page without variants)."""
        rng = random.Random(page_seed(self.seed, "name-variants", index))
        written, mentions = [], []
        for rank, (name, statutory) in zip(ranks, partners, strict=True):
            if self.pool[rank].country_code is None:  # a generic partner: not an organisation
                written.append((name, statutory))
                continue
            kind = ""
            if rng.random() < self.name_variants:
                unique = variants.acronym_of(name).casefold() in self.unique_acronyms
                kind = rng.choice(variants.possible_kinds(name, acronym_unique=unique))
            as_written = (
                variants.write_variant(rng, name, kind, acronym=variants.acronym_of(name))
                if kind else name
            )
            written.append((as_written, statutory))
            mentions.append((as_written, name, kind))
        return written, tuple(mentions)
