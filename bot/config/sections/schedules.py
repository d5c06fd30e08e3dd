"""``schedules:`` — when each scheduled job runs and where it posts."""

from __future__ import annotations

import difflib
from datetime import UTC, timedelta
from typing import Annotated

from apscheduler.triggers.cron import CronTrigger
from pydantic import AfterValidator, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import StrictModel, fail_at
from bot.config.types import Duration, TimeZoneName

KNOWN_JOBS: frozenset[str] = frozenset(
    {
        "weekly_digest",
        "gfi_announcements",
        "oncall_handoff",
        "spotlight_candidates",
        "spotlight_publish",
        "spotlight_reminders",
        "claim_reminders",
        "onboarding_nudges",
        "onboarding_greetings",
        "github_sync",
        "github_reconcile",
        "config_source_poll",
    }
)


def _check_job(value: str) -> str:
    if value not in KNOWN_JOBS:
        close = difflib.get_close_matches(value, sorted(KNOWN_JOBS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PydanticCustomError(
            "unknown_job", f"unknown job {value!r}; {hint}valid jobs: {', '.join(sorted(KNOWN_JOBS))}"
        )
    return value


JobName = Annotated[
    str, AfterValidator(_check_job), WithJsonSchema({"type": "string", "enum": sorted(KNOWN_JOBS)})
]


def check_cron(value: str) -> str:
    """Accept a standard 5-field crontab line ("minute hour day month weekday")."""
    try:
        CronTrigger.from_crontab(value, timezone=UTC)
    except Exception as exc:  # APScheduler reports bad fields as ValueError, odd input as other errors
        raise PydanticCustomError(
            "cron",
            f"invalid cron expression {value!r}: {exc} (expected 5 fields: minute hour day month weekday)",
        ) from None
    return value


class ScheduleChannels(StrictModel):
    """Where a job posts, per platform (channel purposes or channel ids)."""

    discord: list[str] = Field(default_factory=list, description="Discord channel purposes or ids.")
    slack: list[str] = Field(default_factory=list, description="Slack channel purposes or ids.")


class ScheduleConfig(StrictModel):
    """One scheduled run of a job: a cron line or a fixed interval."""

    job: JobName = Field(description="Which job to run.")
    cron: str | None = Field(default=None, description="5-field crontab line, e.g. '0 9 * * mon'.")
    interval: Duration | None = Field(
        default=None, description="Run every this long instead of on a cron line (at least 1s)."
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
        if self.interval is not None and self.interval.total_seconds() < 1:
            fail_at(("interval",), "interval must be at least 1s")
        return self
