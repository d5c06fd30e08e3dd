"""The queue's size is how many items the queue lists, on random data: every rule (authors, state,
removal, triage records, the label rules, rotations by repo and by label) mixed at random. A faster
count must keep this test passing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlmodel import Session

from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.oncall.config import OncallConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.triage import TriageStore

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
