"""Three real `steward run` processes on one PostgreSQL database: every digest posted exactly once.

The leader is killed right after a post appears (before or after its mark), then the next leader is
frozen (SIGSTOP) past its lease and woken up, then the next one loses its database session
(``pg_terminate_backend``). Through all three, every simulated day is posted exactly once.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.adapters.console.journal import PostJournal
from bot.config.sections.schedules import MIN_INTERVAL_ENV
from bot.db.engine import normalize_url

ROOT = Path(__file__).resolve().parents[2]
DAY = 2  # seconds: one simulated day
LEASE = 2  # seconds: database.leader_lease (renewed every fifth of it)
ACQUIRED = re.compile(r"scheduler leadership acquired by instance (\w+)")


class Cluster:
    """The three processes, their output, and the database they share."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.engine = create_engine(normalize_url(url))
        self.tmp_path = tmp_path
        self.journal = PostJournal(tmp_path / "transcript.jsonl")
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, config: Path) -> None:
        for i in range(3):
            command = [sys.executable, "-m", "bot", "--log-level", "INFO", "run", "--config", str(config)]
            self.procs.append(
                subprocess.Popen(
                    [*command, "--transcript", str(self.journal.path)],
                    cwd=self.tmp_path,
                    stdin=subprocess.PIPE,
                    stdout=(self.tmp_path / f"instance{i}.out").open("w"),
                    stderr=(self.tmp_path / f"instance{i}.err").open("w"),
                    text=True,
                    # The application name tells this instance's database sessions apart.
                    env={**os.environ, "PYTHONUNBUFFERED": "1", "PGAPPNAME": f"steward-i{i}"},
                )
            )
            time.sleep(0.5)

    def logs(self) -> list[str]:
        return [(self.tmp_path / f"instance{i}.err").read_text()[-1500:] for i in range(3)]

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(period, status, attempts, post_key) of every weekly_digest post, oldest first."""
        with self.engine.connect() as conn:
            query = "SELECT period, status, attempts, post_key FROM post_log WHERE job = 'weekly_digest'"
            return [tuple(r) for r in conn.execute(text(query + " ORDER BY period")).all()]  # type: ignore[misc]

    def sent(self) -> int:
        return sum(1 for row in self.rows() if row[1] == "sent")

    def holder(self) -> tuple[str | None, int]:
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT holder, epoch FROM leader_lease")).first()
        return (None, 0) if row is None else (row[0], int(row[1]))

    def leader(self) -> int:
        """The index of the process that holds the lease now."""
        holder, _ = self.holder()
        for i in range(3):
            if holder in ACQUIRED.findall((self.tmp_path / f"instance{i}.err").read_text()):
                return i
        raise AssertionError(f"no process names lease holder {holder}: {self.logs()}")

    def wait(self, done: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert time.monotonic() < deadline, (what, self.rows()[-5:], self.logs())
            time.sleep(0.2)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.engine.dispose()


def test_three_instances_post_every_digest_exactly_once(
    fresh_postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A simulated day lasts seconds, below the 1-minute floor real configs keep.
    monkeypatch.setenv(MIN_INTERVAL_ENV, f"{DAY}s")
    config = tmp_path / "steward.yaml"
    config.write_text(
        "project:\n  name: Multi\n  timezone: UTC\n"
        f'database:\n  url: "{fresh_postgres_url}"\n  leader_lease: {LEASE}s\n'
        f"schedules:\n  - job: weekly_digest\n    interval: {DAY}s\n    grace: 1h\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate", "--config", str(config)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    cluster = Cluster(fresh_postgres_url, tmp_path)
    try:
        cluster.start(config)
        # Generous: three interpreters importing the bot on a loaded 2-core machine take a while.
        cluster.wait(lambda: cluster.sent() >= 4, 180, "four digests while all three run")

        # 1. Killed mid-post: SIGKILL the moment a digest appears, before or just after its mark.
        first = cluster.leader()
        shown = len(cluster.journal.keys())
        deadline = time.monotonic() + 10 * DAY
        while len(cluster.journal.keys()) == shown and time.monotonic() < deadline:
            time.sleep(0.002)
        cluster.procs[first].send_signal(signal.SIGKILL)
        cluster.procs[first].wait(timeout=10)
        count = cluster.sent()
        cluster.wait(lambda: cluster.sent() >= count + 3, 60, "digests after the leader was killed")

        # 2. Frozen past its lease: another instance takes over; woken up, the old leader is fenced.
        second = cluster.leader()
        assert second != first
        _, epoch = cluster.holder()
        cluster.procs[second].send_signal(signal.SIGSTOP)
        cluster.wait(lambda: cluster.holder()[1] > epoch, 10 * LEASE, "a takeover from the frozen leader")
        count = cluster.sent()
        cluster.wait(lambda: cluster.sent() >= count + 2, 60, "digests while the leader is frozen")
        cluster.procs[second].send_signal(signal.SIGCONT)
        count = cluster.sent()
        cluster.wait(lambda: cluster.sent() >= count + 3, 60, "digests after the old leader woke up")

        # 3. The leader's database sessions are terminated (a failover, an idle timeout).
        third = cluster.leader()
        with cluster.engine.connect() as conn:
            ended = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": f"steward-i{third}"},
            ).scalar()
            conn.commit()
        assert ended, "the leader had a database session"
        count = cluster.sent()
        cluster.wait(lambda: cluster.sent() >= count + 4, 60, "digests after the session ended")
    finally:
        cluster.stop()

    rows = cluster.rows()
    assert rows and all(status == "sent" for _, status, _, _ in rows), rows  # SIGTERM let runs finish
    times = [datetime.strptime(period, "%Y-%m-%dT%H:%M:%SZ") for period, _, _, _ in rows]
    gaps = [b - a for a, b in itertools.pairwise(times) if b - a != timedelta(seconds=DAY)]
    assert gaps == [], f"every simulated day is posted: unexpected gaps {gaps}"
    shown = Counter(cluster.journal.keys())
    twice = {key: n for key, n in shown.items() if n > 1}
    assert twice == {}, f"posted more than once: {twice}"
    assert set(shown) == {f"{key}.0" for _, _, _, key in rows}, "every period shown, nothing else"
    printed = sum((tmp_path / f"instance{i}.out").read_text().count("[#digest]") for i in range(3))
    assert printed == len(rows), (printed, len(rows))
