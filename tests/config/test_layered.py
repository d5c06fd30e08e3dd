"""The repository config file merged over the local bootstrap file: problems on the repo file's lines."""

from __future__ import annotations

import pytest

from bot.config import ConfigError
from bot.config.layered import load_layered

BOOT = """project:
  name: Local name
github:
  token: ${GITHUB_TOKEN}
  repos: [acme/old]
config_source:
  repo: acme/community
"""
ENV = {"GITHUB_TOKEN": "ghp_secret"}


def _load(repo_text: str, boot: str = BOOT) -> object:
    return load_layered(boot, "steward.yaml", repo_text, "acme/community:.github/steward.yaml", env=ENV)


def test_repo_file_merges_over_bootstrap_mappings_and_replaces_lists() -> None:
    config = _load("project:\n  name: Acme\ngithub:\n  repos: [acme/widgets, acme/docs]\n")
    assert config.project.name == "Acme"  # type: ignore[attr-defined]
    github = config.github  # type: ignore[attr-defined]
    assert [r.name for r in github.repos] == ["acme/widgets", "acme/docs"]
    assert github.token == "ghp_secret"  # the secret still comes from the bootstrap file
    assert config.config_source.repo == "acme/community"  # type: ignore[attr-defined]


def test_validation_problem_points_at_the_repo_file_line() -> None:
    text = (
        "project:\n  name: Acme\noncall:\n  rotations:\n    - name: core\n"
        "      members: []\n      shift: 3x\n"
    )
    with pytest.raises(ConfigError) as caught:
        _load(text)
    problems = caught.value.problems
    assert problems and all(p.file == "acme/community:.github/steward.yaml" for p in problems)
    assert any(p.line == 7 and "shift" in p.path for p in problems), [str(p) for p in problems]


def test_problem_in_the_bootstrap_file_is_reported_against_it() -> None:
    boot = BOOT.replace("  repos: [acme/old]\n", "  repos: [acme/old]\n  poll_interval: 1s\n")
    with pytest.raises(ConfigError) as caught:
        _load("project:\n  name: Acme\n", boot=boot)
    assert [(p.file, p.line, p.path) for p in caught.value.problems] == [
        ("steward.yaml", 6, "github.poll_interval")
    ]


@pytest.mark.parametrize(
    ("text", "line", "path"),
    [
        ("github:\n  token: ghp_from_repo\n", 2, "github.token"),
        ("github:\n  webhook_secret: x\n", 2, "github.webhook_secret"),
        ("github:\n  api_url: https://evil.example\n", 2, "github.api_url"),
        ("database:\n  url: postgresql://x\n", 1, "database"),
        ("config_source:\n  repo: a/b\n", 1, "config_source"),
        ("project:\n  name: x\ndiscord:\n  token: t\n", 4, "discord.token"),
    ],
)
def test_secrets_and_host_settings_are_refused_in_the_repo_file(text: str, line: int, path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(text)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.path) == ("acme/community:.github/steward.yaml", line, path)
    assert "local bootstrap file" in problem.message


def test_repo_file_never_reads_the_environment() -> None:
    # A pull request could otherwise print a host secret in its check output.
    with pytest.raises(ConfigError) as caught:
        _load("project:\n  name: ${GITHUB_TOKEN}\n")
    [problem] = caught.value.problems
    assert problem.line == 2 and "ghp_secret" not in str(problem)
    assert "environment references are not read" in problem.message


def test_yaml_bomb_in_the_repo_file_is_refused_cleanly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(ConfigError) as caught:
        _load("\n".join(lines) + "\n")
    assert "more than" in str(caught.value)


def test_syntax_error_in_the_repo_file_has_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        _load("project:\n  name: [unclosed\n")
    [problem] = caught.value.problems
    assert problem.file == "acme/community:.github/steward.yaml" and problem.line >= 2
