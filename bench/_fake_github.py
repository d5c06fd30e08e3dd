"""The loopback GitHub fake in a process of its own, for benchmarks that time the bot's own work.

In the bot's process the fake's request handling (sorting and serializing thousands of items per
page) runs on a thread that holds the GIL, and every one of the bot's database round trips then
waits for it to let go: the bot looked several times slower than it is next to a remote GitHub.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from bot.core.clock import FakeClock
from tests.fakes.github import FakeGitHub, FakeGitHubState

Populate = Callable[..., Any]  # (fake, *args) -> what the parent should know of the data
Script = Callable[..., Any]  # (fake, *args) -> anything picklable: run in the fake's process


def _serve(conn: Connection, token: str, populate: Populate, args: tuple[Any, ...]) -> None:
    clock = FakeClock()
    fake = FakeGitHub(FakeGitHubState(start=clock.now()), token=token).start()
    fake.rate.limit = fake.rate.remaining = 10_000_000  # nothing here is about the budget
    fake.rate.reset = int(clock.now().timestamp()) + 3600
    conn.send((fake.base_url, populate(fake, *args)))
    while True:
        command = conn.recv()
        if command is None:  # stop
            fake.stop()
            conn.send(None)
            return
        script, script_args = command
        conn.send(script(fake, *script_args))


def _reset_counters(fake: FakeGitHub) -> None:
    fake.reset_counters()


class FakeGitHubProcess:
    """Starts the fake in a child process, filled by ``populate(fake, *args)``; a context manager."""

    def __init__(self, token: str, populate: Populate, *args: Any) -> None:
        self._conn, child = mp.get_context("spawn").Pipe()
        self._process = mp.get_context("spawn").Process(target=_serve, args=(child, token, populate, args))
        self.base_url = ""
        self.populated: Any = None

    def __enter__(self) -> FakeGitHubProcess:
        self._process.start()
        self.base_url, self.populated = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send(None)
        self._conn.recv()
        self._process.join(30)

    def reset_counters(self) -> None:
        """Count requests and points from now on."""
        self.run(_reset_counters)

    def run(self, script: Script, *args: Any) -> Any:
        """``script(fake, *args)`` in the fake's process (a module-level function): edits between
        phases, or reading its state."""
        self._conn.send((script, args))
        return self._conn.recv()
