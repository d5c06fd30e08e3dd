"""``onboarding:`` — greeting newcomers and walking them along onboarding paths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from bot.config.base import DataPath, FeatureSection, StrictModel, Text, check_unique
from bot.config.types import Duration, Slug


class LinkConfig(StrictModel):
    """A titled link shown with a step."""

    title: str = Field(min_length=1, description="Link text.")
    url: str = Field(description="An http(s) URL.")

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://\S+$", value):
            raise PydanticCustomError("url", f"expected an http(s) URL, got {value!r}")
        return value


class StepConfig(StrictModel):
    """One step of an onboarding path and how its completion is detected."""

    id: Slug = Field(description="Stable id of the step (progress is stored under it).")
    title: Text = Field(description="Step title.")
    description: Text | None = Field(default=None, description="What to do, in a sentence or two.")
    links: list[LinkConfig] = Field(default_factory=list, description="Helpful links.")
    labels: list[str] = Field(
        default_factory=list, description="Good-first-issue labels suggested for this step."
    )
    areas: list[str] = Field(
        default_factory=list, description="Good-first-issue areas suggested for this step."
    )
    completes: Literal["merged_pr", "claimed_gfi_done", "linked_github", "self_report"] = Field(
        default="self_report", description="What marks the step done."
    )
    confirm_by_maintainer: bool = Field(default=False, description="A maintainer must confirm completion.")
    repos: list[str] = Field(
        default_factory=list, description="For merged_pr: only PRs in these repos count."
    )
    pr_labels: list[str] = Field(
        default_factory=list, description="For merged_pr: only PRs with one of these labels."
    )


class PathConfig(StrictModel):
    """An onboarding path: an ordered list of steps a newcomer can pick."""

    id: Slug = Field(description="Stable id of the path.")
    title: Text = Field(description="Path title.")
    description: Text | None = Field(default=None, description="Who the path is for.")
    discord_role_id: int | None = Field(
        default=None,
        ge=1,
        description="Discord role given to people on this path (taken back when they leave it); "
        "the bot needs Manage Roles and a role above this one.",
    )
    slack_channel: str | None = Field(
        default=None,
        description="Slack channel (id or #name) people on this path are invited to; the app must be "
        "a member of it.",
    )
    steps: list[StepConfig] = Field(min_length=1, description="The steps, in order.")

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, value: list[StepConfig]) -> list[StepConfig]:
        check_unique([s.id for s in value], "id", "step id")
        return value


class OnboardingConfig(FeatureSection):
    """Newcomer onboarding: greetings, paths and nudges."""

    paths: list[PathConfig] = Field(
        default_factory=list, description="Onboarding paths offered to newcomers."
    )
    welcome_channel: str = Field(
        default="welcome", description="Channel purpose where newcomers are greeted."
    )
    community_channel: str = Field(
        default="community", description="Channel purpose where finished paths are celebrated."
    )
    maintainer_channel: str = Field(
        default="maintainers", description="Channel purpose where self-reported steps await confirmation."
    )
    greet_batch_window: Duration = Field(
        default=timedelta(minutes=1), description="Joins within this window are greeted in one message."
    )
    greet_batch_max_names: int = Field(default=20, ge=1, le=100, description="Most names in one greeting.")
    nudge_after: Duration = Field(
        default=timedelta(days=7), description="Nudge someone whose path has not moved for this long."
    )
    max_nudges: int = Field(default=2, ge=0, description="Nudges per step before the bot stops asking.")
    announce_completions: bool = Field(
        default=True, description="Celebrate finished paths in the community channel."
    )

    @field_validator("paths")
    @classmethod
    def _unique_paths(cls, value: list[PathConfig]) -> list[PathConfig]:
        check_unique([p.id for p in value], "id", "path id")
        return value

    def channel_purposes(self) -> Iterator[tuple[DataPath, str]]:
        """The welcome channel, when the file names it (the default is no typo)."""
        if "welcome_channel" in self.model_fields_set:
            yield ("welcome_channel",), self.welcome_channel

    def roles_granted(self, platform: str) -> list[str]:
        """The roles finished paths give on ``platform``."""
        if platform != "discord":
            return []
        return [str(path.discord_role_id) for path in self.paths if path.discord_role_id is not None]
