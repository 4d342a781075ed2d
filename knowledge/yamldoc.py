"""Strict YAML reading that remembers the line of every key and list item."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.problems import ContentError, Location, Problem

__all__ = ["YamlDocument", "read_yaml"]

Path_ = tuple[str | int, ...]

# libyaml's parser when PyYAML has it (about ten times faster on the directory), else pure Python.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlDocument:
    """Plain data read from one YAML file, with the line of each path in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def location(self, path: Path_) -> Location:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path and path not in self.lines:
            path = path[:-1]
        return Location(self.file, self.lines.get(path, 1))

    def node_id(self, path: Path_) -> str:
        """The identity of the innermost mapping along ``path`` that has one, else ``-``.

        The identity is its ``id`` (trees, nodes, sources, organisations) or, for directory
        entries, its ``code``, ``name`` or ``gemeente``.
        """
        found = _identity(self.data) or "-"
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                break
            found = _identity(value) or found
        return found

    def problem(self, path: Path_, message: str) -> Problem:
        """A problem located at ``path`` in this document."""
        return Problem(self.location(path), self.node_id(path), message)


def _identity(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    for key in _IDENTITY_KEYS:
        if isinstance(value.get(key), str):
            return str(value[key])
    return None


_IDENTITY_KEYS = ("id", "code", "name", "gemeente", "target", "dutch", "words")


def read_yaml(path: Path, *, display_name: str) -> YamlDocument:
    """Read ``path``; raise ContentError with a located message on any YAML problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(Location(display_name, 1), "-", f"onleesbaar: {exc}")]) from exc
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = _convert(loader, root, (), lines, display_name) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"ongeldige YAML: {exc.problem or exc.context}"
        raise ContentError([Problem(Location(display_name, line), "-", message)]) from exc
    except yaml.YAMLError as exc:
        raise ContentError(
            [Problem(Location(display_name, 1), "-", f"ongeldige YAML: {exc}")]
        ) from exc
    finally:
        loader.dispose()
    return YamlDocument(display_name, data, lines)


def _convert(loader: Any, node: yaml.Node, path: Path_, lines: dict[Path_, int], file: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                line = key_node.start_mark.line + 1
                raise ContentError(
                    [Problem(Location(file, line), "-", f"sleutel {key!r} is geen tekst")]
                )
            if key in result:
                line = key_node.start_mark.line + 1
                raise ContentError(
                    [Problem(Location(file, line), "-", f"sleutel '{key}' staat er twee keer")]
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _convert(loader, value_node, (*path, key), lines, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, (*path, i), lines, file) for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
