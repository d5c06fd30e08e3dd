"""IssueStore upsert semantics on real databases, with self-built REST items and the recorded fixture."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from bot.github.store import IssueStore, linked_issue_numbers

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
ISSUE_LIST = FIXTURES / "github-rest" / "repos.PyGithub.PyGithub.issues.json"


def item(number: int = 7, updated_at: str = "2026-10-01T12:00:00Z", **overrides: Any) -> dict[str, Any]:
    """One issue in the shape of GET /repos/{owner}/{repo}/issues."""
    payload: dict[str, Any] = {
        "id": 3_000_000_000 + number,
        "number": number,
        "title": "Fix typos in the quickstart",
        "state": "open",
        "state_reason": None,
        "labels": [{"name": "good first issue"}, {"name": "area/docs"}],
        "assignees": [],
        "user": {"login": "Ada-L", "type": "User"},
        "author_association": "NONE",
        "comments": 1,
        "body": "The quickstart has typos.",
        "html_url": f"https://github.com/acme/widgets/issues/{number}",
        "created_at": "2026-09-30T08:00:00Z",
        "updated_at": updated_at,
        "closed_at": None,
    }
    payload.update(overrides)
    return payload


def pr_item(number: int = 9, merged_at: str | None = None, **overrides: Any) -> dict[str, Any]:
    """One pull request as the issues endpoint lists it (with a `pull_request` object)."""
    pull_request = {
        "url": f"https://api.github.com/repos/acme/widgets/pulls/{number}",
        "merged_at": merged_at,
    }
    return item(number, **{"pull_request": pull_request, "draft": False, **overrides})


@pytest.fixture
def store() -> IssueStore:
    return IssueStore()


def _labels(db: Database) -> set[str]:
    with db.session() as s:
        return set(s.exec(select(IssueLabel.name)).all())


def test_upsert_repo_is_case_insensitive(db: Database, store: IssueStore) -> None:
    with db.session() as s:
        first = store.upsert_repo(s, "Acme/Widgets")
        again = store.upsert_repo(s, "acme/widgets", github_id=5_000_000_000)
        assert again.id == first.id and again.full_name == "Acme/Widgets"
    with db.session() as s:
        repo = s.exec(select(Repo)).one()
        assert repo.github_id == 5_000_000_000 and repo.full_name_lower == "acme/widgets"


def test_insert_then_update_then_stale_noop(db: Database, store: IssueStore) -> None:
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        issue, changed = store.upsert_issue(s, repo, item())
        assert changed and issue.number == 7 and not issue.is_pull_request
        assert issue.author_login == "Ada-L" and issue.github_id == 3_000_000_007
        assert issue.updated_at.isoformat() == "2026-10-01T12:00:00+00:00"
        # The same payload again (a poll after a webhook) changes nothing.
        assert store.upsert_issue(s, repo, item()) == (issue, False)

    newer = item(
        updated_at="2026-10-02T12:00:00Z", state="closed", state_reason="completed",
        closed_at="2026-10-02T12:00:00Z", assignees=[{"login": "bob"}], comments=3,
    )  # fmt: skip
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        issue, changed = store.upsert_issue(s, repo, newer)
        assert changed and issue.state == "closed" and issue.assignees == ["bob"] and issue.comments == 3
        # A late, older payload must not undo the newer state.
        issue, changed = store.upsert_issue(s, repo, item(updated_at="2026-10-01T18:00:00Z", title="old"))
        assert not changed and issue.state == "closed" and issue.title == "Fix typos in the quickstart"

    with db.session() as s:
        stored = s.exec(select(TrackedIssue)).one()
        assert stored.state_reason == "completed" and stored.closed_at is not None


def test_labels_are_replaced(db: Database, store: IssueStore) -> None:
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        store.upsert_issue(s, repo, item())
    assert _labels(db) == {"good first issue", "area/docs"}

    relabelled = item(updated_at="2026-10-03T00:00:00Z", labels=[{"name": "area/docs"}, {"name": "快乐开源"}])
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        issue, changed = store.upsert_issue(s, repo, relabelled)
        assert changed and store.labels(s, issue) == ["area/docs", "快乐开源"]
    assert _labels(db) == {"area/docs", "快乐开源"}

    # Only a label change, same updated_at: still applied and reported.
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        _, changed = store.upsert_issue(s, repo, {**relabelled, "labels": []})
        assert changed
    assert _labels(db) == set()


def test_pull_requests_and_merges(db: Database, store: IssueStore) -> None:
    body = "Fixes #7, closes acme/widgets#8 and resolves other/repo#9.\nSee #10. Fixed: #11"
    with db.session() as s:
        repo = store.upsert_repo(s, "Acme/Widgets")
        pr, _ = store.upsert_issue(s, repo, pr_item(12, body=body, draft=True))
        assert pr.is_pull_request and pr.draft and not pr.merged and pr.merged_at is None
        assert pr.linked_numbers == [7, 8, 11]

        merged = pr_item(
            12, merged_at="2026-10-05T10:00:00Z", body=body, state="closed",
            closed_at="2026-10-05T10:00:00Z", updated_at="2026-10-05T10:00:01Z",
        )  # fmt: skip
        pr, changed = store.upsert_issue(s, repo, merged)
        assert changed and pr.merged and pr.merged_at is not None and pr.state == "closed" and not pr.draft


def test_linked_issue_numbers() -> None:
    assert linked_issue_numbers("fixes #3\nCloses #4\nresolved #5", "a/b") == [3, 4, 5]
    assert linked_issue_numbers(
        "Fixes https://github.com/A/B/issues/6 and https://github.com/x/y/issues/7", "a/b"
    ) == [6]
    assert linked_issue_numbers("prefixes #1, see #2, fix#3", "a/b") == []
    assert linked_issue_numbers("fixes #12", "a/b", own_number=12) == []
    assert linked_issue_numbers(None, "a/b") == []


def test_body_excerpt_is_capped(db: Database, store: IssueStore) -> None:
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        issue, _ = store.upsert_issue(s, repo, item(body="x" * 5000))
        assert issue.body_excerpt is not None and len(issue.body_excerpt) == 2000


def test_mark_removed_and_reappear(db: Database, store: IssueStore) -> None:
    now = datetime(2026, 10, 10, tzinfo=UTC)
    with db.session() as s:
        repo = store.upsert_repo(s, "acme/widgets")
        store.upsert_issue(s, repo, item())
        assert store.mark_removed(s, repo, [7, 99], now) == 1
        issue = store.get_issue(s, repo, 7)
        assert issue is not None and issue.removed_at == now
        issue, changed = store.upsert_issue(s, repo, item(updated_at="2026-10-11T00:00:00Z"))
        assert changed and issue.removed_at is None


def test_recorded_issue_list(db: Database, store: IssueStore) -> None:
    if not ISSUE_LIST.is_file():
        pytest.skip(f"shared fixtures not present ({FIXTURES}); they live beside the checkout, not in it")
    payload = json.loads(ISSUE_LIST.read_text(encoding="utf-8"))
    with db.session() as s:
        repo = store.upsert_repo(s, "PyGithub/PyGithub")
        results = [store.upsert_issue(s, repo, entry) for entry in payload]
        assert all(changed for _, changed in results)
        assert not any(store.upsert_issue(s, repo, entry)[1] for entry in payload)
    with db.session() as s:
        rows = s.exec(select(TrackedIssue)).all()
        assert len(rows) == 30
        assert sum(r.is_pull_request for r in rows) == 9
        by_number = {r.number: r for r in rows}
        first = by_number[3045]
        assert first.is_pull_request and first.author_login == "bmwiedemann" and first.github_id == 2528623106
        assert first.author_association == "FIRST_TIME_CONTRIBUTOR"
        assert first.created_at.isoformat() == "2024-09-16T14:19:35+00:00"
        assert by_number[3006].linked_numbers == [2970]
        assert by_number[3034].draft
        assert all(r.state == "open" and r.removed_at is None for r in rows)
