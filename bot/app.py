"""The composition root: config -> database -> services -> cogs -> adapters -> scheduler."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.adapters.discord import build_adapter as build_discord
from bot.adapters.slack import build_adapter as build_slack
from bot.config import StewardConfig
from bot.config_reload import ConfigReloads
from bot.config_source.wiring import build_coordinator, poll_jobs, poll_schedule
from bot.core.adapter import Adapter
from bot.core.clock import Clock, SystemClock
from bot.core.cog import Cog, Services
from bot.core.commands import CommandRegistry
from bot.core.dispatch import Dispatcher
from bot.core.events import EventBus
from bot.core.member_reads import MemberReads
from bot.core.members import MemberDirectory
from bot.core.messages import Message
from bot.core.permissions import maintainer_policy
from bot.core.posting import Poster
from bot.counted import counted
from bot.db import migrate
from bot.db.database import Database
from bot.features import FEATURES, config_warnings
from bot.github.service import GitHubService, build_github
from bot.heap import settle_heap
from bot.http_server import HttpServer
from bot.i18n import Catalog, catalog_directories
from bot.metrics import Metrics
from bot.ops_endpoints import OpsEndpoints
from bot.scheduling import JobScheduler, LeaderElection
from bot.scheduling.leader import lease_epoch, require_epoch
from bot.shards import ShardPlan

log = logging.getLogger(__name__)

# Chat adapters by config section: each factory takes the App and returns an Adapter.
ADAPTER_FACTORIES: dict[str, Callable[[App], Adapter]] = {
    "discord": build_discord,
    "slack": build_slack,
}


class App:
    """Owns every long-lived object; ``start``/``stop`` bring the bot up and down cleanly."""

    def __init__(
        self,
        config: StewardConfig,
        *,
        config_path: Path | None = None,
        clock: Clock | None = None,
        adapters: Sequence[Adapter] = (),
        console_operator: str | None = None,
        run_migrations: bool = True,
        discord_shards: ShardPlan | None = None,
    ) -> None:
        self.config = config
        self.config_path = config_path
        self.clock = clock or SystemClock()
        self.console_operator = console_operator
        self.run_migrations = run_migrations
        # This process's share of the Discord gateway (None: one unsharded connection); the Discord
        # adapter factory reads it. Scheduling ignores it: the leader posts whatever shards it runs.
        self.discord_shards = discord_shards
        self.catalog = Catalog(catalog_directories(), zone=config.project.timezone)
        self.db = Database(config.database_url(), echo=config.database.echo)
        self.bus = EventBus()
        self.registry = CommandRegistry()
        self.adapters: list[Adapter] = list(adapters)
        self.policy = maintainer_policy(config, console_operator)  # replaced on every reload
        self.reloads = ConfigReloads(self)
        self.http = HttpServer(config.http.host, config.http.port)
        self.metrics = Metrics()
        self.metrics_port: int | None = None  # when /metrics has its own address (http.metrics_port)
        lease = config.database.leader_lease.total_seconds()
        self.leader = LeaderElection(self.db.engine, renew_seconds=lease / 5, lease_seconds=lease)
        members = MemberDirectory()
        self.services = Services(
            config_ref=lambda: self.config,
            db=self.db,
            clock=self.clock,
            catalog=self.catalog,
            bus=self.bus,
            registry=self.registry,
            members=members,
            member_reads=MemberReads(self.db, members),
            maintainers=lambda: self.policy,
            poster=Poster(
                self.db,
                self.clock,
                lambda: self.adapters,
                is_leader=lambda: self.leader.is_leader,
                metrics=self.metrics,
                instance_id=self.leader.instance_id,
                notice=lambda key, **params: Message.text(
                    self.catalog.translate(self.config.project.locale, key, **params)
                ),
            ),
            reload_config=self.reloads.everywhere,
            config_warnings=config_warnings,
            http=self.http,
            metrics=self.metrics,
        )
        self.services.github = self._build_github()
        self.cogs: list[Cog] = self._build_cogs()
        self.services.cogs = lambda: self.cogs
        self.dispatcher = Dispatcher(self.services)
        self.scheduler = JobScheduler(self.clock, self.db, self.metrics)
        self.scheduler.is_leader = lambda: self.leader.is_leader
        self.services.is_leader = lambda: self.leader.is_leader
        self.leader.on_change(self._leadership_changed)
        self.ops = OpsEndpoints(
            lambda: self.config.http,
            self.http,
            self.metrics,
            self.db,
            github_client=lambda: getattr(self.services.github, "client", None),
            is_leader=lambda: self.leader.is_leader,
            job_ids=self.scheduler.job_ids,
        )
        self.config_source = build_coordinator(self)
        self.services.config_source = self.config_source
        # Claims and marks carry the lease epoch; one refused means another instance leads now.
        poster = self.services.poster
        poster.ledger.epoch = self.leader.leading_epoch
        poster.ledger.lease_epoch = lease_epoch
        poster.on_fenced = self.leader.fenced
        self.scheduler.fence = self._fence
        self.scheduler.on_fenced = self.leader.fenced
        self._stopped = asyncio.Event()
        self._started = False
        self._demo_activity: list[Any] = []  # events of the offline demo data, published at start

    @property
    def bootstrap_path(self) -> Path | None:
        """The local config file; with config_source the repository file is merged over it."""
        return self.config_path

    def _build_github(self) -> GitHubService | None:
        return build_github(self) if self.config.github is not None else None

    def add_chat_adapters(self) -> list[str]:
        """Build the adapters of every configured chat platform; returns their section names."""
        added = []
        for platform, factory in ADAPTER_FACTORIES.items():
            if getattr(self.config, platform, None) is None:
                continue
            self.adapters.append(factory(self))
            added.append(platform)
        return added

    def _build_cogs(self) -> list[Cog]:
        cogs: list[Cog] = []
        for feature in FEATURES:
            if feature.section is not None and getattr(self.config, feature.section, None) is None:
                if feature.group is not None:  # answered "this feature is off here", not "unknown command"
                    self.registry.switched_off[feature.group] = feature.section
                continue
            cogs.append(feature.cog(self.services))
        for cog in cogs:
            cog.register()
        return cogs

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        """Triggers for jobs that run even when ``schedules:`` does not name them."""
        defaults: dict[str, tuple[Any, timedelta]] = {}
        github_defaults = getattr(self.services.github, "default_schedules", None)
        if github_defaults is not None:  # github_sync / github_reconcile
            defaults.update(github_defaults())
        for cog in self.cogs:
            defaults.update(cog.default_schedules())
        defaults.update(poll_schedule(self.config_source, self.config.project.timezone))
        return defaults

    def jobs(self) -> dict[str, Any]:
        """Every scheduled job the loaded cogs offer, by name."""
        found: dict[str, Any] = {}
        for cog in self.cogs:
            found.update(cog.jobs())
        github_jobs = getattr(self.services.github, "jobs", None)
        if github_jobs is not None:  # github_sync / github_reconcile
            found.update(github_jobs())
        found.update(poll_jobs(self.config_source))
        return found

    async def prepare_database(self) -> None:
        """Run pending migrations and load offline demo data if the config names it."""
        if self.run_migrations:
            await asyncio.to_thread(migrate.upgrade, self.db.url)
        if self.config.github is not None and self.config.github.demo_data:
            from bot.demo_github import prepare_demo

            self._demo_activity = await prepare_demo(self.config, self.db, self.clock, self.services.github)

    async def _publish_demo_activity(self) -> None:
        """The demo's maintainer responses, published once the features listen (bot/demo_github.py)."""
        activity, self._demo_activity = self._demo_activity, []
        for event in activity:
            await self.bus.publish(event)

    def _fence(self, session: Session) -> None:
        """Refuse a job-run write from this instance once the lease has a newer epoch than it leads under."""
        require_epoch(session, self.leader.leading_epoch())

    def _leadership_changed(self, is_leader: bool) -> Awaitable[list[str]] | None:
        self.metrics.leader.set(1 if is_leader else 0)
        if not is_leader:
            return None
        # Leadership taken at start-up follows downtime: catch up once, coalesced. Taken over later
        # from a dead leader while this process was up: the bot never stopped, replay every period.
        # (Decided now; the election runs the catch-up after this returns, outside its lease lock.)
        return self.scheduler.catch_up(replay=self._started)

    async def start(self) -> None:
        await self.prepare_database()
        self.http.add_health_check("database", self.ops.database_health)
        self.http.add_health_check("scheduler", self.ops.scheduler_health)
        for adapter in self.adapters:
            self.http.add_health_check(adapter.platform, adapter.health)
        for adapter in self.adapters:
            await adapter.start(self.dispatcher)
        self.metrics_port = await self.ops.start_http()
        await self._github_lifecycle("start")
        await self.config_source.start()
        for cog in self.cogs:
            await cog.start()
        await self._publish_demo_activity()
        self.scheduler.apply(self.config, self.jobs(), self.default_schedules())
        self.scheduler.start()
        await self.leader.start()
        await self.leader.settled()  # the start-up catch-up, if this instance leads
        self._started = True
        log.info(
            "steward started: %s (%s), adapters: %s",
            counted(len(self.cogs), "feature", "features"),
            ", ".join(c.name for c in self.cogs),
            ", ".join(a.platform for a in self.adapters) or "none",
        )

    async def _github_lifecycle(self, step: str) -> None:
        """Start/stop the GitHub layer's outbox worker and first sync (when it has them)."""
        fn = getattr(self.services.github, step, None)
        if fn is None:
            return
        try:
            await fn()
        except Exception:
            if step == "start":
                raise
            log.exception("GitHub layer failed to stop")

    async def stop(self) -> None:
        """Stop scheduler (letting a run in progress finish), cogs and adapters, then release the database."""
        await self.scheduler.stop()
        await self.config_source.stop()
        await self.leader.stop()
        await self.http.stop()
        await self._github_lifecycle("stop")
        for cog in reversed(self.cogs):
            try:
                await cog.stop()
            except Exception:
                log.exception("cog %s failed to stop", cog.name)
        for adapter in self.adapters:
            try:
                await adapter.stop()
            except Exception:
                log.exception("adapter %s failed to stop", adapter.platform)
        self.db.dispose()
        self._stopped.set()

    def public_pages_url(self) -> str | None:
        """The address of the public pages when this process serves them, else None."""
        page = next((p for cog in self.cogs if (p := cog.public_page()) is not None), None)
        if page is None or not self.http.listening:
            return None
        return self.http.url(page)

    async def _start_unless_stopped(self, stop: asyncio.Event) -> bool:
        """``start``, unless ``stop`` is set first: then the start is cancelled, what it began is
        stopped, and False returned. systemd and ``docker stop`` would otherwise have to kill a bot
        whose chat connection keeps retrying."""
        starting = asyncio.ensure_future(self.start())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():
                log.info("stop asked for while starting: cancelling the start")
                starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            if starting.cancelled():
                await self.stop()
                return False
            starting.result()  # a start that failed raises here
        except BaseException:
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            await self.stop()
            raise
        finally:
            stopping.cancel()
        return True

    async def run_until_stopped(
        self, until: asyncio.Event | None = None, on_started: Callable[[App], None] | None = None
    ) -> None:
        """Start, then wait for SIGINT/SIGTERM (or ``until``); SIGHUP reloads the config.

        ``on_started`` runs once everything is up (the CLI prints where the HTTP server listens). A start
        that fails half-way (e.g. the HTTP port is taken) stops what did start before raising; a stop
        asked for while starting (an adapter still retrying its connection) cancels the start.
        """
        loop = asyncio.get_running_loop()
        stop = until or asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        try:
            loop.add_signal_handler(signal.SIGHUP, self.reloads.on_signal)
        except (NotImplementedError, RuntimeError, AttributeError):
            pass
        if not await self._start_unless_stopped(stop):
            return
        settle_heap()
        if on_started is not None:
            on_started(self)
        try:
            await stop.wait()
        finally:
            await self.stop()
