"""The generated Slack app manifest matches the registry and the config."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main

BASE = "project:\n  name: Demo Project\ndatabase:\n  sqlite_path: {db}\n"


def _write(tmp_path: Path, slack: str) -> Path:
    path = tmp_path / "steward.yaml"
    path.write_text(BASE.format(db=tmp_path / "s.db") + slack, encoding="utf-8")
    return path


def test_http_mode_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        "slack:\n  bot_token: xoxb-1\n  signing_secret: s\n  command_names: {steward: /stw}\n",
    )
    assert main(["slack-manifest", "--config", str(path), "--url", "https://bot.example.org/"]) == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/stw" and command["should_escape"] is True
    assert command["url"] == "https://bot.example.org/slack/events"
    assert "help" in command["usage_hint"]
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == "https://bot.example.org/slack/events"
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://bot.example.org/slack/events",
    }
    assert {"team_join", "member_joined_channel", "app_home_opened"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    assert {"commands", "chat:write", "users:read", "usergroups:read", "im:write"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_socket_mode_manifest_has_no_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n")
    assert main(["slack-manifest", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    manifest = yaml.safe_load(out)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url:" not in out  # no request_url and no per-command url in Socket Mode
    assert manifest["features"]["slash_commands"][0]["command"] == "/steward"


def test_no_slack_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "")
    assert main(["slack-manifest", "--config", str(path)]) == 2
    assert "no slack: section" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url",
    ["notaurl", "http://bot.example.org", "https://localhost", "https://bot.example.org/?x=1", "https://x:y"],
)
def test_url_that_slack_cannot_call_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    path = _write(tmp_path, "slack:\n  bot_token: xoxb-1\n  signing_secret: s\n")
    assert main(["slack-manifest", "--config", str(path), "--url", url]) == 2
    captured = capsys.readouterr()
    assert "--url" in captured.err and captured.out == ""


def test_url_in_socket_mode_is_refused_not_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n")
    assert main(["slack-manifest", "--config", str(path), "--url", "https://bot.example.org"]) == 2
    assert "Socket Mode" in capsys.readouterr().err


def test_each_group_is_described_by_its_feature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\ngood_first_issues: {}\n",
    )
    assert main(["slack-manifest", "--config", str(path)]) == 0
    commands = yaml.safe_load(capsys.readouterr().out)["features"]["slash_commands"]
    described = {c["command"]: c["description"] for c in commands}
    assert described["/gfi"].startswith("Good first issues:")
    assert all(not d.startswith("Steward gfi") and "(" not in d for d in described.values())
