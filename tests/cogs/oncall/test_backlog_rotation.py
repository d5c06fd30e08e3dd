"""The backlog counts what the queue lists (items from before the bot included), and triage records
made by escalations or "ask author" are filed under their rotation (and old ones are repaired)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.core.github_events import IssueCommented
from bot.db.database import Database
from bot.db.models import TrackedIssue
from bot.github.store import IssueStore
from cogs.oncall.config import OncallConfig
from cogs.oncall.models import OncallTriage
from cogs.oncall.stats import build_report, gather_report
from cogs.oncall.triage import TriageStore
from cogs.oncall.triage_record import TriageRecorder
from tests.cogs.oncall.fakes import issue_payload

CONFIG = OncallConfig.model_validate(
    {
        "rotations": [
            {"name": "core", "repos": ["acme/widgets"], "members": ["alice"]},
            {"name": "docs", "repos": ["acme/docs"], "members": ["carol"]},
        ],
        "triage_labels": ["bug", "enhancement"],
    }
)
CORE, DOCS = CONFIG.rotations
NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)  # a Wednesday
# The ends of the last three weeks, then now: the instants of a 4-week report.
INSTANTS = [
    datetime(2026, 2, 16, tzinfo=UTC),
    datetime(2026, 2, 23, tzinfo=UTC),
    datetime(2026, 3, 2, tzinfo=UTC),
    NOW,
]


def _iso(day: str) -> str:
    return f"2026-{day}T10:00:00Z" if len(day) == 5 else day


def _sync(
    db: Database, repo: str, payloads: list[dict[str, Any]], removed: dict[int, datetime] | None = None
) -> None:
    """What a first GitHub sync leaves behind: tracked items, no events, no triage records."""

    def seed(session: Any) -> None:
        store = IssueStore()
        stored = store.upsert_repo(session, repo)
        for payload in payloads:
            payload["html_url"] = f"https://github.com/{repo}/issues/{payload['number']}"
            store.upsert_issue(session, stored, payload)
        for number, at in (removed or {}).items():
            issue = session.exec(select(TrackedIssue).where(TrackedIssue.number == number)).one()
            issue.removed_at = at
            session.add(issue)

    db.call(seed)


def _history(db: Database, recorder: TriageRecorder) -> None:
    """Fifteen items; the comment on each says at which instants it waits (I1..I4 = INSTANTS)."""
    p = issue_payload
    _sync(
        db,
        "acme/widgets",
        [
            p(1, "open since before the bot", _iso("02-10")),  # I1 I2 I3 I4
            p(2, "labelled before the bot", _iso("02-10"), labels=("bug",)),  # never
            p(3, "closed unanswered", _iso("02-12"), state="closed", closed=_iso("02-25")),  # I1 I2
            p(4, "by a member", _iso("02-10"), association="MEMBER"),  # never
            p(5, "by an app", _iso("02-10"), author="renovate[bot]"),  # never
            p(6, "by a configured bot", _iso("02-10"), author="CI-Robot"),  # never
            p(7, "by a configured maintainer", _iso("02-10"), author="Mia"),  # never
            p(8, "answered on 02-27", _iso("02-17")),  # I2
            p(9, "opened today", "2026-03-04T06:00:00Z"),  # I4
            p(10, "removed on 02-20", _iso("02-10")),  # I1
            p(12, "closed long ago", "2025-12-01T10:00:00Z", state="closed", closed="2025-12-05T10:00:00Z"),
            p(13, "open since January", "2026-01-01T10:00:00Z"),  # I1 I2 I3 I4
            p(14, "answered before the window", "2026-02-01T10:00:00Z"),  # never
            p(15, "opened and closed within a week", _iso("02-17"), state="closed", closed=_iso("02-19")),
        ],
        removed={10: datetime(2026, 2, 20, tzinfo=UTC)},
    )
    _sync(db, "acme/docs", [p(11, "a docs item", _iso("02-10"))])  # I1 I2 I3 I4, in docs only
    for number, day in ((8, datetime(2026, 2, 27, tzinfo=UTC)), (14, datetime(2026, 2, 2, tzinfo=UTC))):
        db.call(
            recorder.responded,
            IssueCommented("acme/widgets", number, day, "mia", True, False, comment_id=number),
        )


def test_backlog_counts_the_queue_over_a_history_with_items_from_before_the_bot(db: Database) -> None:
    store = TriageStore(CONFIG, frozenset({"mia"}), ["ci-robot"])
    _history(db, TriageRecorder(CONFIG, frozenset({"mia"}), ["ci-robot"]))

    def counts(rotation: Any) -> list[int]:
        return [n for _, n in db.call(store.backlog_series, INSTANTS, rotation)]

    # By hand from the table in _history.
    assert counts(CORE) == [4, 4, 2, 3]  # I1: 1 3 10 13 · I2: 1 3 8 13 · I3: 1 13 · I4: 1 9 13
    assert counts(DOCS) == [1, 1, 1, 1]
    assert counts(None) == [5, 5, 3, 4]
    # At "now" the backlog is the queue, whichever rotation.
    assert [i.number for i in db.call(store.queue, CORE)] == [13, 1, 9]
    for rotation, size in ((CORE, 3), (DOCS, 1), (None, 4)):
        assert db.call(store.queue_size, rotation) == size == counts(rotation)[-1]
    # The stats report shows the same series at the ends of its weeks and now.
    report = db.call(build_report, store, NOW, ZoneInfo("UTC"), 4, CORE)
    assert [t for t, _ in report.backlog] == INSTANTS
    assert [n for _, n in report.backlog] == [4, 4, 2, 3]
    # Only #8's answer is a response time in the window (#14 was opened before it): 02-17 10:00 → 02-27.
    first_response, _ = report.overall.summaries()
    assert (first_response.count, first_response.median) == (1, (9 * 24 + 14) * 3600.0)


async def test_the_command_runs_the_two_queries_at_once_to_the_same_report(db: Database) -> None:
    store = TriageStore(CONFIG, frozenset({"mia"}), ["ci-robot"])
    _history(db, TriageRecorder(CONFIG, frozenset({"mia"}), ["ci-robot"]))
    together = await gather_report(db, store, NOW, ZoneInfo("UTC"), 4, CORE)
    alone = db.call(build_report, store, NOW, ZoneInfo("UTC"), 4, CORE)
    assert together.backlog == alone.backlog and [n for _, n in together.backlog] == [4, 4, 2, 3]
    assert together.weeks == alone.weeks and together.overall.summaries() == alone.overall.summaries()


def test_a_configured_bot_login_is_no_author_for_the_queue(db: Database) -> None:
    _sync(db, "acme/widgets", [issue_payload(6, "bump", _iso("02-10"), author="ci-robot")])
    assert [i.number for i in db.call(TriageStore(CONFIG, frozenset()).queue, None)] == [6]
    assert db.call(TriageStore(CONFIG, frozenset(), ["CI-Robot"]).queue, None) == []


def test_escalated_and_asked_items_are_filed_under_their_rotation(db: Database) -> None:
    store, recorder = TriageStore(CONFIG, frozenset()), TriageRecorder(CONFIG, frozenset())
    _sync(db, "acme/widgets", [issue_payload(5, "crash", _iso("02-10"))])
    _sync(db, "acme/docs", [issue_payload(6, "typo", _iso("02-11"))])
    escalated_at = datetime(2026, 2, 12, tzinfo=UTC)
    db.call(
        recorder.mark, "acme/widgets", 5, datetime(2026, 2, 10, 10, tzinfo=UTC), escalated_at=escalated_at
    )
    db.call(
        recorder.mark,
        "acme/docs",
        6,
        datetime(2026, 2, 11, 10, tzinfo=UTC),
        sections_requested_at=escalated_at,
    )
    record = db.call(recorder.record, "acme/widgets", 5)
    assert (record.rotation, record.escalated_at, record.author_login) == ("core", escalated_at, "newcomer")
    assert db.call(recorder.record, "acme/docs", 6).rotation == "docs"

    # The escalated item is answered during the shift: the handoff summary of core counts it.
    answered = datetime(2026, 2, 13, tzinfo=UTC)
    db.call(recorder.responded, IssueCommented("acme/widgets", 5, answered, "mia", True, False, comment_id=1))
    shift = (datetime(2026, 2, 12, 9, tzinfo=UTC), datetime(2026, 2, 19, 9, tzinfo=UTC))
    assert [r.number for r in db.call(store.triaged_between, "core", *shift)] == [5]


def test_records_stored_without_a_rotation_are_repaired(db: Database) -> None:
    store, recorder = TriageStore(CONFIG, frozenset()), TriageRecorder(CONFIG, frozenset())
    _sync(db, "acme/widgets", [issue_payload(n, f"item {n}", _iso("02-10")) for n in (7, 8, 10)])
    _sync(db, "acme/other", [issue_payload(9, "uncovered", _iso("02-10"))])
    answered = datetime(2026, 2, 12, tzinfo=UTC)

    def old_records(session: Any) -> None:
        # What mark() stored before it filed records under a rotation.
        opened = datetime(2026, 2, 10, 10, tzinfo=UTC)
        for repo, number in (
            ("acme/widgets", 7),
            ("acme/widgets", 8),
            ("acme/other", 9),
            ("acme/widgets", 10),
        ):
            session.add(OncallTriage(repo=repo, number=number, opened_at=opened, escalated_at=answered))
        triaged = session.exec(select(OncallTriage).where(OncallTriage.number == 8)).one()
        triaged.triaged_at = triaged.first_response_at = answered
        triaged.triaged_by = triaged.first_response_by = "mia"
        session.add(triaged)

    db.call(old_records)
    # A response to one of them files it on the way (no start-up needed).
    later = answered + timedelta(hours=1)
    db.call(recorder.responded, IssueCommented("acme/widgets", 10, later, "mia", True, False, comment_id=2))
    assert db.call(recorder.record, "acme/widgets", 10).rotation == "core"

    assert db.call(recorder.repair_rotations) == 2  # #7 and #8; acme/other is covered by no rotation
    keys = (("acme/widgets", 7), ("acme/widgets", 8), ("acme/other", 9))
    assert {n: db.call(recorder.record, r, n).rotation for r, n in keys} == {7: "core", 8: "core", 9: None}
    assert db.call(recorder.repair_rotations) == 0
    week = (datetime(2026, 2, 9, tzinfo=UTC), datetime(2026, 2, 16, tzinfo=UTC))
    assert [r.number for r in db.call(store.triaged_between, "core", *week)] == [8, 10]
    # Both count in core's stats now: opened 02-10 10:00, answered 1d14h and 1d15h later.
    report = db.call(build_report, store, datetime(2026, 2, 14, tzinfo=UTC), ZoneInfo("UTC"), 1, CORE)
    expected = [timedelta(days=1, hours=14).total_seconds(), timedelta(days=1, hours=15).total_seconds()]
    assert sorted(report.per_rotation["core"].first_response) == expected
    assert sorted(report.per_person["mia"].triage) == expected


def test_statements_kept_between_calls_are_bound_to_each_call_s_instants(db: Database) -> None:
    """The backlog and response-time statements are built once per shape and reused: each call's
    instants, rotation and "now" must still be the ones counted."""
    store = TriageStore(CONFIG, frozenset({"mia"}), ["ci-robot"])
    _history(db, TriageRecorder(CONFIG, frozenset({"mia"}), ["ci-robot"]))

    def counts(instants: list[datetime], rotation: Any) -> list[int]:
        return [n for _, n in db.call(store.backlog_series, instants, rotation)]

    assert counts(INSTANTS[1:], CORE) == [4, 2, 3]
    assert counts(INSTANTS[:3], CORE) == [4, 4, 2]  # the same shape, other instants
    assert counts(INSTANTS[:3], DOCS) == [1, 1, 1]  # the same shape, another rotation
    assert counts(INSTANTS[:3], None) == [5, 5, 3]
    # #8 was answered on 02-27: in a report ending before that, there is no response time yet.
    early = db.call(build_report, store, datetime(2026, 2, 26, tzinfo=UTC), ZoneInfo("UTC"), 4, CORE)
    late = db.call(build_report, store, NOW, ZoneInfo("UTC"), 4, CORE)
    assert early.overall.summaries()[0].count == 0
    assert late.overall.summaries()[0].count == 1
    assert db.call(build_report, store, NOW, ZoneInfo("UTC"), 4, DOCS).overall.summaries()[0].count == 0
