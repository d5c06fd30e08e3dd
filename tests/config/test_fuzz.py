"""Whatever the input, loading either succeeds or raises ConfigError — never anything else."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, StewardConfig, config_json_schema, load_config_text

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
