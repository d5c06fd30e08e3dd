"""YAML text -> plain Python data, remembering where every key and value came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.config.env import substitute

__all__ = ["UNRESOLVED", "DataPath", "Located", "Tree", "Unresolved", "build_tree", "format_path"]

DataPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NUMERIC = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# Generous limits that still stop "billion laughs" alias bombs and pathological nesting.
MAX_DEPTH = 64
MAX_VALUES = 200_000
ENV_REFUSED = (
    "${...} environment references are not read from the repository file;"
    " secrets stay in the local bootstrap file"
)
# libyaml reads a large file many times faster than the pure-Python parser; same nodes and marks.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Located:
    """A problem found while reading the YAML, before validation."""

    line: int
    col: int
    path: DataPath
    message: str


@dataclass(frozen=True)
class Unresolved:
    """A ``${VAR}`` left unresolved on purpose (an offline check has no secrets to fill it)."""

    line: int
    col: int
    path: DataPath
    names: tuple[str, ...]
    text: str


class _UnresolvedValue:
    def __repr__(self) -> str:
        return "UNRESOLVED"


# Stands in for a value whose ``${VAR}`` an offline check could not fill; the loader drops it.
UNRESOLVED: Any = _UnresolvedValue()


@dataclass
class Tree:
    """The plain data of a document plus where each value and key starts (1-based line, col)."""

    data: Any = None
    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Located] = field(default_factory=list)
    # Values already reported (e.g. an unset ${VAR}); validation errors there would only repeat them.
    reported: set[DataPath] = field(default_factory=set)
    fatal: bool = False
    unresolved: list[Unresolved] = field(default_factory=list)

    def value_mark(self, path: DataPath) -> tuple[int, int]:
        """The mark of the value at ``path``, or of its nearest located ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))


class _TooLarge(Exception):
    pass


def format_path(path: tuple[Any, ...]) -> str:
    """Render ``("oncall", "rotations", 0, "timezone")`` as ``oncall.rotations[0].timezone``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and all(c.isalnum() or c in "_-" for c in part) and part.isascii():
            out += f".{part}" if out else part
        else:
            out += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _error_mark(error: yaml.YAMLError, text: str) -> tuple[int, int, str]:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        parts = [p for p in (error.context, error.problem) if p]
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return where[0], where[1], "; ".join(parts) or "invalid YAML"
    if isinstance(error, yaml.reader.ReaderError):
        pos = min(error.position, len(text))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return line, col, f"unacceptable character {error.character!r}: {error.reason}"
    return 1, 1, str(error) or "invalid YAML"


class _Builder:
    def __init__(self, tree: Tree, env: Mapping[str, str] | None, offline: bool = False) -> None:
        self.tree = tree
        self.env = env
        self.offline = offline
        self.count = 0
        self.stack: set[int] = set()
        self.constructor = SafeConstructor()

    def problem(self, mark: tuple[int, int], path: DataPath, message: str) -> None:
        self.tree.problems.append(Located(mark[0], mark[1], path, message))

    def build(self, node: Node, path: DataPath) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLarge
        mark = _mark(node)
        self.tree.values.setdefault(path, mark)
        if len(path) > MAX_DEPTH:
            self.problem(mark, path, f"nested more than {MAX_DEPTH} levels deep")
            self.tree.reported.add(path)
            return None
        if id(node) in self.stack:
            self.problem(mark, path, "recursive alias: a node cannot contain itself")
            self.tree.reported.add(path)
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    self.problem(mark, path, f"unsupported tag {node.tag!r}")
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode):
                if node.tag != _MAP:
                    self.problem(mark, path, f"unsupported tag {node.tag!r}")
                return self.mapping(node, path)
        finally:
            self.stack.discard(id(node))
        self.problem(mark, path, "unsupported YAML node")
        return None

    def scalar(self, node: ScalarNode, path: DataPath) -> Any:
        mark = _mark(node)
        # YAML 1.1 reads 10:30 as the base-60 integer 630; in a config that is always a clock time.
        # (A plain scalar has style None from the Python parser and "" from libyaml.)
        if node.tag == _STR or (node.tag in _NUMERIC and not node.style and ":" in node.value):
            value: Any = node.value
        else:
            try:
                value = self.constructor.construct_object(node, deep=True)
            except yaml.YAMLError:
                self.problem(mark, path, f"unsupported tag {node.tag!r}")
                self.tree.reported.add(path)
                return None
            except Exception as exc:  # PyYAML raises ValueError/TypeError for e.g. an impossible date
                self.problem(mark, path, f"cannot read value {node.value!r}: {exc}")
                self.tree.reported.add(path)
                return None
        if not isinstance(value, str):
            return value
        if self.env is None:
            result = substitute(value, {})
            if result.used or result.errors:
                # A file from a repository (anyone's pull request) must never read the host's secrets.
                self.problem(mark, path, ENV_REFUSED)
                self.tree.reported.add(path)
            return result.text
        result = substitute(value, self.env)
        if self.offline and result.missing and len(result.missing) == len(result.errors):
            self.tree.unresolved.append(Unresolved(mark[0], mark[1], path, tuple(result.missing), value))
            self.tree.reported.add(path)
            return UNRESOLVED
        for message in result.errors:
            self.problem(mark, path, message)
        if result.errors:
            self.tree.reported.add(path)
        return result.text

    def pairs(self, node: MappingNode) -> list[tuple[Node, Node, bool]]:
        """The mapping's (key, value, explicit) pairs with ``<<`` merge keys expanded."""
        explicit: list[tuple[Node, Node, bool]] = []
        merged: list[tuple[Node, Node, bool]] = []
        for key, value in node.value:
            if key.tag != _MERGE:
                explicit.append((key, value, True))
                continue
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if not isinstance(source, MappingNode) or id(source) in self.stack:
                    self.problem(_mark(source), (), "a '<<' merge needs a mapping or a list of mappings")
                    continue
                self.stack.add(id(source))
                try:
                    merged.extend((k, v, False) for k, v, _ in self.pairs(source))
                finally:
                    self.stack.discard(id(source))
        return explicit + merged

    def mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node, explicit in self.pairs(node):
            if not isinstance(key_node, ScalarNode):
                self.problem(_mark(key_node), path, "mapping keys must be plain strings")
                continue
            key = key_node.value
            child = (*path, key)
            if key in result:
                if explicit and self.tree.keys.get(child) != _mark(key_node):
                    first = self.tree.keys.get(child, (0, 0))[0]
                    self.problem(
                        _mark(key_node), child, f"duplicate key {key!r} (first defined on line {first})"
                    )
                continue
            self.tree.keys[child] = _mark(key_node)
            result[key] = self.build(value_node, child)
        return result


def build_tree(text: str, env: Mapping[str, str] | None, offline: bool = False) -> Tree:
    """Parse ``text`` and return its data, marks and any problems (``fatal`` if there is no usable data).

    ``env`` None: ``${VAR}`` references are refused, not resolved (a file read from a repository).
    ``offline`` leaves unset ``${VAR}`` references as ``UNRESOLVED`` values listed in ``tree.unresolved``.
    """
    tree = Tree()
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        line, col, message = _error_mark(exc, text)
        tree.problems.append(Located(line, col, (), f"YAML syntax error: {message}"))
        tree.fatal = True
        return tree
    except RecursionError:
        tree.problems.append(Located(1, 1, (), "YAML is nested too deeply to read"))
        tree.fatal = True
        return tree
    if root is None:
        tree.problems.append(Located(1, 1, (), "empty config: expected a mapping with at least 'project:'"))
        tree.fatal = True
        return tree
    if not isinstance(root, MappingNode) or root.tag != _MAP:
        kind = "a list" if isinstance(root, SequenceNode) else f"a single value {root.value!r}"[:80]
        if isinstance(root, MappingNode):
            kind = f"a {root.tag} node"
        line, col = _mark(root)
        message = f"the top level must be a mapping of sections (project:, github:, ...), got {kind}"
        tree.problems.append(Located(line, col, (), message))
        tree.fatal = True
        return tree
    builder = _Builder(tree, env, offline)
    try:
        tree.data = builder.build(root, ())
    except _TooLarge:
        tree.problems.append(Located(1, 1, (), f"document expands to more than {MAX_VALUES} values"))
        tree.fatal = True
    return tree
