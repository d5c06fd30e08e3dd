"""Upsert a page of issue JSON in a handful of statements instead of several per issue.

A sync reads issues a hundred at a time; storing them one ORM object at a time cost about 3 ms each,
far more than fetching them. Here one page costs: one read of the stored rows, one of their labels,
one bulk insert for new items and one for their labels (COPY on PostgreSQL), one driver-level
executemany for changed ones (bot/db/bulk.py). Rows are plain values (`IssueRow`), not ORM objects,
so nothing is built that nobody reads.

The rules are `IssueStore.upsert_issue`'s: a payload older than the stored row changes nothing, an
absent comment count keeps the stored one, and an insert race lost to another instance (a unique
violation) falls back to the one-by-one path, which turns it into an update.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.db.bulk import BulkInsert, ExecuteMany, one_of_named
from bot.db.database import mark_changed
from bot.db.models import ISSUES_TOPIC, IssueLabel, Repo, TrackedIssue
from bot.github.changes import IssueState
from bot.github.store import COMPARED_FIELDS, IssueStore, issue_values, label_names

_ISSUES = TrackedIssue.__table__  # type: ignore[attr-defined]
_LABELS = IssueLabel.__table__  # type: ignore[attr-defined]
_STORED = [_ISSUES.c.id, _ISSUES.c.number, *(_ISSUES.c[f] for f in COMPARED_FIELDS)]
_INSERT_ISSUES = BulkInsert(_ISSUES, ["repo_id", "number", *COMPARED_FIELDS])
_UPDATE_ISSUES = ExecuteMany(
    update(_ISSUES)
    .where(_ISSUES.c.id == bindparam("row_id"))
    .values({f: bindparam(f) for f in COMPARED_FIELDS}),
    ["row_id", *COMPARED_FIELDS],
)
_INSERT_LABELS = BulkInsert(_LABELS, ["issue_id", "name"])
_DELETE_LABELS = ExecuteMany(
    delete(_LABELS).where(and_(_LABELS.c.issue_id == bindparam("i"), _LABELS.c.name == bindparam("n"))),
    ["i", "n"],
)


@dataclass(frozen=True)
class _PageQueries:
    """The reads a page makes, by the page's numbers (``repo_id``, ``numbers``) or stored ids (``ids``)."""

    stored: Select[Any]
    labels: Select[Any]
    ids: Select[Any]


@functools.cache
def _page_queries(dialect: str) -> _PageQueries:
    # Built once per dialect: building them for every page cost about as much as running them.
    numbers = one_of_named(_ISSUES.c.number, "numbers", dialect)
    in_repo = _ISSUES.c.repo_id == bindparam("repo_id")
    return _PageQueries(
        stored=select(*_STORED).where(in_repo, numbers),
        labels=select(_LABELS.c.issue_id, _LABELS.c.name).where(
            one_of_named(_LABELS.c.issue_id, "ids", dialect)
        ),
        ids=select(_ISSUES.c.number, _ISSUES.c.id).where(in_repo, numbers),
    )


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made building a
# page's rows (21 fields each) take twice as long. Nothing changes them after they are built.
@dataclass(slots=True)
class IssueRow:
    """One tracked issue's stored values, as plain data (what events and windows are derived from)."""

    id: int
    number: int
    github_id: int | None
    title: str
    state: str
    state_reason: str | None
    is_pull_request: bool
    draft: bool
    author_login: str | None
    author_association: str | None
    assignees: list[str]
    comments: int
    html_url: str | None
    body_excerpt: str | None
    linked_numbers: list[int]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    merged: bool
    removed_at: datetime | None

    @classmethod
    def of_issue(cls, issue: TrackedIssue) -> IssueRow:
        """The values of an ORM row."""
        assert issue.id is not None
        values = {f: getattr(issue, f) for f in COMPARED_FIELDS}
        return cls(id=issue.id, number=issue.number, **values)


@dataclass(slots=True)
class RowChange:
    """An item the batch inserted or changed: its new values, its state before (None: new) and after,
    and its previous `updated_at` (None: new)."""

    row: IssueRow
    before: IssueState | None
    after: IssueState
    previous_updated_at: datetime | None


def upsert_page(
    session: Session, store: IssueStore, repo: Repo, payloads: Sequence[Mapping[str, Any]]
) -> list[RowChange]:
    """Upsert ``payloads`` (REST items of ``repo``); returns what changed, in payload order.

    An item listed twice (a page read while it changed) is applied in order, as one-by-one upserts
    would: each later copy in a batch of its own.
    """
    changes: list[RowChange] = []
    for batch in _rounds(payloads):
        changes.extend(_upsert_distinct(session, store, repo, batch))
    return changes


def _rounds(payloads: Sequence[Mapping[str, Any]]) -> Iterable[list[Mapping[str, Any]]]:
    pending = list(payloads)
    while pending:
        seen: set[int] = set()
        batch: list[Mapping[str, Any]] = []
        later: list[Mapping[str, Any]] = []
        for payload in pending:
            number = int(payload["number"])
            (later if number in seen else batch).append(payload)
            seen.add(number)
        yield batch
        pending = later


def _upsert_distinct(
    session: Session, store: IssueStore, repo: Repo, payloads: Sequence[Mapping[str, Any]]
) -> list[RowChange]:
    assert repo.id is not None, "upsert_repo() before upsert_page()"
    if not payloads:
        return []
    session.flush()  # ORM changes made earlier in this session are visible to the reads below
    numbers = [int(p["number"]) for p in payloads]
    conn = session.connection()
    queries = _page_queries(conn.dialect.name)
    stored = {
        row.number: row for row in conn.execute(queries.stored, {"repo_id": repo.id, "numbers": numbers})
    }
    stored_labels: dict[int, set[str]] = {row.id: set() for row in stored.values()}
    if stored_labels:
        for issue_id, name in conn.execute(queries.labels, {"ids": list(stored_labels)}):
            stored_labels[issue_id].add(name)

    new: list[tuple[Mapping[str, Any], dict[str, Any], set[str]]] = []
    changed: list[tuple[Any, dict[str, Any], set[str]]] = []
    for payload in payloads:
        values, labels = issue_values(repo, payload), label_names(payload)
        old = stored.get(int(payload["number"]))
        if old is None:
            if values["comments"] is None:
                values["comments"] = 0
            new.append((payload, values, labels))
            continue
        if values["updated_at"] < old.updated_at:
            continue
        if values["comments"] is None:
            values["comments"] = old.comments
        if labels != stored_labels[old.id] or any(getattr(old, f) != values[f] for f in COMPARED_FIELDS):
            changed.append((old, values, labels))

    results: dict[int, RowChange] = {}
    for old, values, labels in changed:
        row = IssueRow(id=old.id, number=old.number, **values)
        before = IssueState(old.state, old.merged, frozenset(stored_labels[old.id]), frozenset(old.assignees))
        results[row.number] = RowChange(row, before, _state(row, labels), old.updated_at)
    _write_changes(session, changed, stored_labels)
    for change in _insert_new(session, store, repo, new):
        results[change.row.number] = change
    mark_changed(session, ISSUES_TOPIC, [c.row.id for c in results.values()])
    return [results[n] for n in numbers if n in results]


def _state(row: IssueRow, labels: Iterable[str]) -> IssueState:
    return IssueState(row.state, row.merged, frozenset(labels), frozenset(row.assignees))


def _write_changes(
    session: Session, changed: list[tuple[Any, dict[str, Any], set[str]]], stored_labels: dict[int, set[str]]
) -> None:
    if not changed:
        return
    conn = session.connection()
    _UPDATE_ISSUES(conn, [{"row_id": old.id, **values} for old, values, _ in changed])
    stale = [
        {"i": old.id, "n": name}
        for old, _, labels in changed
        for name in sorted(stored_labels[old.id] - labels)
    ]
    _DELETE_LABELS(conn, stale)
    added = [
        {"issue_id": old.id, "name": name}
        for old, _, labels in changed
        for name in sorted(labels - stored_labels[old.id])
    ]
    _INSERT_LABELS(conn, added)


def _insert_new(
    session: Session,
    store: IssueStore,
    repo: Repo,
    new: list[tuple[Mapping[str, Any], dict[str, Any], set[str]]],
) -> list[RowChange]:
    if not new:
        return []
    rows = [{"repo_id": repo.id, "number": int(p["number"]), **values} for p, values, _ in new]
    try:
        with session.begin_nested():
            conn = session.connection()
            # A bulk insert (COPY on PostgreSQL), then the ids: INSERT ... RETURNING of a page is one
            # statement of thousands of placeholders, which psycopg parses anew for every page (~3 ms).
            _INSERT_ISSUES(conn, rows)
            numbers = [row["number"] for row in rows]
            query = _page_queries(conn.dialect.name).ids
            ids: dict[int, int] = {
                number: issue_id
                for number, issue_id in conn.execute(query, {"repo_id": repo.id, "numbers": numbers})
            }
            labels = [
                {"issue_id": ids[int(p["number"])], "name": name}
                for p, _, names in new
                for name in sorted(names)
            ]
            _INSERT_LABELS(conn, labels)
    except IntegrityError:
        # Another instance stored some of these first: one by one, a lost race becomes an update.
        return _one_by_one(session, store, repo, [p for p, _, _ in new])
    changes = []
    for (_, values, names), row in zip(new, rows, strict=True):
        stored = IssueRow(id=ids[row["number"]], number=row["number"], **values)
        changes.append(RowChange(stored, None, _state(stored, names), None))
    return changes


def _one_by_one(
    session: Session, store: IssueStore, repo: Repo, payloads: list[Mapping[str, Any]]
) -> list[RowChange]:
    changes = []
    for payload in payloads:
        existing = store.get_issue(session, repo, int(payload["number"]))
        before = IssueState.of(existing, store.labels(session, existing)) if existing else None
        previous = existing.updated_at if existing is not None else None
        issue, did_change = store.upsert_issue(session, repo, payload)
        if did_change:
            row = IssueRow.of_issue(issue)
            changes.append(
                RowChange(row, before, IssueState.of(issue, store.labels(session, issue)), previous)
            )
    return changes
