"""Bytes of a source file to text: encodings, byte-order marks, binary and control characters.

Example:
    >>> str(decode_text("Caf\\u00e9".encode("cp1252"), name="p.txt")[1][0])[:50]
    'p.txt:1: not UTF-8 (byte 0xe9); read as Windows-12'
"""

from __future__ import annotations

import codecs
import re

from pgraph.errors import SourceError, Warning_

_BINARY_PROBE = 1024
# C0 and C1 control characters other than tab and line ends, which text never needs.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f"
_CONTROL = re.compile(f"[{_CONTROLS}]")
# Bidirectional embeddings, overrides and isolates make text display in another
# order than it is stored ("Trojan source"); right-to-left text needs none of
# them (its letters carry their direction; U+200E/U+200F marks are kept).
_BIDI_OVERRIDES = r"\u202a-\u202e\u2066-\u2069"
_BIDI_OVERRIDE = re.compile(f"[{_BIDI_OVERRIDES}]")
_REMOVED = re.compile(f"[{_CONTROLS}{_BIDI_OVERRIDES}]")
"""Either kind: one scan of a page tells whether any is there (most pages have none)."""
_REPLACEMENTS = re.compile("\ufffd+")
_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def decode_text(data: bytes, *, name: str) -> tuple[str, list[Warning_]]:
    """Return the text of a source file's bytes and warnings about how it was decoded.

    UTF-8 (a byte-order mark is dropped) and UTF-16/32 with a byte-order mark
    are read as they are; other bytes that are not UTF-8 are read as
    Windows-1252 (or Latin-1) with a warning. Raises ``SourceError`` for an
    empty or binary file.

    Example:
        >>> decode_text(b"\\xef\\xbb\\xbfTitle\\r\\n", name="p.txt")
        ('Title\\r\\n', [])
        >>> decode_text(b"", name="p.txt")
        Traceback (most recent call last):
        ...
        pgraph.errors.SourceError: p.txt: the file is empty
    """
    warnings: list[Warning_] = []
    if not data.strip():
        raise SourceError("the file is empty", path=name)
    if data.startswith(_UTF32_BOMS):
        text = _decode_bom(data, "utf-32", name)
    elif data.startswith(_UTF16_BOMS):
        text = _decode_bom(data, "utf-16", name)
    elif b"\x00" in data[:_BINARY_PROBE]:
        raise SourceError(
            "not a text page: the file has NUL bytes (binary data, or UTF-16 without a byte-order"
            " mark)",
            path=name,
            hint="save it as UTF-8 text",
        )
    else:
        text = _decode_8bit(data, name, warnings)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SourceError("the file is empty (only spaces)", path=name)
    if _REMOVED.search(text) is not None:
        text = _strip_bidi_overrides(_strip_controls(text, name, warnings), name, warnings)
    return text, warnings


def _decode_bom(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)  # the codec reads the BOM and drops it
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()}"
            f" ({exc.reason})",
            path=name,
        ) from None


def _decode_8bit(data: bytes, name: str, warnings: list[Warning_]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
    # A UTF-8 page with a few stray bytes (a cut-off character) stays UTF-8:
    # read as Windows-1252 all its accents and bullets would turn to mojibake.
    replaced = data.decode("utf-8-sig", errors="replace")
    invalid = len(_REPLACEMENTS.findall(replaced))
    valid = len(_NON_ASCII.findall(replaced))
    if valid > invalid:
        warnings.append(
            Warning_(
                f"{invalid} byte sequence(s) that are not UTF-8 (the first is 0x{byte:02x})"
                " replaced by \ufffd; the rest of the file is UTF-8",
                path=name,
                line=line,
            )
        )
        return replaced
    # cp1252 is what Windows tools write for Western European text; bytes it
    # leaves undefined (0x81, 0x8d, …) mean plain Latin-1.
    for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings.append(
            Warning_(
                f"not UTF-8 (byte 0x{byte:02x}); read as {label}:"
                " check accented letters, and save the file as UTF-8",
                path=name,
                line=line,
            )
        )
        return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _strip_controls(text: str, name: str, warnings: list[Warning_]) -> str:
    match = _CONTROL.search(text)
    if match is None:
        return text
    line = text.count("\n", 0, match.start()) + 1
    count = len(_CONTROL.findall(text))
    warnings.append(
        Warning_(
            f"{count} control character(s) removed (the first is U+{ord(match.group(0)):04X})",
            path=name,
            line=line,
        )
    )
    return _CONTROL.sub("", text)


def _strip_bidi_overrides(text: str, name: str, warnings: list[Warning_]) -> str:
    match = _BIDI_OVERRIDE.search(text)
    if match is None:
        return text
    line = text.count("\n", 0, match.start()) + 1
    count = len(_BIDI_OVERRIDE.findall(text))
    warnings.append(
        Warning_(
            f"{count} bidirectional control character(s) removed (the first is"
            f" U+{ord(match.group(0)):04X}): they make text display in another order than"
            " it is written",
            path=name,
            line=line,
        )
    )
    return _BIDI_OVERRIDE.sub("", text)
