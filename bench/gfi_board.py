"""`/gfi list` over 50k tracked issues with 5k active claims, on SQLite and PostgreSQL.

Target (issue #6): < 50 ms p99 per page on each database, with query plans that use indexes
(printed; the run fails if a plan scans a big table in full). Baselines in the same run: the
previous implementation (walking tracked_issue newest-first and testing each row's labels and
claims; its pages must equal the new ones) and fetching one issue by primary key, the cheapest
round trip the bot can make.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from typing import Any

from sqlalchemy import false, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select as sm_select

from bench._databases import run_on_both
from bot.db.database import Database
from bot.db.models import IssueLabel, Member, Repo, TrackedIssue
from cogs.good_first_issues.board import (
    BoardFilter,
    BoardPage,
    BoardRules,
    board_conditions,
    board_query,
    configured_repo_ids,
    entries_for,
    list_board,
)
from cogs.good_first_issues.board_index import rebuild
from cogs.good_first_issues.models import GfiClaim

NOW = datetime(2026, 11, 16, 10, tzinfo=UTC)
REPOS = [f"org/repo{i}" for i in range(10)]
NEWCOMER = ["good first issue", "help wanted", "easy", "快乐开源"]
OTHER = ["bug", "enhancement", "area/docs", "area/core", "difficulty/easy", "difficulty/hard"]
RULES = BoardRules(
    repo_labels={r: frozenset(NEWCOMER) for r in REPOS},
    repo_names={r: r for r in REPOS},
    areas={"area/docs": "docs", "area/core": "core"},
    difficulty={"difficulty/easy": "easy", "difficulty/hard": "hard"},
    priority_label="priority",
)
QUERIES = [
    (BoardFilter(), 1),
    (BoardFilter(), 7),
    (BoardFilter(repo="org/repo3"), 1),
    (BoardFilter(area="docs"), 2),
    (BoardFilter(difficulty="hard"), 1),
    (BoardFilter(repo="org/repo2", area="docs"), 1),
    (BoardFilter(area="core", difficulty="easy"), 1),
    (BoardFilter(repo="org/repo5", area="core", difficulty="easy"), 1),
]
BIG_TABLES = ("tracked_issue", "issue_label", "gfi_claim", "gfi_board_entry")


def seed(db: Database, issues: int, claims: int, seed_value: int = 6) -> int:
    """Bulk-insert synthetic issues (about a third carry a newcomer label) and active claims."""
    rng = random.Random(seed_value)
    with db.session() as session:
        repo_ids = []
        for name in REPOS:
            repo = Repo(full_name=name, full_name_lower=name)
            session.add(repo)
            session.flush()
            repo_ids.append(repo.id)
        session.execute(
            insert(Member),
            [{"display_name": f"member{i}", "created_at": NOW, "is_bot": False} for i in range(claims)],
        )
        member_ids = session.execute(select(Member.id)).scalars().all()
        rows = []
        for n in range(issues):
            created = NOW - timedelta(days=730) * rng.random()
            closed = rng.random() < 0.3
            rows.append(
                {
                    "repo_id": repo_ids[n % len(repo_ids)],
                    "number": n // len(repo_ids) + 1,
                    "title": f"Synthetic issue {n}",
                    "state": "closed" if closed else "open",
                    "is_pull_request": rng.random() < 0.2,
                    "draft": False,
                    "author_login": f"user{rng.randrange(5000)}",
                    "assignees": ["someone"] if rng.random() < 0.1 else [],
                    "comments": rng.randint(0, 9),
                    "linked_numbers": [],
                    "created_at": created,
                    "updated_at": created,
                    "merged": False,
                }
            )
        for i in range(0, len(rows), 5000):
            session.execute(insert(TrackedIssue), rows[i : i + 5000])
        issue_rows = session.execute(
            select(TrackedIssue.id, TrackedIssue.state, TrackedIssue.is_pull_request)
        ).all()
        labels = []
        board_candidates = []
        for issue_id, state, is_pr in issue_rows:
            names = set(rng.sample(OTHER, rng.randint(0, 2)))
            if rng.random() < 0.01:
                names.add("priority")
            if rng.random() < 0.35:
                names.add(rng.choice(NEWCOMER))
                if state == "open" and not is_pr:
                    board_candidates.append(issue_id)
            labels += [{"issue_id": issue_id, "name": name} for name in sorted(names)]
        for i in range(0, len(labels), 5000):
            session.execute(insert(IssueLabel), labels[i : i + 5000])
        claimed = rng.sample(board_candidates, min(claims, len(board_candidates)))
        session.execute(
            insert(GfiClaim),
            [
                {
                    "issue_id": issue_id,
                    "open_issue_id": issue_id,
                    "member_id": member_ids[i],
                    "claimed_at": NOW,
                    "last_activity_at": NOW,
                    "remind_at": NOW + timedelta(days=10),
                    "expires_at": NOW + timedelta(days=14),
                    "github_state": "none",
                    "credited": False,
                }
                for i, issue_id in enumerate(claimed)
            ],
        )
    return len(claimed)


def _timed(fn: object) -> float:
    began = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - began


def list_board_before(session: Any, rules: BoardRules, flt: BoardFilter, page: int, size: int) -> BoardPage:
    """The previous /gfi list (before gfi_board_entry), kept here as the same-run baseline."""
    repo_ids = configured_repo_ids(session, rules)
    conditions = board_conditions(rules, repo_ids, flt)
    t = TrackedIssue
    offset, want = (page - 1) * size, size + 1
    newest = (t.created_at.desc(), t.id.desc())
    found: list[Any] = []
    assert rules.priority_label
    ids = list(
        session.execute(
            select(IssueLabel.issue_id).where(func.lower(IssueLabel.name) == "priority")
        ).scalars()
    )
    prioritised = t.id.in_(ids) if ids else false()
    first = session.exec(
        sm_select(t).where(*conditions, prioritised).order_by(*newest).offset(offset).limit(want)
    ).all()
    found.extend(first)
    if not first and offset:
        offset -= int(
            session.exec(sm_select(func.count()).select_from(t).where(*conditions, prioritised)).one()
        )
    else:
        offset = 0
    rest = [*conditions, ~t.id.in_(ids) if ids else True]
    if len(found) < want:
        found.extend(
            session.exec(
                sm_select(t).where(*rest).order_by(*newest).offset(max(0, offset)).limit(want - len(found))
            ).all()
        )
    return BoardPage(entries_for(session, rules, found[:size], repo_ids), page, len(found) > size)


def plan(db: Database, flt: BoardFilter, page: int) -> list[str]:
    """EXPLAIN (QUERY PLAN) of the page query for ``flt``."""
    with db.session() as session:
        query = board_query(configured_repo_ids(session, RULES), flt).offset((page - 1) * 10).limit(11)
        dialect = db.engine.dialect
        compiled = query.compile(
            dialect=postgresql.dialect() if dialect.name == "postgresql" else sqlite.dialect(),
            compile_kwargs={"literal_binds": True},
        )
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        rows = session.execute(text(prefix + str(compiled))).all()
    return [str(row[-1]) for row in rows]


def full_scans(steps: list[str]) -> list[str]:
    """Plan steps that read a big table in full (SQLite "SCAN t" without an index, PostgreSQL Seq Scan)."""
    bad = []
    for step in steps:
        for table in BIG_TABLES:
            sqlite_scan = step.strip().startswith(f"SCAN {table}") and "INDEX" not in step
            if sqlite_scan or f"Seq Scan on {table}" in step:
                bad.append(step.strip())
    return bad


def _describe(flt: BoardFilter, page: int) -> str:
    parts = [
        f"{k}={v}" for k, v in (("repo", flt.repo), ("area", flt.area), ("difficulty", flt.difficulty)) if v
    ]
    return f"page {page}" + (" " + " ".join(parts) if parts else "")


def _percentiles(xs: list[float]) -> tuple[float, float]:
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def measure(label: str, url: str, issues: int, claims: int, runs: int) -> bool:
    db = Database(url)
    try:
        t0 = time.perf_counter()
        claimed = seed(db, issues, claims)
        seeded = time.perf_counter() - t0
        t0 = time.perf_counter()
        board = db.call(rebuild, RULES)  # what the cog does at start-up
        built = time.perf_counter() - t0
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))  # what autovacuum does after a bulk load
        for flt, page in QUERIES:  # warm caches the way a running bot would have them; same pages both ways
            new = db.call(lambda s, f=flt, p=page: list_board(s, RULES, f, p, 10, NOW))
            old = db.call(lambda s, f=flt, p=page: list_board_before(s, RULES, f, p, 10))
            if [e.issue_id for e in new.entries] != [
                e.issue_id for e in old.entries
            ] or new.has_next != old.has_next:
                print(f"{label}: {_describe(flt, page)} differs from the previous implementation")
                return False
        after: dict[int, list[float]] = {i: [] for i in range(len(QUERIES))}
        before: dict[int, list[float]] = {i: [] for i in range(len(QUERIES))}
        for run in range(runs):
            for i, (flt, page) in enumerate(QUERIES):
                after[i].append(
                    _timed(lambda f=flt, p=page: db.call(lambda s: list_board(s, RULES, f, p, 10, NOW)))
                )
                if run % 2 == 0:  # the old query is slow; half as many samples keep the run short
                    before[i].append(
                        _timed(lambda f=flt, p=page: db.call(lambda s: list_board_before(s, RULES, f, p, 10)))
                    )
        base = [_timed(lambda: db.call(lambda s: s.get(TrackedIssue, 1))) for _ in range(runs * len(QUERIES))]
        plans = [plan(db, flt, page) for flt, page in QUERIES]
    finally:
        db.dispose()
    lists = [x for xs in after.values() for x in xs]
    olds = [x for xs in before.values() for x in xs]
    p50, p99 = _percentiles(lists)
    o50, o99 = _percentiles(olds)
    b50 = statistics.median(base)
    scans = sorted({s for steps in plans for s in full_scans(steps)})
    temp_sorts = sorted({s.strip() for steps in plans for s in steps if "TEMP B-TREE" in s})
    ok = p99 < 0.050 and not scans
    print(
        f"{label:<11} seeded {issues} issues + {claimed} active claims in {seeded:5.1f}s, "
        f"board table built in {built * 1000:.0f} ms ({board} issues on the board)\n"
        f"  /gfi list  now  p50 {p50 * 1000:6.2f} ms, p99 {p99 * 1000:6.2f} ms over {len(lists)} pages"
        f" | before p50 {o50 * 1000:6.2f} ms, p99 {o99 * 1000:6.2f} ms"
        f" | speed-up p99 {o99 / max(p99, 1e-9):5.1f}x\n"
        f"  baseline PK fetch p50 {b50 * 1000:5.2f} ms | now/PK p50 ratio {p50 / max(b50, 1e-9):4.1f}x"
        f" | target p99 < 50 ms and no full scan: {'met' if ok else 'MISSED'}"
    )
    print(
        f"  {'query':<42} {'now p50':>8} {'now p99':>8} {'now max':>8} |"
        f" {'before p50':>10} {'before max':>10}"
    )
    for i, (flt, page) in enumerate(QUERIES):
        n50, n99 = _percentiles(after[i])
        b_50, _ = _percentiles(before[i])
        print(
            f"  {_describe(flt, page):<42} {n50 * 1000:8.2f} {n99 * 1000:8.2f} {max(after[i]) * 1000:8.2f} |"
            f" {b_50 * 1000:10.2f} {max(before[i]) * 1000:10.2f}   (ms)"
        )
    for (flt, page), steps in zip(QUERIES, plans, strict=True):
        print(f"  plan, {_describe(flt, page)}:")
        for step in steps:
            print(f"    {step}")
    if scans:
        print(f"  FULL SCAN OF A BIG TABLE in a page plan: {scans}")
    if temp_sorts:
        print(f"  note: plans sort through a temporary B-tree: {temp_sorts}")
    return ok


def main() -> int:
    return run_on_both(measure, __doc__, runs=40)


if __name__ == "__main__":
    sys.exit(main())
