"""The SQL aggregation behind /oncall stats gives what a plain loop over every row gives, on random data:
response times per week, rotation and person, and the backlog at each instant."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.stats import backlog_instants, response_times, week_starts
from cogs.oncall.triage import TriageStore
from cogs.oncall.untriaged import covers

CONFIG = OncallConfig.model_validate(
    {
        "rotations": [
            {"name": "core", "repos": ["acme/core"], "members": ["alice"]},
            {"name": "docs", "repos": ["acme/docs"], "labels": ["docs"], "members": ["carol"]},
        ],
        "triage_labels": ["bug", "question"],
    }
)
REPOS = ["acme/core", "acme/docs", "acme/site"]
NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
TZ = ZoneInfo("Europe/Berlin")
WEEKS = 6
MAINTAINERS = frozenset({"alice"})
BOTS = ["ci-robot"]


def _moment(rng: random.Random) -> datetime:
    """A time in the ten weeks before NOW (some past the report's window), to the microsecond."""
    return NOW - timedelta(seconds=rng.uniform(0, 70 * 86400), microseconds=rng.randrange(1_000_000))


def _seed(
    db: Database, rng: random.Random
) -> tuple[list[dict[str, Any]], dict[int, list[str]], list[dict[str, Any]]]:
    issues: list[dict[str, Any]] = []
    labels: dict[int, list[str]] = defaultdict(list)
    triage: list[dict[str, Any]] = []
    for n in range(1, 401):
        created = _moment(rng)
        is_open = rng.random() < 0.4
        closed = None if is_open else min(NOW, created + timedelta(hours=rng.expovariate(1 / 60)))
        removed = created + timedelta(days=rng.uniform(0, 20)) if rng.random() < 0.05 else None
        author, association = rng.choice(
            [
                ("user1", "NONE"),
                ("user2", None),
                ("alice", "NONE"),
                ("bob", "MEMBER"),
                ("x[bot]", "NONE"),
                ("CI-Robot", "NONE"),
                (None, None),
            ]
        )
        repo_id = rng.randrange(1, 4)
        issues.append(
            {
                "id": n,
                "repo_id": repo_id,
                "number": n,
                "title": f"Issue {n}",
                "state": "open" if is_open else "closed",
                "is_pull_request": rng.random() < 0.3,
                "author_login": author,
                "author_association": association,
                "created_at": created,
                "updated_at": closed or created,
                "closed_at": closed,
                "removed_at": removed,
            }
        )
        for name in ("bug", "question", "docs", "area/x"):
            if rng.random() < 0.2:
                labels[n].append(name)
        if rng.random() < 0.25:  # from before the bot: no record
            continue
        responded = created + timedelta(hours=rng.expovariate(1 / 30)) if rng.random() < 0.7 else None
        triaged = (
            responded + timedelta(hours=rng.uniform(0, 10)) if responded and rng.random() < 0.8 else None
        )
        triage.append(
            {
                "repo": REPOS[repo_id - 1],
                "number": n,
                "rotation": rng.choice(["core", "docs", None]),
                "author_login": author,
                "opened_at": created,
                "first_response_at": responded,
                "first_response_by": rng.choice(["alice", "carol", None]),
                "triaged_at": triaged,
                "triaged_by": rng.choice(["alice", "bob", None]),
                "extra": {},
                "closed_at": closed,
            }
        )

    def write(session: Any) -> None:
        for i, name in enumerate(REPOS, start=1):
            session.add(Repo(id=i, full_name=name, full_name_lower=name))
        session.flush()
        session.execute(insert(TrackedIssue), issues)
        session.execute(
            insert(IssueLabel), [{"issue_id": n, "name": x} for n, xs in labels.items() for x in xs]
        )
        session.execute(insert(OncallTriage), triage)

    db.call(write)
    return issues, labels, triage


def _plain_response_times(
    triage: list[dict[str, Any]], rotation: RotationConfig | None
) -> dict[tuple[str, str], list[float]]:
    """Every duration by (group, kind), one row at a time."""
    starts = week_starts(NOW, WEEKS, TZ)
    out: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in triage:
        opened = row["opened_at"]
        if not starts[0] <= opened < NOW or (rotation and row["rotation"] != rotation.name):
            continue
        week = max(i for i, s in enumerate(starts) if s <= opened)
        for kind, at, by in (
            ("first_response", row["first_response_at"], row["first_response_by"]),
            ("triage", row["triaged_at"], row["triaged_by"]),
        ):
            if at is None or at > NOW:
                continue
            seconds = (at - opened).total_seconds()
            groups = [f"week {week}", f"rotation {row['rotation'] or '-'}", "overall"]
            groups += [f"person {by}"] if by else []
            for group in groups:
                out[group, kind].append(seconds)
    return out


def _plain_backlog(
    issues: list[dict[str, Any]],
    labels: dict[int, list[str]],
    triage: list[dict[str, Any]],
    rotation: RotationConfig | None,
    instants: list[datetime],
) -> list[int]:
    """The backlog at each instant, item by item, from the rules in cogs/oncall/untriaged.py."""
    records = {(r["repo"], r["number"]): r for r in triage}
    counts = []
    for t in instants:
        waiting = 0
        for item in issues:
            repo = REPOS[item["repo_id"] - 1]
            login = (item["author_login"] or "").lower()
            if item["author_association"] in ("OWNER", "MEMBER", "COLLABORATOR") or login.endswith("[bot]"):
                continue
            if login in MAINTAINERS or login in {b.lower() for b in BOTS}:
                continue
            if rotation is not None and not covers(rotation, repo, labels[item["number"]]):
                continue
            closed, removed = item["closed_at"], item["removed_at"]
            if item["created_at"] > t or (removed is not None and removed <= t):
                continue
            if item["state"] != "open" and (closed is None or closed <= t):
                continue
            record = records.get((repo, item["number"]))
            if record is not None and record["triaged_at"] is not None:
                waiting += record["triaged_at"] > t
            else:  # judged by its current labels
                waiting += not set(labels[item["number"]]) & set(CONFIG.triage_labels)
        counts.append(waiting)
    return counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_aggregation_matches_a_plain_loop(db: Database, seed: int) -> None:
    rng = random.Random(seed)
    issues, labels, triage = _seed(db, rng)
    store = TriageStore(CONFIG, MAINTAINERS, BOTS)
    instants = backlog_instants(week_starts(NOW, WEEKS, TZ), NOW)
    for rotation in (None, *CONFIG.rotations):
        report = db.call(response_times, NOW, TZ, WEEKS, rotation)
        got: dict[tuple[str, str], list[float]] = {}
        for group, bucket in (
            *((f"week {i}", report.per_week[s]) for i, s in enumerate(report.weeks)),
            *((f"rotation {name}", b) for name, b in report.per_rotation.items()),
            *((f"person {name}", b) for name, b in report.per_person.items()),
            ("overall", report.overall),
        ):
            for kind in ("first_response", "triage"):
                if values := getattr(bucket, kind):
                    got[group, kind] = sorted(values)
        expected = {key: sorted(values) for key, values in _plain_response_times(triage, rotation).items()}
        assert got.keys() == expected.keys()
        for key, values in expected.items():  # SQLite's durations are to the millisecond
            assert got[key] == pytest.approx(values, abs=0.0011), key
        backlog = db.call(store.backlog_series, instants, rotation)
        assert [t for t, _ in backlog] == instants
        assert [n for _, n in backlog] == _plain_backlog(issues, labels, triage, rotation, instants)
