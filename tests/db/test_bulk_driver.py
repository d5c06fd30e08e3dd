"""`ExecuteMany` and `TZDateTime`'s one-step bind processor store exactly what SQLAlchemy's own path does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from bot.db.bulk import JSON_EACH, BulkInsert, ExecuteMany, one_of, one_of_named
from bot.db.database import Database
from bot.db.models import Repo, TrackedIssue, TZDateTime
from tests.fixtures.database import statements

ISSUES = TrackedIssue.__table__  # type: ignore[attr-defined]
KEYS = [c.name for c in ISSUES.columns if c.name != "id"]

INSTANTS = [
    datetime(2026, 12, 6, 7, 30, tzinfo=UTC),
    datetime(2026, 12, 6, 7, 30, 1, 250, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Berlin")),
    datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/Los_Angeles")),
    datetime(2026, 12, 6, 23, 0, tzinfo=timezone(timedelta(hours=8))),
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
    None,
]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), psycopg.dialect()], ids=["sqlite", "postgresql"])
def test_the_one_step_processor_gives_the_decorator_chain_values(dialect: Any) -> None:
    fast = TZDateTime().bind_processor(dialect)
    chain = TypeDecorator.bind_processor(TZDateTime().dialect_impl(dialect), dialect)
    assert chain is not None
    for value in INSTANTS:
        assert fast(value) == chain(value)
    with pytest.raises(ValueError, match="naive datetime"):
        fast(datetime(2026, 12, 6, 7, 30))


def _repo(db: Database, name: str) -> int:
    def add(session: Session) -> int:
        repo = Repo(full_name=name, full_name_lower=name)
        session.add(repo)
        session.flush()
        assert repo.id is not None
        return repo.id

    return db.call(add)


def _rows(repo_id: int) -> list[dict[str, Any]]:
    when = datetime(2026, 3, 29, 1, 30, 0, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    return [
        {
            "repo_id": repo_id,
            "number": n,
            "github_id": 2**33 + n,
            "title": f'Crash with 中文 input ✨ #{n}: don\'t "quote"',
            "state": "closed",
            "state_reason": "completed",
            "is_pull_request": n % 2 == 0,
            "draft": n == 3,
            "author_login": "ada",
            "author_association": None,
            "assignees": ["ada", "bea"] if n % 3 else [],
            "comments": n,
            "html_url": None,
            "body_excerpt": "@everyone <!channel> ok" if n == 1 else None,
            "linked_numbers": [n + 1],
            "created_at": when,
            "updated_at": when + timedelta(seconds=n),
            "closed_at": INSTANTS[n % len(INSTANTS)],
            "merged_at": None,
            "merged": n % 2 == 0,
            "removed_at": None,
        }
        for n in range(1, 8)
    ]


def _stored(db: Database, repo_id: int) -> list[tuple[Any, ...]]:
    """The rows as the driver hands them back (the stored form, before result processing), less repo_id."""
    columns = ", ".join(k for k in KEYS if k != "repo_id")
    sql = f"SELECT {columns} FROM tracked_issue WHERE repo_id = {int(repo_id)} ORDER BY number"
    return db.call(lambda s: [tuple(r) for r in s.connection().exec_driver_sql(sql)])


def test_inserted_rows_are_stored_as_sqlalchemy_stores_them(db: Database) -> None:
    ours, theirs = _repo(db, "o/ours"), _repo(db, "o/theirs")
    db.call(lambda s: ExecuteMany(insert(ISSUES), KEYS)(s.connection(), _rows(ours)))
    db.call(lambda s: s.connection().execute(insert(ISSUES), _rows(theirs)))
    assert len(_stored(db, ours)) == 7
    assert _stored(db, ours) == _stored(db, theirs)
    # And read back through the ORM, as the rest of the bot reads them.
    query = select(ISSUES.c.title).where(ISSUES.c.repo_id == ours).order_by(ISSUES.c.number)
    titles = db.call(lambda s: list(s.connection().execute(query).scalars()))
    assert titles[1] == 'Crash with 中文 input ✨ #2: don\'t "quote"'


def test_updates_match_too(db: Database) -> None:
    ours, theirs = _repo(db, "o/ours"), _repo(db, "o/theirs")
    db.call(lambda s: s.connection().execute(insert(ISSUES), _rows(ours) + _rows(theirs)))
    changed = ["title", "assignees", "updated_at", "merged"]
    statement = (
        update(ISSUES)
        .where(ISSUES.c.repo_id == bindparam("r"), ISSUES.c.number == bindparam("n"))
        .values({k: bindparam(k) for k in changed})
    )
    later = datetime(2026, 12, 6, 8, 0, tzinfo=timezone(timedelta(hours=-8)))
    edits = [
        {"n": n, "title": f"Renamed {n}", "assignees": ["cy"], "updated_at": later, "merged": True}
        for n in (2, 5)
    ]
    db.call(
        lambda s: ExecuteMany(statement, ["r", "n", *changed])(
            s.connection(), [{"r": ours, **e} for e in edits]
        )
    )
    db.call(lambda s: s.connection().execute(statement, [{"r": theirs, **e} for e in edits]))
    assert _stored(db, ours) == _stored(db, theirs)
    assert _stored(db, ours)[1][2] == "Renamed 2"


def test_a_unique_violation_is_sqlalchemys_integrity_error(db: Database) -> None:
    """The batch upsert falls back to one-by-one on IntegrityError: the driver path must raise it."""
    ours = _repo(db, "o/ours")
    run = ExecuteMany(insert(ISSUES), KEYS)
    db.call(lambda s: run(s.connection(), _rows(ours)[:2]))
    with pytest.raises(IntegrityError):
        db.call(lambda s: run(s.connection(), _rows(ours)[1:3]))
    assert len(_stored(db, ours)) == 2  # the failed batch left nothing behind


def test_rows_must_give_every_value_the_statement_binds(db: Database) -> None:
    ours = _repo(db, "o/ours")
    partial = ExecuteMany(insert(ISSUES), ["repo_id", "number", "title"])
    row = {"repo_id": ours, "number": 1, "title": "t"}
    with pytest.raises(ValueError, match="the rows must give"):
        db.call(lambda s: partial(s.connection(), [row]))


def test_bulk_insert_stores_what_an_insert_stores(db: Database) -> None:
    """COPY on PostgreSQL, the driver's executemany elsewhere: the same stored values either way."""
    ours, theirs = _repo(db, "o/ours"), _repo(db, "o/theirs")
    db.call(lambda s: BulkInsert(ISSUES, KEYS)(s.connection(), _rows(ours)))
    db.call(lambda s: s.connection().execute(insert(ISSUES), _rows(theirs)))
    assert len(_stored(db, ours)) == 7
    assert _stored(db, ours) == _stored(db, theirs)


def test_bulk_insert_conflict_rolls_back_to_the_savepoint(db: Database) -> None:
    """A lost insert race surfaces as IntegrityError inside a savepoint, and the transaction goes on
    (the batch upsert then stores the page one by one)."""
    ours = _repo(db, "o/ours")
    run = BulkInsert(ISSUES, KEYS)
    db.call(lambda s: run(s.connection(), _rows(ours)[:2]))

    def racing(session: Session) -> str:
        try:
            with session.begin_nested():
                run(session.connection(), _rows(ours)[1:4])
        except IntegrityError:
            run(session.connection(), _rows(ours)[2:4])
            return "fell back"
        return "no conflict"

    assert db.call(racing) == "fell back"
    assert [row[0] for row in _stored(db, ours)] == [1, 2, 3, 4]


def test_one_of_matches_what_in_matches_with_one_statement_text(db: Database) -> None:
    repo_id = _repo(db, "acme/one-of")
    db.call(lambda s: BulkInsert(ISSUES, KEYS)(s.connection(), _rows(repo_id)))
    numbers = [row["number"] for row in _rows(repo_id)]
    sent = statements(db.engine)

    def matching(session: Session, wanted: list[int]) -> set[int]:
        conn = session.connection()
        query = select(ISSUES.c.number).where(
            ISSUES.c.repo_id == repo_id, one_of(ISSUES.c.number, wanted, conn.dialect)
        )
        return set(conn.execute(query).scalars())

    for wanted in (numbers, numbers[:1], [numbers[0], 10**6], []):
        assert db.call(matching, wanted) == set(wanted) & set(numbers)
    texts = {text for text in sent if "tracked_issue.number" in text}
    # Every count of numbers runs the same statement: one array (PostgreSQL) or JSON text (SQLite).
    assert len(texts) == (1 if db.engine.dialect.name == "postgresql" or JSON_EACH else 4)


def test_one_of_matches_strings_and_a_named_list_bound_at_each_run(db: Database) -> None:
    repo_id = _repo(db, "acme/one-of-strings")
    db.call(lambda s: BulkInsert(ISSUES, KEYS)(s.connection(), _rows(repo_id)))
    titles = sorted(row["title"] for row in _rows(repo_id))

    def by_title(session: Session, wanted: list[str]) -> list[str]:
        conn = session.connection()
        query = select(ISSUES.c.title).where(one_of(ISSUES.c.title, wanted, conn.dialect))
        return sorted(conn.execute(query).scalars())

    assert db.call(by_title, [titles[0], "no such title", titles[-1]]) == [titles[0], titles[-1]]
    assert db.call(by_title, ['it\'s "quoted" \\ 雪']) == []

    def named(session: Session, wanted: set[int]) -> list[int]:
        conn = session.connection()
        query = select(ISSUES.c.number).where(
            ISSUES.c.repo_id == repo_id, one_of_named(ISSUES.c.number, "wanted", conn.dialect.name)
        )
        return sorted(conn.execute(query, {"wanted": sorted(wanted)}).scalars())

    numbers = [row["number"] for row in _rows(repo_id)]
    assert db.call(named, {numbers[1], numbers[0]}) == sorted(numbers[:2])
    assert db.call(named, set()) == []
