"""A handoff missed while the bot was down: posted once when it comes back within the grace, else skipped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.core.clock import FakeClock
from bot.db.models import PostLog
from cogs.oncall import OncallCog
from tests.fixtures.chat import console_chat

BERLIN = ZoneInfo("Europe/Berlin")
CONFIG = """oncall:
  rotations:
    - name: core
      repos: [acme/widgets]
      members: [alice, bob]
      shift_length: 1w
      handoff_time: "09:00"
      start_date: 2026-01-05
      timezone: Europe/Berlin
  handoff_grace: 3h
maintainers:
  - github: alice
    console: alice
  - github: bob
    console: bob
"""


async def test_a_handoff_is_caught_up_within_grace_and_skipped_with_a_reason_after_it(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The bot comes back five hours after alice's shift began: beyond the 3h grace.
    clock = FakeClock(datetime(2026, 1, 5, 14, 0, tzinfo=BERLIN))
    caplog.set_level(logging.WARNING, logger="bot.core.post_ledger")
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=clock) as chat:
        cog = next(c for c in chat.app.cogs if isinstance(c, OncallCog))
        await cog.ticker.tick()
        await cog.ticker.tick()
        assert chat.posts("oncall") == [] and chat.dms("alice") == []
        skips = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
        assert len(skips) == 2, skips  # the handoff and alice's DM, each said once
        assert "beyond its grace of 3:00:00 (oncall.handoff_grace)" in skips[0]
        assert "5:00:00 late" in skips[0]
        rows = await chat.app.db.run(lambda s: list(s.exec(select(PostLog))))
        assert {r.status for r in rows} == {"skipped"}

        # Down again over bob's handoff, back two hours later: posted once, however often it ticks.
        clock.set(datetime(2026, 1, 12, 11, 0, tzinfo=BERLIN))
        await cog.ticker.tick()
        await cog.ticker.tick()
        [handoff] = chat.posts("oncall")
        assert "bob" in handoff.text
        assert len(chat.dms("bob")) == 1
        clock.advance(timedelta(hours=3))
        await cog.ticker.tick()
        assert len(chat.posts("oncall")) == 1
