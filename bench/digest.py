"""Build the weekly digest over 100k issues/PRs, 20k members and two years of on-call history.

Target (issue #10): < 1 s per digest on PostgreSQL and on SQLite. The digest is built by the real
``DigestCog`` of a real ``App`` with the on-call, good-first-issue and spotlight features enabled, so
every feature's ``digest_section`` (the on-call chart included) is part of the figure. Baseline in
the same run: one primary-key lookup (the floor of any round trip).

    .venv/bin/python bench/digest.py [--postgres URL] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._databases import peak_rss_mib, postgres_database, sqlite_database
from bench.oncall_queue import NOW
from bench.oncall_queue import seed as seed_oncall_history
from bot.app import App
from bot.config import load_config_text
from bot.core.clock import FakeClock
from bot.db.database import Database
from bot.db.models import Member, TrackedIssue
from bot.i18n import Reader
from cogs.digest import DigestCog
from cogs.digest.views import week_ending

MEMBERS = 20_000
CONFIG = """project:
  name: Bench
  timezone: UTC
database:
  url: "{url}"
github:
  repos: [acme/core, acme/docs, acme/site]
  demo_data: null
good_first_issues: {{}}
spotlight: {{}}
oncall:
  rotations:
    - {{name: core, repos: [acme/core], members: [alice, bob]}}
    - {{name: docs, repos: [acme/docs], members: [carol]}}
  triage_labels: [bug, enhancement, question, docs]
"""


def seed(db: Database) -> None:
    """100k issues/PRs with two years of triage records (the on-call bench's data) plus 20k members."""
    seed_oncall_history(db)
    rng = random.Random(11)
    rows = [
        {
            "display_name": f"member{i}",
            "created_at": NOW - timedelta(days=730 * rng.random()),
            "is_bot": False,
        }
        for i in range(MEMBERS)
    ]
    with db.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Member), rows[start : start + 5000])
        # Most closed PRs were merged, so the "first contributions" part has real work to do.
        conn.execute(
            update(TrackedIssue)
            .where(
                TrackedIssue.is_pull_request.is_(True),
                TrackedIssue.closed_at.is_not(None),
                TrackedIssue.id % 3 != 0,
            )  # type: ignore[attr-defined,union-attr,operator]
            .values(merged=True, merged_at=TrackedIssue.closed_at)
        )


async def measure(label: str, url: str, runs: int) -> bool:
    db = Database(url)
    t0 = time.perf_counter()
    seed(db)
    seeded = time.perf_counter() - t0
    text = (
        CONFIG.format(url=url)
        if url.startswith("postgres")
        else CONFIG.replace('url: "{url}"', f'sqlite_path: "{url.removeprefix("sqlite:///")}"')
        .replace("{{", "{")
        .replace("}}", "}")
    )
    app = App(
        load_config_text(text, "bench.yaml", base_dir=Path.cwd()), clock=FakeClock(NOW), run_migrations=False
    )
    digest = next(c for c in app.cogs if isinstance(c, DigestCog))
    for cog in app.cogs:
        await cog.start()
    start, end = week_ending(NOW)
    try:
        message = await digest.build(start, end, Reader("en"))  # warm-up, and a sanity check of the content
        assert any(type(b).__name__ == "Image" for b in message.blocks), "the on-call chart is in the digest"
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            await digest.build(start, end, Reader("en"))
            timings.append(time.perf_counter() - began)
        base = []
        for i in range(runs):
            began = time.perf_counter()
            db.call(lambda s, n=i + 1: s.exec(select(TrackedIssue).where(TrackedIssue.id == n)).one())
            base.append(time.perf_counter() - began)
    finally:
        for cog in app.cogs:
            await cog.stop()
        app.db.dispose()
        db.dispose()
    p50, worst = statistics.median(timings), max(timings)
    ok = worst < 1.0
    print(
        f"{label:<11} seeded 100000 issues/PRs, 2 years of triage, {MEMBERS} members in {seeded:5.1f}s | "
        f"digest p50 {p50 * 1000:6.1f} ms, max {worst * 1000:6.1f} ms ({len(message.blocks)} blocks) | "
        f"baseline pk lookup p50 {statistics.median(base) * 1000:5.2f} ms | ratio "
        f"{p50 / max(statistics.median(base), 1e-9):6.0f}x | target < 1000 ms: {'met' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results = []
    with sqlite_database() as url:
        results.append(asyncio.run(measure("SQLite", url, args.runs)))
    if not args.no_postgres:
        with postgres_database(args.postgres) as url:
            results.append(asyncio.run(measure("PostgreSQL", url, args.runs)))
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
