"""Connect config as code to the app: the coordinator, its poll job, and the webhook deliveries it reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger

from bot.config_source.checks import PullRequestChecker
from bot.config_source.coordinator import ConfigSourceCoordinator

if TYPE_CHECKING:
    from bot.app import App

POLL_JOB = "config_source_poll"


def build_coordinator(app: App) -> ConfigSourceCoordinator:
    """The coordinator (it follows reloads even without ``config_source``) and its webhook hook."""
    source = app.config.config_source
    client = getattr(app.services.github, "client", None)
    coordinator = ConfigSourceCoordinator(app, source, client if source is not None else None)
    webhooks = getattr(app.services.github, "webhooks", None)
    if coordinator.enabled and webhooks is not None and client is not None:
        checker = PullRequestChecker(app, coordinator.source, client, coordinator.reader)
        webhooks.processor = _also([coordinator.on_webhook, checker.on_webhook], webhooks.processor)
    return coordinator


def _also(listeners: list[Callable[..., Any]], processor: Callable[..., Any]) -> Callable[..., Any]:
    async def process(event: str, payload: dict[str, Any], delivery: str) -> None:
        for listener in listeners:
            await listener(event, payload)
        await processor(event, payload, delivery)

    return process


def poll_jobs(coordinator: ConfigSourceCoordinator) -> dict[str, Callable[[], Any]]:
    return {POLL_JOB: coordinator.poll} if coordinator.enabled else {}


def poll_schedule(coordinator: ConfigSourceCoordinator, timezone: str) -> dict[str, tuple[Any, timedelta]]:
    if not coordinator.enabled:
        return {}
    every = coordinator.source.poll_interval
    return {POLL_JOB: (IntervalTrigger(seconds=every.total_seconds(), timezone=ZoneInfo(timezone)), every)}
