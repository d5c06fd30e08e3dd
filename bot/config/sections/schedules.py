"""``schedules:`` — when each scheduled job runs and where it posts."""

from __future__ import annotations

import difflib
import os
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import Annotated

from apscheduler.triggers.cron import CronTrigger
from pydantic import AfterValidator, Field, WithJsonSchema, create_model, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel, fail_at
from bot.config.types import Duration, TimeZoneName, format_duration, parse_duration

# Jobs of the core itself; each feature adds its own (``Feature.jobs``) when the config model is assembled.
CORE_JOBS: frozenset[str] = frozenset({"github_sync", "github_reconcile", "config_source_poll"})


def check_job(known: frozenset[str], value: str) -> str:
    """Accept a job some installed part offers; suggest the closest name otherwise."""
    if value not in known:
        close = difflib.get_close_matches(value, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PydanticCustomError(
            "unknown_job", f"unknown job {value!r}; {hint}valid jobs: {', '.join(sorted(known))}"
        )
    return value


# The shortest interval a job may repeat at: a scheduled job posts or calls GitHub each time it runs.
MIN_INTERVAL = timedelta(minutes=1)
# Lowers the floor for end-to-end runs that simulate a day in seconds (real processes, real clock).
MIN_INTERVAL_ENV = "STEWARD_MIN_SCHEDULE_INTERVAL"


def min_interval() -> timedelta:
    """The interval floor: ``MIN_INTERVAL`` unless the environment lowers it (never below 1 s)."""
    raw = os.environ.get(MIN_INTERVAL_ENV)
    if not raw:
        return MIN_INTERVAL
    try:
        return max(parse_duration(raw), timedelta(seconds=1))
    except (ValueError, TypeError):
        return MIN_INTERVAL


# Any day/month/weekday combination that can happen does so within one 28-year calendar cycle.
_CYCLE_START = datetime(2026, 1, 1, tzinfo=UTC)
_CYCLE_END = datetime(2026 + 29, 1, 1, tzinfo=UTC)


def _cron_field(values: str, names: tuple[str, ...] = ()) -> str:
    alternatives = "|".join(
        [values, *(form for name in names for form in (name, name.capitalize(), name.upper()))]
    )
    item = rf"(?:\*|(?:{alternatives})(?:-(?:{alternatives}))?)(?:/[0-9]+)?"
    return rf"{item}(?:,{item})*"


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The crontab shape with each field's range, for editors; check_cron is the full rule.
CRON_PATTERN = (
    r"^\s*"
    + r"\s+".join(
        (
            _cron_field(r"[0-5]?[0-9]"),
            _cron_field(r"[01]?[0-9]|2[0-3]"),
            _cron_field(r"0?[1-9]|[12][0-9]|3[01]"),
            _cron_field(r"0?[1-9]|1[0-2]", _MONTHS),
            _cron_field(r"[0-6]", _DAYS),
        )
    )
    + r"\s*$"
)


@lru_cache(maxsize=512)
def check_cron(value: str) -> str:
    """Accept a standard 5-field crontab line ("minute hour day month weekday") that fires at all."""
    try:
        CronTrigger.from_crontab(value, timezone=UTC)
    except Exception as exc:  # APScheduler reports bad fields as ValueError, odd input as other errors
        raise PydanticCustomError(
            "cron",
            f"invalid cron expression {value!r}: {exc} (expected 5 fields: minute hour day month weekday)",
        ) from None
    minute, hour, day, month, weekday = value.split()
    # Same fields as from_crontab, bounded by an end date so a date that never exists is found at once.
    trigger = CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=weekday,
        timezone=UTC,
        start_date=_CYCLE_START,
        end_date=_CYCLE_END,
    )
    if trigger.get_next_fire_time(None, _CYCLE_START) is None:
        raise PydanticCustomError(
            "cron_never", f"cron expression {value!r} never fires: no date matches its day, month and weekday"
        )
    return value


CronLine = Annotated[str, WithJsonSchema({"type": "string", "pattern": CRON_PATTERN})]


class ScheduleChannels(StrictModel):
    """Where a job posts, per platform (channel purposes or channel ids)."""

    discord: list[str] = Field(default_factory=list, description="Discord channel purposes or ids.")
    slack: list[str] = Field(default_factory=list, description="Slack channel purposes or ids.")


class ScheduleConfig(StrictModel):
    """One scheduled run of a job: a cron line or a fixed interval."""

    job: str = Field(description="Which job to run.")
    cron: CronLine | None = Field(default=None, description="5-field crontab line, e.g. '0 9 * * mon'.")
    interval: Duration | None = Field(
        default=None, description="Run every this long instead of on a cron line (at least 1m)."
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="Time zone of the cron line (default: project's)."
    )
    channels: ScheduleChannels = Field(default_factory=ScheduleChannels, description="Where the job posts.")
    grace: Duration = Field(
        default=timedelta(hours=1),
        description="A run missed by less than this (e.g. a restart) still happens.",
    )
    enabled: bool = Field(default=True, description="Set false to keep the entry but not run it.")

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else check_cron(value)

    @model_validator(mode="after")
    def _one_trigger(self) -> ScheduleConfig:
        if (self.cron is None) == (self.interval is None):
            fail_at(("cron",), "set exactly one of 'cron' or 'interval'")
        floor = min_interval()
        if self.interval is not None and self.interval < floor:
            fail_at(
                ("interval",), f"interval must be at least {format_duration(floor)}", value=str(self.interval)
            )
        return self


def schedule_model(jobs: frozenset[str]) -> type[ScheduleConfig]:
    """``ScheduleConfig`` whose ``job`` accepts exactly ``jobs`` (and lists them in the JSON Schema)."""
    job_name = Annotated[
        str,
        AfterValidator(partial(check_job, jobs)),
        WithJsonSchema({"type": "string", "enum": sorted(jobs)}),
    ]
    return create_model(
        "ScheduleConfig",
        __base__=ScheduleConfig,
        __module__=__name__,
        __doc__=ScheduleConfig.__doc__,
        job=(job_name, Field(description="Which job to run.")),
    )
