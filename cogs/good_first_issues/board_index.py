"""Keeps ``gfi_board_entry`` equal to what the board rules say, in the transactions that change its inputs.

The rules (newcomer labels per repo, areas, difficulties, the priority label) live in the YAML, so the
table is rebuilt when the rules it was built for differ from the running ones; between rebuilds every
issue insert/change/removal (marked by the GitHub layer's store) and every claim change (marked by
ClaimStore) refreshes just those issues before the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.db.bulk import ID_CHUNK, chunks, insert_ignoring_conflicts
from bot.db.models import IssueLabel, TrackedIssue
from cogs.good_first_issues.board import (
    ALL_FACET,
    BoardRules,
    area_facet,
    board_conditions,
    configured_repo_ids,
    difficulty_facet,
)
from cogs.good_first_issues.models import GfiBoardEntry


def facets_of(rules: BoardRules, labels: Iterable[str]) -> set[str]:
    """The facets an on-board issue with ``labels`` is listed under (an issue may have several areas)."""
    folded = {label.casefold() for label in labels}
    facets = {ALL_FACET}
    facets |= {area_facet(rules.areas[x]) for x in folded if x in rules.areas}
    facets |= {difficulty_facet(rules.difficulty[x]) for x in folded if x in rules.difficulty}
    return facets


def _entries(session: Session, rules: BoardRules, only: Collection[int] | None) -> list[dict[str, Any]]:
    """Rows of gfi_board_entry for the on-board issues (among ``only`` when given)."""
    conditions = board_conditions(rules, configured_repo_ids(session, rules))
    query = select(TrackedIssue.id, TrackedIssue.repo_id, TrackedIssue.created_at).where(*conditions)
    issues: list[tuple[int | None, int, Any]] = []
    if only is None:
        issues.extend(session.exec(query).all())
    else:
        for part in chunks(sorted(only)):
            issues.extend(session.exec(query.where(col(TrackedIssue.id).in_(part))).all())
    labels: dict[int, list[str]] = {}
    for part in chunks([i for i, _, _ in issues if i is not None]):
        for labelled, name in session.exec(
            select(IssueLabel.issue_id, IssueLabel.name).where(col(IssueLabel.issue_id).in_(part))
        ):
            labels.setdefault(labelled, []).append(name)
    rows = []
    for issue_id, repo_id, created_at in issues:
        assert issue_id is not None
        names = labels.get(issue_id, [])
        priority = rules.priority_label is not None and any(
            n.casefold() == rules.priority_label for n in names
        )
        rows += [
            {
                "issue_id": issue_id,
                "facet": facet,
                "repo_id": repo_id,
                "priority": priority,
                "created_at": created_at,
            }
            for facet in sorted(facets_of(rules, names))
        ]
    return rows


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = GfiBoardEntry.__table__  # type: ignore[attr-defined]
    # Five columns a row: a fifth of the id chunk keeps the bound parameters as few.
    for part in chunks(rows, ID_CHUNK // 5):
        session.execute(insert_ignoring_conflicts(session, table).values(list(part)))


def refresh(session: Session, rules: BoardRules, issue_ids: Collection[int]) -> None:
    """Bring the entries of ``issue_ids`` in line with the rules, in the caller's transaction."""
    if not issue_ids:
        return
    session.flush()
    for part in chunks(sorted(issue_ids)):
        session.execute(delete(GfiBoardEntry).where(col(GfiBoardEntry.issue_id).in_(part)))
    _insert(session, _entries(session, rules, issue_ids))


def rebuild(session: Session, rules: BoardRules) -> int:
    """Recompute the whole table (after start-up or a config change); returns the issues on the board."""
    session.execute(delete(GfiBoardEntry))
    rows = _entries(session, rules, None)
    _insert(session, rows)
    return sum(1 for row in rows if row["facet"] == ALL_FACET)


class BoardIndex:
    """Follows the running rules: rebuilt when they change, refreshed as issues and claims change."""

    def __init__(self, rules: Callable[[], BoardRules]) -> None:
        self._rules = rules
        self.built_for: BoardRules | None = None  # set once a rebuild for these rules has committed

    def stale_for(self) -> BoardRules | None:
        """The running rules when the table was built for other ones (or not yet by this process)."""
        rules = self._rules()
        return None if rules == self.built_for else rules

    def on_change(self, session: Session, issue_ids: frozenset[int]) -> None:
        """Database change hook: refresh the changed issues in the committing transaction."""
        refresh(session, self._rules(), issue_ids)
