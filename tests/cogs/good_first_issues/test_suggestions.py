"""Autocomplete suggestions on real databases: what matches what people type, in the board's order,
never more than Discord's 25, with outside text made safe for a one-line choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.db.database import Database
from bot.db.models import ISSUES_TOPIC, Member
from cogs.good_first_issues.board import BoardRules
from cogs.good_first_issues.board_index import BoardIndex, rebuild
from cogs.good_first_issues.claims import ClaimPolicy, ClaimStore
from cogs.good_first_issues.lookup import IssueLookup
from cogs.good_first_issues.models import GfiWaitlist
from cogs.good_first_issues.refs import IssueRef
from cogs.good_first_issues.suggestions import (
    IssueQuery,
    IssueSuggestion,
    any_issues,
    board_issues,
    claimed_issues,
    issue_label,
    member_issues,
    named,
    parse_query,
)
from tests.cogs.good_first_issues.conftest import REPO, item, seed, standard_board

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
DOCS = "acme/docs"
RULES = BoardRules(
    repo_labels={REPO: frozenset({"good first issue", "help wanted", "easy"}), DOCS: frozenset({"快乐开源"})},
    repo_names={REPO: REPO, DOCS: DOCS},
    areas={"area/docs": "docs", "area/core": "core"},
    difficulty={"difficulty/easy": "easy"},
    priority_label="priority",
)
POLICY = ClaimPolicy(
    timedelta(days=14), 0.7, claim_limit=5, newcomer_claim_limit=5, offer_window=timedelta(days=2)
)
W, D = f"{REPO}#", f"{DOCS}#"


@pytest.fixture
def board(db: Database) -> Database:
    """The standard board plus #12, #120 and #1234 in acme/widgets and #12 in acme/docs."""
    day = timedelta(days=1)
    seed(
        db,
        REPO,
        [
            *standard_board(NOW),
            item(12, "Add 100% coverage for utils", ["good first issue"], created=NOW - 6 * day),
            item(120, "Document the CLI", ["easy"], created=NOW - timedelta(hours=1)),
            item(1234, "Fix the Python 3 build", ["easy"], created=NOW - 2 * day),
        ],
    )
    translated = item(12, "翻译 README", ["快乐开源"], created=NOW - 7 * day)
    translated["id"] = 20_012  # GitHub ids are unique across repositories
    translated["html_url"] = f"https://github.com/{DOCS}/issues/12"
    seed(db, DOCS, [translated])
    db.on_change(ISSUES_TOPIC, BoardIndex(lambda: RULES).on_change)
    db.call(rebuild, RULES)
    return db


def _refs(found: list[IssueSuggestion]) -> list[str]:
    return [s.ref for s in found]


def _board(db: Database, text: str) -> list[str]:
    return _refs(db.call(lambda s: board_issues(s, RULES, text)))


def _member(session: Session, name: str) -> int:
    member = Member(display_name=name, created_at=NOW)
    session.add(member)
    session.flush()
    assert member.id is not None
    return member.id


def test_reading_what_was_typed() -> None:
    assert parse_query("") == IssueQuery()
    assert parse_query(" 12 ") == IssueQuery("12", digits_in_title=True)
    assert parse_query("#12") == IssueQuery("12")
    assert parse_query("acme/Widgets#12") == IssueQuery("12", repo="acme/widgets")
    assert parse_query("https://github.com/acme/docs/issues/7") == IssueQuery("7", repo="acme/docs")
    assert parse_query("Fix  typo, README") == IssueQuery(words=("fix", "typo", "readme"))
    assert parse_query("widgets#2 typo") == IssueQuery("2", words=("widgets", "typo"))
    assert parse_query("python 3") == IssueQuery("3", digits_in_title=True, words=("python",))
    assert len(parse_query("a b c d e f g h").words) == 6


def test_empty_input_lists_the_board_in_its_order(board: Database) -> None:
    # Priority first, then newest first, as /gfi list shows it; claimed and off-board issues never.
    assert _board(board, "") == [
        W + "7",
        W + "120",
        W + "1234",
        W + "2",
        W + "8",
        W + "1",
        W + "12",
        D + "12",
    ]


def test_numbers_match_exactly_first_then_by_prefix(board: Database) -> None:
    assert _board(board, "12") == [W + "12", D + "12", W + "120", W + "1234"]
    assert _board(board, "#12") == [W + "12", D + "12", W + "120", W + "1234"]
    assert _board(board, "123") == [W + "1234"]
    # A bare number may be part of a title; "#3" names an issue number only.
    assert _board(board, "3") == [W + "1234"]
    assert _board(board, "#3") == []
    assert _board(board, "#0") == []  # no issue number starts with 0
    assert _board(board, "0") == [W + "12"]  # but "100%" is in a title


def test_words_match_titles_and_repository_names(board: Database) -> None:
    assert _board(board, "typo readme") == [W + "1"]
    assert _board(board, "TYPO") == [W + "1"]
    assert _board(board, "docs") == [W + "7", D + "12"]  # a title word, and the acme/docs repository
    assert _board(board, "翻译") == [D + "12"]
    assert _board(board, "100%") == [W + "12"]  # LIKE wildcards typed by people match literally
    assert _board(board, "_") == []
    assert _board(board, "python 3") == [W + "1234"]
    assert _board(board, "nothing like this") == []


def test_full_references_and_urls(board: Database) -> None:
    assert _board(board, f"{DOCS}#12") == [D + "12"]
    assert _board(board, "https://github.com/acme/widgets/issues/2") == [W + "2"]
    assert _board(board, "widgets#2") == [W + "2"]
    assert _board(board, "someone/else#2") == []
    assert _board(board, "#3") == []  # on GitHub, not on the board (no newcomer label)


def test_claimed_and_own_issues(board: Database) -> None:
    store = ClaimStore(RULES, POLICY)
    with board.session() as session:
        alice, bob = _member(session, "alice"), _member(session, "bob")
        repo, issue = IssueLookup(store.rules).resolve(session, IssueRef(REPO, 2))
        store.claim(session, repo, issue, alice, None, NOW)
        repo, issue = IssueLookup(store.rules).resolve(session, IssueRef(REPO, 8))
        store.claim(session, repo, issue, alice, None, NOW)
        assert issue.id is not None
        session.add(GfiWaitlist(issue_id=issue.id, member_id=bob, created_at=NOW))
    assert W + "2" not in _board(board, "") and _board(board, "2") == []
    assert _refs(board.call(lambda s: claimed_issues(s, RULES, ""))) == [W + "8", W + "2"]
    assert _refs(board.call(lambda s: claimed_issues(s, RULES, "parser"))) == [W + "2"]
    assert _refs(board.call(lambda s: member_issues(s, RULES, alice, ""))) == [W + "2", W + "8"]
    assert _refs(board.call(lambda s: member_issues(s, RULES, alice, "#8"))) == [W + "8"]
    assert _refs(board.call(lambda s: member_issues(s, RULES, bob, ""))) == [W + "8"]  # waiting for it
    # /gfi show: board issues, then claimed ones, but the issue with the number typed first of all.
    assert _refs(board.call(lambda s: any_issues(s, RULES, "#2"))) == [W + "2"]
    assert _refs(board.call(lambda s: any_issues(s, RULES, "12"))) == [
        W + "12",
        D + "12",
        W + "120",
        W + "1234",
    ]
    assert _refs(board.call(lambda s: any_issues(s, RULES, "")))[-2:] == [W + "8", W + "2"]


def test_never_more_than_twenty_five(board: Database) -> None:
    many = [item(500 + i, f"Bulk task {i}", ["easy"], created=NOW - timedelta(minutes=i)) for i in range(40)]
    seed(board, REPO, many)
    found = board.call(lambda s: board_issues(s, RULES, "bulk"))
    assert len(found) == 25
    assert _refs(found) == [f"{W}{500 + i}" for i in range(25)]  # newest first
    assert len(board.call(lambda s: board_issues(s, RULES, ""))) == 25
    assert len(board.call(lambda s: board_issues(s, RULES, "5"))) == 25


def test_labels_are_one_plain_line_with_the_whole_title() -> None:
    hostile = "@everyone\nclick\u202e <https://evil.example>\u200b\tnow\x00"
    label = issue_label(IssueSuggestion(W + "9", hostile, 9))
    assert label == f"{W}9 — @everyone click <https://evil.example> now"
    # Never cut: an adapter that cannot show it whole shows the reference (the choice's short label).
    assert issue_label(IssueSuggestion(W + "10", "🦀" * 80, 10)) == f"{W}10 — " + "🦀" * 80
    assert issue_label(IssueSuggestion(W + "11", "\n\u202e", 11)) == W + "11"


def test_configured_names_prefix_matches_first() -> None:
    names = ["acme/docs", "acme/widgets", "other/docs-site"]
    assert named(names, "") == names
    assert named(names, "DOCS") == ["acme/docs", "other/docs-site"]
    assert named(names, "oth") == ["other/docs-site"]
    assert named(["core", "docs", "ci"], "c") == ["ci", "core", "docs"]
