"""Fixtures of the board's tests: the GitHub double (injected in one place), config and seed data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.db.database import Database
from bot.github.store import IssueStore
from cogs.good_first_issues.board import BoardRules
from tests.fakes.github.port_double import RecordingGitHub

REPO = "acme/widgets"
GFI_YAML = f"""github:
  repos: [{REPO}, {{name: acme/docs, newcomer_labels: [快乐开源], assign_on_claim: false}}]
good_first_issues:
  areas: {{"area/docs": docs, "area/core": core}}
  difficulty: {{"difficulty/easy": easy}}
  priority_label: priority
  page_size: 3
  announce_batch_window: 2m
"""
# Board rules for REPO and its newcomer labels, for tests of the claim store without an app.
RULES = BoardRules(
    repo_labels={REPO: frozenset({"good first issue", "help wanted", "easy"})},
    repo_names={REPO: REPO},
    areas={},
    difficulty={},
    priority_label=None,
)


@pytest.fixture
def github() -> RecordingGitHub:
    """The GitHubPort every board test uses; swap for the loopback fake GitHub here, and only here."""
    return RecordingGitHub()


def item(
    number: int,
    title: str,
    labels: Iterable[str] = (),
    *,
    created: datetime,
    state: str = "open",
    pull: bool = False,
    assignees: Iterable[str] = (),
    author: str = "someone",
    body: str | None = None,
) -> dict[str, Any]:
    """A REST issues-list item, as GitHub sends it."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    data: dict[str, Any] = {
        "id": 10_000 + number,
        "number": number,
        "title": title,
        "state": state,
        "labels": [{"name": n} for n in labels],
        "user": {"login": author},
        "assignees": [{"login": a} for a in assignees],
        "comments": 0,
        "html_url": f"https://github.com/{REPO}/{'pull' if pull else 'issues'}/{number}",
        "body": body,
        "created_at": stamp,
        "updated_at": stamp,
        "closed_at": stamp if state == "closed" else None,
    }
    if pull:
        data["pull_request"] = {"merged_at": None}
    return data


def seed(db: Database, repo: str, items: Iterable[dict[str, Any]]) -> None:
    """Mirror issues into the synced tables through the GitHub layer's own store."""
    store = IssueStore()
    with db.session() as session:
        r = store.upsert_repo(session, repo)
        for payload in items:
            store.upsert_issue(session, r, payload)


def standard_board(now: datetime) -> list[dict[str, Any]]:
    """Issues #1..#7 of acme/widgets: four on the board, and one of each thing that is not."""
    day = timedelta(days=1)
    return [
        item(1, "Fix typo in README", ["good first issue", "area/docs"], created=now - 5 * day),
        item(
            2,
            "Add a unit test for parser",
            ["Help Wanted", "area/core", "difficulty/easy"],
            created=now - 3 * day,
        ),
        item(3, "Rewrite the scheduler", ["enhancement"], created=now - 2 * day),
        item(4, "PR: fix typo", ["good first issue"], created=now - day, pull=True),
        item(5, "Old closed one", ["good first issue"], created=now - 9 * day, state="closed"),
        item(6, "Taken on GitHub", ["easy"], created=now - day, assignees=["carol"]),
        item(7, "Urgent docs gap", ["easy", "priority"], created=now - 20 * day),
        item(8, "Improve error text", ["good first issue"], created=now - 4 * day),
    ]
