"""Invalid files are refused with one located, readable problem per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, ConfigProblem, load_config
from tests.config import problems

BASE = "project:\n  name: demo\n"


def only(text: str, env: dict[str, str] | None = None) -> ConfigProblem:
    found = problems(text, env)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_typo_key_suggests_the_known_key() -> None:
    p = only(BASE + "github:\n  repos: [a/b]\n  pol_interval: 5m\n")
    assert (p.line, p.col, p.path) == (5, 3, "github.pol_interval")
    assert p.message == "unknown key 'pol_interval'; did you mean 'poll_interval'?"


def test_typo_in_required_key_is_one_problem_not_two() -> None:
    p = only("project:\n  nme: demo\n")
    assert (p.line, p.col, p.path) == (2, 3, "project.nme")
    assert "did you mean 'name'?" in p.message


def test_wrong_type() -> None:
    p = only(BASE + "http:\n  port: eighty\n")
    assert (p.line, p.col, p.path) == (4, 9, "http.port")
    assert p.message == "expected an integer, got 'eighty'"


def test_bad_cron() -> None:
    p = only(BASE + "schedules:\n  - job: weekly_digest\n    cron: '61 * * * *'\n")
    assert (p.line, p.col, p.path) == (5, 11, "schedules[0].cron")
    assert p.message.startswith("invalid cron expression '61 * * * *'")


def test_unknown_timezone() -> None:
    text = (
        BASE
        + "oncall:\n  rotations:\n    - name: core\n      members: [alice]\n      timezone: Mars/Olympus\n"
    )
    p = only(text)
    assert (p.line, p.col, p.path) == (7, 17, "oncall.rotations[0].timezone")
    assert str(p) == "steward.yaml:7:17: oncall.rotations[0].timezone: unknown time zone 'Mars/Olympus'"


def test_missing_env_var() -> None:
    p = only(BASE + "discord:\n  token: ${DISCORD_TOKEN}\n")
    assert (p.line, p.col, p.path) == (4, 10, "discord.token")
    assert "'DISCORD_TOKEN' is not set" in p.message


def test_missing_env_var_in_typed_field_is_not_also_a_type_error() -> None:
    p = only(BASE + "http:\n  port: ${PORT}\n")
    assert "'PORT' is not set" in p.message


def test_all_five_mistakes_give_five_problems_in_file_order() -> None:
    text = (
        BASE
        + "github:\n  repos: [a/b]\n  pol_interval: 5m\n"  # typo (line 5)
        + "http:\n  port: eighty\n"  # wrong type (line 7)
        + "schedules:\n  - job: weekly_digest\n    cron: '61 * * * *'\n"  # bad cron (line 10)
        + "oncall:\n  rotations:\n    - name: core\n      members: [alice]\n"
        + "      timezone: Mars/Olympus\n"  # unknown zone (line 15)
        + "discord:\n  token: ${DISCORD_TOKEN}\n"  # missing variable (line 17)
    )
    found = problems(text)
    assert [(p.line, p.path) for p in found] == [
        (5, "github.pol_interval"),
        (7, "http.port"),
        (10, "schedules[0].cron"),
        (15, "oncall.rotations[0].timezone"),
        (17, "discord.token"),
    ]
    assert str(ConfigError(found)).count("\n") == 4


def test_missing_required_key_points_at_parent_mapping() -> None:
    p = only("project:\n  locale: en\n")
    assert (p.line, p.col, p.path, p.message) == (2, 3, "project.name", "missing required key 'name'")


def test_missing_project_section() -> None:
    p = only("http: {port: 1}\n")
    assert (p.line, p.path, p.message) == (1, "project", "missing required key 'project'")


def test_unknown_section_lists_sections() -> None:
    p = only(BASE + "oncal: {}\n")
    assert p.path == "oncal" and "did you mean 'oncall'?" in p.message


def test_duplicate_keys() -> None:
    p = only(BASE + "http:\n  port: 1\n  port: 2\n")
    assert (p.line, p.col, p.path) == (5, 3, "http.port")
    assert p.message == "duplicate key 'port' (first defined on line 4)"


def test_yaml_syntax_error_is_one_problem_at_parser_mark() -> None:
    p = only(BASE + "http: [1, 2\n")
    assert p.line == 4 and p.message.startswith("YAML syntax error")


def test_tab_indentation_is_a_syntax_error() -> None:
    assert only("project:\n\tname: x\n").message.startswith("YAML syntax error")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_config(text: str) -> None:
    p = only(text)
    assert p.message.startswith("empty config") and (p.line, p.col) == (1, 1)


@pytest.mark.parametrize("text", ["- project\n", "just text\n", "42\n"])
def test_top_level_must_be_mapping(text: str) -> None:
    assert "top level must be a mapping" in only(text).message


def test_several_documents_are_refused() -> None:
    assert "YAML syntax error" in only(BASE + "---\n" + BASE).message


def test_recursive_alias_is_reported_not_crashing() -> None:
    assert any("recursive alias" in p.message for p in problems(BASE + "maintainers: &a [*a]\n"))


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    found = problems("\n".join(lines) + "\n")
    assert any("more than" in p.message for p in found)


def test_unsupported_tag() -> None:
    p = only(BASE + "http: {host: !!python/name:os.system x}\n")
    assert p.path == "http.host"


def test_impossible_date() -> None:
    p = only(BASE + "oncall:\n  rotations: [{name: a, members: [b], start_date: 2024-13-45}]\n")
    assert p.path == "oncall.rotations[0].start_date"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    (p,) = info.value.problems
    assert (p.line, p.col) == (0, 0) and "cannot read config file" in p.message
    assert str(p).startswith(str(tmp_path / "nope.yaml") + ": ")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"project: {name: caf\xe9}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.problems[0].line == 0


def test_keys_needing_quotes_are_shown_quoted() -> None:
    p = only(BASE + "good_first_issues:\n  areas:\n    good first issue: [x]\n")
    assert p.path == 'good_first_issues.areas["good first issue"]'


def test_constraint_messages_are_plain() -> None:
    assert only("project: {name: ''}\n").message == "must not be empty"
    assert only(BASE + "http: {port: 99999}\n").message == "must be at most 65535, got 99999"
