"""A daily rotation like the demo's, and the clock of the reviewer's report, for the chat tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cogs.oncall import OncallCog
from tests.fixtures.chat import ChatDriver, Reply

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday Dec 7 2026, 20:00 UTC: dee's day (Dec 7 09:00 → Dec 8 09:00 Shanghai), then ann, ben, cho.
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
# The project's zone in tests is Europe/Berlin (tests/fixtures/console.py): channel posts name it.
CET = "Central European Standard Time"
PST = "Pacific Standard Time"
NNBSP = "\u202f"  # CLDR's narrow no-break space before AM/PM

CONFIG = """oncall:
  rotations:
    - name: triage
      members: [ann, ben, cho, dee]
      shift_length: 1d
      handoff_time: "09:00"
      start_date: 2026-11-02
      timezone: Asia/Shanghai
maintainers:
  - {github: ann, console: ann, name: Ann}
  - {github: ben, console: ben}
  - {github: cho, console: cho}
  - {github: dee, console: dee}
"""


def shanghai(day: int, hour: int = 9) -> datetime:
    """Dec ``day`` 2026 at ``hour`` in Shanghai, as UTC."""
    return datetime(2026, 12, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def cog(chat: ChatDriver) -> OncallCog:
    return next(c for c in chat.app.cogs if isinstance(c, OncallCog))


def text(replies: list[Reply]) -> str:
    """What the invoker was answered (not the posts and DMs the command also sent)."""
    return "\n".join(r.text for r in replies if r.kind == "reply")


def en(expected: str) -> str:
    """``expected`` with the narrow no-break space CLDR writes before AM and PM in English."""
    return expected.replace(" AM", NNBSP + "AM").replace(" PM", NNBSP + "PM")


def kinds(replies: list[Reply], kind: str) -> list[Any]:
    return [r for r in replies if r.kind == kind]
