"""Regular expressions from the config, run against text anyone can write (issue bodies).

Each pattern is compiled when the config loads (a broken one refuses the file), refused when its
shape can backtrack catastrophically (a repeated group that itself repeats, like ``(a+)+$``), and
run with a time limit, so no issue body can stall the bot.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from typing import Any

import regex

log = logging.getLogger(__name__)

MAX_PATTERN_LENGTH = 200
# Seconds one search may take; a heading pattern on a 65 KiB issue body needs microseconds.
SEARCH_TIMEOUT = 0.25
FLAGS = regex.IGNORECASE | regex.MULTILINE

# The standard library's own regex parser gives the pattern's structure (the `regex` package keeps
# its parse tree internal); it is a private module, so a failure to use it only skips the shape check.
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")
_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT, getattr(_constants, "POSSESSIVE_REPEAT", None)}


class PatternProblem(ValueError):
    """Why a configured pattern cannot be used."""


def _repeats_many(node: tuple[Any, Any]) -> bool:
    # Unbounded repetition (+, *, {n,}); bounded ones like {1,3} cannot blow up when nested.
    op, args = node
    possessive = getattr(_constants, "POSSESSIVE_REPEAT", None)
    return op in _REPEATS and op != possessive and args[1] == _constants.MAXREPEAT


def _contains_repeat(items: Any) -> bool:
    for op, args in items:
        if _repeats_many((op, args)):
            return True
        if _nested_lists(op, args) and any(_contains_repeat(sub) for sub in _nested_lists(op, args)):
            return True
    return False


def _nested_lists(op: Any, args: Any) -> list[Any]:
    if op in _REPEATS:
        return [args[2]]
    if op is _constants.SUBPATTERN:
        return [args[3]]
    if op is _constants.BRANCH:
        return list(args[1])
    return []


def _nested_repetition(items: Any) -> bool:
    """True when an unboundedly repeated part of the pattern contains another unbounded repetition."""
    for op, args in items:
        if _repeats_many((op, args)) and _contains_repeat(args[2]):
            return True
        if any(_nested_repetition(sub) for sub in _nested_lists(op, args)):
            return True
    return False


def check_pattern(pattern: str) -> None:
    """Raise ``PatternProblem`` for a pattern that does not compile or could backtrack for ever."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternProblem(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        regex.compile(pattern, FLAGS)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise PatternProblem(f"invalid regular expression: {exc}") from None
    try:
        tree = _parser.parse(pattern, 0)
    except Exception:  # regex-only syntax: the time limit still bounds every search
        return
    if _nested_repetition(tree.data):
        raise PatternProblem(
            "a repeated group that repeats inside (like '(a+)+') can take exponential time; "
            "write it without the nested repetition"
        )


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return regex.compile(pattern, FLAGS)


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (checked at load) matches somewhere in ``text``; False if it runs too long."""
    try:
        return _compiled(pattern).search(text, timeout=SEARCH_TIMEOUT) is not None
    except regex.error:
        return False
    except TimeoutError:
        log.warning(
            "pattern %r took over %s s on a %d-character text; treated as no match",
            pattern,
            SEARCH_TIMEOUT,
            len(text),
        )
        return False
