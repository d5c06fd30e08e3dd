"""The stats cache gives what computing the report afresh gives, after every kind of write, by any
writer (the journal is kept by triggers), as now moves on and across time zones and rotations."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert, text, update
from sqlmodel import Session

from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.oncall import stats_cache
from cogs.oncall.change_feed import EVERYTHING, ChangeFeed
from cogs.oncall.models import OncallChange, OncallTriage
from cogs.oncall.stats import Report, gather_report
from cogs.oncall.stats_cache import BacklogShares, StatsCache
from cogs.oncall.triage import TriageStore
from tests.cogs.oncall.test_stats_aggregation import BOTS, CONFIG, MAINTAINERS, NOW, TZ, WEEKS, _seed

SHAPES = [
    (TZ, WEEKS, None),
    (ZoneInfo("Asia/Shanghai"), 8, CONFIG.rotations[0]),
    (TZ, 4, CONFIG.rotations[1]),
]


def _figures(report: Report) -> dict[str, Any]:
    """Everything a report shows; durations sorted (the cache may hand them over in another order)."""
    groups = {
        **{f"week {i}": report.per_week[s] for i, s in enumerate(report.weeks)},
        **{f"rotation {name}": b for name, b in report.per_rotation.items() if b.first_response or b.triage},
        **{f"person {name}": b for name, b in report.per_person.items()},
        "overall": report.overall,
    }
    return {
        "weeks": report.weeks,
        "backlog": report.backlog,
        **{name: (sorted(b.first_response), sorted(b.triage)) for name, b in groups.items()},
    }


def _check(db: Database, cache: StatsCache, now: datetime) -> None:
    store = TriageStore(CONFIG, MAINTAINERS, BOTS)
    for tz, weeks, rotation in SHAPES:
        kept = asyncio.run(cache.report(db, store, now, tz, weeks, rotation))
        fresh = asyncio.run(gather_report(db, store, now, tz, weeks, rotation))
        assert _figures(kept) == _figures(fresh), (tz, weeks, rotation and rotation.name)


def _write(db: Database, statement: Any) -> None:
    def run(session: Session) -> None:
        session.execute(statement)

    db.call(run)


def _writes(now: datetime) -> list[tuple[str, Callable[[], Any]]]:
    """One write of each kind that moves the figures (ids from the seeded data)."""
    issue, record = TrackedIssue, OncallTriage
    return [
        ("close an open item", lambda: update(issue).where(issue.state == "open", issue.id < 60).values(
            state="closed", closed_at=now - timedelta(hours=1))),
        ("reopen", lambda: update(issue).where(issue.id == 7).values(state="open", closed_at=None)),
        ("label an item without a record", lambda: insert(IssueLabel).values(issue_id=3, name="bug")),
        ("unlabel", lambda: delete(IssueLabel).where(IssueLabel.name == "bug", IssueLabel.issue_id < 200)),
        ("rotation label", lambda: insert(IssueLabel).values(issue_id=11, name="docs")),
        ("new item and record", lambda: insert(issue).values(
            id=1000, repo_id=1, number=1000, title="new", state="open", is_pull_request=False,
            author_login="user9", created_at=now - timedelta(minutes=30), updated_at=now)),
        ("its record", lambda: insert(record).values(
            repo="acme/core", number=1000, rotation="core", opened_at=now - timedelta(minutes=30), extra={})),
        ("an old item synced late", lambda: insert(issue).values(
            id=1001, repo_id=1, number=1001, title="old", state="closed", is_pull_request=False,
            author_login="user9", created_at=now - timedelta(days=30), updated_at=now,
            closed_at=now - timedelta(days=2))),
        ("triage an old record", lambda: update(record).where(record.number < 40, record.triaged_at.is_(None))
            .values(triaged_at=now - timedelta(minutes=5), triaged_by="bob")),
        ("first response", lambda: update(record).where(record.number.between(40, 80)).values(
            first_response_at=now - timedelta(minutes=1), first_response_by="carol")),
        ("move a record's rotation", lambda: update(record).where(record.number.between(80, 120)).values(
            rotation="docs")),
        ("delete records", lambda: delete(record).where(record.number.between(120, 140))),
        ("remove items", lambda: update(issue).where(issue.id.between(140, 160)).values(
            removed_at=now - timedelta(minutes=3))),
        ("a maintainer's items", lambda: update(issue).where(issue.id.between(160, 200)).values(
            author_association="MEMBER")),
        ("delete items", lambda: delete(issue).where(issue.id.between(200, 210))),
        ("rename a repo", lambda: update(Repo).where(Repo.id == 2).values(full_name_lower="acme/docs2")),
        ("rename it back", lambda: update(Repo).where(Repo.id == 2).values(full_name_lower="acme/docs")),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_the_cache_follows_every_write(db: Database, seed: int) -> None:
    _seed(db, random.Random(seed))
    cache = StatsCache()
    now = NOW
    _check(db, cache, now)
    for name, write in _writes(NOW):
        _write(db, write())
        now += timedelta(minutes=7)
        try:
            _check(db, cache, now)
            _check(db, cache, now)  # and again with nothing changed
        except AssertionError as error:
            raise AssertionError(f"after: {name}") from error


def test_now_passing_times_already_stored(db: Database) -> None:
    """Times after the first call's now (a clock behind GitHub's, or data written ahead) count once
    now passes them, with nothing written in between."""
    _seed(db, random.Random(4))
    cache = StatsCache()
    early = NOW - timedelta(days=2)
    for step in range(0, 49, 6):
        _check(db, cache, early + timedelta(hours=step))
    for step in range(48, -1, -12):  # and back: reports of an earlier moment in the same weeks
        _check(db, cache, early + timedelta(hours=step))


def _issue_ids(db: Database) -> frozenset[int]:
    return frozenset(db.call(lambda s: list(s.execute(text("SELECT id FROM tracked_issue")).scalars())))


def _named(db: Database, feed: ChangeFeed, *, before: frozenset[int]) -> frozenset[int]:
    """The items the next read names, less those of ``before`` on PostgreSQL. There the cursor is the
    oldest transaction running anywhere on the server at the last read, so while another client held
    a transaction open (another test run, a backup) the entries written since it began are named
    again: repeated, never missed. On SQLite the cursor is exact and nothing is taken off."""
    changes = db.read_call(feed.read)
    assert not changes.everything
    return changes.items - before if db.engine.dialect.name == "postgresql" else changes.items


def test_the_journal_names_what_changed(db: Database) -> None:
    _seed(db, random.Random(1))
    feed = ChangeFeed()
    assert db.read_call(feed.read) == EVERYTHING  # no cursor yet
    seeded = _issue_ids(db)
    assert _named(db, feed, before=seeded) == frozenset()
    _write(db, update(TrackedIssue).where(TrackedIssue.id == 5).values(title="only the title"))
    assert _named(db, feed, before=seeded) == frozenset()  # nothing the figures read
    _write(db, update(TrackedIssue).where(TrackedIssue.id == 5).values(state="closed", closed_at=NOW))
    _write(db, insert(IssueLabel).values(issue_id=6, name="question"))
    opened = NOW - timedelta(days=3)
    _write(db, insert(OncallTriage).values(repo="acme/core", number=1, opened_at=opened, extra={}))
    changes = db.read_call(feed.read)
    assert changes.items >= {5, 6} and not changes.everything
    assert opened in changes.opened
    if db.engine.dialect.name == "sqlite":  # PostgreSQL may name the seeded records again (see _named)
        assert changes.opened == (opened,)
    _write(db, update(Repo).where(Repo.id == 3).values(full_name_lower="acme/elsewhere"))
    assert db.read_call(feed.read) == EVERYTHING


def test_a_reader_behind_a_pruned_journal_starts_over(db: Database) -> None:
    _seed(db, random.Random(1))
    feed = ChangeFeed()
    db.read_call(feed.read)
    _write(db, update(TrackedIssue).where(TrackedIssue.id == 5).values(state="closed", closed_at=NOW))

    def prune(session: Session) -> None:  # what the triggers do once 100,000 entries are past
        session.execute(delete(OncallChange))
        session.execute(text("DELETE FROM oncall_change"))

    db.call(prune)
    _write(db, update(TrackedIssue).where(TrackedIssue.id == 6).values(state="closed", closed_at=NOW))
    assert db.read_call(feed.read) == EVERYTHING
    _write(db, update(TrackedIssue).where(TrackedIssue.id == 8).values(state="closed", closed_at=NOW))
    assert _named(db, feed, before=_issue_ids(db) - {8}) == {8}


def test_the_triggers_prune_the_journal(db: Database) -> None:
    """About the last 100,000 entries are kept: an entry far enough past prunes those before."""

    def journal(session: Session) -> None:
        session.execute(insert(OncallChange), [{"seq": n, "issue_id": n} for n in range(1, 11)])

    def far_ahead(session: Session) -> None:  # numbers drawn by the triggers, written directly here
        session.execute(insert(OncallChange), [{"seq": 1024 * 100, "issue_id": 1}])

    def kept(session: Session) -> list[int]:
        return list(session.execute(text("SELECT seq FROM oncall_change ORDER BY seq")).scalars())

    db.call(journal)
    assert db.call(kept) == list(range(1, 11))
    db.call(far_ahead)
    assert db.call(kept) == [1024 * 100]  # 102,400 - 100,000 = 2,400: everything before is gone


def test_a_failed_read_leaves_nothing_half_done(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that fails halfway (the connection drops) is done again in full at the next call."""
    _seed(db, random.Random(2))
    cache = StatsCache()
    _check(db, cache, NOW)
    store = TriageStore(CONFIG, MAINTAINERS, BOTS)
    _write(db, update(TrackedIssue).where(TrackedIssue.id < 100).values(state="closed", closed_at=NOW))
    _write(db, update(OncallTriage).where(OncallTriage.number < 100).values(triaged_at=NOW, triaged_by="bob"))

    def lost(*_: Any) -> Any:
        raise RuntimeError("connection lost")

    for target in (BacklogShares, stats_cache):
        name = "_put_rows" if target is BacklogShares else "response_rows"
        with monkeypatch.context() as patch:
            patch.setattr(target, name, lost)
            with pytest.raises(RuntimeError):
                asyncio.run(cache.report(db, store, NOW + timedelta(minutes=1), TZ, WEEKS, None))
        _check(db, cache, NOW + timedelta(minutes=2))


def test_a_restored_database_starts_the_journal_over(db: Database) -> None:
    """A database put back from a backup numbers its journal anew: the reader starts over."""
    _seed(db, random.Random(1))
    feed = ChangeFeed()
    db.read_call(feed.read)
    for n in range(5, 9):
        _write(db, update(TrackedIssue).where(TrackedIssue.id == n).values(state="closed", closed_at=NOW))
    assert {5, 6, 7, 8} <= _named(db, feed, before=frozenset()) <= {5, 6, 7, 8} | _issue_ids(db)

    def restart(session: Session) -> None:
        session.execute(text("DELETE FROM oncall_change"))  # SQLite numbers from 1 again
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ALTER SEQUENCE oncall_change_seq_seq RESTART WITH 1"))

    db.call(restart)
    _write(db, update(TrackedIssue).where(TrackedIssue.id == 9).values(state="closed", closed_at=NOW))
    assert db.read_call(feed.read) == EVERYTHING


def test_the_journal_read_never_scans_it(db: Database) -> None:
    """Each call reads the journal's ends and what follows the cursor by its key (SQLite scans the
    whole table for min() and max() in one SELECT)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    from cogs.oncall.change_feed import _ENDS, _SQLITE

    def plans(session: Session) -> list[str]:
        out = []
        for statement, params in ((_ENDS, {}), (_SQLITE, {"seen": 0, "most": 10})):
            sql = str(statement.compile(dialect=db.engine.dialect))
            rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", tuple(params.values()))
            out += [row[3] for row in rows]
        return out

    found = db.call(plans)
    assert found and not [p for p in found if p.startswith("SCAN oncall_change")], found
