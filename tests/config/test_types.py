"""Durations, clock times and time zones."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from bot.config import Duration, format_duration, parse_duration
from bot.config.types import ClockTime, TimeZoneName, parse_hours_window

DURATION = TypeAdapter(Duration)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (90, timedelta(seconds=90)),
        (0, timedelta(0)),
        ("45", timedelta(seconds=45)),
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("14d", timedelta(days=14)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 1d 12h ", timedelta(days=1, hours=12)),
        (timedelta(minutes=3), timedelta(minutes=3)),
    ],
)
def test_duration_accepts(raw: object, expected: timedelta) -> None:
    assert DURATION.validate_python(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "5x", "m5", "1.5h", "-5m", -1, True, 2.5, None, [], "30m1h", "1m1m", "5M"]
)
def test_duration_rejects(raw: object) -> None:
    with pytest.raises(ValidationError) as info:
        DURATION.validate_python(raw)
    assert "duration" in str(info.value)


def test_duration_rejects_absurd_lengths_without_overflow() -> None:
    with pytest.raises(ValidationError):
        DURATION.validate_python(10**30)


@given(st.integers(min_value=0, max_value=10 * 365 * 86400))
def test_duration_format_round_trips(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


def test_duration_json_form_is_compact() -> None:
    assert DURATION.dump_python(timedelta(hours=1, minutes=30), mode="json") == "1h30m"


def test_duration_schema_shows_both_forms() -> None:
    schema = DURATION.json_schema()
    assert {alt["type"] for alt in schema["anyOf"]} == {"integer", "string"}


def test_clock_time() -> None:
    adapter = TypeAdapter(ClockTime)
    assert adapter.validate_python("09:00") == time(9, 0)
    assert adapter.validate_python("7:05") == time(7, 5)
    assert adapter.dump_python(time(9, 0), mode="json") == "09:00"
    for bad in ("24:00", "9", "09:60", "noon", 900):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)


def test_hours_window() -> None:
    assert parse_hours_window("22:00-06:00") == (time(22, 0), time(6, 0))


def test_time_zone() -> None:
    adapter = TypeAdapter(TimeZoneName)
    assert adapter.validate_python("Asia/Shanghai") == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "", "../etc/passwd", "Europe/"):
        with pytest.raises(ValidationError, match="unknown time zone"):
            adapter.validate_python(bad)
