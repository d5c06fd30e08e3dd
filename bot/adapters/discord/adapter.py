"""The Discord adapter: discord.py client lifecycle, command sync and member joins; interactions go
to interactions.py, posting and DMs to channel_poster.py, roles to roles.py."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Coroutine
from typing import Any

import discord
from bot.adapters.discord.channel_poster import ChannelPoster
from bot.adapters.discord.commands import command_payloads
from bot.adapters.discord.forms import FormBook
from bot.adapters.discord.gateway import (
    SHARD_REFUSALS,
    AdapterStartError,
    GatewayClient,
    GatewayEvents,
    ShardedGatewayClient,
    check_shard_plan,
    login,
)
from bot.adapters.discord.interactions import InteractionRouter
from bot.adapters.discord.pacing import RequestPacer
from bot.adapters.discord.render import PLATFORM
from bot.adapters.discord.roles import RoleKeeper
from bot.adapters.in_flight import InFlight
from bot.config.sections.chat import DiscordConfig
from bot.core.adapter import GroupChange
from bot.core.commands import CommandRegistry
from bot.core.dispatch import Dispatcher, PlatformUser
from bot.core.events import MemberJoined
from bot.core.messages import Message
from bot.core.post_keys import KeyedSend
from bot.counted import counted
from bot.db.database import Database
from bot.i18n import Catalog
from bot.shards import ShardPlan

log = logging.getLogger(__name__)
STOP_GRACE = 10.0  # seconds in-flight interactions get to finish on shutdown
PRIVILEGED_INTENT_HELP = (
    "Discord refused the Server Members privileged intent, so Steward cannot see people join and will "
    "not greet newcomers. Enable it: Discord Developer Portal -> your application -> Bot -> Privileged "
    "Gateway Intents -> Server Members Intent. Continuing without it; commands keep working."
)


class DiscordAdapter:
    """Connects the core to one Discord application over the gateway."""

    platform = PLATFORM
    group_forbidden_help = "discord.group_forbidden"  # catalog key: what maintainers fix
    group_kind = "role"  # what add_to_group joins: a guild role

    def __init__(
        self,
        config: DiscordConfig,
        registry: CommandRegistry,
        catalog: Catalog,
        locale: str = "en",
        *,
        guild_ready_timeout: float = 2.0,
        defer_after: float = 2.0,
        ready_timeout: float = 60.0,
        retry_delay: float = 1.0,
        busy_threshold: int = 4,
        pacer: RequestPacer | None = None,
        shards: ShardPlan | None = None,
        db: Database | None = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.catalog = catalog
        self.locale = locale
        self.guild_ready_timeout = guild_ready_timeout
        self.ready_timeout = ready_timeout
        self.retry_delay = retry_delay
        self.busy_threshold = busy_threshold
        self.pacer = pacer or RequestPacer()
        self.shards = shards
        self.router = InteractionRouter(self, defer_after)
        self.forms = FormBook(db)
        self.dispatcher: Dispatcher | None = None
        self.client: discord.Client | None = None
        self.ready = asyncio.Event()
        self.members_intent = False
        self._connection: asyncio.Task[None] | None = None
        self.in_flight = InFlight()
        self.roles = RoleKeeper(lambda: self.client, self.pacer, retry_delay)
        self.posting = ChannelPoster(
            lambda: self.client, lambda: self.config.channels, catalog, locale, self.pacer, retry_delay
        )

    # -- lifecycle --------------------------------------------------------
    def _new_client(self, members: bool) -> discord.Client:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.members = members
        options: dict[str, Any] = {
            "intents": intents,
            "allowed_mentions": discord.AllowedMentions.none(),  # only deliberate user mentions ping
            "guild_ready_timeout": self.guild_ready_timeout,
            "chunk_guilds_at_startup": False,  # no member list needed: interactions carry the member
        }
        events = GatewayEvents(
            ready=self.ready.set,
            interaction=lambda interaction: self.spawn(self._logged(self.router.handle(interaction))),
            member_joined=lambda member: self.track(self.member_joined(member)),
        )
        if self.shards is not None:
            return ShardedGatewayClient(events, self.shards, **options)
        return GatewayClient(events, **options)

    async def start(self, dispatcher: Dispatcher) -> None:
        """Log in, sync commands to the configured guilds, connect and wait until ready."""
        self.dispatcher = dispatcher
        want_members = self.config.greet_new_members
        try:
            await self._connect(want_members)
        except discord.PrivilegedIntentsRequired:
            log.error(PRIVILEGED_INTENT_HELP)
            await self._connect(False)

    async def _connect(self, members: bool) -> None:
        if self.client is not None:
            await self.client.close()
        self.ready.clear()
        client = self.client = self._new_client(members)
        self.members_intent = members
        await login(client, self.config.token)
        if self.shards is not None:
            await check_shard_plan(client, self.shards)
        await self.sync_commands()
        self._connection = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
        ready = asyncio.create_task(self.ready.wait())
        done, _ = await asyncio.wait(
            {ready, self._connection}, timeout=self.ready_timeout, return_when="FIRST_COMPLETED"
        )
        if self._connection in done:
            ready.cancel()
            try:
                self._connection.result()  # raises PrivilegedIntentsRequired and other refusals
            except discord.ConnectionClosed as exc:
                if exc.code in SHARD_REFUSALS:
                    raise AdapterStartError(SHARD_REFUSALS[exc.code]) from exc
                raise
            raise AdapterStartError("the Discord gateway connection ended before the bot was ready")
        if ready not in done:
            ready.cancel()
            raise AdapterStartError(f"Discord did not become ready within {self.ready_timeout:.0f} s")
        log.info(
            "discord: connected as %s to %s%s",
            client.user,
            counted(len(client.guilds), "guild", "guilds"),
            f" on {self.shards.describe()}" if self.shards else "",
        )

    @property
    def application_id(self) -> int:
        assert self.client is not None
        app_id = self.config.application_id or self.client.application_id
        if app_id is None:
            raise AdapterStartError("no application id: set discord.application_id")
        return int(app_id)

    async def sync_commands(self, global_: bool | None = None) -> int:
        """Overwrite the application commands: per configured guild (instant) or globally.

        Sharded, each guild is synced by the instance whose shards own it and the global commands by
        the holder of shard 0, so a deployment syncs every guild exactly once, from the code serving it.
        """
        assert self.client is not None
        payload = command_payloads(self.registry, self.catalog)
        http = self.client.http
        use_global = not self.config.guild_ids if global_ is None else global_
        shards = self.shards
        try:
            if use_global and (shards is None or shards.holds_shard_zero):
                await http.bulk_upsert_global_commands(self.application_id, payload)
            for guild_id in [] if use_global else self.config.guild_ids:
                if shards is None or shards.owns(guild_id):
                    await http.bulk_upsert_guild_commands(self.application_id, guild_id, payload)
        except discord.HTTPException as exc:
            log.error("discord: command sync refused (%s): %s", exc.status, exc.text)
            raise
        return len(payload)

    async def stop(self) -> None:
        """Let in-flight interactions finish, then disconnect."""
        still = await self.in_flight.settle(STOP_GRACE)
        if still:
            log.warning("discord: %s still running at shutdown", counted(still, "handler", "handlers"))
        if self.client is not None:
            await self.client.close()
        if self._connection is not None:
            try:
                await asyncio.wait_for(self._connection, 5.0)
            except (TimeoutError, asyncio.CancelledError, Exception):
                log.debug("discord gateway task ended during stop", exc_info=True)

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start ``work`` as tracked in-flight work (stop and wait_idle wait for it)."""
        return self.in_flight.spawn(work)

    async def track(self, work: Coroutine[Any, Any, Any]) -> Any:
        """Run ``work`` as tracked in-flight work; errors are logged, never lost silently."""
        task = self.spawn(work)
        try:
            return await asyncio.shield(task)
        except Exception:
            log.exception("discord: handling an event failed")
            return None

    async def _logged(self, work: Coroutine[Any, Any, Any]) -> None:
        try:
            await work
        except Exception:
            log.exception("discord: handling an event failed")

    def busy(self) -> bool:
        """More interactions in flight than handlers usually finish within a moment."""
        return len(self.in_flight) > self.busy_threshold

    async def wait_idle(self) -> None:
        """Wait until no interaction or event is being handled."""
        await self.in_flight.settle()

    # -- helpers for the router ------------------------------------------
    async def locale_of(self, interaction: discord.Interaction[Any]) -> str:
        """The language of the interaction's user (their setting, else their client's)."""
        assert self.dispatcher is not None
        user = PlatformUser(PLATFORM, str(interaction.user.id), interaction.user.display_name,
                            locale=str(interaction.locale))  # fmt: skip
        actor = await self.dispatcher.actor_for(user)
        return actor.locale

    async def text(self, interaction: discord.Interaction[Any], key: str, **params: Any) -> str:
        """A catalog string in the language of the interaction's user."""
        return self.catalog.translate(await self.locale_of(interaction), key, **params)

    # -- events -----------------------------------------------------------
    async def member_joined(self, member: discord.Member) -> None:
        if member.bot or not self.config.greet_new_members or self.dispatcher is None:
            return
        await self.dispatcher.publish(
            MemberJoined(
                PLATFORM,
                str(member.id),
                member.display_name,
                member.bot,
                channel_id=self.channel_for("welcome"),
            )
        )

    async def health(self) -> dict[str, Any]:
        client = self.client
        if client is None:
            return {"ok": False, "connected": False}
        connected = not client.is_closed() and client.is_ready()
        connected = connected and self._connection is not None and not self._connection.done()
        latency = client.latency
        return {
            "ok": connected,
            "guilds": len(client.guilds),
            "latency_ms": round(latency * 1000) if math.isfinite(latency) else None,
            "members_intent": self.members_intent,
            "in_flight": len(self.in_flight),
        }

    # -- adapter protocol: output (channel_poster.py) --------------------
    def channel_for(self, purpose: str) -> str | None:
        return self.posting.channel_for(purpose)

    def fit_files(self, message: Message, limit: int, locale: str | None = None) -> Message:
        """Files over ``limit`` (or the 25 MiB request size) become a notice, not a failing send."""
        return self.posting.fit_files(message, limit, locale)

    async def post(self, channel_id: str, message: Message) -> str:
        return await self.posting.post(channel_id, message)

    async def post_keyed(self, channel_id: str, message: Message, send: KeyedSend) -> list[str]:
        """Post the parts ``send`` still needs, each with its key as the nonce (see :mod:`.keyed`)."""
        return await self.posting.post_keyed(channel_id, message, send)

    async def send_dm(self, user_id: str, message: Message) -> bool:
        """DM a user; False when their DMs are closed (see `ChannelPoster.send_dm`)."""
        return await self.posting.send_dm(user_id, message)

    async def set_topic(self, channel_id: str, text: str) -> bool:
        return await self.posting.set_topic(channel_id, text)

    async def add_to_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        """Give the user the guild role ``group_id``."""
        return await self.roles.change(user_id, group_id, True, reason)

    async def remove_from_group(self, user_id: str, group_id: str, reason: str) -> GroupChange:
        """Take the guild role ``group_id`` from the user."""
        return await self.roles.change(user_id, group_id, False, reason)
