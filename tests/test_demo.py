"""The bundled demo data set loads through the IssueStore, and loading it twice changes nothing."""

from __future__ import annotations

import json

from sqlmodel import col, func, select

from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from bot.demo import default_demo_path, load_demo_data


def test_demo_file_is_realistic_and_small() -> None:
    path = default_demo_path()
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [item for repo in data["repos"] for item in repo["issues"]]
    assert len(data["repos"]) == 3 and 250 <= len(items) <= 350
    labels = {label["name"] for item in items for label in item["labels"]}
    assert {"good first issue", "help wanted", "easy", "快乐开源", "needs-triage", "bug", "feature"} <= labels
    assert {"area/docs", "area/kernels", "area/models"} <= labels
    logins = {item["user"]["login"] for item in items}
    assert 20 <= len(logins) <= 30
    assert any(item["user"]["type"] == "Bot" for item in items)
    assert any(item["body"].startswith("Fixes #") and item["pull_request"]["merged_at"] for item in items
               if "pull_request" in item)  # fmt: skip
    assert max(item["updated_at"] for item in items) < data["anchor"]


def test_load_is_idempotent(db: Database) -> None:
    first = load_demo_data(db, default_demo_path())
    assert first.repos == 3
    assert first.issues + first.pull_requests == first.changed > 250
    assert first.pull_requests > 50

    with db.session() as s:
        counts = (
            s.exec(select(func.count()).select_from(Repo)).one(),
            s.exec(select(func.count()).select_from(TrackedIssue)).one(),
            s.exec(select(func.count()).select_from(IssueLabel)).one(),
        )
        prs = s.exec(select(func.count()).where(col(TrackedIssue.is_pull_request))).one()
        linked = s.exec(select(TrackedIssue).where(col(TrackedIssue.merged))).all()

    second = load_demo_data(db, default_demo_path())
    assert second.changed == 0
    assert (second.repos, second.issues, second.pull_requests) == (
        first.repos,
        first.issues,
        first.pull_requests,
    )
    with db.session() as s:
        assert counts == (
            s.exec(select(func.count()).select_from(Repo)).one(),
            s.exec(select(func.count()).select_from(TrackedIssue)).one(),
            s.exec(select(func.count()).select_from(IssueLabel)).one(),
        )
    assert prs == first.pull_requests
    assert any(issue.linked_numbers for issue in linked)
