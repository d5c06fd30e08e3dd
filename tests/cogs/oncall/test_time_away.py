"""/oncall away and /oncall swap from now on only: past shifts are never rewritten and the shift in
progress stays its holder's; what was recorded is said exactly. Also: who covers (or that nobody
does), the year limit, and overrides replaced within the minute."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.clock import FakeClock
from tests.cogs.oncall.helpers import CET, CONFIG, NOW, en, text
from tests.fixtures.chat import ChatDriver, console_chat


def fairness(schedule: str) -> str:
    return next(line for line in schedule.splitlines() if line.startswith("Shifts per person"))


async def schedule(chat: ChatDriver, days: int = 1) -> str:
    return text(await chat.command("zoe", f"/oncall schedule triage {days}"))


async def test_time_away_never_changes_the_past_nor_the_shift_in_progress(
    database_url: str, tmp_path: Path
) -> None:
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=FakeClock(NOW)) as chat:
        counts = fairness(await schedule(chat))

        over = text(await chat.command("ann", "/oncall away 2026-11-01 2026-11-03"))
        assert over == "That time is already over (it ended with Nov 3, 2026). Past shifts are never changed."

        # Begun earlier, ann not on call now: it counts from now, and the reply says so.
        began = text(await chat.command("ann", "/oncall away 2026-12-01 2026-12-08"))
        assert began.startswith(
            en(
                "You are away until the end of Dec 8, 2026. The time before now is past and stays as it "
                f"was, so your time away counts from now (Dec 7, 2026, 9:00 PM {CET}). Nothing else to do."
            )
        )
        assert en("triage Tue Dec 8, 2026, 2:00 AM → Wed Dec 9, 2026, 12:00 AM: covered by ben") in began
        assert began.endswith("Times in Europe/Berlin. Set yours with /steward timezone.")
        assert fairness(await schedule(chat)) == counts

        # dee is on call now: her shift stays hers (she can swap it), time away counts after it.
        inside = text(await chat.command("dee", "/oncall away 2026-12-07 2026-12-07"))
        assert inside == en(
            f"You are on call for triage until Dec 8, 2026, 2:00 AM {CET}, beyond the end of that time "
            "away, so nothing changes. To hand the shift over, use /oncall swap."
        )
        after = text(await chat.command("dee", "/oncall away 2026-12-01 2026-12-12"))
        assert (
            en(f"You are on call for triage now: that shift stays yours until Dec 8, 2026, 2:00 AM {CET}")
            in after
        )
        assert en("triage Fri Dec 11, 2026, 2:00 AM → Sat Dec 12, 2026, 2:00 AM: covered by Ann") in after
        assert "On call: dee" in text(await chat.command("zoe", "/oncall now"))
        assert fairness(await schedule(chat)) == counts

        assert text(await chat.command("ann", "/oncall swap 2026-11-02")) == "That shift is over."


async def test_away_lists_every_cover_with_its_span_and_counts_the_rest(
    database_url: str, tmp_path: Path
) -> None:
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=FakeClock(NOW)) as chat:
        too_long = text(await chat.command("cho", "/oncall away 2026-12-10 2027-12-10"))
        assert too_long == "Time away can be at most a year at once: from Dec 10, 2026, up to Dec 9, 2027."
        year = text(await chat.command("cho", "/oncall away 2026-12-10 2027-12-09"))
        lines = [line for line in year.splitlines() if "covered by" in line]
        assert len(lines) == 10
        assert lines[0] == en("triage Thu Dec 10, 2026, 2:00 AM → Fri Dec 11, 2026, 2:00 AM: covered by dee")
        more = re.search(r"…and (\d+) more shifts\.", year)
        # Every fourth day from Dec 10, 2026 to Dec 9, 2027 (day 364 is one of them): 92 shifts.
        assert more and int(more.group(1)) == 92 - 10


async def test_nobody_covering_is_a_gap_never_covering(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=FakeClock(NOW)) as chat:
        for who in ("ann", "ben", "cho"):
            await chat.command(who, "/oncall away 2026-12-16 2026-12-16")
        last = text(await chat.command("dee", "/oncall away 2026-12-16 2026-12-16"))
        first_hours = en("Wed Dec 16, 2026, 12:00 AM → Wed Dec 16, 2026, 2:00 AM")
        assert f"triage {first_hours}: nobody can cover it" in last
        shown = await schedule(chat, 10)
        assert "covering for" not in shown.split("Wed Dec 16")[1].split("\n")[0]
        assert f"{first_hours}  nobody — coverage gap (dee is away and nobody can cover)" in shown
        # One gap across the handoff at 2:00 AM, until ann is back at midnight and takes her shift.
        assert (
            en("Coverage gap: nobody is available Wed Dec 16, 2026, 12:00 AM – Thu Dec 17, 2026, 12:00 AM")
            in shown
        )
        assert en("Thu Dec 17, 2026, 12:00 AM → Thu Dec 17, 2026, 2:00 AM  Ann") in shown


async def test_overrides_replaced_within_the_minute_leave_nothing_behind(
    database_url: str, tmp_path: Path
) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=clock) as chat:
        for who, until in (("ben", "2026-12-07"), ("cho", "2026-12-08"), ("Ann", "2026-12-09")):
            await chat.command("ann", f"/oncall override triage {who} {until}")
            clock.advance(milliseconds=7)
        shown = await schedule(chat, 3)
        first = en("Mon Dec 7, 2026, 9:00 PM → Tue Dec 8, 2026, 2:00 AM")
        assert f"{first}  Ann (override; planned: dee)" in shown
        assert "ben (override" not in shown and "cho (override" not in shown
        assert fairness(shown) == "Shifts per person, last quarter: Ann 10, ben 9, cho 9, dee 9"


async def test_an_override_lasts_at_most_a_year(database_url: str, tmp_path: Path) -> None:
    # Further ahead it was accepted and every message named a date the look-ahead stopped at instead.
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=FakeClock(NOW)) as chat:
        far = text(await chat.command("ann", "/oncall override triage ben 2030-01-01"))
        assert far == "An override can last at most a year: until Dec 6, 2027 at the latest."
        assert not [p for p in chat.posts("oncall") if "override by" in p.text]
        year = text(await chat.command("ann", "/oncall override triage ben 2027-12-06"))
        assert year.startswith("ben is on call for triage until ") and "2027" in year


async def test_who_may_swap_and_whose_zone_the_footer_names(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=FakeClock(NOW)) as chat:
        swap = text(await chat.command("zoe", "/oncall swap 2026-12-20"))
        assert swap == "You are not a member of any on-call rotation."
        assert text(await chat.command("zoe", "/oncall now")).endswith(
            "Times in Europe/Berlin. Set yours with /steward timezone."
        )
        await chat.command("zoe", "/steward timezone Asia/Tokyo")
        assert text(await chat.command("zoe", "/oncall now")).endswith("Times in Asia/Tokyo.")
