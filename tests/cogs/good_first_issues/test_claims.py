"""ClaimStore on real databases: the one-active-claim constraint under 20 concurrent claims, and
the rules that refuse a claim before anything is written."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.database import Database
from bot.db.models import Member
from cogs.good_first_issues.claims import ClaimPolicy, ClaimStore
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.lookup import IssueLookup
from cogs.good_first_issues.models import GfiClaim
from cogs.good_first_issues.refs import IssueRef
from tests.cogs.good_first_issues.conftest import REPO, RULES, seed, standard_board

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
POLICY = ClaimPolicy(
    timedelta(days=14), 0.7, claim_limit=2, newcomer_claim_limit=1, offer_window=timedelta(days=2)
)


def _members(db: Database, count: int) -> list[int]:
    with db.session() as session:
        members = [Member(display_name=f"person{i}", created_at=NOW) for i in range(count)]
        session.add_all(members)
        session.flush()
        return [m.id for m in members if m.id is not None]


def _claim(db: Database, store: ClaimStore, member_id: int, number: int = 1) -> GfiClaim:
    def work(session: Session) -> GfiClaim:
        repo, issue = IssueLookup(store.rules).resolve(session, IssueRef(REPO, number))
        return store.claim(session, repo, issue, member_id, None, NOW)

    return db.call(work)


def test_twenty_concurrent_claims_have_exactly_one_winner(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    people = _members(db, 20)
    store = ClaimStore(RULES, POLICY)
    start = threading.Barrier(len(people))

    def attempt(member_id: int) -> str:
        start.wait()
        try:
            _claim(db, store, member_id)
        except GfiError as exc:
            return exc.key
        return "won"

    with ThreadPoolExecutor(len(people)) as pool:
        outcomes = list(pool.map(attempt, people))
    assert outcomes.count("won") == 1
    assert sorted(set(outcomes)) == ["gfi.error.already_claimed", "won"]
    with db.session() as session:
        active = session.exec(select(GfiClaim).where(col(GfiClaim.open_issue_id).is_not(None))).all()
        assert len(active) == 1 and active[0].member_id == people[outcomes.index("won")]


class _BlindStore(ClaimStore):
    """Sees no claim at first, as a transaction that checked before a concurrent one committed."""

    blind = True

    def active_for_issue(self, session: Session, issue_id: int) -> GfiClaim | None:
        if self.blind:
            self.blind = False
            return None
        return super().active_for_issue(session, issue_id)


def test_one_person_claiming_several_at_once_stays_within_the_limit(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    [member_id] = _members(db, 1)
    store = ClaimStore(RULES, POLICY)  # a newcomer (no merged PR): one claim at a time
    numbers = [1, 2, 7, 8]  # every issue on the board
    start = threading.Barrier(len(numbers))

    def attempt(number: int) -> str:
        start.wait()
        try:
            _claim(db, store, member_id, number)
        except GfiError as exc:
            return exc.key
        return "won"

    with ThreadPoolExecutor(len(numbers)) as pool:
        outcomes = list(pool.map(attempt, numbers))
    assert sorted(outcomes) == ["gfi.error.limit"] * 3 + ["won"]
    with db.session() as session:
        active = session.exec(select(GfiClaim).where(col(GfiClaim.open_issue_id).is_not(None))).all()
        assert len(active) == 1


def test_the_database_constraint_decides_when_the_check_was_too_early(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    first, second = _members(db, 2)
    _claim(db, ClaimStore(RULES, POLICY), first)
    with pytest.raises(GfiError) as refused:
        _claim(db, _BlindStore(RULES, POLICY), second)
    assert refused.value.key == "gfi.error.already_claimed"
    assert refused.value.outside["name"] == "person0"
    with Session(db.engine) as session, pytest.raises(IntegrityError):
        issue_id = session.exec(select(GfiClaim.issue_id)).one()
        session.add(GfiClaim(issue_id=issue_id, open_issue_id=issue_id, member_id=second, claimed_at=NOW))
        session.flush()


def test_limits_deadlines_and_ended_claims(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    [newcomer] = _members(db, 1)
    store = ClaimStore(RULES, POLICY)
    claim = _claim(db, store, newcomer, 1)
    assert claim.remind_at == NOW + timedelta(days=14) * 0.7
    assert claim.expires_at == NOW + timedelta(days=14)
    with pytest.raises(GfiError) as limit:
        _claim(db, store, newcomer, 2)
    assert (limit.value.key, limit.value.params["count"]) == ("gfi.error.limit", 1)

    with db.session() as session:
        row = session.get(GfiClaim, claim.id)
        assert row is not None
        store.end(session, row, "done", NOW, credited=True)
    # A finished contribution lifts the newcomer limit; the ended claim no longer blocks the issue.
    _claim(db, store, newcomer, 2)
    _claim(db, store, newcomer, 8)
    [other] = _members(db, 1)
    _claim(db, store, other, 1)
