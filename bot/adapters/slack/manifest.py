"""The Slack app manifest, generated from the command registry and the config (paste it at api.slack.com)."""

from __future__ import annotations

from typing import Any

import yaml

from bot.adapters.slack.adapter import EVENTS_PATH
from bot.adapters.slack.naming import slack_command_style
from bot.config import StewardConfig
from bot.core.commands import CommandRegistry
from bot.i18n import Catalog

# What the adapter calls: chat.postMessage/postEphemeral (chat:write, chat:write.public to post in
# channels it was not invited to), conversations.open (im:write), users.info (users:read),
# usergroups.users.list (usergroups:read), conversations.list and member_joined_channel
# (channels:read, groups:read), conversations.setTopic and conversations.invite (channels:manage,
# groups:write), commands,
# files.getUploadURLExternal/completeUploadExternal (files:write) for exports and charts,
# conversations.history (channels:history, groups:history) to find a post before sending it again.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "usergroups:read",
    "channels:read",
    "groups:read",
    "channels:manage",
    "groups:write",
    "files:write",
    "channels:history",
    "groups:history",
)
BOT_EVENTS = ("app_home_opened", "team_join", "member_joined_channel")
PLACEHOLDER_URL = "https://YOUR-PUBLIC-HOST"


def build_manifest(
    config: StewardConfig, registry: CommandRegistry, catalog: Catalog, public_url: str | None = None
) -> dict[str, Any]:
    """The manifest as a dict; HTTP mode points every request URL at ``public_url`` + /slack/events."""
    slack = config.slack
    if slack is None:
        raise ValueError("the config has no slack section")
    locale = config.project.locale
    style = slack_command_style(slack, registry)
    request_url = (public_url or PLACEHOLDER_URL).rstrip("/") + EVENTS_PATH
    commands = []
    for group in registry.top_level():
        subs = registry.children((group,))
        # Each feature describes its own group ("gfi.description"); the generic line is the fallback.
        if catalog.has(f"{group}.description", locale):
            description = catalog.translate(locale, f"{group}.description")
        else:
            description = catalog.translate(locale, "slack.manifest.group_description", group=group)
        command: dict[str, Any] = {
            "command": style.top(group),
            "description": description[:2000],
            "usage_hint": " | ".join(subs)[:1000] or group,
            # Slack then sends <@U…|name> and <#C…|name>, which the shared parser reads as ids.
            "should_escape": True,
        }
        if not slack.socket_mode:
            command["url"] = request_url
        commands.append(command)
    name = config.project.name[:35]
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": slack.socket_mode,
        "token_rotation_enabled": False,
    }
    if not slack.socket_mode:
        settings["event_subscriptions"]["request_url"] = request_url
        settings["interactivity"]["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": catalog.translate(
                locale, "slack.manifest.app_description", project=config.project.name
            )[:140],
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name[:80], "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def manifest_yaml(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
