"""`steward check-config --no-env`: a project's CI checks its config without the secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, check_config_offline
from bot.config.models import StewardConfig
from tests.test_cli import ROOT, steward

EXAMPLE = ROOT / "config" / "steward.example.yaml"


def test_example_passes_offline_with_every_reference_listed() -> None:
    result = steward("check-config", str(EXAMPLE), "--no-env", env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout and "left unresolved" in result.stdout
    for name in ("GITHUB_TOKEN", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        assert f"${{{name}}} left unresolved" in result.stderr
    # Each is located at its own line of the example.
    line = next(i for i, text in enumerate(EXAMPLE.read_text().splitlines(), 1) if "${DISCORD_TOKEN}" in text)
    assert f"steward.example.yaml:{line}:" in result.stderr


def test_offline_still_refuses_real_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "project:\n  name: X\n  timezone: Mars/Olympus\ndiscord:\n  token: ${NOT_HERE}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        check_config_offline(bad, env={})
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 1 and "project.timezone" in messages[0]
    result = steward("check-config", str(bad), "--offline")
    assert result.returncode == 2
    assert "1 problem in" in result.stderr


def test_offline_builds_the_config_so_warnings_still_run(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("project:\n  name: X\ndiscord:\n  token: ${DISCORD_TOKEN}\n", encoding="utf-8")
    check = check_config_offline(path, env={})
    assert isinstance(check.config, StewardConfig)
    assert [p.path for p in check.unresolved] == ["discord.token"]


def test_an_unfilled_value_that_cannot_stand_as_text_falls_back_to_the_default(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("project:\n  name: X\nhttp:\n  port: ${PORT}\n", encoding="utf-8")
    check = check_config_offline(path, env={})
    assert check.config is not None and check.config.http is not None
    assert [p.path for p in check.unresolved] == ["http.port"]


def test_malformed_references_and_defaults_are_not_excused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("project:\n  name: ${NAME:-Demo}\n  locale: ${oops\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        check_config_offline(path, env={})
    assert any("malformed" in str(p) for p in caught.value.problems)


def test_several_files_in_one_call(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("project:\n  name: X\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: [1]\n", encoding="utf-8")
    result = steward("check-config", str(good), str(bad))
    assert result.returncode == 2
    assert f"{good}: OK" in result.stdout and f"{bad}:" in result.stderr
