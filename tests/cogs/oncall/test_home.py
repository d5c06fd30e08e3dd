"""The on-call part of a person's home page over real databases: their shifts in the next 14 days
(as the planner has them, with time away and swaps), on call now, and swap requests addressed to them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.app import App
from bot.config import load_config_text
from bot.core.clock import FakeClock
from bot.core.messages import Message
from bot.core.plaintext import render_plain
from bot.db.database import Database
from cogs.oncall.cog import OncallCog
from cogs.oncall.home import HomeShifts, home_shifts
from cogs.oncall.views import HOME_SHIFTS, home_blocks
from tests.fixtures.console import config_text

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 5, 10, tzinfo=BERLIN).astimezone(UTC)  # Monday: alice's week in core
ONCALL = """maintainers:
  - {github: alice, slack: U0ALICE, name: Alice A.}
  - {github: bob, slack: U0BOB}
  - {github: carol, slack: U0CAROL}
oncall:
  rotations:
    - name: core
      members: [alice, bob, carol]
      shift_length: 1w
      handoff_time: "09:00"
      start_date: 2026-01-05
      timezone: Europe/Berlin
    - name: docs
      members: ["slack:U0ALICE", dave]
      shift_length: 1d
      handoff_time: "09:00"
      start_date: 2026-01-05
      timezone: Europe/Berlin
"""


@pytest.fixture
def oncall(db: Database, database_url: str, tmp_path: Path) -> Iterator[OncallCog]:
    config = load_config_text(config_text(database_url, ONCALL), "steward.yaml", base_dir=tmp_path)
    app = App(config, clock=FakeClock(NOW), run_migrations=False)
    cog = OncallCog(app.services)
    app.db.call(lambda s: cog.schedule.sync_rosters(s, NOW))
    try:
        yield cog
    finally:
        app.db.dispose()


def _member(cog: OncallCog, user_id: str, name: str) -> int:
    def work(session: Session) -> int:
        member = cog.services.members.ensure(session, "slack", user_id, name, NOW)
        assert member.id is not None
        return member.id

    return cog.services.db.call(work)


def _home(cog: OncallCog, member_id: int, now: datetime = NOW) -> HomeShifts | None:
    return cog.services.db.call(lambda s: home_shifts(cog.schedule, cog.people, cog.swaps, s, member_id, now))


def _spans(home: HomeShifts) -> list[tuple[str, str, str | None]]:
    return [(s.rotation, f"{s.start.astimezone(BERLIN):%m-%d %H:%M}", s.member) for s in home.upcoming]


def test_shifts_of_both_rotations_by_login_and_by_platform_ref(oncall: OncallCog) -> None:
    alice = _member(oncall, "U0ALICE", "alice")
    home = _home(oncall, alice)
    assert home is not None and home.days == 14
    # core by her GitHub login (linked in `maintainers`), docs by her Slack id; every other day in docs.
    assert _spans(home) == [
        ("core", "01-05 09:00", "alice"),
        ("docs", "01-05 09:00", "slack:U0ALICE"),
        *(("docs", f"01-{d:02d} 09:00", "slack:U0ALICE") for d in (7, 9, 11, 13, 15, 17, 19)),
    ]
    assert [s.rotation for s in home.current] == ["core", "docs"]
    assert home.current[0].end == datetime(2026, 1, 12, 9, tzinfo=BERLIN)
    assert home.swaps == []
    # A week later her core shift is over; the next one (after bob's and carol's) is the 26th.
    later = _home(oncall, alice, NOW + timedelta(days=7, hours=1))
    assert later is not None and [s.rotation for s in later.current] == []
    assert [x for x in _spans(later) if x[0] == "core"] == [("core", "01-26 09:00", "alice")]


def test_time_away_swaps_and_people_outside_every_rotation(oncall: OncallCog) -> None:
    bob = _member(oncall, "U0BOB", "bob")
    carol = _member(oncall, "U0CAROL", "carol")
    zoe = _member(oncall, "U0ZOE", "zoe")
    assert _home(oncall, zoe) is None  # no rotation, no requests: no on-call section at all
    home = _home(oncall, bob)
    assert home is not None and home.current == [] and _spans(home) == [("core", "01-12 09:00", "bob")]

    def away_and_ask(session: Session) -> None:
        start = datetime(2026, 1, 12, tzinfo=BERLIN)
        oncall.records.add_away(session, {"bob"}, start, datetime(2026, 1, 19, 9, tzinfo=BERLIN), bob, NOW)
        # carol asks bob to take her week of the 19th.
        [shift] = [
            s
            for s in oncall.schedule.shifts(
                session, oncall.schedule.rotation("core")[0], start, start + timedelta(days=14)
            )
            if s.member == "carol" and s.reason == "rotation"
        ]
        oncall.swaps.create_swap(session, shift, "carol", carol, "bob", NOW)

    oncall.services.db.call(away_and_ask)
    home = _home(oncall, bob)
    assert home is not None and home.upcoming == []  # his week is covered
    [ask] = home.swaps
    assert (ask.rotation, ask.requester, ask.start) == (
        "core",
        "carol",
        datetime(2026, 1, 19, 9, tzinfo=BERLIN),
    )
    covering = _home(oncall, carol)
    assert covering is not None
    assert [(s.reason, s.planned) for s in covering.upcoming] == [("away", "bob"), ("rotation", "carol")]
    assert covering.names == {"bob": "bob"}
    assert _home(oncall, bob, ask.end + timedelta(minutes=1)).swaps == []  # type: ignore[union-attr]


def test_rendering(oncall: OncallCog) -> None:
    alice = _member(oncall, "U0ALICE", "alice")
    home = _home(oncall, alice)
    assert home is not None
    catalog = oncall.services.catalog

    def text(locale: str, tz: ZoneInfo) -> str:
        return render_plain(Message(home_blocks(lambda k, **p: catalog.translate(locale, k, **p), home, tz)))

    en = text("en", BERLIN)
    assert "You are on call for core now, until Mon Jan 12, 2026, 9:00\u202fAM." in en
    assert "docs Mon Jan 5, 2026, 9:00\u202fAM → Tue Jan 6, 2026, 9:00\u202fAM" in en
    assert "Your shifts in the next 14 days:" in en and "Times in Europe/Berlin." in en
    assert "Mon Jan 5, 2026, 4:00\u202fPM" in text("en", ZoneInfo("Asia/Shanghai"))  # in the person's zone
    assert "你现在在 core 值班" in text("zh-CN", BERLIN)


def test_rendering_free_and_asked_people_and_long_lists(oncall: OncallCog) -> None:
    catalog = oncall.services.catalog

    def t(key: str, **p: object) -> str:
        return catalog.translate("en", key, **p)

    bob = _member(oncall, "U0BOB", "bob")
    home = _home(oncall, bob)
    assert home is not None
    free = render_plain(Message(home_blocks(t, home, BERLIN)))
    assert "You are not on call right now." in free and "core Mon Jan 12, 2026, 9:00\u202fAM" in free
    many = HomeShifts(14, home.upcoming * (HOME_SHIFTS + 5), [], [], {})
    assert "…and 5 more: /oncall schedule" in render_plain(Message(home_blocks(t, many, BERLIN)))
    none = HomeShifts(14, [], [], [], {})
    assert "No shifts for you in the next 14 days." in render_plain(Message(home_blocks(t, none, BERLIN)))
