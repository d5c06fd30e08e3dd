"""ShiftPlanner: weekly rotations with roster changes, follow-the-sun across DST, time away, overrides."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cogs.oncall.config import AvailabilityConfig, RegionConfig, RotationConfig
from cogs.oncall.planner import Away, Override, PlanInput, ShiftPlanner, shift_counts
from cogs.oncall.roster import RosterEpoch, roster_change

BERLIN = ZoneInfo("Europe/Berlin")


def weekly(members: list[str], **kw: object) -> RotationConfig:
    return RotationConfig(
        name="core",
        members=members,
        shift_length=timedelta(weeks=1),
        handoff_time=time(9, 0),
        start_date=date(2026, 1, 5),
        timezone="Europe/Berlin",
        **kw,  # type: ignore[arg-type]
    )


def at_berlin(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=BERLIN).astimezone(UTC)


def test_weekly_rotation_over_ten_weeks_with_a_member_added_midway() -> None:
    rotation = weekly(["alice", "bob", "carol"])
    planner = ShiftPlanner(rotation, PlanInput(epochs={}))
    start, end = at_berlin(2026, 1, 5), at_berlin(2026, 3, 16)
    before = planner.shifts(start, end)
    assert [s.member for s in before] == ["alice", "bob", "carol"] * 3 + ["alice"]
    # Handoffs stay at 09:00 Berlin, including across the DST switch on 2026-03-29 later on.
    assert all(s.start.astimezone(BERLIN).time() == time(9, 0) for s in before)
    assert all(s.end - s.start == timedelta(weeks=1) for s in before)

    # In week 5 (Wed 2026-02-04) dave is added to the config after bob.
    now = at_berlin(2026, 2, 4, 12)
    next_slot = planner.next_member_slot(None, now)
    assert next_slot == 5
    change = roster_change([RosterEpoch(0, ("alice", "bob", "carol"))], ["alice", "bob", "dave", "carol"], 5)
    assert change is not None
    after = ShiftPlanner(
        weekly(["alice", "bob", "dave", "carol"]),
        PlanInput(epochs={None: [RosterEpoch(0, ("alice", "bob", "carol")), change]}),
    ).shifts(start, end)
    # Past and current shifts are untouched; the person due next (carol) keeps her shift, and dave
    # joins at his place in the order after bob.
    assert [s.member for s in after[:5]] == [s.member for s in before[:5]]
    assert [s.member for s in after[5:]] == ["carol", "alice", "bob", "dave", "carol"]
    assert [s.start for s in after] == [s.start for s in before]


def test_removing_a_member_hands_their_turns_to_the_rest_in_order() -> None:
    old = RosterEpoch(0, ("alice", "bob", "carol"))
    change = roster_change([old], ["alice", "carol"], 4)  # slot 4 was bob's
    assert change == RosterEpoch(4, ("alice", "carol"), 1)
    assert [change.member_at(k) for k in range(4, 8)] == ["carol", "alice", "carol", "alice"]
    assert roster_change([old], ["alice", "bob", "carol"], 4) is None


def test_daily_weekdays_only_skips_weekends_without_skipping_people() -> None:
    rotation = weekly(["a", "b", "c"], weekdays_only=True).model_copy(
        update={"shift_length": timedelta(days=1)}
    )
    shifts = ShiftPlanner(rotation, PlanInput(epochs={})).shifts(
        at_berlin(2026, 1, 5), at_berlin(2026, 1, 19)
    )
    on = [s for s in shifts if s.reason != "off"]
    assert [s.member for s in on] == ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"]
    off = [s for s in shifts if s.reason == "off"]
    assert {s.start.astimezone(BERLIN).weekday() for s in off} == {5, 6}
    assert all(s.member is None for s in off)


def follow_the_sun() -> RotationConfig:
    return RotationConfig(
        name="global",
        kind="follow_the_sun",
        start_date=date(2026, 1, 1),
        shift_length=timedelta(days=1),
        regions=[
            RegionConfig(
                name="apac", timezone="Asia/Shanghai", start=time(9), end=time(17), members=["ann", "amy"]
            ),
            RegionConfig(name="emea", timezone="Europe/Berlin", start=time(9), end=time(17), members=["eve"]),
            RegionConfig(
                name="amer", timezone="America/New_York", start=time(9), end=time(17), members=["al", "bo"]
            ),
        ],
    )


def test_follow_the_sun_has_no_gap_and_no_overlap_through_both_dst_switches() -> None:
    planner = ShiftPlanner(follow_the_sun(), PlanInput(epochs={}))
    start = datetime(2026, 1, 2, tzinfo=UTC)
    end = datetime(2027, 1, 1, tzinfo=UTC)
    shifts = planner.shifts(start, end)
    assert shifts[0].start <= start and shifts[-1].end >= end
    for a, b in itertools.pairwise(shifts):
        assert a.end == b.start, (a, b)  # no gap, no overlap
    zones = {"apac": ZoneInfo("Asia/Shanghai"), "emea": BERLIN, "amer": ZoneInfo("America/New_York")}
    for s in shifts:
        assert s.start.astimezone(zones[s.region or ""]).time() == time(9, 0)
    # Around the US switch (2026-03-08) and the EU one (2026-03-29), and back in autumn, the
    # hand-offs follow each region's wall clock: New York starts at 14:00 UTC in winter, 13:00 in summer.
    amer = {s.start.date(): s.start.hour for s in shifts if s.region == "amer"}
    assert amer[date(2026, 3, 6)] == 14 and amer[date(2026, 3, 9)] == 13
    assert amer[date(2026, 10, 30)] == 13 and amer[date(2026, 11, 2)] == 14
    emea = {s.start.date(): s.start.hour for s in shifts if s.region == "emea"}
    assert emea[date(2026, 3, 27)] == 8 and emea[date(2026, 3, 30)] == 7
    assert emea[date(2026, 10, 23)] == 7 and emea[date(2026, 10, 26)] == 8
    # Between the two spring switches Berlin's shift is an hour longer, never overlapping New York's.
    emea_mar_20 = next(s for s in shifts if s.region == "emea" and s.start.date() == date(2026, 3, 20))
    assert emea_mar_20.end - emea_mar_20.start == timedelta(hours=5)
    # Each region rotates its own members daily.
    apac = [s.member for s in shifts if s.region == "apac"][:4]
    assert apac == ["ann", "amy", "ann", "amy"] or apac == ["amy", "ann", "amy", "ann"]


def test_away_is_covered_by_the_next_member_and_overrides_win() -> None:
    rotation = weekly(["alice", "bob", "carol"])
    away = Away("alice", at_berlin(2026, 1, 7, 0), at_berlin(2026, 1, 9, 0))
    swap = Override("carol", at_berlin(2026, 1, 12), at_berlin(2026, 1, 19), reason="swap")
    planner = ShiftPlanner(rotation, PlanInput(epochs={}, away=[away], overrides=[swap]))
    shifts = planner.shifts(at_berlin(2026, 1, 5), at_berlin(2026, 1, 26))
    assert [(s.member, s.planned, s.reason) for s in shifts] == [
        ("alice", "alice", "rotation"),
        ("bob", "alice", "away"),
        ("alice", "alice", "rotation"),
        ("carol", "bob", "swap"),
        ("carol", "carol", "rotation"),
    ]
    assert shifts[1].start == away.start and shifts[1].end == away.end
    assert [s.member for s in planner.at(at_berlin(2026, 1, 8, 12))] == ["bob"]


def test_availability_and_monthly_cap_are_respected() -> None:
    rotation = weekly(["alice", "bob"]).model_copy(update={"shift_length": timedelta(days=1)})
    availability = {
        "alice": AvailabilityConfig(days=["mon", "tue", "wed", "thu", "fri"]),
        "bob": AvailabilityConfig(max_shifts_per_month=6),
    }
    planner = ShiftPlanner(rotation, PlanInput(epochs={}, availability=availability))
    shifts = planner.shifts(at_berlin(2026, 1, 5), at_berlin(2026, 1, 19))
    got = [(s.start.astimezone(BERLIN).day, s.member, s.reason) for s in shifts]
    assert got == [
        (5, "alice", "rotation"),
        (6, "bob", "rotation"),
        (7, "alice", "rotation"),
        (8, "bob", "rotation"),
        (9, "alice", "rotation"),
        (10, "bob", "rotation"),
        (11, "bob", "availability"),  # Sunday: alice only works weekdays
        (12, "bob", "rotation"),
        (13, "alice", "rotation"),
        (14, "bob", "rotation"),  # bob's sixth shift this month: his cap
        (15, "alice", "rotation"),
        (16, "alice", "availability"),
        (17, "alice", "rotation"),  # nobody fits: the plan keeps its person (a coverage gap)
        (18, "bob", "rotation"),
    ]
    assert shift_counts(shifts) == {"alice": 7, "bob": 7}
