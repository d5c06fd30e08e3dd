"""The Prometheus counters Steward keeps, read back through their text exposition."""

from __future__ import annotations

from bot.metrics import Metrics


def test_commands_are_counted_per_platform_name_and_outcome() -> None:
    metrics = Metrics()
    for _ in range(3):
        metrics.count_command("discord", "steward help", "ok")
    metrics.count_command("discord", "steward help", "error")
    metrics.count_command("slack", "steward help", "ok")
    text = metrics.render().decode()
    assert 'steward_commands_total{name="steward help",outcome="ok",platform="discord"} 3.0' in text
    assert 'steward_commands_total{name="steward help",outcome="error",platform="discord"} 1.0' in text
    assert 'steward_commands_total{name="steward help",outcome="ok",platform="slack"} 1.0' in text


def test_each_metrics_object_counts_on_its_own() -> None:
    first, second = Metrics(), Metrics()
    first.count_command("console", "gfi list", "ok")
    assert "gfi list" not in second.render().decode()
