"""The query library: ``queries/*.rq`` files, their headers, and finding a query by name.

Each library file starts with a comment header that pgraph reads::

    # title: Practices per domain
    # description: How many practices address each domain of crime or harm,
    #   with the domain's label in a chosen language.
    # param: lang string en — language of the labels (BCP 47)
    # param: country concept - — only practices in this country (label or IRI)
    # example: pgraph query practices-per-domain --param lang=fr

A ``param`` line is ``name type default — description``. Types are ``iri``,
``string``, ``langstring`` (``text@lang``), ``date`` (``YYYY-MM-DD``),
``integer`` and ``concept`` (a concept's label in any language, or its IRI,
resolved inside the query through SKOS labels). The default is a value,
``-`` (optional: the variable stays unbound when not given) or ``required``.
A default holding spaces is written in double quotes. The description
follows a dash (an em or en dash, ``--`` or ``-``).

Example:
    >>> info = load_query("practices-per-domain")
    >>> info.title, [p.name for p in info.params]
    ('Practices per domain', ['lang'])
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from pgraph.errors import QueryError
from pgraph.resources import queries_dir

PARAM_TYPES = ("iri", "string", "langstring", "date", "integer", "concept")
"""The parameter types a header may declare."""

_HEADER_LINE = re.compile(r"^#\s*(title|description|param|example)\s*:\s?(.*)$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEPARATOR = re.compile(r"^(?:\u2014|\u2013|--|-)(?:\s+|$)")  # em dash, en dash, --, -
_SYNTAX_POSITION = re.compile(r"error at (\d+):(\d+):?\s*(.*)", re.DOTALL)


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter: its name (the SPARQL variable), type, default and meaning."""

    name: str
    type: str
    default: str | None = None
    description: str = ""
    required: bool = False

    def describe(self) -> str:
        """Return ``name (type, default …)`` as ``pgraph queries`` shows it.

        Example:
            >>> ParamSpec("lang", "string", "en").describe()
            'lang (string, default en)'
        """
        if self.required:
            extra = "required"
        elif self.default is None:
            extra = "optional"
        else:
            extra = f"default {self.default}"
        return f"{self.name} ({self.type}, {extra})"


@dataclass(frozen=True)
class QueryInfo:
    """A query and what its header says about it."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[ParamSpec, ...] = ()
    example: str = ""
    path: Path | None = None
    kind: str = field(default="", compare=False)

    def param(self, name: str) -> ParamSpec | None:
        """Return the declared parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)

    @property
    def declares_params(self) -> bool:
        """Whether the text has a header (then only declared parameters are accepted)."""
        return bool(self.title or self.params)


def parse_header(text: str, *, name: str = "", path: Path | None = None) -> QueryInfo:
    """Return the query with what its leading ``# key: value`` comment lines say.

    Lines of the leading comment block without a key continue the previous
    key's value; a bare ``#`` line ends it. Unknown keys are ignored.

    Example:
        >>> info = parse_header('# title: All\\n# param: n integer 3 — how many\\nASK {}')
        >>> info.title, info.params[0].default
        ('All', '3')
    """
    fields: dict[str, list[str]] = {"title": [], "description": [], "example": []}
    params: list[list[str]] = []
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        if match:
            key, value = match.group(1).lower(), match.group(2).strip()
            if key == "param":
                current = [value, str(number)]
                params.append(current)
            else:
                current = fields[key]
                current.append(value)
        elif current is not None and line.strip("# \t"):
            current.append(line.lstrip("#").strip())
        else:
            current = None
    specs = tuple(_parse_param(" ".join([p[0], *p[2:]]), path, int(p[1])) for p in params)
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise QueryError(f"the parameter {spec.name} is declared twice", path=_str(path))
        seen.add(spec.name)
    return QueryInfo(
        name=name,
        text=text,
        title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        params=specs,
        example=" ".join(fields["example"]),
        path=path,
    )


def _parse_param(value: str, path: Path | None, line: int) -> ParamSpec:
    words = value.split(None, 2)
    if len(words) < 2:
        raise QueryError(
            f"the param line needs at least a name and a type, not {value!r}",
            path=_str(path), line=line,
            hint="write `# param: name type default — description`",
        )
    name, kind = words[0], words[1].lower()
    rest = words[2].strip() if len(words) > 2 else ""
    if not _VARNAME.match(name):
        raise QueryError(f"{name!r} is not a SPARQL variable name", path=_str(path), line=line)
    if kind not in PARAM_TYPES:
        raise QueryError(
            f"the parameter {name} has the unknown type {kind!r}", path=_str(path), line=line,
            hint=f"use one of {', '.join(PARAM_TYPES)}",
        )
    default: str | None
    if rest.startswith('"') and '"' in rest[1:]:
        end = rest.index('"', 1)
        default, tail = rest[1:end], rest[end + 1 :]
    elif not rest or _SEPARATOR.match(rest):
        # "-" (no default) or straight to the description: either way, no default.
        default, tail = None, _SEPARATOR.sub("", rest, count=1)
    else:
        default, _, tail = rest.partition(" ")
        if default in ("-", "none"):
            default = None
    description = _SEPARATOR.sub("", tail.strip(), count=1).strip()
    required = default == "required"
    return ParamSpec(name, kind, None if required else default, description, required)


def _str(path: Path | None) -> str | None:
    return str(path) if path is not None else None


# ---------------------------------------------------------------- the library


def list_queries(directory: Path | None = None) -> list[QueryInfo]:
    """Return every query of the library (``queries/*.rq``), sorted by name.

    Example:
        >>> names = [q.name for q in list_queries()]
        >>> "co-partnerships" in names
        True
    """
    folder = directory or queries_dir()
    return [load_query_file(path) for path in sorted(folder.glob("*.rq"))]


def load_query_file(path: Path, *, name: str | None = None) -> QueryInfo:
    """Return the query in a ``.rq`` file with its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError("no such query file", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read the query file: {error}", path=str(path)) from error
    return parse_header(text, name=name or path.stem, path=path)


def load_query(query: str | Path) -> QueryInfo:
    """Return the query named ``query`` in the library, in a ``.rq`` file, or given as text.

    Example:
        >>> load_query("SELECT * WHERE { ?s ?p ?o }").name
        'query'
    """
    if isinstance(query, Path):
        return load_query_file(query)
    text = query.strip()
    if not text:
        raise QueryError("the query is empty")
    if _NAME.match(text) and not text.endswith(".rq"):
        path = queries_dir() / f"{text}.rq"
        if path.is_file():
            return load_query_file(path)
        if Path(text).is_file():
            return load_query_file(Path(text))
        known = [p.stem for p in queries_dir().glob("*.rq")]
        close = difflib.get_close_matches(text, known, n=3)
        raise QueryError(
            f"no query named {text!r} in the library",
            hint=(f"did you mean {', '.join(close)}? " if close else "")
            + "`pgraph queries` lists them; a file name needs its .rq",
        )
    if "\n" not in text and (text.endswith(".rq") or Path(text).is_file()):
        return load_query_file(Path(text))
    return parse_header(query, name="query")


@lru_cache(maxsize=512)
def query_kind(text: str, path: str | None = None) -> str:
    """Return ``select``, ``ask`` or ``graph`` (CONSTRUCT, DESCRIBE), checking the syntax.

    A syntax error becomes a :class:`QueryError` with the line and column.

    Example:
        >>> query_kind("ASK { ?s ?p ?o }")
        'ask'
        >>> query_kind("SELECT ?x WHERE {\\n  ?x ?y\\n}")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        pgraph.errors.QueryError: SPARQL syntax error at line 3, column 2: expected one of ...
    """
    try:
        # Planning on an empty store parses the query without evaluating anything.
        result = ox.Store().query(text)
    except SyntaxError as error:
        raise syntax_error(str(error), path) from None
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QueryTriples):
        return "graph"
    return "select"


def syntax_error(message: str, path: str | None) -> QueryError:
    """Return the QueryError for Oxigraph's ``error at LINE:COLUMN: …`` message."""
    match = _SYNTAX_POSITION.match(message)
    if not match:
        return QueryError(f"SPARQL syntax error: {message}", path=path)
    line, column = int(match.group(1)), int(match.group(2))
    detail = " ".join(match.group(3).split())
    if len(detail) > 160:  # Oxigraph lists every acceptable character range
        detail = detail[:157].rstrip() + "…"
    if "DESCRIBE" in detail:
        detail += " (only queries are run here: SELECT, ASK, CONSTRUCT, DESCRIBE; not updates)"
    where = f"column {column}" if path else f"line {line}, column {column}"
    return QueryError(f"SPARQL syntax error at {where}: {detail}", path=path, line=line)
