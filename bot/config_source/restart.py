"""Which changed settings only take effect after a restart (everything else applies on reload)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import ConfigProblem, StewardConfig

# Read once at start-up: connections, credentials, the server socket, logging, and which cogs and
# adapters exist at all (a feature section that appears or disappears).
_RESTART_PATHS: tuple[tuple[str, ...], ...] = (
    ("database",),
    ("http",),
    ("logging",),
    ("config_source",),
    ("github", "token"),
    ("github", "app"),
    ("github", "api_url"),
    ("github", "oauth_client_id"),
    ("github", "oauth_base_url"),
    ("github", "demo_data"),
    ("discord", "token"),
    ("discord", "application_id"),
    ("discord", "guild_ids"),
    ("slack", "bot_token"),
    ("slack", "app_token"),
    ("slack", "signing_secret"),
)
_CORE_SECTIONS = ("github", "discord", "slack")


def _at(config: StewardConfig, path: tuple[str, ...]) -> Any:
    value: Any = config
    for part in path:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def settings_needing_restart(old: StewardConfig, new: StewardConfig) -> list[str]:
    """Dotted names of the settings that differ between ``old`` and ``new`` and need a restart."""
    sections = (*_CORE_SECTIONS, *type(new).feature_models)
    found = [s for s in sections if (getattr(old, s, None) is None) != (getattr(new, s, None) is None)]
    found += [".".join(p) for p in _RESTART_PATHS if p[0] not in found and _at(old, p) != _at(new, p)]
    # The webhook receiver exists only when a secret was set at start-up; a changed secret applies live.
    if old.github is not None and new.github is not None:
        if (old.github.webhook_secret is None) != (new.github.webhook_secret is None):
            found.append("github.webhook_secret")
    return found


@dataclass
class ReloadOutcome:
    """What a reload did here: the problems that refused it, or the settings that wait for a restart."""

    problems: list[ConfigProblem] = field(default_factory=list)
    restart: list[str] = field(default_factory=list)
