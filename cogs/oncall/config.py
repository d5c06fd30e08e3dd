"""``oncall:`` — triage rotations, follow-the-sun regions and member availability."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from bot.config.base import DataPath, FeatureSection, StrictModel, check_unique, fail_at
from bot.config.patterns import PatternProblem, check_pattern
from bot.config.types import (
    ClockTime,
    Duration,
    MemberRef,
    OptionalSecret,
    Slug,
    TimeZoneName,
    at_least,
    parse_hours_window,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_hours(value: str) -> str:
    parse_hours_window(value)
    return value


HoursWindow = Annotated[str, AfterValidator(_check_hours)]


class RegionConfig(StrictModel):
    """One follow-the-sun region covering part of each day in its own time zone."""

    name: str = Field(min_length=1, description="Region name, e.g. 'apac'.")
    timezone: TimeZoneName = Field(description="IANA time zone of the region's working hours.")
    start: ClockTime = Field(description="Local time the region's shift starts ('HH:MM').")
    end: ClockTime = Field(
        description="Local time it ends ('HH:MM'; at or before start wraps past midnight)."
    )
    members: list[MemberRef] = Field(
        min_length=1, description="People who take this region's shifts in turn."
    )


class RotationConfig(StrictModel):
    """One triage rotation: who takes turns, over which repos and labels, on what schedule."""

    name: Slug = Field(description="Unique id of the rotation, e.g. 'core-triage'.")
    repos: list[str] = Field(
        default_factory=list, description="Repos ('owner/name') covered; empty means all."
    )
    labels: list[str] = Field(
        default_factory=list, description="Only issues with one of these labels (empty: any)."
    )
    members: list[MemberRef] = Field(
        default_factory=list, description="GitHub logins, or 'discord:ID' / 'slack:ID', in rotation order."
    )
    kind: Literal["simple", "follow_the_sun"] = Field(
        default="simple", description="'simple': one person per shift; 'follow_the_sun': one per region."
    )
    shift_length: Annotated[Duration, at_least(timedelta(hours=1))] = Field(
        default=timedelta(weeks=1), description="Length of each shift (simple rotations)."
    )
    handoff_time: ClockTime = Field(default=time(9, 0), description="Local time shifts change ('HH:MM').")
    start_date: date = Field(
        default=date(2024, 1, 1), description="Day the first shift starts (anchors the order)."
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="IANA time zone (default: project.timezone)."
    )
    weekdays_only: bool = Field(default=False, description="Skip Saturdays and Sundays.")
    regions: list[RegionConfig] = Field(
        default_factory=list,
        description="Follow-the-sun regions (required for, and only for, follow_the_sun).",
    )
    escalation: str | None = Field(
        default=None,
        description="Who to ping once when an item misses the SLA: a member ref (pinged) or any text.",
    )
    channel: str | None = Field(
        default=None, description="Channel purpose for hand-offs (default: 'oncall')."
    )

    @model_validator(mode="after")
    def _shape(self) -> RotationConfig:
        if self.kind == "follow_the_sun":
            if not self.regions:
                fail_at(("regions",), "a follow_the_sun rotation needs a non-empty 'regions' list")
            check_unique([r.name for r in self.regions], "name", "region name", prefix=("regions",))
            for index, region in enumerate(self.regions):
                # Someone listed twice would take two turns in every round.
                check_unique(
                    [str(m) for m in region.members], None, "member", ("regions", index, "members"), True
                )
        else:
            if self.regions:
                fail_at(("regions",), "'regions' is only used with kind: follow_the_sun")
            if not self.members:
                fail_at(("members",), "a rotation needs at least one member")
            check_unique([str(m) for m in self.members], None, "member", ("members",), ignore_case=True)
        return self


class AvailabilityConfig(StrictModel):
    """When one member can take shifts."""

    timezone: TimeZoneName | None = Field(
        default=None, description="Member's time zone (default: the rotation's)."
    )
    days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS), description="Days they can be on call."
    )
    hours: HoursWindow | None = Field(
        default=None, description="Local hours 'HH:MM-HH:MM' (default: all day)."
    )
    max_shifts_per_month: int | None = Field(default=None, ge=0, description="Upper bound on shifts a month.")


class OncallConfig(FeatureSection):
    """On-call triage: rotations, what counts as triaged, and the response-time target."""

    local_only: ClassVar[tuple[DataPath, ...]] = (("calendar_token",),)
    described: ClassVar[tuple[DataPath, ...]] = (("rotations",),)

    rotations: list[RotationConfig] = Field(min_length=1, description="Triage rotations.")
    triage_labels: list[str] = Field(
        default_factory=list, description="Adding any of these labels counts as triage."
    )
    needs_triage_label: str | None = Field(default=None, description="Label marking issues awaiting triage.")
    sla: Annotated[Duration, at_least(timedelta(minutes=1))] = Field(
        default=timedelta(days=1), description="Target time to first maintainer response."
    )
    required_sections: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Issue-template headings (or regexes) an issue must fill in; missing ones are flagged.",
    )
    assign_on_github: bool = Field(
        default=False,
        description="At shift start, assign the untriaged items to the on-call person on GitHub.",
    )
    handoff_grace: Annotated[Duration, at_least(timedelta(minutes=1))] = Field(
        default=timedelta(hours=6),
        description="A handoff missed while the bot was down is posted when it comes back within this "
        "long after the shift began; later, it is skipped and the log says why.",
    )
    swap_reminder: Annotated[Duration, at_least(timedelta(minutes=1))] = Field(
        default=timedelta(days=1), description="Remind about an open swap request this long before the shift."
    )
    calendar_feeds: bool = Field(
        default=True, description="Serve each rotation as an iCalendar feed at /oncall/<rotation>.ics."
    )
    calendar_token: OptionalSecret = Field(
        default=None,
        description="Feeds require ?token=<this>; unset: a random token generated once and kept in the "
        "database (shown by `steward calendar-token`). Feeds are never open without a token.",
    )
    availability: dict[MemberRef, AvailabilityConfig] = Field(
        default_factory=dict, description="Member -> when they can take shifts."
    )

    @field_validator("required_sections")
    @classmethod
    def _usable_patterns(cls, value: list[str]) -> list[str]:
        for index, pattern in enumerate(value):
            try:
                check_pattern(pattern)
            except PatternProblem as exc:
                fail_at((index,), str(exc), "pattern", pattern)
        return value

    @field_validator("rotations")
    @classmethod
    def _unique_names(cls, value: list[RotationConfig]) -> list[RotationConfig]:
        check_unique([r.name for r in value], "name", "rotation name")
        return value

    def adopt_project(self, project: Any) -> None:
        """Rotations without a time zone keep the project's."""
        for rotation in self.rotations:
            rotation.timezone = rotation.timezone or project.timezone

    def channel_purposes(self) -> Iterator[tuple[DataPath, str]]:
        """Each rotation's own channel purpose."""
        for i, rotation in enumerate(self.rotations):
            if rotation.channel is not None:
                yield ("rotations", i, "channel"), rotation.channel

    @classmethod
    def describe_changes(cls, old: Any, new: Any) -> list[tuple[str, dict[str, Any]]]:
        """Rotations added or removed, and the people each kept rotation gains or loses."""
        from bot.config_source.summary import added_removed  # the config-source module loads late

        before = {r.name: r for r in old.rotations} if old is not None else {}
        after = {r.name: r for r in new.rotations} if new is not None else {}
        changes: list[tuple[str, dict[str, Any]]] = []
        for name, rotation in after.items():
            if name not in before:
                changes.append(("oncall.config_change.rotation_added", {"rotation": name}))
                continue
            gained, lost = added_removed(
                [str(m) for m in before[name].members], [str(m) for m in rotation.members]
            )
            if gained:
                changes.append(
                    ("oncall.config_change.rotation_gains", {"rotation": name, "people": ", ".join(gained)})
                )
            if lost:
                changes.append(
                    ("oncall.config_change.rotation_loses", {"rotation": name, "people": ", ".join(lost)})
                )
        removed = [n for n in before if n not in after]
        return changes + [("oncall.config_change.rotation_removed", {"rotation": n}) for n in removed]
