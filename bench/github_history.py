"""Benchmark: reading a project's closed history on first install, against the loopback fake.

10 repos with 100,000 closed issues and merged PRs (10,000 each, all within ``github.history_months``)
and a few open items each. After each repo's first sync, ``steward sync``'s history read
(``BackgroundPolling.read_history``) pages the closed items in. In the same run, the same pages are
fetched raw (plain HTTP GETs following the Link headers, JSON decoded, nothing stored). The fake
runs in a process of its own, as GitHub would: its work does not hold the bot's threads up.

Targets: requests at the floor, sum(ceil(closed/100)) (one list request per page, never one per
issue); the bot's own work >= 10,000 items/s, counted two ways and the lower one judged: the time the
read took beyond the raw fetch, and the CPU time the bot's process spent beyond the raw fetch's. Peak RSS
is printed. Runs on SQLite, then on a throwaway PostgreSQL database; exits 1 when a target is missed.

Run: .venv/bin/python bench/github_history.py [--repos 10] [--closed 100000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import select

from bench._databases import database_arguments, measure_on_both, peak_rss_mib
from bench._fake_github import FakeGitHubProcess
from bench.github_sync import TOKEN, bench_config, next_link, served
from bot.core.clock import FakeClock
from bot.core.events import EventBus
from bot.db.database import Database
from bot.github.client import GitHubClient
from bot.github.history import history_report
from bot.github.models import HistoryBackfill
from bot.github.service import GitHubService
from bot.github.store import since_param
from bot.heap import settle_heap
from tests.fakes.github import FakeGitHub

OPEN_PER_REPO = 20
TARGET_RATE = 10_000


def populate(fake: FakeGitHub, repos: list[str], closed: int) -> dict[str, int]:
    """Closed issues and merged PRs (a third of them), then a few open items; returns closed per repo."""
    per_repo = closed // len(repos)
    state = fake.state
    for name in repos:
        state.add_repo(name)
        for n in range(per_repo):
            item = state.add_issue(
                name,
                title=f"Old {n} of {name}",
                labels=["bug"] if n % 2 else ["docs", "good first issue"],
                pull_request=n % 3 == 0,
                author=f"dev{n % 400}",
            )
            state.update_issue(
                name, item["number"], **({"merged": True} if n % 3 == 0 else {"state": "closed"})
            )
        for n in range(OPEN_PER_REPO):
            state.add_issue(name, title=f"Open {n} of {name}", author=f"dev{n}")
    return {name: per_repo for name in repos}


def raw_fetch(base_url: str, windows: dict[str, str]) -> tuple[float, float, int]:
    """The history's pages with nothing but HTTP and JSON, the floor of the read: (wall seconds, CPU
    seconds of this process, items)."""
    started, cpu = time.perf_counter(), time.process_time()
    items = 0
    for name, since in windows.items():
        query = urlencode(
            {"state": "closed", "sort": "updated", "direction": "asc", "since": since, "per_page": 100}
        )
        url: str | None = f"{base_url}/repos/{name}/issues?{query}"
        while url:
            request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
            with urllib.request.urlopen(request) as resp:
                items += len(json.loads(resp.read()))
                url = next_link(resp.headers.get("Link") or "")
    return time.perf_counter() - started, time.process_time() - cpu, items


async def run_on(label: str, url: str, repo_count: int, closed: int) -> bool:
    repos = [f"bench-org/repo{i}" for i in range(repo_count)]
    clock = FakeClock()
    with FakeGitHubProcess(TOKEN, populate, repos, closed) as fake:
        closed_per_repo: dict[str, int] = fake.populated
        with tempfile.TemporaryDirectory() as tmp:
            config = bench_config(fake.base_url, repos, url, Path(tmp))
        assert config.github is not None
        db = Database(config.database_url())
        client = GitHubClient(config.github, clock)
        service = GitHubService(db, clock, EventBus(), lambda: config, client)
        assert service.sync is not None
        try:
            for name in repos:
                await service.sync.sync(name)  # the first sync: open items only
            fake.reset_counters()
            settle_heap()  # as `steward run` does once started
            started, cpu = time.perf_counter(), time.process_time()
            await service.polling.read_history(None)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            requests, _, per_issue = fake.run(served)
            report = db.call(history_report)
            stored = sum(int(str(row["items"])) for row in report)
            done = all(row["done"] for row in report) and len(report) == len(repos)
            # The same pages again, raw: each repo's window as its backfill recorded it.
            windows = db.call(
                lambda s: {r.repo_lower: since_param(r.window_start) for r in s.exec(select(HistoryBackfill))}
            )
            raw_seconds, raw_cpu, raw_items = raw_fetch(fake.base_url, windows)
        finally:
            client.close()
            db.dispose()
    floor = sum(math.ceil(n / 100) for n in closed_per_repo.values())
    # The bot's own work two ways, the lower counting: the time the read took beyond fetching the same
    # pages, and the CPU time of the bot's process (all its threads) beyond what fetching them took.
    rate = min(stored / max(seconds - raw_seconds, 1e-9), stored / max(cpu - raw_cpu, 1e-9))
    print(f"\n{label}: {repo_count} repos, {sum(closed_per_repo.values()):,} closed items in the window")
    print(f"  history read: {requests} requests, {stored:,} items stored, {seconds:.2f}s ({cpu:.2f}s CPU)")
    print(f"  raw fetch of the same pages: {raw_seconds:.2f}s ({raw_cpu:.2f}s CPU) for {raw_items:,} items")
    print(f"  peak RSS so far (the bot's process): {peak_rss_mib():.0f} MiB; load {os.getloadavg()[0]:.2f}")
    targets = [
        (
            f"every repo's history read, all {sum(closed_per_repo.values()):,} items stored",
            done and stored == raw_items,
        ),
        (f"requests {requests} == sum(ceil(closed/100)) = {floor}", requests == floor),
        ("no per-issue requests", per_issue == 0),
        (f"own work {rate:,.0f} items/s >= {TARGET_RATE:,}", rate >= TARGET_RATE),
    ]
    for text, met in targets:
        print(f"  {text}: {'met' if met else 'MISSED'}")
    return all(met for _, met in targets)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=10)
    parser.add_argument("--closed", type=int, default=100_000)
    database_arguments(parser)
    args = parser.parse_args()
    return await measure_on_both(args, lambda label, url: run_on(label, url, args.repos, args.closed))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
