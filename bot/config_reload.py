"""Reloading the configuration while the bot runs: SIGHUP, ``/steward reload``, another instance."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.config import ConfigError, ConfigProblem, StewardConfig, load_config
from bot.config_source.restart import ReloadOutcome, settings_needing_restart
from bot.core.events import ConfigReloaded
from bot.core.permissions import maintainer_policy

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


class ConfigReloads:
    """Re-reads the config on request, one reload at a time, and applies a valid one to ``app``."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._turn = asyncio.Lock()
        self._from_signals: set[asyncio.Task[list[ConfigProblem]]] = set()

    async def reload(self) -> list[ConfigProblem]:
        """Reload on every instance (see `everywhere`); the problems that refused it here."""
        return (await self.everywhere()).problems

    async def everywhere(self) -> ReloadOutcome:
        """Re-read the files here, and ask every other instance (and, with config_source, the leader
        for the branch head) to do the same; SIGHUP and /steward reload land here."""
        outcome = await self.here()
        await asyncio.to_thread(self.app.config_source.broadcast_reload)
        return outcome

    async def here(self) -> ReloadOutcome:
        """Re-read the YAML (the bootstrap file, with the running repository version merged over it);
        on any problem keep the running config and return the problems.

        Reading and validating run on a worker thread, so chat keeps being answered (and gateway
        heartbeats sent) while a large file is parsed; the running config is replaced only once the
        new one is valid. Reloads run one at a time, in the order they were asked for."""
        path = self.app.bootstrap_path
        if path is None:
            return ReloadOutcome()
        source = self.app.config_source
        async with self._turn:
            try:
                new = await asyncio.to_thread(lambda: source.reread() or load_config(path))
            except ConfigError as exc:
                log.error("config reload refused:\n%s", exc)
                return ReloadOutcome(list(exc.problems))
            restart = self.apply(new)
        log.info("configuration reloaded from %s", path)
        return ReloadOutcome([], restart)

    def apply(self, new: StewardConfig) -> list[str]:
        """Run on ``new`` from now on; returns the changed settings that only a restart applies."""
        app = self.app
        restart = settings_needing_restart(app.config, new)
        app.config = new
        app.policy = maintainer_policy(new, app.console_operator)
        webhooks = getattr(app.services.github, "webhooks", None)
        if webhooks is not None and new.github is not None and new.github.webhook_secret:
            webhooks.secret = new.github.webhook_secret  # re-read: a rotated secret applies at once
        app.scheduler.apply(new, app.jobs(), app.default_schedules())
        asyncio.get_running_loop().create_task(app.bus.publish(ConfigReloaded()))
        if restart:
            log.warning("changed settings that apply after a restart: %s", ", ".join(restart))
        return restart

    def on_signal(self) -> None:
        """SIGHUP: a signal handler must not block the loop, so the reload runs as a task, its
        outcome logged."""
        task = asyncio.get_running_loop().create_task(self.reload())
        self._from_signals.add(task)
        task.add_done_callback(self._from_signals.discard)
