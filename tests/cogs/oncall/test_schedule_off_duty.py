"""`/oncall schedule` names weekend slots of a weekdays-only rotation in words, on every platform
(the catalog key ``off`` was once read by YAML as ``False`` and the raw key was shown)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import FakeClock
from tests.fixtures.chat import ChatFactory, Identities

CONFIG = """oncall:
  rotations:
    - name: core
      repos: [acme/widgets]
      members: [alice, bob]
      shift_length: 1d
      handoff_time: "09:00"
      start_date: 2026-01-05
      timezone: Europe/Berlin
      weekdays_only: true
"""


def _identities(who: Identities) -> str:
    return "maintainers:\n" + "".join(
        f"  - github: {p}\n    {who.platform}: {who.id(p)}\n" for p in ("alice", "bob")
    )


async def test_weekend_slots_read_off_duty(chat_factory: ChatFactory) -> None:
    clock = FakeClock(datetime(2026, 1, 8, 9, 0, tzinfo=UTC))  # Thursday: the schedule crosses a weekend
    async with chat_factory(extra_yaml=lambda who: CONFIG + _identities(who), clock=clock) as chat:
        schedule = "\n".join(r.text for r in await chat.command("zoe", "/oncall schedule core 7"))
        assert "off duty (weekend)" in schedule
        assert "oncall.schedule" not in schedule
