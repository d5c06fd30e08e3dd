"""The queue's size is how many items the queue lists, on random data: every rule (authors, state,
removal, triage records, the label rules, rotations by repo and by label) mixed at random. A faster
count must keep this test passing."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlmodel import Session, select

from bot.core.github_events import IssueLabeled
from bot.db.database import Database
from bot.db.models import ISSUES_TOPIC, IssueLabel, Repo, TrackedIssue
from bot.github.store import IssueStore
from cogs.oncall.config import OncallConfig
from cogs.oncall.models import OncallTriage, OncallWaiting
from cogs.oncall.triage import TriageAccess, TriageStore
from cogs.oncall.waiting import TRIAGE_TOPIC
from tests.cogs.oncall.fakes import issue_payload

NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)
REPOS = ["acme/core", "acme/docs", "acme/site"]
LABELS = ["bug", "enhancement", "needs-triage", "area/x", "docs"]
AUTHORS = ["newcomer", "alice", "Alice", "ci-robot", "renovate[bot]", None, "someone"]
ROTATIONS = [
    {"name": "core", "repos": ["acme/core"], "members": ["alice"]},
    {"name": "docs", "repos": ["acme/docs", "acme/site"], "labels": ["docs"], "members": ["carol"]},
    {"name": "any", "labels": ["area/x", "bug"], "members": ["bob"]},
]
LABEL_RULES: list[dict[str, Any]] = [
    {"triage_labels": ["bug", "enhancement"]},
    {"needs_triage_label": "needs-triage"},
    {},
]


def _seed(db: Database, rng: random.Random, items: int) -> None:
    issues: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    triage: list[dict[str, Any]] = []
    for n in range(1, items + 1):
        repo_id = rng.randrange(len(REPOS)) + 1
        created = NOW - timedelta(days=rng.random() * 60)
        issues.append(
            {
                "id": n,
                "repo_id": repo_id,
                "number": n,
                "github_id": n,
                "title": f"Item {n}",
                "state": rng.choice(("open", "open", "closed")),
                "is_pull_request": rng.random() < 0.3,
                "draft": False,
                "author_login": rng.choice(AUTHORS),
                "author_association": rng.choice(("NONE", "NONE", "CONTRIBUTOR", "MEMBER", "OWNER", None)),
                "assignees": [],
                "comments": 0,
                "html_url": None,
                "body_excerpt": None,
                "linked_numbers": [],
                "created_at": created,
                "updated_at": created,
                "closed_at": None,
                "merged": False,
                "removed_at": NOW if rng.random() < 0.05 else None,
            }
        )
        labels += [{"issue_id": n, "name": name} for name in rng.sample(LABELS, rng.randrange(3))]
        if rng.random() < 0.5:  # a record, triaged or not (asked, escalated), or none at all
            triaged = created + timedelta(hours=1) if rng.random() < 0.5 else None
            triage.append(
                {
                    "repo": REPOS[repo_id - 1],
                    "number": n,
                    "rotation": None,
                    "is_pull_request": False,
                    "opened_at": created,
                    "triaged_at": triaged,
                    "triaged_by": "alice" if triaged else None,
                    "extra": {},
                }
            )

    def work(session: Session) -> None:
        for i, name in enumerate(REPOS, start=1):
            session.add(Repo(id=i, full_name=name, full_name_lower=name))
        session.flush()
        for table, rows in ((TrackedIssue, issues), (IssueLabel, labels), (OncallTriage, triage)):
            session.execute(insert(table), rows)  # type: ignore[arg-type]

    db.call(work)


@pytest.mark.parametrize("rule", LABEL_RULES, ids=["triage_labels", "needs_triage_label", "no_label_rule"])
def test_the_count_matches_the_queue_on_random_data(db: Database, rule: dict[str, Any]) -> None:
    _seed(db, random.Random(len(rule) * 7 + len(str(rule))), 400)
    config = OncallConfig.model_validate({"rotations": ROTATIONS, **rule})
    store = TriageStore(config, ["alice"], ["ci-robot"])
    for rotation in (None, *config.rotations):
        size = db.call(store.queue_size, rotation)
        assert size == len(db.call(store.queue, rotation))
        assert 0 < size < 400  # the data exercises the rules: some wait, most do not
        # The page the command shows: the first items and the same count, from one statement.
        for limit in (1, 15, size + 5):
            page, total = db.read_call(store.queue_page, rotation, limit)
            assert total == size
            assert page == db.call(store.queue, rotation, limit)


def _mutate(db: Database, access: TriageAccess, rng: random.Random, items: int) -> None:
    """Change items the way the bot's writers do: GitHub sync upserts and removals, triage recording."""
    store = IssueStore()

    def sync(session: Session) -> None:
        repo = store.upsert_repo(session, REPOS[0])
        for n in rng.sample(range(1, items + 1), 40):
            issue = session.get(TrackedIssue, n)
            assert issue is not None
            if issue.repo_id != repo.id:
                continue
            later = (NOW + timedelta(minutes=n)).isoformat().replace("+00:00", "Z")
            payload = issue_payload(
                n,
                issue.title,
                issue.created_at.isoformat().replace("+00:00", "Z"),
                author=rng.choice([a for a in AUTHORS if a]),
                labels=tuple(rng.sample(LABELS, rng.randrange(3))),
                state=rng.choice(("open", "closed")),
            )
            payload["updated_at"] = later
            store.upsert_issue(session, repo, payload)
        store.mark_removed(session, repo, rng.sample(range(1, items + 1), 10), NOW)
        if session.get_bind().dialect.name == "postgresql":  # the seed set ids: move the sequence past them
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('tracked_issue', 'id'), {items})"))
        new = issue_payload(items + 1, "New", "2026-03-04T10:00:00Z", labels=("needs-triage",))
        store.upsert_issue(session, repo, new)

    db.call(sync)
    recorder = access.recorder()
    for n in rng.sample(range(1, items + 2), 60):
        event = IssueLabeled(
            repo=REPOS[(n - 1) % len(REPOS)] if n <= items else REPOS[0],
            number=n,
            at=NOW + timedelta(hours=1),
            actor_login="alice",
            actor_is_maintainer=True,
            label="bug",
        )
        db.call(recorder.responded, event)


@pytest.mark.parametrize("rule", LABEL_RULES, ids=["triage_labels", "needs_triage_label", "no_label_rule"])
def test_the_kept_table_counts_the_queue_as_items_change(db: Database, rule: dict[str, Any]) -> None:
    """``oncall_waiting`` (the fast count) matches the queue after a rebuild, after syncs and triage,
    and is rebuilt when the rules change."""
    rng = random.Random(len(str(rule)))
    _seed(db, rng, 400)
    config = OncallConfig.model_validate({"rotations": ROTATIONS, **rule})
    maintainers = ["alice"]
    access = TriageAccess(lambda: config, lambda: maintainers, lambda: ["ci-robot"])
    db.on_change(ISSUES_TOPIC, access.waiting.on_change)
    db.on_change(TRIAGE_TOPIC, access.waiting.on_change)
    assert not access.store().waiting_ready  # not built by this process yet: counted live

    def both() -> tuple[set[int], set[int]]:
        """The kept table's items and the queue's (numbers are ids here), after checking the count."""
        live = TriageStore(config, maintainers, ["ci-robot"])
        kept = set(db.call(lambda s: s.exec(select(OncallWaiting.issue_id)).all()))
        listed = {item.number for item in db.call(live.queue, None)}
        assert db.call(access.store().queue_size, None) == len(kept)
        return kept, listed

    asyncio.run(access.ensure_waiting(db))
    assert access.store().waiting_ready
    kept, listed = both()
    assert kept == listed and 0 < len(kept) < 400
    _mutate(db, access, rng, 400)
    kept_after, listed_after = both()
    assert kept_after == listed_after != listed  # the changes moved the queue, and the table followed
    maintainers = ["alice", "newcomer"]  # a reload: new rules, the table is rebuilt for them
    assert not access.store().waiting_ready
    asyncio.run(access.ensure_waiting(db))
    kept_reloaded, listed_reloaded = both()
    assert kept_reloaded == listed_reloaded < listed_after


def test_an_empty_queue_page(db: Database) -> None:
    store = TriageStore(OncallConfig.model_validate({"rotations": ROTATIONS}), ["alice"])
    assert db.read_call(store.queue_page, None, 15) == ([], 0)
