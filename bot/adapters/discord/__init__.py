"""The Discord adapter (discord.py): the only place that imports ``discord``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.adapters.discord.adapter import DiscordAdapter

if TYPE_CHECKING:
    from bot.app import App


def build_adapter(app: App, **options: Any) -> DiscordAdapter:
    """The adapter for ``app``'s ``discord:`` section (``options`` tune timings, e.g. in tests)."""
    assert app.config.discord is not None
    options.setdefault("shards", app.discord_shards)
    options.setdefault("db", app.db)  # chained forms survive a restart
    return DiscordAdapter(app.config.discord, app.registry, app.catalog, app.config.project.locale, **options)


__all__ = ["DiscordAdapter", "build_adapter"]
