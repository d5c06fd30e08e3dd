"""The composition root: config -> database -> services -> cogs -> adapters -> scheduler."""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import ConfigError, ConfigProblem, StewardConfig, load_config
from bot.core.adapter import Adapter
from bot.core.clock import Clock, SystemClock
from bot.core.cog import Cog, Services
from bot.core.commands import CommandRegistry
from bot.core.dispatch import Dispatcher
from bot.core.events import ConfigReloaded, EventBus
from bot.core.members import MemberDirectory
from bot.core.permissions import MaintainerPolicy
from bot.core.posting import Poster
from bot.db import migrate
from bot.db.database import Database
from bot.http_server import HttpServer
from bot.i18n import Catalog, catalog_directories
from bot.metrics import Metrics
from bot.scheduling import JobScheduler, LeaderElection
from bot.shards import ShardPlan

log = logging.getLogger(__name__)

# Feature cogs, enabled by the presence of their config section. Import paths keep this file free of
# feature code; a cog that is not built yet is reported once instead of failing start-up.
FEATURE_COGS: dict[str, str] = {
    "good_first_issues": "cogs.good_first_issues:GoodFirstIssuesCog",
    "oncall": "cogs.oncall:OncallCog",
    "spotlight": "cogs.spotlight:SpotlightCog",
    "onboarding": "cogs.onboarding:OnboardingCog",
}


# The top-level command group of each feature, so a command of a feature left off is answered as such.
FEATURE_GROUPS: dict[str, str] = {
    "good_first_issues": "gfi",
    "oncall": "oncall",
    "spotlight": "spotlight",
    "onboarding": "onboard",
}


# Chat adapters by config section: "module:function" taking the App and returning an Adapter.
ADAPTER_FACTORIES: dict[str, str] = {
    "discord": "bot.adapters.discord:build_adapter",
    "slack": "bot.adapters.slack:build_adapter",
}
GITHUB_FACTORY = "bot.github.service:build_github"


def config_warnings(config: StewardConfig, now: Any) -> list[str]:
    """Warnings (not errors) about a valid config from each enabled feature's ``checks`` module.

    A feature offers them as ``cogs.<feature>.checks.config_warnings(config, now) -> list[str]``.
    """
    found: list[str] = []
    for section, target in FEATURE_COGS.items():
        if getattr(config, section, None) is None:
            continue
        try:
            module = importlib.import_module(target.partition(":")[0] + ".checks")
        except ModuleNotFoundError:
            continue
        found.extend(module.config_warnings(config, now))
    return found


class AdapterUnavailable(RuntimeError):
    """A configured platform whose adapter this build does not have."""


def _import_target(target: str) -> Any:
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _sqlite_lock_path(db: Database) -> Path | None:
    """Beside a SQLite file, a lock file whose holder is the scheduler leader."""
    if db.engine.dialect.name != "sqlite":
        return None
    name = db.engine.url.database
    if not name or name == ":memory:":
        return None
    return Path(name + ".leader")


def maintainer_policy(config: StewardConfig, console_operator: str | None = None) -> MaintainerPolicy:
    """Build the maintainer check from the ``maintainers``, ``discord`` and ``slack`` sections."""
    logins: set[str] = set()
    users: set[tuple[str, str]] = set()
    names: set[str] = set()
    roles: set[tuple[str, str]] = set()
    for m in config.maintainers:
        if m.github:
            logins.add(m.github.lower())
        if m.discord is not None:
            users.add(("discord", str(m.discord)))
        if m.slack:
            users.add(("slack", m.slack))
        if m.console:
            names.add(m.console.lower())
    if config.discord is not None:
        roles.update(("discord", str(r)) for r in config.discord.maintainer_role_ids)
    if config.slack is not None:
        users.update(("slack", u) for u in config.slack.maintainer_user_ids)
        roles.update(("slack", g) for g in config.slack.maintainer_usergroup_ids)
    if console_operator:
        names.add(console_operator.lower())
    return MaintainerPolicy(frozenset(logins), frozenset(users), frozenset(names), frozenset(roles))


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
        self._policy = maintainer_policy(config, console_operator)
        self.http = HttpServer(config.http.host, config.http.port)
        self.metrics = Metrics()
        self.leader = LeaderElection(self.db.engine, sqlite_lock_path=_sqlite_lock_path(self.db))
        self.services = Services(
            config_ref=lambda: self.config,
            db=self.db,
            clock=self.clock,
            catalog=self.catalog,
            bus=self.bus,
            registry=self.registry,
            members=MemberDirectory(),
            maintainers=lambda: self._policy,
            poster=Poster(
                self.db,
                self.clock,
                lambda: self.adapters,
                is_leader=lambda: self.leader.is_leader,
                metrics=self.metrics,
            ),
            reload_config=self.reload,
            http=self.http,
            metrics=self.metrics,
        )
        self.services.github = self._build_github()
        self.cogs: list[Cog] = self._build_cogs()
        self.services.cogs = lambda: self.cogs
        self.dispatcher = Dispatcher(self.services)
        self.scheduler = JobScheduler(self.clock, self.db, self.metrics)
        self.scheduler.is_leader = lambda: self.leader.is_leader
        self.services.scheduler = self.scheduler
        self.leader.on_change(self._leadership_changed)
        self._stopped = asyncio.Event()
        self._started = False

    def _build_github(self) -> Any:
        if self.config.github is None:
            return None
        try:
            factory = _import_target(GITHUB_FACTORY)
        except (ModuleNotFoundError, AttributeError):
            log.warning("the github section is set but this build has no GitHub client yet")
            return None
        return factory(self)

    def add_chat_adapters(self) -> list[str]:
        """Build the adapters of every configured chat platform; raises AdapterUnavailable."""
        added = []
        for platform, target in ADAPTER_FACTORIES.items():
            if getattr(self.config, platform, None) is None:
                continue
            try:
                factory = _import_target(target)
            except (ModuleNotFoundError, AttributeError) as exc:
                raise AdapterUnavailable(f"the {platform} adapter is not part of this build yet") from exc
            self.adapters.append(factory(self))
            added.append(platform)
        return added

    def _build_cogs(self) -> list[Cog]:
        from cogs.digest import DigestCog
        from cogs.steward import StewardCog

        cogs: list[Cog] = [StewardCog(self.services), DigestCog(self.services)]
        for section, target in FEATURE_COGS.items():
            if getattr(self.config, section, None) is None:
                self.registry.switched_off[FEATURE_GROUPS[section]] = section
                continue
            try:
                cls = _import_target(target)
            except ModuleNotFoundError:
                log.warning("config section %r is set but this build has no %s cog yet", section, section)
                continue
            cogs.append(cls(self.services))
        for cog in cogs:
            cog.register()
        return cogs

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        """Triggers for jobs that run even when ``schedules:`` does not name them."""
        defaults: dict[str, tuple[Any, timedelta]] = {}
        github = self.config.github
        if github is not None:
            tz = ZoneInfo(self.config.project.timezone)
            defaults["github_sync"] = (
                IntervalTrigger(seconds=github.poll_interval.total_seconds(), timezone=tz),
                github.poll_interval,
            )
            defaults["github_reconcile"] = (
                IntervalTrigger(seconds=github.full_reconcile_interval.total_seconds(), timezone=tz),
                github.full_reconcile_interval,
            )
        for cog in self.cogs:
            defaults.update(cog.default_schedules())
        return defaults

    def jobs(self) -> dict[str, Any]:
        """Every scheduled job the loaded cogs offer, by name."""
        found: dict[str, Any] = {}
        for cog in self.cogs:
            found.update(cog.jobs())
        github_jobs = getattr(self.services.github, "jobs", None)
        if github_jobs is not None:  # github_sync / github_reconcile
            found.update(github_jobs())
        return found

    async def prepare_database(self) -> None:
        """Run pending migrations and load offline demo data if the config names it."""
        if self.run_migrations:
            await asyncio.to_thread(migrate.upgrade, self.db.url)
        demo = self.config.github.demo_data if self.config.github is not None else None
        if demo:
            from bot.demo import load_demo_data

            summary = await asyncio.to_thread(load_demo_data, self.db, self.config.resolve_path(demo))
            log.info("demo data loaded: %s", summary)

    async def _leadership_changed(self, is_leader: bool) -> None:
        self.metrics.leader.set(1 if is_leader else 0)
        if is_leader:
            # Leadership taken at start-up follows downtime: catch up once, coalesced. Taken over later
            # from a dead leader while this process was up: the bot never stopped, replay every period.
            await self.scheduler.catch_up(replay=self._started)

    async def _metrics(self, request: web.Request) -> web.Response:
        client = getattr(self.services.github, "client", None)
        if client is not None:
            self.metrics.observe_github(client.stats.by_verb, client.budget.remaining)
        return web.Response(body=self.metrics.render(), content_type="text/plain", charset="utf-8")

    async def _scheduler_health(self) -> dict[str, Any]:
        return {
            "ok": True,
            "role": "leader" if self.leader.is_leader else "follower",
            "jobs": self.scheduler.job_ids(),
        }

    async def _database_health(self) -> dict[str, Any]:
        from sqlalchemy import text

        await self.db.run(lambda s: s.exec(text("SELECT 1")))  # type: ignore[call-overload]
        return {"ok": True}

    async def start(self) -> None:
        await self.prepare_database()
        self.http.add_health_check("database", self._database_health)
        self.http.add_health_check("scheduler", self._scheduler_health)
        for adapter in self.adapters:
            self.http.add_health_check(adapter.platform, adapter.health)
        self.http.app.router.add_get("/metrics", self._metrics)
        for adapter in self.adapters:
            await adapter.start(self.dispatcher)
        enabled = self.config.http.enabled
        if enabled or (enabled is None and self.http.needed):
            await self.http.start()
        await self._github_lifecycle("start")
        for cog in self.cogs:
            await cog.start()
        self.scheduler.apply(self.config, self.jobs(), self.default_schedules())
        self.scheduler.start()
        await self.leader.start()
        self._started = True
        log.info(
            "steward started: %d cog(s), adapters: %s",
            len(self.cogs),
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

    def reload(self) -> list[ConfigProblem]:
        """Re-read the YAML; on any problem keep the running config and return the problems."""
        if self.config_path is None:
            return []
        try:
            new = load_config(self.config_path)
        except ConfigError as exc:
            log.error("config reload refused:\n%s", exc)
            return list(exc.problems)
        self.config = new
        self._policy = maintainer_policy(new, self.console_operator)
        self.scheduler.apply(new, self.jobs(), self.default_schedules())
        asyncio.get_running_loop().create_task(self.bus.publish(ConfigReloaded()))
        log.info("configuration reloaded from %s", self.config_path)
        return []

    async def run_until_stopped(self, until: asyncio.Event | None = None) -> None:
        """Start, then wait for SIGINT/SIGTERM (or ``until``); SIGHUP reloads the config."""
        loop = asyncio.get_running_loop()
        stop = until or asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        try:
            loop.add_signal_handler(signal.SIGHUP, self.reload)
        except (NotImplementedError, RuntimeError, AttributeError):
            pass
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
