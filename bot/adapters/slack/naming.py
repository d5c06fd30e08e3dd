"""Slack slash-command names: each top-level command group, renamed where the config says so."""

from __future__ import annotations

import logging

from bot.config.sections.chat import SlackConfig
from bot.core.commands import CommandRegistry, CommandStyle

log = logging.getLogger(__name__)


class CommandNameClash(ValueError):
    """Two command groups would share one Slack slash command."""


def slack_command_style(config: SlackConfig, registry: CommandRegistry) -> CommandStyle:
    """The CommandStyle for Slack; unknown groups in ``command_names`` are reported and ignored."""
    groups = registry.top_level()
    renamed = {}
    for group, name in config.command_names.items():
        if group not in groups:
            log.warning("slack.command_names: no command group %r (known: %s)", group, ", ".join(groups))
            continue
        if name != "/" + group:
            renamed[group] = name
    style = CommandStyle("/", renamed)
    seen: dict[str, str] = {}
    for group in groups:
        name = style.top(group)
        if name in seen:
            raise CommandNameClash(f"slack: {name} would run both /{seen[name]} and /{group}")
        seen[name] = group
    return style
