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


def test_migrate_to_an_unknown_revision_is_one_line_and_a_usage_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path))
    for command in (["migrate", "--revision", "bogus"], ["migrate", "--downgrade", "bogus"]):
        assert main([*command, "--config", config]) == 2
        err = capsys.readouterr().err
        assert err.startswith("steward migrate: ") and "bogus" in err and "Traceback" not in err
    assert main(["migrate", "--config", config]) == 0
    assert main(["migrate", "--downgrade", "base", "--config", config]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "database has no migrations applied (base)"


def test_migrate_without_a_database_server_is_one_line_and_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as held:  # a port nothing answers on
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/nope")
        path = tmp_path / "pg.yaml"
        path.write_text("project:\n  name: X\ndatabase:\n  url: ${DATABASE_URL}\n", encoding="utf-8")
        assert main(["migrate", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("steward migrate: cannot use the database: ") and err.count("\n") == 1


def test_healthcheck_never_exits_2_which_docker_reserves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("project:\n  name: X\ngithub:\n  token: ${NO_SUCH_TOKEN_SET}\n", encoding="utf-8")
    assert main(["healthcheck", "--config", str(path)]) == 1
    assert capsys.readouterr().err.startswith("unhealthy: the config does not load: ")
