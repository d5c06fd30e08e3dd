"""The calendar feeds' token: generated once per deployment, compared safely whatever a URL holds."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db.database import Database
from cogs.oncall.feed_cli import cmd_calendar_token
from cogs.oncall.feed_token import stored_feed_token, token_matches
from tests.fixtures.console import config_text

NOW = datetime(2026, 1, 5, tzinfo=UTC)


async def test_a_generated_token_is_stored_once_and_shared(db: Database) -> None:
    first = await db.run(stored_feed_token, NOW)
    second = await db.run(stored_feed_token, NOW)  # another instance, or the next start
    assert first == second
    assert len(first) >= 40  # 32 random bytes, URL-safe


def test_tokens_are_compared_as_bytes() -> None:
    assert token_matches("s3cret", "s3cret")
    assert not token_matches("s3cre", "s3cret")
    assert not token_matches("", "s3cret")
    # What `?token=%C3%A9` and `?token=%FF` decode to: refused, never a TypeError.
    assert not token_matches("é", "s3cret")
    assert not token_matches("\udcff", "s3cret")
    assert not token_matches("\ufffd", "s3cret")


ONCALL = (
    "oncall:\n  rotations:\n    - name: core\n      members: [alice, bob]\n"
    '      shift_length: 1w\n      handoff_time: "09:00"\n'
)


def test_the_cli_shows_the_generated_token(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "steward.yaml"
    config.write_text(config_text(db.url, ONCALL), encoding="utf-8")
    args = argparse.Namespace(config=str(config), demo=False)
    assert cmd_calendar_token(args) == 0
    token = db.call(stored_feed_token, NOW)  # what the running bot will require
    assert capsys.readouterr().out.splitlines() == [
        "token: generated for this deployment (set oncall.calendar_token to choose one)",
        f"/oncall/core.ics?token={token}",
    ]
    config.write_text(config_text(db.url, ONCALL + "  calendar_token: a b&c\n"), encoding="utf-8")
    assert cmd_calendar_token(args) == 0
    assert capsys.readouterr().out.splitlines()[1] == "/oncall/core.ics?token=a%20b%26c"
