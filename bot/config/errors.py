"""Translate pydantic validation errors into located ``ConfigProblem``s."""

from __future__ import annotations

import difflib
import types
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from bot.config.yamltree import DataPath, Located, Tree

__all__ = ["translate_errors"]

_REWRITE: dict[str, str] = {
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "dict_type": "expected a mapping",
    "list_type": "expected a list",
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date without a time (YYYY-MM-DD)",
}
# Built-in constraint messages ("Input should be greater than 0") read better with the offending value.
_SHOW_INPUT = {
    *_REWRITE,
    "literal_error",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str | int | float | bool | date):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return type(value).__name__


def _resolve(data: Any, loc: tuple[int | str, ...]) -> tuple[DataPath, list[int | str]]:
    """Follow ``loc`` through ``data``; return the path that exists and the loc parts that did not match."""
    path: list[str | int] = []
    rest: list[int | str] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
        else:
            # Union tags ("function-after[...]", "str") and missing keys are not in the data.
            rest.append(part)
    return tuple(path), rest


def _expand(tp: Any) -> list[Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        return _expand(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(tp) for t in _expand(arg)]
    return [tp]


def _field(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _known_keys(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Keys accepted by the model(s) found by walking ``loc`` down the type annotations from ``root``."""
    candidates: list[Any] = [root]
    for part in loc:
        following: list[Any] = []
        for tp in (t for c in candidates for t in _expand(c)):
            origin = get_origin(tp)
            if isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel):
                annotation = _field(tp, part)
                if annotation is not None:
                    following.append(annotation)
            elif origin is dict and isinstance(part, str):
                following.append(get_args(tp)[1])
            elif origin is list and isinstance(part, int):
                following.append(get_args(tp)[0])
        if following:
            candidates = following
    keys: list[str] = []
    for tp in (t for c in candidates for t in _expand(c)):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            keys.extend(info.alias or name for name, info in tp.model_fields.items())
    return keys


def _display_path(
    path: DataPath, rest: list[int | str], loc: tuple[int | str, ...], root: type[BaseModel], data: Any
) -> DataPath:
    """Name a defaulted key that a cross-field check complained about (``rotations[0].regions``)."""
    for part in path:
        data = data[part]
    # Only inside a written-out mapping: for shorthand ("owner/name") the value itself is the culprit.
    if isinstance(data, dict) and len(rest) == 1 and isinstance(rest[0], str) and loc[-1] == rest[0]:
        if rest[0] in _known_keys(root, loc[:-1]):
            return (*path, rest[0])
    return path


_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _bound_message(kind: str, ctx: dict[str, Any]) -> str:
    key, words = _BOUNDS[kind]
    return f"must be {words} {ctx.get(key)}"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    message = _REWRITE.get(kind, error["msg"])
    ctx = error.get("ctx", {})
    if kind == "literal_error":
        message = f"expected one of {ctx.get('expected', '')}"
    elif kind in _BOUNDS:
        message = _bound_message(kind, ctx)
    elif kind in ("too_short", "too_long"):
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        actual = ctx.get("actual_length")
        items = "item" if limit == 1 else "items"
        message = f"needs at {'least' if kind == 'too_short' else 'most'} {limit} {items}, got {actual}"
    elif kind == "string_too_short":
        limit = ctx.get("min_length")
        message = "must not be empty" if limit == 1 else f"must be at least {limit} characters long"
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind in _SHOW_INPUT:
        message += f", got {_describe(error.get('input'))}"
    return message


def translate_errors(errors: list[ErrorDetails], tree: Tree, root: type[BaseModel]) -> list[Located]:
    """Turn pydantic errors into located problems, dropping repeats of problems found while reading."""
    located: list[Located] = []
    suggested: set[DataPath] = set()
    missing: list[tuple[DataPath, Located]] = []
    for error in errors:
        loc = tuple(error["loc"])
        path, rest = _resolve(tree.data, loc)
        if any(path[: len(failed)] == failed for failed in tree.reported):
            continue  # already reported while reading the YAML
        kind = error["type"]
        if kind == "missing" and rest and isinstance(rest[-1], str):
            line, col = tree.value_mark(path)
            problem = Located(line, col, (*path, rest[-1]), f"missing required key {rest[-1]!r}")
            missing.append(((*path, rest[-1]), problem))
            continue
        if kind == "extra_forbidden" and path and not rest:
            key = str(path[-1])
            parent = tree.data
            for part in path[:-1]:
                parent = parent[part]
            known = [k for k in _known_keys(root, loc[:-1]) if k not in parent]
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            if close:
                message = f"unknown key {key!r}; did you mean {close[0]!r}?"
                suggested.add((*path[:-1], close[0]))
            elif known:
                message = f"unknown key {key!r}; expected one of: {', '.join(sorted(known))}"
            else:
                message = f"unknown key {key!r}"
            key_line, key_col = tree.keys.get(path) or tree.value_mark(path)
            located.append(Located(key_line, key_col, path, message))
            continue
        # "[key]" in the loc means the dict key itself was invalid, so point at the key, not its value.
        key_mark = tree.keys.get(path) if "[key]" in rest else None
        line, col = key_mark or tree.value_mark(path)
        located.append(Located(line, col, _display_path(path, rest, loc, root, tree.data), _message(error)))
    # A typo'd required key shows up twice (unknown + missing); the "did you mean" already says it all.
    located.extend(problem for key, problem in missing if key not in suggested)
    return located
