"""The work a chat adapter has running, waited for at shutdown and by tests."""

from __future__ import annotations

import asyncio

import pytest

from bot.adapters.in_flight import InFlight

pytestmark = pytest.mark.asyncio


async def test_settle_waits_for_work_started_meanwhile() -> None:
    in_flight = InFlight()
    done: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0.01)
        done.append("second")

    async def first() -> None:
        await asyncio.sleep(0.01)
        in_flight.spawn(second())  # a handler that starts more work (a follow-up, a Home refresh)
        done.append("first")

    in_flight.spawn(first())
    assert len(in_flight) == 1
    assert await in_flight.settle() == 0
    assert done == ["first", "second"] and len(in_flight) == 0


async def test_settle_within_a_grace_reports_what_still_runs() -> None:
    in_flight = InFlight()
    stuck = in_flight.spawn(asyncio.sleep(30))
    in_flight.spawn(asyncio.sleep(0))
    assert await in_flight.settle(within=0.05) == 1
    assert not stuck.done()  # left running: stopping it is the caller's decision
    stuck.cancel()
    assert await in_flight.settle() == 0


async def test_a_failed_task_leaves_the_count() -> None:
    in_flight = InFlight()

    async def broken() -> None:
        raise RuntimeError("handler bug")

    task = in_flight.spawn(broken())
    assert await in_flight.settle() == 0
    assert isinstance(task.exception(), RuntimeError)
