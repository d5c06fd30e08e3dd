"""Three real `steward run` processes on one PostgreSQL database: one leader, fail-over, no double posts."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.db.engine import normalize_url

ROOT = Path(__file__).resolve().parents[2]
DAY = 2  # seconds: one simulated day
MONTH = 30  # simulated days


def _sent_periods(url: str, final: bool = False) -> list[str]:
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT period, status FROM post_log WHERE job = 'weekly_digest' ORDER BY period")
            ).all()
    finally:
        engine.dispose()
    if final:
        assert all(status == "sent" for _, status in rows), rows
    return [period for period, status in rows if status == "sent"]


def test_three_instances_post_every_digest_exactly_once(fresh_postgres_url: str, tmp_path: Path) -> None:
    config = tmp_path / "steward.yaml"
    config.write_text(
        "project:\n  name: Multi\n  timezone: UTC\n"
        f'database:\n  url: "{fresh_postgres_url}"\n'
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
    procs: list[subprocess.Popen[str]] = []
    outputs: list[Path] = []
    try:
        for i in range(3):
            out = tmp_path / f"instance{i}.out"
            outputs.append(out)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--config", str(config)],
                    cwd=tmp_path,
                    stdin=subprocess.PIPE,
                    stdout=out.open("w"),
                    stderr=(tmp_path / f"instance{i}.err").open("w"),
                    text=True,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
            )
            time.sleep(0.5)
        deadline = time.monotonic() + 60
        while len(_sent_periods(fresh_postgres_url)) < 5 and time.monotonic() < deadline:
            time.sleep(0.5)
        leaders = [i for i, out in enumerate(outputs) if "[#digest]" in out.read_text()]
        assert len(leaders) == 1, "exactly one instance posts while all are alive"
        procs[leaders[0]].send_signal(signal.SIGKILL)  # the leader dies mid-month
        procs[leaders[0]].wait(timeout=10)
        deadline = time.monotonic() + MONTH * DAY + 60
        while len(_sent_periods(fresh_postgres_url)) < MONTH and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    periods = _sent_periods(fresh_postgres_url, final=True)
    assert len(periods) >= MONTH, (len(periods), [o.read_text()[-500:] for o in outputs])
    times = [datetime.strptime(p, "%Y-%m-%dT%H:%M:%SZ") for p in periods]
    gaps = [b - a for a, b in itertools.pairwise(times) if b - a != timedelta(seconds=DAY)]
    assert gaps == [], f"every simulated day is posted: unexpected gaps {gaps}"
    posted = sum(out.read_text().count("[#digest]") for out in outputs)
    assert posted == len(periods), "each digest was posted exactly once across all instances"
    survivors = [i for i in range(3) if i != leaders[0] and "[#digest]" in outputs[i].read_text()]
    assert len(survivors) == 1, "exactly one survivor took over"
