"""Whatever the input, loading either succeeds or raises ConfigError — never anything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, StewardConfig, config_json_schema, load_config_text
from bot.config.loader import MAX_CONFIG_BYTES

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _schema_keys() -> list[str]:
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config_json_schema())
    return sorted(keys)


# Real key names make random structures reach deep validators, not just "unknown key" at the top.
KEYS = st.one_of(st.sampled_from(_schema_keys()), st.text(max_size=12))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["5m", "1h30m", "09:00", "UTC", "Mars/Olympus", "a/b", "0 9 * * mon", "${X}", "$${Y}"]),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)),
    max_leaves=30,
)
YAMLISH = st.text(alphabet=st.sampled_from(list(" \n\t:-[]{},'\"&*!|>#%@`?$~abcz019")), max_size=200)


def _check(text: str) -> None:
    try:
        result = load_config_text(text, env={"X": "x"})
    except ConfigError as exc:
        assert exc.problems, "a ConfigError must carry at least one problem"
        for problem in exc.problems:
            assert not problem.message.startswith("internal error"), problem
            assert problem.line >= 1 and problem.col >= 1
            assert str(problem)
    else:
        assert isinstance(result, StewardConfig)


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _check(text)


@FUZZ
@given(YAMLISH)
def test_random_yaml_punctuation(text: str) -> None:
    _check(text)


@FUZZ
@given(STRUCTURES)
def test_random_structures(data: Any) -> None:
    _check(yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(st.dictionaries(KEYS, STRUCTURES, max_size=6))
def test_random_sections_under_a_valid_project(sections: dict[str, Any]) -> None:
    _check(yaml.safe_dump({"project": {"name": "demo"}, **sections}, allow_unicode=True))


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    _check("project: " + "[" * 5000 + "]" * 5000 + "\n")
    _check("project:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 300)))


# -- the slow cases: inputs that once froze the loader for minutes, grown to the size limit ----------

LIMIT = MAX_CONFIG_BYTES
# A failure bound, not a benchmark: on an idle machine each case takes a few seconds at most; the
# deadline only has to catch the minutes these inputs used to take (171 s for 250k keys).
SLOW_CASE_DEADLINE = 30.0


def _alias_bomb(width: int) -> str:
    levels = ["a: &l0 [" + ",".join(["x"] * width) + "]"]
    for i in range(1, 9):
        levels.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * width) + "]")
    return "project: {name: d}\n" + "\n".join(levels) + "\n"


SLOW_CASES: dict[str, Callable[[int], str]] = {
    "alias bomb": lambda size: _alias_bomb(max(2, min(10, size // 1000))),
    "deep flow nesting": lambda size: "project: " + "[" * (size // 2) + "]" * (size // 2),
    "deep block nesting": lambda size: (
        "project:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, int((2 * size) ** 0.5) // 2))
    ),
    "many top-level keys": lambda size: (
        "project: {name: d}\n" + "".join(f"k{i}: 1\n" for i in range(size // 10))
    ),
    "many keys in a section": lambda size: (
        "project: {name: d}\ngood_first_issues:\n" + "".join(f"  k{i}: 1\n" for i in range(size // 12))
    ),
    "one huge flow mapping": lambda size: (
        "project: {name: d}\nx: {" + ",".join(f"k{i}: 1" for i in range(size // 10)) + "}\n"
    ),
    "long comment": lambda size: "project: {name: d}\n# " + "x" * (size - 40) + "\n",
    "long value": lambda size: "project: {name: '" + "x" * (size - 40) + "'}\n",
    "many never-firing schedules": lambda size: (
        "project: {name: d}\nschedules:\n"
        + "".join(f"- {{job: weekly_digest, cron: '{i % 60} 9 31 2 *'}}\n" for i in range(size // 45))
    ),
    "many duplicate keys": lambda size: "project: {name: d}\n" + "project: {name: d}\n" * (size // 20),
    "many patterns": lambda size: (
        "project: {name: d}\noncall:\n  rotations: [{name: t, members: ['discord:1']}]\n"
        + "  required_sections:\n"
        + "".join(f"  - 'a{i}(b+)+c'\n" for i in range(size // 20))
    ),
}


def _timed_check(text: str) -> float:
    started = time.monotonic()
    _check(text[:LIMIT])
    return time.monotonic() - started


@pytest.mark.parametrize("case", sorted(SLOW_CASES))
def test_slow_cases_at_the_size_limit(case: str) -> None:
    took = _timed_check(SLOW_CASES[case](LIMIT - 64))
    assert took < SLOW_CASE_DEADLINE, f"{case} took {took:.1f} s"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SLOW_CASES)), st.integers(min_value=0, max_value=20_000), st.text(max_size=40))
def test_slow_cases_of_any_size_with_noise(case: str, size: int, noise: str) -> None:
    text = SLOW_CASES[case](size)
    cut = size % (len(text) + 1)
    _check(text[:cut] + noise + text[cut:])


def test_oversized_text_is_refused_without_parsing() -> None:
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_config_text("project: {name: d}\n#" + "x" * LIMIT)
