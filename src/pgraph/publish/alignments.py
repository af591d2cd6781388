"""The files ``pgraph link`` writes: links added to ``data/alignments.yaml``, the review list.

The alignment file is edited as text, not re-dumped, so that a person's
comments and order survive; the result is parsed again and checked before it
replaces the file. Both files are replaced only once completely written.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pgraph.errors import PublishError
from pgraph.vocab import fold

if TYPE_CHECKING:
    from pgraph.publish.link import Proposal

REVIEW_COLUMNS = ("organisation", "organisation_iri", "candidate", "candidate_label", "score",
                  "name_score", "country_score", "type_score", "reason")


def read_organisation_links(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return the ``organisations`` section of an alignment file (name → QID)."""
    try:
        table = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise PublishError("no alignment file here", path=str(path),
                           hint="give --alignments, e.g. data/alignments.yaml") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PublishError(f"the alignment file is not valid YAML: {error}", path=str(path),
                           line=mark.line + 1 if mark else None) from None
    return {str(k): str(v) for k, v in (table.get("organisations") or {}).items()}


def add_organisation_links(
    path: str | os.PathLike[str], links: dict[str, tuple[str, float]]
) -> dict[str, str]:
    """Return the links added to the ``organisations`` section, keeping the file's comments.

    Names already in the section are left alone; new ones are appended to it
    with a comment saying they came from ``pgraph link``.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    current = read_organisation_links(path)
    new = {name: qid for name, (qid, _score) in sorted(links.items()) if name not in current}
    if not new:
        return {}
    lines = []
    for name in sorted(new):
        key = yaml.safe_dump({name: new[name]}, allow_unicode=True, width=1000).strip()
        lines.append(f"  {key}  # pgraph link, score {links[name][1]:.2f}\n")
    section = re.search(r"^organisations:[^\n]*\n?((?:[ \t]+[^\n]*\n?|[ \t]*\n)*)", text,
                        re.MULTILINE)
    if section is None:
        updated = text.rstrip("\n") + "\norganisations:\n" + "".join(lines)
    else:
        body = section.group(1)
        entries = body.rstrip("\n \t") + "\n" if body.strip() else ""
        updated = (text[:section.start()] + "organisations:\n" + entries + "".join(lines)
                   + text[section.end():])
    check = yaml.safe_load(updated) or {}
    if {str(k): str(v) for k, v in (check.get("organisations") or {}).items()} != current | new:
        raise PublishError("could not add the links without changing other entries",
                           path=str(path), hint="edit the organisations section by hand")
    _write_atomically(path, updated.encode("utf-8"))
    return new


def write_review_list(path: str | os.PathLike[str], proposals: Sequence[Proposal], *,
                      review_above: float = 0.0) -> None:
    """Write the candidates a person should decide on (CSV, one row per candidate)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for proposal in sorted(proposals, key=lambda p: fold(p.organisation.name)):
        for candidate in proposal.candidates:
            if candidate.score < review_above:
                continue
            writer.writerow([
                proposal.organisation.name, proposal.organisation.iri, candidate.qid,
                candidate.label, f"{candidate.score:.3f}", f"{candidate.name_score:.3f}",
                f"{candidate.country_score:.2f}", f"{candidate.type_score:.2f}", proposal.reason,
            ])
    _write_atomically(Path(path), out.getvalue().encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
