"""A deterministic synthetic catalogue of practice pages, for demos, tests and benchmarks.

The pages are SYNTHETIC: made-up practices in the real catalogue's page format
(see ``data/pages/``), with headings and facet values from the vocabularies,
partners drawn from a shared pool with Zipf-distributed reuse (so that
partnership networks have hubs), statutory partners under real and made-up
Acts, and a share of deliberately malformed pages. The same arguments always
give byte-identical files.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> report = generate_catalogue(Path(tempfile.mkdtemp()), practices=20, seed=1)
    >>> report.pages, len(report.malformed)
    (20, 1)
    >>> name, text = next(iter_catalogue(practices=1))
    >>> text.splitlines()[0]
    'Curricula - Knowledge - Navigation'
"""

from __future__ import annotations

import contextlib
import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pgraph.errors import PgraphError
from pgraph.synth.catalogue import LANGUAGES, URL_BASE, Catalogue, SyntheticPage
from pgraph.synth.faults import FAULTS

__all__ = [
    "FAULTS",
    "LANGUAGES",
    "URL_BASE",
    "SynthReport",
    "SyntheticPage",
    "generate_catalogue",
    "iter_catalogue",
    "iter_pages",
]

VARIANTS_FILE = "name-variants.csv"
"""The ground truth of ``--name-variants``: one row per organisation mention."""

MARKER = "SYNTHETIC"
"""First word of a generated catalogue's README: the folder may be regenerated over."""


@dataclass
class SynthReport:
    """What ``generate_catalogue`` wrote: pages, planted faults by file, organisations."""

    out_dir: Path
    practices: int  # as asked for
    pages: int  # as written (the same, once generation has finished)
    seed: int
    lang: str
    malformed_share: float
    malformed: dict[str, str] = field(default_factory=dict)  # "pages/….txt" -> fault kind
    name_variants: float = 0.0
    organisations: int = 0  # size of the organisation pool
    organisations_named: int = 0  # organisations at least one page names as a partner
    countries: int = 0

    def malformed_by_kind(self) -> dict[str, int]:
        """Return how many pages got each kind of fault, by kind name."""
        return dict(sorted(Counter(self.malformed.values()).items()))

    def summary(self) -> str:
        """Return a one-line account of the catalogue, as ``pgraph synth`` prints it."""
        kinds = ", ".join(f"{kind} {n}" for kind, n in self.malformed_by_kind().items())
        return (
            f"wrote {self.pages} synthetic pages to {self.out_dir} "
            f"({len(self.malformed)} malformed{': ' + kinds if kinds else ''}); "
            f"{self.organisations_named} organisations named out of a pool of "
            f"{self.organisations}; {self.countries} countries"
        )

    def command(self) -> str:
        """Return the ``pgraph synth`` command that regenerates this catalogue."""
        return (
            f"pgraph synth -o OUT_DIR --practices {self.practices} --seed {self.seed} "
            f"--lang {self.lang} --malformed-share {self.malformed_share:g}"
            + (f" --name-variants {self.name_variants:g}" if self.name_variants else "")
        )


def iter_pages(
    *, practices: int, seed: int = 0, lang: str = "mixed", malformed_share: float = 0.05
) -> Iterator[SyntheticPage]:
    """Yield the catalogue's pages one at a time (constant memory per page), with their metadata.

    Example:
        >>> page = next(iter_pages(practices=3, seed=2, lang="fr"))
        >>> page.language, page.url.split("/")[3:5]
        ('fr', ['fr', 'practice'])
    """
    catalogue = Catalogue(
        practices=practices, seed=seed, lang=lang, malformed_share=malformed_share
    )
    yield from catalogue.pages()


def iter_catalogue(
    *, practices: int, seed: int = 0, lang: str = "mixed", malformed_share: float = 0.05
) -> Iterator[tuple[str, str]]:
    """Yield ``(file_name, text)`` pairs of the catalogue, for benchmarks that skip the disk."""
    for page in iter_pages(
        practices=practices, seed=seed, lang=lang, malformed_share=malformed_share
    ):
        yield page.file_name, page.text


def generate_catalogue(
    out_dir: Path,
    *,
    practices: int,
    seed: int = 0,
    lang: str = "mixed",
    malformed_share: float = 0.05,
    name_variants: float = 0.0,
) -> SynthReport:
    """Write a synthetic catalogue to ``out_dir`` and return what was written.

    ``out_dir/pages/{i:06d}_{slug}.txt`` holds one page per practice,
    ``out_dir/sources.yaml`` maps each page to its (``.invalid``) URL, and
    ``out_dir/README.md`` says that the catalogue is synthetic, how to
    regenerate it and which pages are malformed on purpose. With
    ``name_variants``, that share of the organisation partners is written as a
    variant of its name (``pgraph.synth.variants``) and ``out_dir/name-variants.csv``
    holds the truth for every organisation mention. Pages of an earlier
    synthetic catalogue in ``out_dir`` are replaced; a folder holding other
    pages is refused.
    """
    out_dir = Path(out_dir)
    pages_dir = out_dir / "pages"
    _clear_previous(out_dir)
    pages_dir.mkdir(parents=True, exist_ok=True)
    catalogue = Catalogue(
        practices=practices, seed=seed, lang=lang, malformed_share=malformed_share,
        name_variants=name_variants,
    )
    with contextlib.ExitStack() as files:
        truth = None
        if name_variants:
            handle = files.enter_context(
                (out_dir / VARIANTS_FILE).open("w", encoding="utf-8", newline="")
            )
            truth = csv.writer(handle, lineterminator="\n")
            truth.writerow(["file", "written", "organisation", "variant"])
        report = SynthReport(
            out_dir=out_dir,
            practices=practices,
            pages=0,
            seed=seed,
            lang=lang,
            malformed_share=malformed_share,
            organisations=len(catalogue.pool),
            name_variants=name_variants,
        )
        return _write_pages(out_dir, catalogue, truth, report)


def _write_pages(out_dir: Path, catalogue: Catalogue, truth, report: SynthReport) -> SynthReport:
    named = bytearray(len(catalogue.pool))
    countries = bytearray(len(catalogue.countries))
    country_index = {code: i for i, code in enumerate(catalogue.countries)}
    with (out_dir / "sources.yaml").open("w", encoding="utf-8", newline="\n") as sources:
        sources.write(_sources_header(report))
        for page in catalogue.pages():
            # newline="" keeps the page's own line endings (some faults are CRLF).
            (out_dir / page.file_name).write_text(page.text, encoding="utf-8", newline="")
            sources.write(f"{page.file_name}: {page.url}\n")
            report.pages += 1
            if page.fault is not None:
                report.malformed[page.file_name] = page.fault
            for rank in page.organisations:
                named[rank] = 1
            if truth is not None:
                truth.writerows([page.file_name, *mention] for mention in page.mentions)
            countries[country_index[page.country_code]] = 1
    report.organisations_named = sum(named)
    report.countries = sum(countries)
    (out_dir / "README.md").write_text(_readme(report), encoding="utf-8", newline="\n")
    return report


def _clear_previous(out_dir: Path) -> None:
    pages = sorted((out_dir / "pages").glob("*.txt")) if (out_dir / "pages").is_dir() else []
    if not pages:
        return
    readme = out_dir / "README.md"
    if not (readme.is_file() and readme.read_text(encoding="utf-8").startswith(f"# {MARKER}")):
        raise PgraphError(
            f"{out_dir / 'pages'} holds pages that pgraph synth did not write",
            path=str(out_dir),
            hint="choose an empty folder (or one written by pgraph synth) for the catalogue",
        )
    for page in pages:
        page.unlink()
    (out_dir / VARIANTS_FILE).unlink(missing_ok=True)


def _sources_header(report: SynthReport) -> str:
    return (
        f"# {MARKER} catalogue: every page and URL below is made up, not a real practice.\n"
        f"# Generated by: {report.command()}\n"
        f"# The URLs are under the reserved .invalid TLD ({URL_BASE}); they resolve nowhere.\n"
    )


def _readme(report: SynthReport) -> str:
    lines = [
        f"# {MARKER} catalogue — generated, not a real catalogue",
        "",
        "Every practice, organisation, partnership, reference and URL in this folder is made up",
        "by `pgraph synth`. The pages follow the format of the real catalogue's pages (see",
        "`data/pages/`) so that pgraph can be demonstrated, tested and benchmarked on more than",
        "one page. Some Acts named here do not exist; pgraph flags them as unresolved.",
        "",
        "Regenerate (byte-identical) with:",
        "",
        "```",
        report.command(),
        "```",
        "",
        f"- {report.pages} pages in `pages/`, their URLs in `sources.yaml`",
        f"- {report.organisations_named} organisations named "
        f"(a pool of {report.organisations}), {report.countries} countries",
        f"- {len(report.malformed)} pages malformed on purpose:",
        "",
    ]
    if report.malformed:
        lines += ["| page | fault |", "| --- | --- |"]
        lines += [f"| `{name}` | {kind} |" for name, kind in report.malformed.items()]
        lines.append("")
    return "\n".join(lines)
