"""YAML read safely: plain data only (``SafeLoader``), no Python tags, no alias bombs.

Records are data a person wrote or a tool exported; nothing in them should
run code or expand to gigabytes. ``load_yaml`` also returns the node tree so
that messages can name the line of a field.

Example:
    >>> load_yaml("title: A\\nlevels: [Local]", name="r.yaml")[0]
    {'title': 'A', 'levels': ['Local']}
    >>> try:
    ...     load_yaml("x: !!python/object/apply:os.system [ls]", name="r.yaml")
    ... except SourceError as exc:
    ...     print(str(exc)[:60])
    r.yaml:1: YAML tag !!python/object/apply:os.system is not al
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from pgraph.errors import SourceError

MAX_YAML_NODES = 100_000
"""Most nodes a YAML document may expand to (aliases counted as copies): stops alias bombs."""

_LineOf = Callable[[tuple[Any, ...]], int | None]


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that checks a document's tags and expanded size before building it."""


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # SafeLoader raises ValueError on "2015-02-31"; keep the text so that the
    # record model reports it as one bad field instead of losing the file.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_GuardedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, *, name: str) -> tuple[Any, yaml.Node | None]:
    """Return the data of a one-document YAML text and its node tree (for line numbers).

    Raises ``SourceError`` for bad YAML, a non-standard tag (``!!python/object``)
    or a document whose aliases expand past ``MAX_YAML_NODES``.

    Example:
        >>> load_yaml("a: [1, 2]", name="x.yaml")[0]
        {'a': [1, 2]}
    """
    try:
        loader = _GuardedLoader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (U+FFFE, …)
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError(
            f"not valid YAML: character U+{exc.character:04X} is not allowed in YAML",
            path=name, line=line,
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_nodes(node, name)
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError(f"not valid YAML: {exc.problem or exc}", path=name, line=line) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid YAML: {exc}", path=name) from None
    except RecursionError:
        raise SourceError("YAML nested too deeply", path=name) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor refusing a value
        raise SourceError(f"YAML value cannot be read: {exc}", path=name) from None
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, name: str) -> None:
    # Aliases share nodes, so the tree is a graph: count each node's expanded
    # size once (memoised) to see what a consumer walking the data would meet.
    sizes: dict[int, int] = {}
    known_tags = set(_GuardedLoader.yaml_constructors) - {None}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            if sizes[key] < 0:
                raise SourceError("YAML alias refers to itself", path=name, line=node_line(node))
            return sizes[key]
        if node.tag not in known_tags:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise SourceError(
                f"YAML tag {tag} is not allowed: records are plain data (maps, lists, text,"
                " numbers, dates)",
                path=name,
                line=node_line(node),
                hint="remove the tag",
            )
        sizes[key] = -1
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        if total > MAX_YAML_NODES:
            raise SourceError(
                f"YAML document expands to more than {MAX_YAML_NODES} values through aliases"
                " (an alias bomb?); refused",
                path=name,
                line=node_line(node),
            )
        sizes[key] = total
        return total

    size(root)


def node_line(node: yaml.Node) -> int:
    """Return the 1-based line where a YAML node starts."""
    return node.start_mark.line + 1


def yaml_line_of(node: yaml.Node | None) -> _LineOf:
    """Return a function giving the line of a field path (pydantic ``loc``) under ``node``."""

    def line_of(loc: tuple[Any, ...]) -> int | None:
        current, line = node, None
        for part in loc:
            if isinstance(current, yaml.MappingNode):
                pair = next(((k, v) for k, v in current.value if k.value == str(part)), None)
                if pair is None:
                    break
                line, current = node_line(pair[0]), pair[1]
            elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(current.value):
                    break
                current = current.value[part]
                line = node_line(current)
            else:
                break
        return line if line is not None else (node_line(node) if node is not None else None)

    return line_of
