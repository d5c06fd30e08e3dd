"""One exit-code convention for every subcommand: 0 done, 1 the work failed, 2 usage or config problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.github.cli import describe_budget


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "steward.yaml"
    path.write_text(f"project:\n  name: X\ndatabase:\n  sqlite_path: {tmp_path / 's.db'}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("command", "section"),
    [(["discord-invite"], "discord"), (["discord-sync"], "discord"), (["slack-manifest"], "slack")],
)
def test_a_missing_platform_section_is_a_config_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], section: str
) -> None:
    assert main([*command, "--config", str(_config(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert f"no {section}: section" in err and err.count("\n") == 1


def test_an_unreadable_console_script_is_a_usage_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.txt"
    assert main(["console", "--config", str(_config(tmp_path)), "--script", str(missing)]) == 2
    assert "cannot read --script" in capsys.readouterr().err


def test_an_invalid_config_is_a_config_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("project: [1]\n", encoding="utf-8")
    assert main(["discord-invite", "--config", str(path)]) == 2


def test_the_rate_budget_reads_as_words_not_a_repr() -> None:
    assert describe_budget({"limit": None, "remaining": None}) == "unknown (no request made)"
    text = describe_budget(
        {"limit": 5000, "remaining": 4321, "used": 679, "reset_at": "2026-12-05T14:05:00+00:00"}
    )
    assert text == "4,321/5,000 left, resets 14:05 UTC"
