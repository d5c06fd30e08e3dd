"""Steward's configuration: one YAML file validated into pydantic models, secrets from ``${ENV}``."""

from typing import Any

from bot.config.base import LocalizedText
from bot.config.loader import OfflineCheck, check_config_offline, load_config, load_config_text
from bot.config.models import ProjectConfig, StewardConfig
from bot.config.problems import ConfigError, ConfigProblem
from bot.config.sections.chat import DiscordConfig, SlackConfig
from bot.config.sections.community import GoodFirstIssuesConfig, MaintainerConfig
from bot.config.sections.github import GitHubAppConfig, GitHubConfig, RepoConfig
from bot.config.sections.infra import DatabaseConfig, HttpConfig, LoggingConfig
from bot.config.sections.onboarding import LinkConfig, OnboardingConfig, PathConfig, StepConfig
from bot.config.sections.oncall import AvailabilityConfig, OncallConfig, RegionConfig, RotationConfig
from bot.config.sections.schedules import KNOWN_JOBS, ScheduleChannels, ScheduleConfig
from bot.config.sections.spotlight import QuestionConfig, SpotlightConfig
from bot.config.types import ClockTime, Duration, TimeZoneName, format_duration, parse_duration


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``StewardConfig`` (see ``bot.config.schema``)."""
    # Imported here so `python -m bot.config.schema` does not find the module already loaded.
    from bot.config.schema import config_json_schema as build

    return build()


__all__ = [
    "KNOWN_JOBS",
    "AvailabilityConfig",
    "ClockTime",
    "ConfigError",
    "ConfigProblem",
    "DatabaseConfig",
    "DiscordConfig",
    "Duration",
    "GitHubAppConfig",
    "GitHubConfig",
    "GoodFirstIssuesConfig",
    "HttpConfig",
    "LinkConfig",
    "LocalizedText",
    "LoggingConfig",
    "MaintainerConfig",
    "OfflineCheck",
    "OnboardingConfig",
    "OncallConfig",
    "PathConfig",
    "ProjectConfig",
    "QuestionConfig",
    "RegionConfig",
    "RepoConfig",
    "RotationConfig",
    "ScheduleChannels",
    "ScheduleConfig",
    "SlackConfig",
    "SpotlightConfig",
    "StepConfig",
    "StewardConfig",
    "TimeZoneName",
    "check_config_offline",
    "config_json_schema",
    "format_duration",
    "load_config",
    "load_config_text",
    "parse_duration",
]
