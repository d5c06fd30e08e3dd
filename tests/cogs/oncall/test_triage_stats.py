"""First-response detection from webhook-shaped events, the untriaged queue, and stats by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.github_events import IssueCommented, IssueLabeled, IssueOpened
from bot.db.database import Database
from bot.github.store import IssueStore, parse_github_time
from cogs.oncall.config import OncallConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.sections import missing_sections
from cogs.oncall.stats import build_report, nearest_rank, period_report
from cogs.oncall.triage import TriageStore
from cogs.oncall.triage_record import TriageRecorder
from tests.cogs.oncall.fakes import issue_payload

CONFIG = OncallConfig.model_validate(
    {
        "rotations": [{"name": "core", "members": ["alice"]}],
        "triage_labels": ["bug", "enhancement"],
        "required_sections": ["Environment", "Steps to reproduce", r"version\s*:?\s*\d"],
    }
)
ASSOCIATIONS = {"OWNER", "MEMBER", "COLLABORATOR"}


def _events(payloads: dict[str, dict[str, Any]]) -> list[Any]:
    """Core events built from webhook payload fields, the way the webhook translator fills them."""
    opened, labeled, commented = payloads["opened"], payloads["labeled"], payloads["commented"]
    repo = opened["repository"]["full_name"]
    owner = opened["repository"]["owner"]["login"]

    def is_maintainer(login: str, association: str | None = None) -> bool:
        return login == owner or (association or "") in ASSOCIATIONS

    issue = opened["issue"]
    comment = commented["comment"]
    return [
        IssueOpened(
            repo,
            issue["number"],
            parse_github_time(issue["created_at"]),
            issue["user"]["login"],
            is_maintainer(issue["user"]["login"], issue["author_association"]),
            False,
            title=issue["title"],
            labels=tuple(x["name"] for x in issue["labels"]),
        ),
        IssueLabeled(
            repo,
            labeled["issue"]["number"],
            parse_github_time(labeled["issue"]["updated_at"]),
            labeled["sender"]["login"],
            is_maintainer(labeled["sender"]["login"]),
            labeled["sender"]["type"] == "Bot",
            label=labeled["label"]["name"],
        ),
        IssueCommented(
            repo,
            commented["issue"]["number"],
            parse_github_time(comment["created_at"]),
            comment["user"]["login"],
            is_maintainer(comment["user"]["login"], comment["author_association"]),
            comment["user"]["type"] == "Bot",
            comment_id=comment["id"],
            commenter_is_author=comment["user"]["login"] == commented["issue"]["user"]["login"],
        ),
    ]


def _load(shared: Path) -> dict[str, dict[str, Any]]:
    folder = shared / "github-webhooks"
    return {
        "opened": json.loads((folder / "issues.opened.json").read_text()),
        "labeled": json.loads((folder / "issues.labeled.json").read_text()),
        "commented": json.loads((folder / "issue_comment.created.json").read_text()),
    }


def _seed_issue(db: Database, payload: dict[str, Any], repo: str) -> None:
    def seed(session: Any) -> None:
        store = IssueStore()
        store.upsert_issue(session, store.upsert_repo(session, repo), payload)

    db.call(seed)


def _apply(db: Database, recorder: TriageRecorder, events: list[Any]) -> None:
    for event in events:
        if isinstance(event, IssueOpened):
            db.call(recorder.opened, event)
        else:
            db.call(recorder.responded, event)


def test_verbatim_payloads_the_author_answering_themself_is_no_response(
    db: Database, shared_fixtures: Path
) -> None:
    payloads = _load(shared_fixtures)
    repo = payloads["opened"]["repository"]["full_name"]
    _seed_issue(db, payloads["opened"]["issue"], repo)
    recorder = TriageRecorder(CONFIG, frozenset())
    _apply(db, recorder, _events(payloads))
    # Codertocat opened, labelled and commented on their own issue (and owns the repo): as in CHAOSS,
    # the author's own actions are no response, and a maintainer's own issue is not tracked at all.
    rows = db.call(lambda s: list(s.exec(__import__("sqlmodel").select(OncallTriage))))
    assert rows == []


def test_fixture_shapes_from_an_outside_author_record_first_response_and_triage(
    db: Database, shared_fixtures: Path
) -> None:
    payloads = _load(shared_fixtures)
    # Synthetic variant of the verbatim payloads: the issue is by an outside contributor.
    for p in payloads.values():
        p["issue"]["user"] = {**p["issue"]["user"], "login": "newcomer"}
        p["issue"]["author_association"] = "NONE"
    repo = payloads["opened"]["repository"]["full_name"]
    _seed_issue(db, payloads["opened"]["issue"], repo)
    recorder = TriageRecorder(CONFIG, frozenset())
    events = _events(payloads)
    _apply(db, recorder, events)
    row = db.call(lambda s: s.exec(__import__("sqlmodel").select(OncallTriage)).one())
    assert row.author_login == "newcomer"
    assert row.opened_at == parse_github_time("2019-05-15T15:20:18Z")
    # The label by the owner triaged it; the owner's comment is the first response.
    assert (row.triaged_at, row.triaged_by, row.triage_kind) == (events[1].at, "Codertocat", "label")
    assert (row.first_response_at, row.first_response_by) == (
        parse_github_time("2019-05-15T15:20:21Z"),
        "Codertocat",
    )


def test_bots_authors_and_non_maintainers_do_not_count(db: Database) -> None:
    _seed_issue(db, issue_payload(7, "crash", "2026-01-05T08:00:00Z"), "acme/widgets")
    store, recorder = TriageStore(CONFIG, frozenset()), TriageRecorder(CONFIG, frozenset())
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for event in (
        IssueCommented("acme/widgets", 7, at, "newcomer", False, False, commenter_is_author=True),
        IssueCommented("acme/widgets", 7, at, "helpful-stranger", False, False),
        IssueLabeled("acme/widgets", 7, at, "triage-bot[bot]", True, True, label="bug"),
    ):
        db.call(recorder.responded, event)
    assert [i.number for i in db.call(store.queue, CONFIG.rotations[0])] == [7]
    db.call(
        recorder.responded, IssueCommented("acme/widgets", 7, at + timedelta(hours=1), "alice", True, False)
    )
    assert db.call(store.queue, CONFIG.rotations[0]) == []


def test_queue_oldest_first_excludes_maintainers_bots_labelled_and_flags_missing_sections(
    db: Database,
) -> None:
    body_ok = "### Environment\nLinux\n### Steps to reproduce\n1. run\n\nversion: 3"
    body_missing = "### Environment\n_No response_\n### Steps to reproduce\nclick"
    for payload in (
        issue_payload(1, "newest", "2026-01-05T10:00:00Z", body=body_ok),
        issue_payload(2, "oldest", "2026-01-01T10:00:00Z", body=body_missing),
        issue_payload(3, "by maintainer", "2026-01-01T09:00:00Z", association="MEMBER"),
        issue_payload(4, "by bot", "2026-01-01T09:00:00Z", author="dependabot[bot]"),
        issue_payload(5, "labelled", "2026-01-01T09:00:00Z", labels=("bug",)),
        issue_payload(6, "closed", "2026-01-01T09:00:00Z", state="closed", closed="2026-01-02T09:00:00Z"),
        issue_payload(8, "a PR", "2026-01-03T10:00:00Z", pr=True),
    ):
        _seed_issue(db, payload, "acme/widgets")
    store = TriageStore(CONFIG, frozenset({"mia"}))
    items = db.call(store.queue, None)
    assert [i.number for i in items] == [2, 8, 1]
    assert items[0].missing_sections == ("Environment", r"version\s*:?\s*\d")
    assert items[1].missing_sections == ()  # PRs have no issue template
    assert items[2].missing_sections == ()
    assert db.call(store.queue_size, None) == 3
    assert missing_sections("**Environment**\nmacOS", ["environment"]) == []


MONDAY = datetime(2026, 2, 23, tzinfo=UTC)


def _seed_hand_history(db: Database) -> None:
    """Eight triage records over two weeks, with times easy to compute by hand."""
    monday = MONDAY
    rows = [
        # week of 02-23: first responses after 1h, 2h, 3h, 10h (alice, alice, bob, bob)
        (monday + timedelta(hours=1), 1, 1, "alice", "alice"),
        (monday + timedelta(hours=2), 2, 2, "alice", "alice"),
        (monday + timedelta(days=1), 3, 0.5, "bob", "bob"),
        (monday + timedelta(days=2), 10, 10, "bob", "bob"),
        # week of 02-16: 0.5h, 1.5h, 4h (all carol); one never answered
        (monday - timedelta(days=6), 0.5, 0.5, "carol", "carol"),
        (monday - timedelta(days=5), 1.5, 1.5, "carol", "carol"),
        (monday - timedelta(days=4), 4, 4, "carol", "carol"),
        (monday - timedelta(days=4), None, None, None, None),
    ]

    def seed(session: Any) -> None:
        issues = IssueStore()
        repo = issues.upsert_repo(session, "acme/widgets")
        for i, (opened, fr, tr, fr_by, tr_by) in enumerate(rows):
            # The synced item (all still open), and its triage record.
            created = opened.strftime("%Y-%m-%dT%H:%M:%SZ")
            issues.upsert_issue(session, repo, issue_payload(100 + i, f"item {i}", created))
            session.add(
                OncallTriage(
                    repo="acme/widgets",
                    number=100 + i,
                    rotation="core",
                    opened_at=opened,
                    first_response_at=opened + timedelta(hours=fr) if fr is not None else None,
                    first_response_by=fr_by,
                    triaged_at=opened + timedelta(hours=tr) if tr is not None else None,
                    triaged_by=tr_by,
                )
            )

    db.call(seed)


def test_stats_match_values_computed_by_hand(db: Database) -> None:
    monday = MONDAY
    now = monday + timedelta(days=7, hours=12)  # Tuesday of the following week
    _seed_hand_history(db)
    report = db.call(build_report, TriageStore(CONFIG, frozenset()), now, ZoneInfo("UTC"), 3)
    assert report.weeks == [monday - timedelta(days=7), monday, monday + timedelta(days=7)]
    fr, tr = report.per_week[monday].summaries()
    assert (fr.count, fr.median, fr.p90) == (4, 2.5 * 3600, 10 * 3600)  # median of 1,2,3,10; p90 rank 4
    assert (tr.median, tr.p90) == (1.5 * 3600, 10 * 3600)  # 0.5,1,2,10
    fr, _ = report.per_week[monday - timedelta(days=7)].summaries()
    assert (fr.count, fr.median, fr.p90) == (3, 1.5 * 3600, 4 * 3600)
    fr, _ = report.per_person["bob"].summaries()
    assert (fr.median, fr.p90) == (6.5 * 3600, 10 * 3600)
    overall, _ = report.overall.summaries()
    assert overall.count == 7 and overall.median == 2 * 3600  # 0.5,1,1.5,2,3,4,10
    # Backlog at the end of each week: only the never-answered item is still waiting.
    assert [n for _, n in report.backlog] == [1, 1, 1]
    assert nearest_rank([5, 1, 3], 0.9) == 5 and nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9


async def test_the_digest_period_need_not_start_on_a_monday(db: Database) -> None:
    """The digest's week runs from any moment to the same moment a week later: its figures are the
    items opened in it, not the calendar week it ends in."""
    _seed_hand_history(db)
    start = MONDAY - timedelta(days=5, hours=-12)  # Wednesday noon
    end = MONDAY + timedelta(days=1, hours=12)  # Tuesday noon: 6 1/2 days, whatever the length
    report = await period_report(db, TriageStore(CONFIG, frozenset()), start, end)
    assert report.weeks == [start]
    # Opened in the period: carol's 4h, the unanswered one, alice's 1h and 2h, bob's 3h (not bob's
    # 10h, opened after the end, nor carol's 0.5h and 1.5h, opened before the start).
    fr, tr = report.overall.summaries()
    assert (fr.count, fr.median, fr.p90) == (4, 2.5 * 3600, 4 * 3600)
    assert (tr.count, tr.median) == (4, 1.5 * 3600)  # 4, 1, 2, 0.5 hours
    assert report.per_week[start].summaries() == report.overall.summaries()
    assert sorted(report.per_person) == ["alice", "bob", "carol"]
    assert report.per_person["carol"].summaries()[0].count == 1
    # Nothing waited at the start; the unanswered item waits at the end.
    assert report.backlog == [(start, 0), (end, 1)]
