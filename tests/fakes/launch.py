"""``python -m tests.fakes.launch DISCORD_API GATEWAY SLACK_API -- steward args``: a real process on fakes.

Runs the ``steward`` command line as it is, pointed at loopback Discord and Slack fakes served by
another process (the kill test keeps them in the test process, so they outlive every restart).
discord.py has no option for another API host (PLATFORM-NOTES A7), so its two documented entry
points are patched, as ``FakeDiscord.patched_discord_py`` does in process; the Slack adapter gets a
Web API client whose ``base_url`` is the fake's. Nothing else about the bot changes.
"""

from __future__ import annotations

import sys
from typing import Any

import discord
from slack_sdk.web.async_client import AsyncWebClient


def patch(discord_api: str, gateway: str, slack_api: str) -> None:
    """Point the Discord and Slack adapters of this process at the fakes."""
    import bot.adapters.discord as discord_adapter
    import bot.adapters.slack as slack_adapter

    discord.http.Route.BASE = discord_api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = discord.gateway.yarl.URL(gateway)
    build_discord, build_slack = discord_adapter.build_adapter, slack_adapter.build_adapter

    def discord_on_fake(app: Any, **options: Any) -> Any:
        # discord.py waits this long after the last GUILD_CREATE; the fake sends them all at once.
        options.setdefault("guild_ready_timeout", 0.05)
        return build_discord(app, **options)

    def slack_on_fake(app: Any, client: AsyncWebClient | None = None) -> Any:
        return build_slack(app, client=client or AsyncWebClient(base_url=slack_api))

    discord_adapter.build_adapter = discord_on_fake  # type: ignore[assignment]
    slack_adapter.build_adapter = slack_on_fake  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    discord_api, gateway, slack_api, separator, *rest = argv
    assert separator == "--", "usage: launch DISCORD_API GATEWAY SLACK_API -- steward args"
    patch(discord_api, gateway, slack_api)
    from bot.cli import main as steward

    return steward(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
