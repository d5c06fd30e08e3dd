"""Keeps ``oncall_waiting`` equal to the queue of every rotation, in the transactions that change it.

Whether an item waits depends on the item (state, removal, author, labels), its triage record and
the rules in the YAML (the label rule, maintainers, bot accounts). The GitHub layer marks every issue
it inserts, changes or removes, and the triage recorder marks an item when it records its triage;
just before such a transaction commits, those items are re-checked here. The table is rebuilt when
the running rules differ from the ones it was built for (at start-up and after a config reload).

Counting the queue is then a count of one narrow table: on a project with tens of thousands of open
items, checking each item's triage record and labels took longer than a page may.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from bot.db.bulk import chunks, insert_ignoring_conflicts
from bot.db.models import TrackedIssue
from cogs.oncall.models import OncallWaiting
from cogs.oncall.untriaged import UntriagedFilter

TRIAGE_TOPIC = "oncall_triage"  # change topic: tracked issue ids whose triage was recorded
_TABLE = OncallWaiting.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class WaitingRules:
    """What decides, beyond the data, whether an item waits: compared to know when to rebuild."""

    needs_triage_label: str | None
    triage_labels: tuple[str, ...]
    maintainers: frozenset[str]
    bots: frozenset[str]

    @classmethod
    def of(cls, flt: UntriagedFilter) -> WaitingRules:
        config = flt.config
        return cls(config.needs_triage_label, tuple(config.triage_labels), flt.maintainers, flt.bots)


def _waiting(flt: UntriagedFilter) -> Any:
    """The ids of the items waiting in the queue of every rotation."""
    return flt.joined(select(TrackedIssue.id)).where(*flt.eligible(None), *flt.waiting_now())


def refresh(session: Session, flt: UntriagedFilter, issue_ids: Collection[int]) -> None:
    """Re-check ``issue_ids`` against the rules, in the caller's transaction."""
    if not issue_ids:
        return
    session.flush()
    table_id = col(OncallWaiting.issue_id)
    for part in chunks(sorted(issue_ids)):
        session.execute(delete(OncallWaiting).where(table_id.in_(part)))
        waiting = _waiting(flt).where(col(TrackedIssue.id).in_(part))
        session.execute(insert_ignoring_conflicts(session, _TABLE).from_select(["issue_id"], waiting))


def rebuild(session: Session, flt: UntriagedFilter) -> None:
    """Recompute the whole table."""
    session.execute(delete(OncallWaiting))
    session.execute(insert_ignoring_conflicts(session, _TABLE).from_select(["issue_id"], _waiting(flt)))


def count(session: Session) -> int:
    """How many items wait in the queue of every rotation."""
    return int(session.execute(select(func.count()).select_from(OncallWaiting)).scalar_one())


class WaitingIndex:
    """Follows the running rules: rebuilt when they change, refreshed as items and triage change."""

    def __init__(self, make_filter: Callable[[], UntriagedFilter]) -> None:
        self._filter = make_filter
        self.built_for: WaitingRules | None = None  # set once a rebuild for these rules has committed

    def stale_for(self) -> UntriagedFilter | None:
        """The running rules' filter when the table was built for other ones (or not by this process)."""
        flt = self._filter()
        return None if WaitingRules.of(flt) == self.built_for else flt

    def ready(self) -> bool:
        """Whether the table follows the running rules, so counting it gives the queue's size."""
        return self.stale_for() is None

    def rebuilt(self, flt: UntriagedFilter) -> None:
        """Note that a rebuild for ``flt``'s rules has committed."""
        self.built_for = WaitingRules.of(flt)

    def on_change(self, session: Session, issue_ids: frozenset[int]) -> None:
        """Database change hook: re-check the changed items in the committing transaction."""
        refresh(session, self._filter(), issue_ids)
