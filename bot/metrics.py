"""Prometheus metrics, one registry per App (no process-wide globals)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest


class Metrics:
    """The counters and gauges Steward exports on /metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "steward_commands",
            "Commands, buttons and forms handled",
            ["platform", "name", "outcome"],
            registry=self.registry,
        )
        self.posts = Counter(
            "steward_posts", "Messages posted to channels", ["platform", "outcome"], registry=self.registry
        )
        self.job_runs = Counter(
            "steward_job_runs", "Scheduled job runs", ["job", "outcome"], registry=self.registry
        )
        self.job_lag = Gauge(
            "steward_job_lag_seconds",
            "Delay between a job's scheduled time and its start",
            ["job"],
            registry=self.registry,
        )
        self.github_requests = Counter(
            "steward_github_requests", "Requests sent to the GitHub API", ["kind"], registry=self.registry
        )
        self.github_rate_remaining = Gauge(
            "steward_github_rate_remaining",
            "GitHub API requests left in the current window",
            registry=self.registry,
        )
        # Unknown (no GitHub client, or no response read yet) is NaN, never 0: a 0 would fire any
        # "budget exhausted" alert.
        self.github_rate_remaining.set(math.nan)
        self._github_seen: dict[str, int] = {}
        self.leader = Gauge(
            "steward_scheduler_leader", "1 when this instance fires scheduled jobs", registry=self.registry
        )
        self._command_counts: dict[tuple[str, str, str], Any] = {}

    def count_command(self, platform: str, name: str, outcome: str) -> None:
        """One more handled command. The labelled child is kept: ``labels()`` validates and looks
        its labels up on every call, which cost more than the rest of counting on a command's path."""
        key = (platform, name, outcome)
        child = self._command_counts.get(key)
        if child is None:
            child = self._command_counts[key] = self.commands.labels(
                platform=platform, name=name, outcome=outcome
            )
        child.inc()

    def observe_github(self, by_verb: Mapping[str, int], remaining: int | None) -> None:
        """Bring the GitHub figures up to the client's own counts (read when /metrics is scraped)."""
        for verb, count in by_verb.items():
            delta = count - self._github_seen.get(verb, 0)
            if delta > 0:
                self.github_requests.labels(kind=verb).inc(delta)
            self._github_seen[verb] = count
        self.github_rate_remaining.set(math.nan if remaining is None else remaining)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
