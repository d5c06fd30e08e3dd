"""``steward discord-sync [--global]`` and ``steward discord-invite``."""

from __future__ import annotations

import argparse
import asyncio
import sys

import discord
from bot.adapters.discord.gateway import login
from bot.config import StewardConfig
from bot.counted import counted

# Exactly what the bot uses: see channels, send messages with embeds and image attachments.
# Setting the on-call topic needs Manage Channels: grant it on that one channel, not server-wide.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)
INVITE_SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int, manage_roles: bool = False) -> str:
    """The OAuth2 URL that adds the bot with the scopes and permissions it needs.

    ``manage_roles`` when an onboarding path gives a role (the bot's role must also sit above it).
    """
    permissions = discord.Permissions(INVITE_PERMISSIONS.value)
    permissions.manage_roles = manage_roles
    return discord.utils.oauth_url(application_id, permissions=permissions, scopes=INVITE_SCOPES)


def gives_roles(config: StewardConfig) -> bool:
    """Whether some feature gives people a Discord role (an onboarding path's reward)."""
    return any(section.roles_granted("discord") for _, section in config.sections())


def _discord_config(args: argparse.Namespace) -> StewardConfig:
    from bot.cli import UsageProblem, resolve_config

    config, _ = resolve_config(args)
    if config.discord is None:
        raise UsageProblem("the config has no discord: section (see config/steward.example.yaml)")
    return config


async def _application_id(config: StewardConfig) -> int:
    assert config.discord is not None
    if config.discord.application_id:
        return config.discord.application_id
    client = discord.Client(intents=discord.Intents.none())
    try:
        await login(client, config.discord.token)
        assert client.application_id is not None
        return client.application_id
    finally:
        await client.close()


def cmd_invite(args: argparse.Namespace) -> int:
    config = _discord_config(args)
    print(invite_url(asyncio.run(_application_id(config)), manage_roles=gives_roles(config)))
    if gives_roles(config):
        print(
            "Onboarding paths give roles: after adding the bot, drag its role above those roles "
            "(Server Settings -> Roles).",
            file=sys.stderr,
        )
    return 0


async def _sync(config: StewardConfig, global_: bool) -> str:
    from bot.adapters.discord.adapter import DiscordAdapter
    from bot.app import App

    assert config.discord is not None
    if not global_ and not config.discord.guild_ids:
        from bot.cli import UsageProblem

        raise UsageProblem("discord.guild_ids is empty: add your server ids or use --global")
    app = App(config, run_migrations=False)
    adapter = DiscordAdapter(config.discord, app.registry, app.catalog, config.project.locale)
    adapter.client = adapter._new_client(False)
    try:
        await login(adapter.client, config.discord.token)
        count = await adapter.sync_commands(global_=global_)
    finally:
        await adapter.client.close()
    where = (
        "globally (may take up to an hour to appear)"
        if global_
        else f"to {counted(len(config.discord.guild_ids), 'server', 'servers')}"
    )
    return f"synced {counted(count, 'command', 'commands')} {where}"


def cmd_sync(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_FAILED

    config = _discord_config(args)
    try:
        print(asyncio.run(_sync(config, args.global_)))
    except discord.HTTPException as exc:
        print(f"Discord refused the commands: {exc.status} {exc.text}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the Discord subcommands to ``steward``."""
    p = subparsers.add_parser("discord-sync", help="register the slash commands with Discord now")
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.add_argument(
        "--global", dest="global_", action="store_true", help="global commands instead of guild ones"
    )
    p.set_defaults(fn=cmd_sync, demo=False)
    p = subparsers.add_parser("discord-invite", help="print the URL that adds the bot to a server")
    p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
    p.set_defaults(fn=cmd_invite, demo=False)
