"""The top-level ``StewardConfig`` model and the ``project:`` section."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config.base import FeatureSection, StrictModel, fail_at
from bot.config.purposes import check_channel_purposes
from bot.config.sections.chat import DiscordConfig, SlackConfig
from bot.config.sections.github import GitHubConfig
from bot.config.sections.infra import DatabaseConfig, HttpConfig, LoggingConfig
from bot.config.sections.maintainers import MaintainerConfig
from bot.config.sections.schedules import CORE_JOBS, ScheduleConfig
from bot.config.sections.source import ConfigSourceConfig
from bot.config.types import TimeZoneName

SectionT = TypeVar("SectionT", bound=FeatureSection)

# Far more than the known jobs times the platforms; a longer list is a generated or pasted mistake.
MAX_SCHEDULES = 200


class ProjectConfig(StrictModel):
    """The project the bot serves."""

    name: str = Field(min_length=1, description="Project name shown in messages.")
    locale: Literal["en", "zh-CN"] = Field(default="en", description="Default language of bot messages.")
    timezone: TimeZoneName = Field(default="UTC", description="IANA time zone for schedules and rotations.")


class StewardConfig(StrictModel):
    """The whole config file: the core's sections here, each feature's added by ``bot.config.assembly``.

    Feature sections are optional; a section's presence enables its feature.
    """

    # Filled in by the assembled subclass: feature section key -> its model, and every known job name.
    feature_models: ClassVar[dict[str, type[FeatureSection]]] = {}
    known_jobs: ClassVar[frozenset[str]] = CORE_JOBS

    project: ProjectConfig = Field(description="The project the bot serves (required).")
    github: GitHubConfig | None = Field(default=None, description="GitHub repositories and credentials.")
    discord: DiscordConfig | None = Field(
        default=None, description="Discord connection; enables the Discord adapter."
    )
    slack: SlackConfig | None = Field(
        default=None, description="Slack connection; enables the Slack adapter."
    )
    maintainers: list[MaintainerConfig] = Field(default_factory=list, description="Project maintainers.")
    schedules: list[ScheduleConfig] = Field(default_factory=list, description="When scheduled jobs run.")
    database: DatabaseConfig = Field(
        default_factory=DatabaseConfig, description="Database (SQLite by default)."
    )
    http: HttpConfig = Field(default_factory=HttpConfig, description="HTTP server.")
    logging: LoggingConfig = Field(default_factory=LoggingConfig, description="Logging.")
    config_source: ConfigSourceConfig | None = Field(
        default=None,
        description="Read the community settings from a file in a GitHub repository (local file only).",
    )

    @field_validator("schedules", mode="before")
    @classmethod
    def _few_schedules(cls, value: Any) -> Any:
        # Checked before the entries are: each cron line is proven to fire, which takes a moment.
        if isinstance(value, list) and len(value) > MAX_SCHEDULES:
            raise PydanticCustomError("too_many", f"at most {MAX_SCHEDULES} schedules, got {len(value)}")
        return value

    _source_path: Path | None = PrivateAttr(default=None)
    _base_dir: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _source_needs_github(self) -> StewardConfig:
        if self.config_source is not None and self.github is None:
            fail_at(
                ("config_source",), "config_source reads the repository through GitHub: add a github: section"
            )
        return self

    @model_validator(mode="after")
    def _default_timezones(self) -> StewardConfig:
        # Unset time zones mean "the project's"; filling them here spares every consumer the fallback.
        tz = self.project.timezone
        for schedule in self.schedules:
            schedule.timezone = schedule.timezone or tz
        for _, section in self.sections():
            section.adopt_project(self.project)
        return self

    @model_validator(mode="after")
    def _known_channel_purposes(self) -> StewardConfig:
        check_channel_purposes(self)
        return self

    def sections(self) -> Iterator[tuple[str, FeatureSection]]:
        """(key, section) for every feature section present in the file."""
        for key in self.feature_models:
            section = getattr(self, key, None)
            if section is not None:
                yield key, section

    def section(self, model: type[SectionT]) -> SectionT | None:
        """The feature section of type ``model``, or None when the file leaves the feature off."""
        for _, section in self.sections():
            if isinstance(section, model):
                return section
        return None

    def enabled(self, key: str) -> bool:
        """Whether the section ``key`` (core or feature) is present in the file."""
        return getattr(self, key, None) not in (None, [])

    @property
    def source_path(self) -> Path | None:
        """The file this config was loaded from (None when loaded from text)."""
        return self._source_path

    def resolve_path(self, p: str | Path) -> Path:
        """Resolve ``p`` against the config file's directory (or the working directory)."""
        path = Path(os.path.expanduser(p))
        if path.is_absolute():
            return path
        base = self._base_dir or (self._source_path.parent if self._source_path else None) or Path.cwd()
        return base / path

    def database_url(self) -> str:
        """SQLAlchemy URL: the PostgreSQL ``url`` (psycopg 3 driver) if set, else the SQLite file."""
        url = self.database.url
        if url:
            for prefix in ("postgresql://", "postgres://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix) :]
            return url
        return f"sqlite:///{self.resolve_path(self.database.sqlite_path)}"

    def attach_source(self, source_path: Path | None, base_dir: Path | None) -> None:
        """Record where the config came from (used by the loader)."""
        self._source_path = source_path
        self._base_dir = base_dir
