"""Prometheus metrics, one registry per App (no process-wide globals)."""

from __future__ import annotations

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
        self.leader = Gauge(
            "steward_scheduler_leader", "1 when this instance fires scheduled jobs", registry=self.registry
        )

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
