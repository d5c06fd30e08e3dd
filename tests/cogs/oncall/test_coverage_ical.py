"""Coverage gaps (config check warnings) and the iCalendar rendering rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import load_config_text
from cogs.oncall.checks import config_warnings
from cogs.oncall.config import OncallConfig
from cogs.oncall.coverage import Gap, coverage_gaps, describe_gap
from cogs.oncall.ical import escape_text, fold, render_calendar
from cogs.oncall.planner import Shift
from tests.test_cli import steward

GAPPY = """project: {name: X, timezone: UTC}
oncall:
  rotations:
    - name: core
      members: [alice, bob]
      shift_length: 1d
      handoff_time: "00:00"
  availability:
    alice: {timezone: UTC, days: [mon, tue, wed, thu, fri, sat, sun], hours: "06:00-22:00"}
    bob: {timezone: UTC, days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-02:00"}
"""


def test_gaps_are_found_per_day_and_described_in_utc() -> None:
    config = load_config_text(GAPPY)
    assert config.oncall is not None
    gaps = coverage_gaps(config.oncall, datetime(2026, 3, 4, tzinfo=UTC))
    # Nobody between 02:00 and 06:00 (bob stops at 02:00, alice starts at 06:00), and 22:00-24:00.
    assert len(gaps) == 14
    assert describe_gap(gaps[0]) == "Monday 02:00–06:00 UTC"
    assert describe_gap(gaps[1]) == "Monday 22:00–24:00 UTC"
    warnings = config_warnings(config, datetime(2026, 3, 4, tzinfo=UTC))
    assert warnings[10] == "oncall.rotations.core: nobody covers Saturday 02:00–06:00 UTC"
    wrap = Gap("core", datetime(2026, 3, 7, 22, tzinfo=UTC), datetime(2026, 3, 8, 2, tzinfo=UTC))
    assert describe_gap(wrap) == "Saturday 22:00 – Sunday 02:00 UTC"


def test_weekdays_only_weekends_are_not_gaps() -> None:
    config = OncallConfig.model_validate(
        {
            "rotations": [{"name": "r", "members": ["alice"], "shift_length": "1d", "weekdays_only": True}],
            "availability": {"alice": {"days": ["mon", "tue", "wed", "thu", "fri"]}},
        }
    )
    gaps = coverage_gaps(config, datetime(2026, 3, 4, tzinfo=UTC))
    # Weekend days start no shift; only Friday's shift running into Saturday morning is uncovered.
    assert [describe_gap(g) for g in gaps] == ["Saturday 00:00–09:00 UTC"]


def test_check_config_prints_gaps_as_warnings_and_accepts_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gappy.yaml"
    path.write_text(GAPPY, encoding="utf-8")
    result = steward("check-config", str(path))
    assert result.returncode == 0, result.stderr
    assert "OK (14 warnings)" in result.stdout
    assert f"{path}: warning: oncall.rotations.core: nobody covers Sunday 22:00–24:00 UTC" in result.stderr


def test_ical_escaping_folding_and_crlf() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "值班" * 40
    folded = fold(long)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == long
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    shifts = [
        Shift("core", None, start, start + timedelta(weeks=1), "alice", "alice"),
        Shift("core", None, start + timedelta(weeks=1), start + timedelta(weeks=2), None, None, "off"),
    ]
    text = render_calendar("core", shifts, {"alice": "Alice, A."}, "On call: {name}", "nobody", start)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert "UID:core---20260105T080000Z@oncall.steward" in text
    assert "DTSTART:20260105T080000Z\r\nDTEND:20260112T080000Z" in text
    assert "SUMMARY:On call: Alice\\, A." in text
    assert text.count("BEGIN:VEVENT") == 1  # off-duty time is not an event
