"""Benchmark: GitHub sync cost against the loopback fake, next to a naive PyGithub loop.

10 repos, 20,000 issues/PRs. For (a) initial sync, (b) unchanged re-poll, (c) re-poll after 50
issues changed, (d) re-poll after 50 new comments, prints requests, rate-limit points and wall time
for Steward's sync and for the obvious PyGithub loop over the same data in the same run, with ratios.
Steward's polls include the activity reads (the repository's issue events naming who changed
labels, its comment list); the naive loop of (d) reads the comments of every changed issue.
Targets: (a) <= ceil(n/100) list requests per repo + a small constant; (b) 0 points; (c) and (d)
<= 2 requests per repo; no per-issue requests anywhere (the repository-wide comment and issue
event lists are not per issue).

Local work: the initial sync is also timed next to a raw fetch of the same pages in the same run
(plain HTTP GETs following the Link headers, JSON decoded, nothing stored). Targets: Steward's sync
takes <= 2x the raw fetch, and its own share (sync time minus fetch time) processes >= 10,000
issues/s. (e) a bulk edit of 150 issues within one second: one paid poll, then 304s. Peak RSS is
printed. Exits non-zero when a target is missed.

The fake runs in a process of its own, as GitHub would: its work does not hold the bot's threads up.
Runs on SQLite, then on a throwaway PostgreSQL database (``--no-postgres`` to skip it).

Run: .venv/bin/python bench/github_sync.py [--repos 10] [--issues 20000] [--postgres URL]
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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from github import Auth, Github

import bot.features  # noqa: F401  (the composition root: installs the features the config names)
from bench._databases import database_arguments, measure_on_both, peak_rss_mib
from bench._fake_github import FakeGitHubProcess
from bot.config import StewardConfig, load_config_text
from bot.core.clock import FakeClock
from bot.core.events import EventBus
from bot.db.database import Database
from bot.github.client import GitHubClient
from bot.github.service import GitHubService
from bot.heap import settle_heap
from tests.fakes.github import FakeGitHub

TOKEN = "bench-token"


@dataclass
class Figures:
    requests: int
    points: int
    per_issue: int
    seconds: float
    cpu: float = 0.0  # the bot process's CPU seconds (all its threads) over the same span


REPO_WIDE = ("/issues/comments", "/issues/events")  # one list per repository, not per issue


def served(fake: FakeGitHub) -> tuple[int, int, int]:
    """Requests, points and per-issue requests since the counters were reset (in the fake's process)."""
    per_issue = sum(1 for e in fake.log if "/issues/" in e.path and not e.path.endswith(REPO_WIDE))
    return len(fake.log), fake.points_spent, per_issue


def state_now(fake: FakeGitHub) -> datetime:
    """The fake's clock (it moves a second per change)."""
    return fake.state.now


def measure(fake: FakeGitHubProcess, started: float, cpu_started: float) -> Figures:
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return Figures(*fake.run(served), seconds, cpu)


def populate(fake: FakeGitHub, repos: list[str], total: int) -> list[int]:
    """Issues and PRs, a tenth of them closed; returns how many are open per repo."""
    per_repo = total // len(repos)
    for name in repos:
        fake.state.add_repo(name)
        for n in range(per_repo):
            kind = n % 10
            fake.state.add_issue(
                name,
                title=f"Issue {n} of {name}",
                labels=["good first issue"] if n % 7 == 0 else ["bug"],
                pull_request=kind == 0,
                state="closed" if kind == 1 else "open",
                author=f"user{n % 300}",
            )
    return [sum(1 for i in fake.state.repo(r).issues.values() if i["state"] == "open") for r in repos]


def change_50(fake: FakeGitHub, repos: list[str]) -> None:
    for i in range(50):
        name = repos[i % len(repos)]
        number = 3 + 10 * (i // len(repos))  # open, plain issues
        fake.state.update_issue(name, number, actor="maintainer", labels=["good first issue", "claimed"])


def comment_50(fake: FakeGitHub, repos: list[str]) -> None:
    for i in range(50):
        name = repos[i % len(repos)]
        number = 5 + 10 * (i // len(repos))  # open, plain issues
        fake.state.add_comment(name, number, "maintainer", f"Thanks for the report ({i})")


def bench_config(api_url: str, repos: list[str], url: str, tmp: Path) -> StewardConfig:
    """The config of a Steward watching ``repos`` on the fake at ``api_url``, storing into ``url``."""
    database = (
        f"  sqlite_path: {url.removeprefix('sqlite:///')}\n"
        if url.startswith("sqlite")
        else f"  url: {url}\n"
    )
    text = (
        f"project:\n  name: Bench\ndatabase:\n{database}"
        f"github:\n  repos: [{', '.join(repos)}]\n  token: {TOKEN}\n  api_url: {api_url}\n"
    )
    return load_config_text(text, "bench.yaml", base_dir=tmp)


async def steward_run(fake: FakeGitHubProcess, repos: list[str], url: str) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(fake.base_url, repos, url, Path(tmp))
    assert config.github is not None
    db = Database(config.database_url())
    clock = FakeClock()
    client = GitHubClient(config.github, clock)
    service = GitHubService(db, clock, EventBus(), lambda: config, client)
    assert service.sync is not None
    fake.reset_counters()
    settle_heap()  # as `steward run` does once started
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        for name in repos:
            await service.sync.sync(name)
        return measure(fake, started, cpu_started)
    finally:
        client.close()
        db.dispose()


def raw_fetch(fake: FakeGitHubProcess, repos: list[str]) -> tuple[float, int]:
    """Fetch the initial sync's pages with nothing but HTTP and JSON: the floor for (a)."""
    started = time.perf_counter()
    items = 0
    for name in repos:
        url: str | None = f"{fake.base_url}/repos/{name}/issues?state=open&per_page=100"
        while url:
            request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
            with urllib.request.urlopen(request) as resp:
                items += len(json.loads(resp.read()))
                url = next_link(resp.headers.get("Link") or "")
    return time.perf_counter() - started, items


def next_link(header: str) -> str | None:
    for part in header.split(","):
        target, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return target.strip()[1:-1]
    return None


def bulk_edit(fake: FakeGitHub, repo: str) -> None:
    """150 issues relabelled within one second (GitHub's bulk edit)."""
    edited = [
        fake.state.update_issue(repo, number, actor="maintainer", labels=["bug", "triaged"])
        for number in range(13, 13 + 10 * 150, 10)
    ]
    for item in edited:
        item["updated_at"] = edited[-1]["updated_at"]


def naive_run(
    fake: FakeGitHubProcess, repos: list[str], since: datetime | None, comments: bool = False
) -> Figures:
    """What the obvious PyGithub code does: iterate get_issues() and read the fields it needs
    (with `comments`, also each changed issue's comments)."""
    g = Github(
        auth=Auth.Token(TOKEN), base_url=fake.base_url, per_page=100, seconds_between_requests=0, lazy=True
    )
    fake.reset_counters()
    started, cpu_started = time.perf_counter(), time.process_time()
    for name in repos:
        repo = g.get_repo(name)
        issues = repo.get_issues(state="all", since=since) if since else repo.get_issues(state="open")
        for issue in issues:
            _ = (issue.number, issue.title, issue.state, [lab.name for lab in issue.labels])
            _ = [a.login for a in issue.assignees]
            _ = issue.pull_request is not None  # "is it a PR?": a lazy re-fetch for every plain issue
            if comments:
                _ = [c.user.login for c in issue.get_comments(since=since)]
    g.close()
    return measure(fake, started, cpu_started)


def row(label: str, ours: Figures, naive: Figures) -> str:
    def ratio(a: float, b: float) -> str:
        return f"{b / a:,.1f}x" if a else ("-" if not b else "inf")

    return (
        f"{label:<28} {ours.requests:>8} {ours.points:>8} {ours.per_issue:>9} {ours.seconds:>8.2f}s | "
        f"{naive.requests:>8} {naive.points:>8} {naive.per_issue:>9} {naive.seconds:>8.2f}s | "
        f"req {ratio(ours.requests, naive.requests):>8}  pts {ratio(ours.points, naive.points):>8}"
    )


async def run_on(label: str, url: str, repo_count: int, issues: int) -> bool:
    """Every phase against a fresh fake, storing into ``url``; prints the figures, True when met."""
    repos = [f"bench-org/repo{i}" for i in range(repo_count)]
    with FakeGitHubProcess(TOKEN, populate, repos, issues) as fake:
        open_per_repo: list[int] = fake.populated
        mark = fake.run(state_now)
        raw_seconds, raw_items = raw_fetch(fake, repos)
        results = {}
        results["a"] = (await steward_run(fake, repos, url), naive_run(fake, repos, None))
        results["b"] = (await steward_run(fake, repos, url), naive_run(fake, repos, mark))
        fake.run(change_50, repos)
        results["c"] = (await steward_run(fake, repos, url), naive_run(fake, repos, mark))
        mark = fake.run(state_now)
        fake.run(comment_50, repos)
        results["d"] = (
            await steward_run(fake, repos, url),
            naive_run(fake, repos, mark, comments=True),
        )
        fake.run(bulk_edit, repos[0])
        bulk = [await steward_run(fake, repos[:1], url) for _ in range(4)]

    print(f"\n{label}: {repo_count} repos, {issues:,} issues/PRs ({sum(open_per_repo):,} open)")
    head = f"{'requests':>8} {'points':>8} {'per-issue':>9} {'wall':>9}"
    print(f"{'':<28} {head} | {head}")
    print(f"{'':<28} {'steward':^38} | {'naive PyGithub loop':^38} | naive / steward")
    print(row("(a) initial sync", *results["a"]))
    print(row("(b) unchanged re-poll", *results["b"]))
    print(row("(c) re-poll, 50 changed", *results["c"]))
    print(row("(d) re-poll, 50 comments", *results["d"]))
    a, b, c, d = (results[k][0] for k in "abcd")
    budget_a = sum(math.ceil(n / 100) for n in open_per_repo) + 2 * len(repos)
    own = max(a.seconds - raw_seconds, 1e-9)
    rate = raw_items / own
    print(f"(a) raw fetch of the same pages: {raw_seconds:.2f}s for {raw_items:,} items")
    print(
        f"(a) the bot's CPU during its sync: {a.cpu:.2f}s of {a.seconds:.2f}s,"
        f" {a.cpu / max(raw_items, 1) * 1e6:.0f} µs per issue (fetching, decoding and storing)"
    )
    print(f"(e) bulk edit, points per poll: {[f.points for f in bulk]}")
    print(f"peak RSS so far: {peak_rss_mib():.0f} MiB; load average {os.getloadavg()[0]:.2f}")
    targets = [
        (f"(a) requests {a.requests} <= sum(ceil(open/100)) + 2/repo = {budget_a}", a.requests <= budget_a),
        (
            f"(a) sync {a.seconds:.2f}s <= 2x raw fetch = {a.seconds / raw_seconds:.2f}x",
            a.seconds <= 2 * raw_seconds,
        ),
        (f"(a) own work {rate:,.0f} issues/s >= 10,000", rate >= 10_000),
        (f"(b) points {b.points} == 0", b.points == 0),
        (f"(c) requests {c.requests} <= 2/repo = {2 * len(repos)}", c.requests <= 2 * len(repos)),
        (f"(d) requests {d.requests} <= 2/repo = {2 * len(repos)}", d.requests <= 2 * len(repos)),
        ("(e) one paid poll, then 304s", bulk[0].points > 0 and all(f.points == 0 for f in bulk[1:])),
        ("no per-issue requests", a.per_issue + b.per_issue + c.per_issue + d.per_issue == 0),
    ]
    print("targets:")
    for text, met in targets:
        print(f"  {text}: {'met' if met else 'MISSED'}")
    return all(met for _, met in targets)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=10)
    parser.add_argument("--issues", type=int, default=20_000)
    database_arguments(parser)
    args = parser.parse_args()
    return await measure_on_both(args, lambda label, url: run_on(label, url, args.repos, args.issues))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
