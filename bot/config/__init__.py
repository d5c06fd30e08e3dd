"""Steward's configuration: one YAML file validated into pydantic models, secrets from ``${ENV}``.

The core's sections live here; each feature's section lives in its own folder (``cogs/<feature>/config.py``)
and joins the model in ``bot.config.assembly``.
"""

from typing import Any

from bot.config.assembly import assemble, config_warnings, installed_model
from bot.config.base import FeatureSection, LocalizedText
from bot.config.loader import OfflineCheck, check_config_offline, load_config, load_config_text
from bot.config.models import ProjectConfig, StewardConfig
from bot.config.problems import ConfigError, ConfigProblem
from bot.config.sections.chat import DiscordConfig, SlackConfig
from bot.config.sections.github import GitHubAppConfig, GitHubConfig, RepoConfig
from bot.config.sections.infra import DatabaseConfig, HttpConfig, LoggingConfig
from bot.config.sections.maintainers import MaintainerConfig
from bot.config.sections.schedules import CORE_JOBS, ScheduleChannels, ScheduleConfig
from bot.config.types import ClockTime, Duration, TimeZoneName, format_duration, parse_duration


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the installed config model (see ``bot.config.schema``)."""
    from bot.config.schema import config_json_schema as build

    return build()


__all__ = [
    "CORE_JOBS",
    "ClockTime",
    "ConfigError",
    "ConfigProblem",
    "DatabaseConfig",
    "DiscordConfig",
    "Duration",
    "FeatureSection",
    "GitHubAppConfig",
    "GitHubConfig",
    "HttpConfig",
    "LocalizedText",
    "LoggingConfig",
    "MaintainerConfig",
    "OfflineCheck",
    "ProjectConfig",
    "RepoConfig",
    "ScheduleChannels",
    "ScheduleConfig",
    "SlackConfig",
    "StewardConfig",
    "TimeZoneName",
    "assemble",
    "check_config_offline",
    "config_json_schema",
    "config_warnings",
    "format_duration",
    "installed_model",
    "load_config",
    "load_config_text",
    "parse_duration",
]
