"""The public pages over 50k tracked issues, 5k claims, two years of on-call history and 200
published spotlights, on SQLite and PostgreSQL.

Target (issue #17): p99 < 100 ms per page, through the real app and HTTP server with an aiohttp
client on loopback, measured two ways and both must meet it:

- cold: ``web.render_cache: 0``, so every request renders (queries, templates, charts). This is
  what the first visitor after a change, or a crawler walking many addresses, gets.
- served: the default ``web.render_cache`` of 10 s (a page is rendered at most once per address
  and language in that time).

Baseline in the same run: a static file from the same server (/static/style.css), the cheapest
answer it gives; each page's p99 is printed as a ratio to it. Exits 1 when a page misses the target.
The tables are analyzed after the bulk load, as autovacuum would have done on a live database.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from sqlalchemy import insert, text
from sqlmodel import Session

from bench._databases import run_on_both
from bench.gfi_board import NEWCOMER, NOW, REPOS
from bench.gfi_board import seed as seed_issues
from bot.app import App
from bot.config import load_config_text
from bot.db.database import Database
from bot.db.models import Member
from bot.heap import settle_heap
from cogs.oncall.models import OncallOverride, OncallTriage
from cogs.spotlight.models import SpotlightAnswer, SpotlightInterview, Status

TARGET_P99_MS = 100.0
BASELINE = "/static/style.css"
SPOTLIGHTS = 200
HISTORY = timedelta(days=730)


def config_text(url: str) -> str:
    database = (
        f'  sqlite_path: "{url.removeprefix("sqlite:///")}"'
        if url.startswith("sqlite")
        else f'  url: "{url}"'
    )
    repos = ", ".join(REPOS)
    labels = ", ".join(f'"{label}"' for label in NEWCOMER)
    start = (NOW - HISTORY).date().isoformat()
    return f"""project: {{name: Bench, timezone: Europe/Berlin}}
database:
{database}
http: {{host: 127.0.0.1, port: 0}}
github: {{repos: [{repos}]}}
good_first_issues:
  labels: [{labels}]
  areas: {{"area/docs": docs, "area/core": core}}
  difficulty: {{"difficulty/easy": easy, "difficulty/hard": hard}}
  priority_label: priority
oncall:
  rotations:
    - {{name: core, members: [ann, bob, cyd, dee], shift_length: 1d, start_date: {start}}}
    - {{name: docs, members: [eve, fay], shift_length: 7d, start_date: {start}}}
spotlight: {{}}
onboarding:
  paths:
    - id: docs
      title: Docs
      steps:
        - {{id: one, title: First fix, areas: [docs], completes: merged_pr}}
        - {{id: two, title: Core, areas: [core], labels: [easy], completes: merged_pr}}
web: {{}}
"""


def seed_history(db: Database, rng: random.Random) -> int:
    """Two years of triage records and overrides, merged first PRs, 200 published spotlights."""
    with db.session() as session:
        session.execute(
            text(
                "UPDATE tracked_issue SET merged = true, merged_at = created_at "
                "WHERE is_pull_request = true AND id % 2 = 0"
            )
        )
        triage = []
        for n in range(20_000):
            opened = NOW - HISTORY * rng.random()
            answered = opened + timedelta(hours=rng.expovariate(1 / 20))
            # As in a real project: nearly everything older than a couple of weeks is triaged and
            # closed; the queue holds the recent rest.
            settled = answered < NOW - timedelta(days=14) or rng.random() < 0.7
            triage.append(
                {
                    "repo": REPOS[n % len(REPOS)],
                    "number": 100_000 + n,
                    "rotation": "core" if n % 3 else "docs",
                    "is_pull_request": False,
                    "opened_at": opened,
                    "first_response_at": answered if answered < NOW else None,
                    "first_response_by": "ann" if answered < NOW else None,
                    "triaged_at": answered + timedelta(hours=2) if settled else None,
                    "triaged_by": "ann" if settled else None,
                    "closed_at": answered + timedelta(days=3) if settled else None,
                    "extra": {},
                }
            )
        for i in range(0, len(triage), 5000):
            session.execute(insert(OncallTriage), triage[i : i + 5000])
        session.execute(
            insert(OncallOverride),
            [
                {
                    "rotation": "core",
                    "member": "bob",
                    "starts_at": (start := NOW - HISTORY + timedelta(days=7 * k)),
                    "ends_at": start + timedelta(days=1),
                    "reason": "cover",
                    "created_at": start,
                }
                for k in range(104)
            ],
        )
        return _spotlights(session, rng)


def _spotlights(session: Session, rng: random.Random) -> int:
    first = None
    for k in range(SPOTLIGHTS):
        member = Member(display_name=f"Contributor {k}", created_at=NOW)
        session.add(member)
        session.flush()
        assert member.id is not None
        published = NOW - timedelta(days=3 * k + 1)
        row = SpotlightInterview(
            member_id=member.id,
            github_login=f"contrib{k}",
            display_name=f"Contributor {k}",
            status=Status.PUBLISHED,
            questions=[{"id": f"q{i}", "texts": {"en": f"Question {i}?"}} for i in range(6)],
            introduction="An introduction with **bold** text.",
            invited_at=published - timedelta(days=20),
            approved_at=published - timedelta(days=1),
            published_at=published,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        first = first or row.id
        for i in range(6):
            words = " ".join(rng.choice(["docs", "kernels", "tests", "review", "*help*"]) for _ in range(120))
            session.add(SpotlightAnswer(interview_id=row.id, question_id=f"q{i}", text=words))
    assert first is not None
    return first


async def measure_http(base: str, paths: list[str], runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {p: [] for p in paths}
    async with aiohttp.ClientSession() as http:
        for path in paths:
            for i in range(runs + 5):
                start = time.perf_counter()
                async with http.get(base + path) as response:
                    await response.read()
                    assert response.status == 200, (path, response.status)
                if i >= 5:  # warm-up: first renders compile templates and fill the board index
                    timings[path].append((time.perf_counter() - start) * 1000)
    return timings


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)]


def analyze(url: str) -> None:
    """Planner statistics, as autovacuum leaves a live database after a bulk load (without them
    PostgreSQL plans the 50k-row tables as if they were empty)."""
    db = Database(url)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if url.startswith("postgres") else "ANALYZE"))
    db.dispose()


def with_render_cache(app: App, seconds: int) -> None:
    web = app.config.web
    assert web is not None
    app.config = app.config.model_copy(update={"web": web.model_copy(update={"render_cache": seconds})})


async def run(label: str, url: str, issues: int, claims: int, runs: int) -> bool:
    rng = random.Random(17)
    db = Database(url)
    seed_issues(db, issues, claims)
    first_spotlight = seed_history(db, rng)
    db.dispose()
    config = load_config_text(config_text(url))
    # The real clock: cached pages expire as they would in production (the data is dated around NOW,
    # a few weeks back at most, so every page has something to show).
    app = App(config)
    app.services.github = None  # offline: the pages read the seeded tables, nothing syncs meanwhile
    await app.start()
    settle_heap()  # as `steward run` does once started
    # No scheduled jobs meanwhile: on SQLite a job's write transaction would make page reads wait,
    # and that is the scheduler's cost, not the pages'.
    app.scheduler.shutdown()
    paths = [
        BASELINE,
        "/",
        "/?page=40",
        "/?area=docs&difficulty=hard",
        "/?q=issue+4242",
        "/?label=easy&repo=org/repo3",
        "/oncall",
        "/spotlights",
        f"/spotlights/{first_spotlight + 37}",
        "/spotlights/feed.xml",
        "/start",
        "/health",
    ]
    try:
        base = f"http://127.0.0.1:{app.http.port}"
        await measure_http(base, ["/"], 0)  # the first board page builds the board index...
        analyze(url)  # ...so the statistics cover it too
        served = await measure_http(base, paths, runs)
        with_render_cache(app, 0)
        cold = await measure_http(base, paths, runs)
    finally:
        await app.stop()
    print(
        f"\n{label}: {issues} issues, {claims} claims, 2 years on call, {SPOTLIGHTS} spotlights, "
        f"{runs} runs/page each way; target p99 < {TARGET_P99_MS:.0f} ms; load {os.getloadavg()[0]:.1f}"
    )
    ok = True
    for name, timings in (("cold (render_cache: 0)", cold), ("served (render_cache: 10 s)", served)):
        baseline = p99(timings.pop(BASELINE))
        print(f"  {name}; baseline {BASELINE} p99 {baseline:.1f} ms")
        for path, values in timings.items():
            worst = p99(values)
            met = worst < TARGET_P99_MS
            ok = ok and met
            print(
                f"    {path:<30} p50 {statistics.median(values):6.1f} p99 {worst:6.1f} ms "
                f"({worst / baseline:6.1f}x baseline) max {max(values):6.1f} ms  {'ok' if met else 'MISSED'}"
            )
    return ok


def measure(label: str, url: str, issues: int, claims: int, runs: int) -> bool:
    return asyncio.run(run(label, url, issues, claims, runs))


if __name__ == "__main__":
    sys.exit(run_on_both(measure, __doc__, runs=100))
