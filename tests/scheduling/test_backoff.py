"""How long a failed scheduled run waits before its period is tried again."""

from __future__ import annotations

from datetime import timedelta

from bot.scheduling.entries import RetryBackoff


def test_delays_in_turn_then_every_and_a_success_starts_over() -> None:
    backoff = RetryBackoff((timedelta(minutes=1), timedelta(minutes=5)), timedelta(hours=1))
    waits = [backoff.failed("digest@default") for _ in range(4)]
    assert waits == [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=5)),
        (3, timedelta(hours=1)),
        (4, timedelta(hours=1)),
    ]
    assert backoff.failed("other@default") == (1, timedelta(minutes=1))  # counted per entry
    backoff.succeeded("digest@default")
    assert backoff.failed("digest@default") == (1, timedelta(minutes=1))
