"""Write the bad-input corpus: one file per case under ``tests/bad_input/cases/``.

The files are committed; this script is how they were made (and how to
remake them after a change to the seed page): ``python tests/bad_input/make_cases.py``.
The big cases (a 50 MB page, 100,000 bullets, a 2 MB line, JSON nested
100,000 deep) are not committed: the
test writes them with :func:`generated_case` into a temporary folder.
``cases.yaml`` beside this file says what each case must give.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
SEED = HERE.parents[1] / "data" / "pages" / "000_370808593d96a53c.txt"
CHROME = "Curricula - Knowledge - Navigation"
SEED_TITLE = "Z Community Policing in the UK"


def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def page(title: str, *, replace: tuple[tuple[str, str], ...] = ()) -> str:
    """The seed page under another title, with some of its text replaced."""
    text = seed().replace(SEED_TITLE, title, 1)
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


LINKS = (
    "https://www.cityoflondon.police.uk/community-policing/Pages/About-community-policing.aspx\n"
    "https://www.cityoflondon.police.uk/community-policing/Pages/Safer-City-Partnership.aspx\n"
)
DATE = "Date de début: 1st January 2014"
DESCRIPTION = "Description\n\n"


def _pages() -> dict[str, bytes]:
    utf8 = {
        "duplicate_sections.txt": page(
            "Duplicate Sections",
            replace=(("Objectifs\n", "Description\n\nA second description.\n\nObjectifs\n"),),
        ),
        "two_titles.txt": page(
            "Two Titles", replace=(("Two Titles\n", "Two Titles\n\nA Second Title Line\n"),)
        ),
        "no_title.txt": seed().replace(f"{SEED_TITLE}\n\n", "", 1),
        "only_chrome.txt": f"{CHROME}\n\n",
        "impossible_date.txt": page(
            "Impossible Date", replace=((DATE, "Date de début: 31st February 2014"),)
        ),
        "future_date.txt": page(
            "Future Date", replace=((DATE, "Date de début: 1st January 2099"),)
        ),
        "date_numeric.txt": page("Numeric Date", replace=((DATE, "Date de début: 01.02.2014"),)),
        "date_year_only.txt": page("Year Only Date", replace=((DATE, "Date de début: 2014"),)),
        "date_german.txt": page("German Date", replace=((DATE, "Date de début: 1. Januar 2014"),)),
        "date_french_words.txt": page(
            "French Date", replace=((DATE, "Date de début: 1er janvier 2014"),)
        ),
        "malformed_urls.txt": page(
            "Malformed Links",
            replace=((LINKS, "http//broken.example.org\nhttps://exa mple.org/x\n"
                             "https://example.org/{id}\nhttps://\n"),),
        ),
        "javascript_and_file_links.txt": page(
            "Hostile Links",
            replace=((LINKS, "javascript:alert(document.cookie)\nfile:///etc/passwd\n"
                             "data:text/html,<script>alert(1)</script>\n"),),
        ),
        "html_in_text.txt": page(
            "<b>Street</b> Watch <script>alert(1)</script>",
            replace=((DESCRIPTION, DESCRIPTION + '<img src=x onerror="alert(1)"> & "quotes" '
                                                 "<a href='javascript:alert(2)'>click</a>\n"),),
        ),
        "control_chars.txt": page(
            "Control\x07 Characters",
            replace=((DESCRIPTION, DESCRIPTION + "Bell\x07 and\x1b[31m escape.\n"),),
        ),
        "nul_after_the_probe.txt": page(
            "Late NUL", replace=(("Transférabilité\n", "Transférabilité\n\nA NUL\x00 here.\n"),)
        ),
        "rtl_text.txt": page(
            "شرطة المجتمع في لندن",
            replace=((DESCRIPTION,
                      DESCRIPTION + "تعمل الشرطة مع السكان. השוטרים עובדים עם התושבים.\n"),),
        ),
        "bidi_override.txt": page("Invoice \u202egnp.exe\u202c Policing"),
        "cyrillic_title.txt": page("Общественная полиция в Лондоне"),
        "truncated.txt": seed().replace(SEED_TITLE, "Truncated Page", 1).split(
            "Transférabilité")[0],
        "unknown_heading.txt": page(
            "Unknown Heading",
            replace=(("Transférabilité\n",
                      "Budget Breakdown\n\nThree million.\n\nTransférabilité\n"),),
        ),
        "not_a_practice.txt": (
            f"{CHROME}\n\nHandbook on community policing\n\nLanguage: English\n"
            "Categories: Community policing, Training\n\nA handbook for practitioners.\n"
        ),
        "mixed_line_ends.txt": page("Mixed Line Ends").replace("\n", "\r\n", 40).replace(
            "\n", "\r", 20).replace("\n", "\u2028", 10),
        "whitespace_only.txt": " \n\t\n\u00a0\n",
    }
    out = {name: text.encode("utf-8") for name, text in utf8.items()}
    out["empty.txt"] = b""
    out["binary.txt"] = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 4
    out["latin1.txt"] = page("Latin-1 Café Policing").encode("cp1252")
    out["utf16_bom.txt"] = codecs.BOM_UTF16_LE + page("UTF-16 Policing").encode("utf-16-le")
    out["utf16_no_bom.txt"] = page("UTF-16 Without Mark").encode("utf-16-le")
    out["utf8_bom.txt"] = codecs.BOM_UTF8 + page("Byte Order Mark").encode("utf-8")
    out["surrogate_bytes.txt"] = page("Surrogate Bytes").encode("utf-8").replace(
        b"Description\n\n", b"Description\n\n\xed\xa0\x80 broken\n", 1)
    return out


def _records() -> dict[str, bytes]:
    lol = '["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    bomb = [f"a: &a {lol}"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb.append("title: *i")
    texts = {
        "yaml_bomb.yaml": "\n".join(bomb) + "\n",
        "yaml_python_tag.yaml": (
            "title: Harmless looking\ncountry: !!python/object/apply:os.system [\"echo pwned\"]\n"
        ),
        "yaml_syntax_error.yaml": "title: Broken\ncountry: [France\nlevels: Local\n",
        "yaml_bad_values.yaml": (
            "title: Bad Values\n"
            "language: not a tag!\n"
            "start_date: 2014-02-31\n"
            "links:\n"
            "  - https://example.org/good\n"
            "  - javascript:alert(1)\n"
            "  - https://exa mple.org/x\n"
            "references:\n"
            "  - text: A report\n"
            "    url: file:///etc/passwd\n"
            "colour: blue\n"
            "not_reported: [bogus]\n"
        ),
        "yaml_future_date.yaml": "title: Future Record\nstart_date: 2099-01-01\n",
        "yaml_not_records.yaml": "City Police: [COLP]\nTransport for London: [TfL]\n",
        "yaml_cyrillic_titles.yaml": (
            "- title: Общественная полиция\n- title: Молодёжные наставники\n"
        ),
        "json_syntax_error.json": '[\n  {"title": "A"},\n  {"title": "B",}\n]\n',
        "json_surrogate.json": '{"title": "\\ud800 lone surrogate"}\n',
        "csv_embedded_newlines.csv": (
            'title,description,domains\n'
            '"Multi-line One","First line\nsecond line\nthird line",Cybercrime\n'
            '"Multi-line Two","Another\n\ndescription",Cybercrime\n'
        ),
        "csv_wrong_column_count.csv": (
            "title,country,description\n"
            "Right Count,France,Fine\n"
            "Too Many,France,Fine,extra,values\n"
            "Too Few\n"
        ),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def _rdf() -> dict[str, bytes]:
    lol = ['<!ENTITY a "lollollollollollollollollollol">']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lol.append(f'<!ENTITY {name} "' + f"&{previous};" * 10 + '">')
    rdf_xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{entities}\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/terms/">\n'
        '  <rdf:Description rdf:about="https://example.org/other/x">\n'
        "    <dc:title>{title}</dc:title>\n  </rdf:Description>\n</rdf:RDF>\n"
    )
    texts = {
        "turtle_syntax_error.ttl": (
            "@prefix dc: <http://purl.org/dc/terms/> .\n"
            '<https://example.org/other/a> dc:title "Fine" .\n'
            '<https://example.org/other/b> dc:title "Unterminated .\n'
        ),
        "ntriples_bad_iri.nt": (
            '<https://example.org/other/a> <http://purl.org/dc/terms/title> "Fine" .\n'
            '<https://example.org/other/a b> <http://purl.org/dc/terms/title> "Space" .\n'
        ),
        "xxe.rdf": rdf_xml.format(
            entities='  <!ENTITY xxe SYSTEM "file:///etc/passwd">', title="&xxe;"
        ),
        "xxe_parameter.rdf": rdf_xml.format(
            entities='  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n  %remote;',
            title="x",
        ),
        "entity_bomb.rdf": rdf_xml.format(entities="\n".join(f"  {e}" for e in lol), title="&i;"),
        "internal_entity.rdf": rdf_xml.format(
            entities='  <!ENTITY dc "http://purl.org/dc/terms/">', title="Abbreviation only"
        ),
        "jsonld_remote_context.jsonld": json.dumps(
            {"@context": "https://schema.org/", "@id": "https://example.org/other/x",
             "name": "Remote context"}, indent=2),
        "jsonld_import.jsonld": json.dumps(
            {"@context": {"@version": 1.1, "@import": "http://127.0.0.1:9/context.jsonld"},
             "@id": "https://example.org/other/x", "name": "Imported context"}, indent=2),
        "jsonld_inline_context.jsonld": json.dumps(
            {"@context": {"title": "http://purl.org/dc/terms/title"},
             "@id": "https://example.org/other/inline", "title": "Inline context"}, indent=2),
        "other_catalogue.ttl": (
            "@prefix dc: <http://purl.org/dc/terms/> .\n"
            '<https://example.org/other/practice> dc:title "From another catalogue"@en ;\n'
            "    dc:subject _:s .\n"
            '_:s dc:title "A subject" .\n'
        ),
        "named_graphs.trig": (
            "@prefix dc: <http://purl.org/dc/terms/> .\n"
            '<https://example.org/g1> { <https://example.org/other/t> dc:title "In a graph" . }\n'
        ),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def committed_cases() -> dict[str, bytes]:
    """Return every committed case: file name → bytes."""
    return {**_pages(), **_records(), **_rdf()}


def _huge_page() -> bytes:
    paragraph = (
        "Community policing works with residents and businesses to prevent crime. " * 10 + "\n"
    )
    filler = paragraph * (50_000_000 // len(paragraph) + 1)
    return page("Huge Page", replace=((DESCRIPTION, DESCRIPTION + filler),)).encode("utf-8")


def _many_bullets() -> bytes:
    bullets = "".join(f"  •  Type number {i}\n" for i in range(100_000))
    return page("Many Bullets", replace=(("Types\n", "Types\n" + bullets),)).encode("utf-8")


GENERATED: dict[str, Callable[[], bytes]] = {
    "huge_page.txt": _huge_page,
    "many_bullets.txt": _many_bullets,
    "long_line.txt": lambda: page(
        "Long Line", replace=((DESCRIPTION, DESCRIPTION + "word " * 400_000 + "\n"),)
    ).encode("utf-8"),
    "json_deep.json": lambda: b"[" * 100_000 + b"]" * 100_000,
}
"""Cases too big to commit, written by the test: file name → maker."""


def generated_case(name: str) -> bytes:
    """Return the bytes of a generated case."""
    return GENERATED[name]()


def write_cases(folder: Path = CASES) -> list[Path]:
    """Write the committed cases into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in sorted(committed_cases().items()):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_cases():
        print(path.relative_to(HERE.parents[1]), path.stat().st_size)
