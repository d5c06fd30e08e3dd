"""The planner's pieces and the stretches people hold: back-to-back pieces of one person joined, cover
for time away chosen whenever someone leaves or comes back, and no sliver of a shift left behind by an
override replaced within the minute."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cogs.oncall.config import RotationConfig
from cogs.oncall.planner import MIN_PIECE, Away, Override, PlanInput, ShiftPlanner, shift_counts
from cogs.oncall.stretch import held_at, held_pieces, run_at

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # dee's day (Dec 7 09:00 → Dec 8 09:00 Shanghai)


def daily(members: tuple[str, ...] = ("ann", "ben", "cho", "dee")) -> RotationConfig:
    return RotationConfig(
        name="triage",
        members=list(members),
        shift_length=timedelta(days=1),
        handoff_time=time(9, 0),
        start_date=date(2026, 11, 2),
        timezone="Asia/Shanghai",
    )


def shanghai(day: int, hour: int = 9, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def planner(away: list[Away] | None = None, overrides: list[Override] | None = None) -> ShiftPlanner:
    return ShiftPlanner(daily(), PlanInput(epochs={}, away=away or [], overrides=overrides or []))


def test_an_override_into_the_persons_own_shift_is_one_stretch() -> None:
    # ann is put on call now until Dec 8 16:00 Shanghai; her own shift starts Dec 8 09:00.
    plan = planner(overrides=[Override("ann", NOW, shanghai(8, 16))])
    pieces = held_pieces(plan, NOW)
    assert [(p.member, p.reason) for p in pieces] == [
        ("ann", "override"),
        ("ann", "override"),
        ("ann", "rotation"),
    ]
    stretch = held_at(plan, NOW)
    assert stretch is not None
    assert (stretch.member, stretch.start, stretch.end) == ("ann", NOW, shanghai(9))
    # The same stretch seen from its last piece, and the next person's own piece alone.
    assert held_at(plan, shanghai(8, 20)) == stretch
    after = held_at(plan, shanghai(9, 10))
    assert after is not None and (after.member, after.start) == ("ben", shanghai(9))


def test_cover_for_time_away_joins_the_covers_own_shift() -> None:
    # dee is away from now: ann, next in the roster, covers the rest of dee's day, then has her own.
    plan = planner(away=[Away("dee", NOW, shanghai(9))])
    stretch = held_at(plan, NOW)
    assert stretch is not None and (stretch.member, stretch.end) == ("ann", shanghai(9))


def test_a_stretch_longer_than_the_first_look_is_followed_to_its_end() -> None:
    long = Override("cho", shanghai(1), shanghai(1, month=3).replace(year=2027))
    stretch = held_at(planner(overrides=[long]), NOW)
    assert stretch is not None
    assert (stretch.member, stretch.start, stretch.end) == ("cho", long.start, long.end)


def test_a_gap_is_its_own_piece_never_joined() -> None:
    # Everyone away: two days of gaps, each shown on its own (nobody holds a stretch).
    plan = planner(away=[Away(m, shanghai(8), shanghai(10)) for m in ("ann", "ben", "cho", "dee")])
    shifts = plan.shifts(shanghai(8), shanghai(10))
    assert [s.member for s in shifts] == [None, None]
    assert run_at(shifts, shanghai(8, 12)) == [shifts[0]]


def test_overrides_replaced_within_the_minute_leave_no_sliver_and_count_for_nobody() -> None:
    a, b, c = NOW, NOW + timedelta(milliseconds=12), NOW + timedelta(milliseconds=17)
    overrides = [
        Override("tom", a, shanghai(8, 16)),
        Override("priya", b, shanghai(9, 16)),
        Override("ann", c, shanghai(10, 16)),
    ]
    shifts = planner(overrides=overrides).shifts(shanghai(7), shanghai(11))
    assert all(s.end - s.start >= MIN_PIECE for s in shifts)
    assert "tom" not in {s.member for s in shifts} and "priya" not in {s.member for s in shifts}
    first, second = shifts[:2]
    assert (first.member, first.end) == ("dee", a)
    assert (second.member, second.start, second.reason, second.planned) == ("ann", a, "override", "dee")
    assert shift_counts(shifts) == {"dee": 1, "ann": 4, "cho": 1}


def test_pieces_outside_the_asked_range_are_not_returned() -> None:
    plan = planner(overrides=[Override("ann", NOW, shanghai(8))])
    later = plan.shifts(NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    assert [(s.member, s.start) for s in later] == [("ann", NOW)]  # not dee's piece before the override


def test_cover_is_chosen_whenever_someone_leaves_or_comes_back() -> None:
    # The reviewer's week: ann is away one Los Angeles day, ben, cho and dee Dec 16-18 (Shanghai).
    la = ZoneInfo("America/Los_Angeles")
    ann_away = Away(
        "ann",
        datetime(2026, 12, 16, tzinfo=la).astimezone(UTC),
        datetime(2026, 12, 17, tzinfo=la).astimezone(UTC),
    )
    others = [Away(m, shanghai(16, 0), shanghai(19, 0)) for m in ("ben", "cho", "dee")]
    shifts = planner(away=[ann_away, *others]).shifts(shanghai(16), shanghai(19))
    shown = [(s.start.astimezone(SHANGHAI).strftime("%d %H:%M"), s.member, s.reason) for s in shifts]
    assert shown == [
        ("16 09:00", "ann", "rotation"),  # Dec 16 is ann's day; she leaves at 16:00 Shanghai
        ("16 16:00", None, "away"),  # nobody left to cover: a gap, not "covering"
        ("17 09:00", None, "away"),  # ben's day: still nobody ...
        ("17 16:00", "ann", "away"),  # ... until ann is back, who covers at once
        ("18 09:00", "ann", "away"),  # cho's day, ann still the only one here
        ("19 00:00", "cho", "rotation"),  # cho is back at midnight and takes the rest of her day
    ]


def test_a_cover_keeps_the_piece_while_they_can() -> None:
    # dee is away all day Dec 11. ann (next in the roster) and ben are away until noon, so cho covers;
    # when ann is back at noon, cho keeps the piece: no needless handoff while the cover is there.
    away = [
        Away("dee", shanghai(11, 0), shanghai(12, 0)),
        Away("ann", shanghai(11, 0), shanghai(11, 12)),
        Away("ben", shanghai(10, 0), shanghai(11, 12)),
    ]
    shifts = planner(away=away).shifts(shanghai(11), shanghai(12))
    assert [(s.start.astimezone(SHANGHAI).hour, s.member) for s in shifts] == [(9, "cho"), (0, "dee")]
