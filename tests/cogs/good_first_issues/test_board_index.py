"""gfi_board_entry on real databases: it stays equal to the board's definition through label changes,
claims, assignment, close/reopen and removal, changing in the same transaction as what it derives from."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.db.database import Database
from bot.db.models import ISSUES_TOPIC, Member
from bot.github.store import IssueStore
from cogs.good_first_issues.board import BoardFilter, BoardRules, list_board
from cogs.good_first_issues.board_index import BoardIndex, _entries, rebuild
from cogs.good_first_issues.claims import ClaimPolicy, ClaimStore
from cogs.good_first_issues.lookup import IssueLookup
from cogs.good_first_issues.models import GfiBoardEntry
from cogs.good_first_issues.refs import IssueRef
from tests.cogs.good_first_issues.conftest import REPO, item, seed, standard_board

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
RULES = BoardRules(
    repo_labels={REPO: frozenset({"good first issue", "help wanted", "easy"})},
    repo_names={REPO: REPO},
    areas={"area/docs": "docs", "area/core": "core"},
    difficulty={"difficulty/easy": "easy"},
    priority_label="priority",
)
_MINUTES = itertools.count(1)  # each update is newer than the last, as GitHub's updated_at would be
POLICY = ClaimPolicy(
    timedelta(days=14), 0.7, claim_limit=5, newcomer_claim_limit=5, offer_window=timedelta(days=2)
)


@pytest.fixture
def board_db(db: Database) -> Database:
    """``db`` with the board table following RULES, built over the standard board."""
    seed(db, REPO, standard_board(NOW))
    db.on_change(ISSUES_TOPIC, BoardIndex(lambda: RULES).on_change)
    db.call(rebuild, RULES)
    return db


def _numbers(db: Database, flt: BoardFilter = BoardFilter()) -> list[int]:
    page = db.call(lambda s: list_board(s, RULES, flt, 1, 50, NOW))
    return [e.number for e in page.entries]


def _table(session: Session) -> set[tuple[int, str, bool]]:
    rows = session.exec(select(GfiBoardEntry.issue_id, GfiBoardEntry.facet, GfiBoardEntry.priority))
    return set(rows.all())


def _assert_table_matches_definition(db: Database) -> None:
    """The maintained table equals a from-scratch computation (what a rebuild would write)."""
    with db.session() as session:
        fresh = {(r["issue_id"], r["facet"], r["priority"]) for r in _entries(session, RULES, None)}
        assert _table(session) == fresh


def _update(db: Database, number: int, labels: list[str], **changes: Any) -> None:
    """A newer version of issue ``number`` arriving from GitHub (poll or webhook: same store)."""
    original = next(i for i in standard_board(NOW) if i["number"] == number)
    created = datetime.fromisoformat(original["created_at"].replace("Z", "+00:00"))
    payload = item(number, original["title"], labels, created=created, **changes)
    payload["updated_at"] = (NOW + timedelta(minutes=next(_MINUTES))).strftime("%Y-%m-%dT%H:%M:%SZ")
    seed(db, REPO, [payload])


def test_rebuild_lists_what_the_definition_says_in_board_order(board_db: Database) -> None:
    assert _numbers(board_db) == [7, 2, 8, 1]  # priority first, then newest first
    assert _numbers(board_db, BoardFilter(area="docs")) == [1]
    assert _numbers(board_db, BoardFilter(area="Core", difficulty="easy")) == [2]
    assert _numbers(board_db, BoardFilter(repo=REPO.upper(), area="core")) == [2]
    assert _numbers(board_db, BoardFilter(difficulty="hard")) == []
    _assert_table_matches_definition(board_db)


def test_labels_added_and_removed_move_issues_on_and_off_the_board_and_its_filters(
    board_db: Database,
) -> None:
    _update(board_db, 3, ["enhancement", "good first issue", "area/docs", "area/core"])
    assert _numbers(board_db) == [7, 3, 2, 8, 1]
    assert _numbers(board_db, BoardFilter(area="docs")) == [3, 1]
    assert _numbers(board_db, BoardFilter(area="core")) == [3, 2]  # two areas: listed under both
    _assert_table_matches_definition(board_db)

    _update(board_db, 3, ["enhancement", "good first issue", "area/core"])
    assert _numbers(board_db, BoardFilter(area="docs")) == [1]
    _update(board_db, 7, ["easy"])  # lost its priority label: sorted by age now
    assert _numbers(board_db) == [3, 2, 8, 1, 7]
    _update(board_db, 3, ["enhancement"])
    assert 3 not in _numbers(board_db)
    _assert_table_matches_definition(board_db)


def test_claim_and_unclaim_take_an_issue_off_and_put_it_back(board_db: Database) -> None:
    store = ClaimStore(RULES, POLICY)
    with board_db.session() as session:
        member = Member(display_name="alice", created_at=NOW)
        session.add(member)
        session.flush()
        member_id = member.id
        repo, issue = IssueLookup(store.rules).resolve(session, IssueRef(REPO, 8))
        claim = store.claim(session, repo, issue, member_id, None, NOW)
    assert member_id is not None
    assert 8 not in _numbers(board_db)
    with board_db.session() as session:
        assert not any(row[0] == claim.issue_id for row in _table(session))
    _assert_table_matches_definition(board_db)

    with board_db.session() as session:
        live = session.get(type(claim), claim.id)
        assert live is not None
        store.end(session, live, "unclaimed", NOW)
    assert _numbers(board_db) == [7, 2, 8, 1]
    _assert_table_matches_definition(board_db)


def test_assignment_on_github_takes_an_issue_off_and_unassignment_puts_it_back(board_db: Database) -> None:
    _update(board_db, 2, ["Help Wanted", "area/core", "difficulty/easy"], assignees=["dave"])
    assert 2 not in _numbers(board_db)
    assert _numbers(board_db, BoardFilter(area="core")) == []
    _assert_table_matches_definition(board_db)
    _update(board_db, 2, ["Help Wanted", "area/core", "difficulty/easy"])
    assert _numbers(board_db, BoardFilter(area="core")) == [2]
    _update(board_db, 6, ["easy"])  # #6 was assigned to carol in the seed data
    assert 6 in _numbers(board_db)
    _assert_table_matches_definition(board_db)


def test_close_reopen_and_removal(board_db: Database) -> None:
    _update(board_db, 1, ["good first issue", "area/docs"], state="closed")
    assert 1 not in _numbers(board_db)
    _assert_table_matches_definition(board_db)
    _update(board_db, 1, ["good first issue", "area/docs"])
    assert _numbers(board_db, BoardFilter(area="docs")) == [1]
    _update(board_db, 5, ["good first issue"])  # the old closed one, reopened
    assert 5 in _numbers(board_db)

    store = IssueStore()
    with board_db.session() as session:
        repo = store.get_repo(session, REPO)
        assert repo is not None
        store.mark_removed(session, repo, [1], NOW)
    assert 1 not in _numbers(board_db)
    _assert_table_matches_definition(board_db)


def test_pull_requests_never_enter_the_table(board_db: Database) -> None:
    _update(board_db, 4, ["good first issue", "area/docs"], pull=True)
    assert 4 not in _numbers(board_db)
    _assert_table_matches_definition(board_db)


def test_the_table_changes_in_the_same_transaction_or_not_at_all(board_db: Database) -> None:
    store = IssueStore()
    with pytest.raises(RuntimeError), board_db.session() as session:
        repo = store.upsert_repo(session, REPO)
        store.upsert_issue(
            session, repo, item(30, "Rolled back", ["good first issue"], created=NOW - timedelta(hours=1))
        )
        raise RuntimeError("the transaction fails after the upsert")
    assert 30 not in _numbers(board_db)
    _assert_table_matches_definition(board_db)


def test_a_lagging_entry_never_shows_a_closed_issue(db: Database) -> None:
    """Writes from a process without the hook (e.g. ``steward sync``) can't surface closed issues."""
    seed(db, REPO, standard_board(NOW))
    db.call(rebuild, RULES)
    _update(db, 1, ["good first issue", "area/docs"], state="closed")  # no hook registered on this db
    assert 1 not in _numbers(db)
    assert 1 not in _numbers(db, BoardFilter(area="docs"))


def test_rules_change_is_noticed_and_rebuilds(board_db: Database) -> None:
    rules = {"now": RULES}
    index = BoardIndex(lambda: rules["now"])
    assert index.stale_for() == RULES
    index.built_for = RULES
    assert index.stale_for() is None
    narrower = BoardRules(
        repo_labels={REPO: frozenset({"easy"})},
        repo_names={REPO: REPO},
        areas={},
        difficulty={},
        priority_label=None,
    )
    rules["now"] = narrower
    assert index.stale_for() == narrower
    assert board_db.call(rebuild, narrower) == 1  # only #7 carries "easy" and is free
    page = board_db.call(lambda s: list_board(s, narrower, BoardFilter(), 1, 50, NOW))
    assert [e.number for e in page.entries] == [7]
