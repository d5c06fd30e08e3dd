"""Offline demo data: load config/demo/github.json into the database through the real IssueStore."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.db.database import Database
from bot.github.store import IssueStore


@dataclass(frozen=True)
class DemoSummary:
    """What a demo data file holds, and how many repos/issues a load actually changed."""

    repos: int
    issues: int
    pull_requests: int
    changed: int


def default_demo_path() -> Path:
    """`config/demo/github.json` of a source checkout (the file is not part of the installed package)."""
    return Path(__file__).resolve().parents[1] / "config" / "demo" / "github.json"


def apply_demo_data(session: Session, data: dict[str, Any], store: IssueStore | None = None) -> DemoSummary:
    """Upsert every repo and issue of a parsed demo file; unchanged rows are left alone."""
    store = store or IssueStore()
    issues = pull_requests = changed = 0
    repos = data.get("repos") or []
    for entry in repos:
        repo = store.upsert_repo(session, entry["full_name"], github_id=entry.get("id"))
        for item in entry.get("issues") or []:
            _, did_change = store.upsert_issue(session, repo, item)
            changed += did_change
            if "pull_request" in item:
                pull_requests += 1
            else:
                issues += 1
    return DemoSummary(repos=len(repos), issues=issues, pull_requests=pull_requests, changed=changed)


def load_demo_data(db: Database, path: Path) -> DemoSummary:
    """Load the demo file at `path` in one transaction; running it again changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    with db.session() as session:
        return apply_demo_data(session, data)
