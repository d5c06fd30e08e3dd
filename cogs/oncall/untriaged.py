"""Which tracked items wait for triage: now (the queue) and at past instants (the backlog).

An item waits while it is open, not authored by a maintainer or a bot, no maintainer has labelled,
commented on, assigned or closed it, and (with ``needs_triage_label``) it carries that label or
(otherwise) none of ``triage_labels``. As in CHAOSS, only maintainers' actions count as a response:
not the author's, not bots'.

The queue and the backlog are built from the same clauses over the synced issue tables, with each
item's on-call triage record looked up. So the backlog counts exactly what the queue lists, including
items that were open before the bot started: the first GitHub sync publishes no events, and those items
have no triage record until someone answers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, literal, null, or_, select, true
from sqlmodel import Session, col, func

from bot.db.models import IssueLabel, Repo, TrackedIssue, TZDateTime
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.models import OncallTriage

MAINTAINER_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")
# Stand-ins for "never triaged" and "triaged before any instant" (a year no time zone can push past
# Python's datetime range).
NEVER = datetime(9000, 1, 1, tzinfo=UTC)
LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)
BOT_SUFFIX = "[bot]"  # GitHub Apps act as "name[bot]" accounts


def covers(rotation: RotationConfig, repo: str, labels: Sequence[str]) -> bool:
    """Whether ``rotation`` covers an item of ``repo`` with ``labels``."""
    if rotation.repos and repo.lower() not in {r.lower() for r in rotation.repos}:
        return False
    return not rotation.labels or bool(set(rotation.labels) & set(labels))


def rotation_for(config: OncallConfig, repo: str, labels: Sequence[str]) -> str | None:
    """The first rotation covering the item, if any (the rotation its triage record is filed under)."""
    return next((r.name for r in config.rotations if covers(r, repo, labels)), None)


def _has_label(names: Iterable[str]) -> Any:
    return exists().where(
        and_(col(IssueLabel.issue_id) == TrackedIssue.id, col(IssueLabel.name).in_(list(names)))
    )


def _label_hit(names: Iterable[str]) -> Any:
    """1 when the item carries one of ``names``, else NULL (a scalar subquery: probed per item)."""
    return (
        select(literal(1))
        .where(col(IssueLabel.issue_id) == TrackedIssue.id, col(IssueLabel.name).in_(list(names)))
        .limit(1)
        .scalar_subquery()
    )


class UntriagedFilter:
    """SQL clauses (and the same rule in Python) for "this item waits for a maintainer".

    ``bots`` are the configured ``github.bot_logins``; like the GitHub layer's identity check, a
    login ending in ``[bot]`` is a bot too. Logins compare case-insensitively.

    The item's triage record and labels are read with scalar subqueries, one index probe per
    candidate item, rather than joins: the candidates (open items, or items closed in the window)
    are few next to the history, and a join made PostgreSQL hash the whole triage and label tables
    on every call.
    """

    def __init__(self, config: OncallConfig, maintainers: Iterable[str], bots: Iterable[str] = ()) -> None:
        self.config = config
        self.maintainers = frozenset(m.lower() for m in maintainers)
        self.bots = frozenset(b.lower() for b in bots)
        self._span_queries: dict[tuple[Any, ...], Any] = {}

    def by_maintainer_or_bot(self, login: str | None, association: str | None) -> bool:
        """Whether an item by ``login`` is out of the queue because of its author."""
        if association in MAINTAINER_ASSOCIATIONS:
            return True
        if login is None:
            return False
        lower = login.lower()
        return lower.endswith(BOT_SUFFIX) or lower in self.maintainers or lower in self.bots

    @staticmethod
    def record_field(column: Any) -> Any:
        """A field of the item's triage record (NULL without one), for a query over tracked items."""
        return (
            select(column)
            .where(
                col(OncallTriage.repo) == Repo.full_name_lower,
                col(OncallTriage.number) == TrackedIssue.number,
            )
            .scalar_subquery()
        )

    @staticmethod
    def joined(query: Any) -> Any:
        """``query`` over tracked items, joined to their repo."""
        return query.join(Repo, col(Repo.id) == TrackedIssue.repo_id)

    def eligible(self, rotation: RotationConfig | None) -> list[Any]:
        """Items the queue of ``rotation`` (None: every rotation) may hold, whatever their state."""
        author = func.lower(TrackedIssue.author_login)
        excluded = sorted(self.maintainers | self.bots) or [""]
        clauses: list[Any] = [
            or_(
                col(TrackedIssue.author_association).is_(None),
                col(TrackedIssue.author_association).not_in(MAINTAINER_ASSOCIATIONS),
            ),
            or_(
                col(TrackedIssue.author_login).is_(None),
                and_(~author.like(f"%{BOT_SUFFIX}"), author.not_in(excluded)),
            ),
        ]
        if rotation is not None:
            if rotation.repos:
                clauses.append(col(Repo.full_name_lower).in_([r.lower() for r in rotation.repos]))
            if rotation.labels:
                clauses.append(_has_label(rotation.labels))
        return clauses

    def labels_untriaged(self) -> Any:
        """The label rule: carries ``needs_triage_label``, or none of ``triage_labels``."""
        if self.config.needs_triage_label:
            return _label_hit([self.config.needs_triage_label]).is_not(None)
        if self.config.triage_labels:
            return _label_hit(self.config.triage_labels).is_(None)
        return true()

    def stopped_waiting(self) -> Any:
        """When the item stopped waiting for a maintainer: its recorded triage; without one, NEVER
        when the label rule holds, else LONG_AGO (labelled before the bot knew it).

        COALESCE looks at the labels only for items without a recorded triage.
        """
        unrecorded = case(
            (self.labels_untriaged(), literal(NEVER, TZDateTime)), else_=literal(LONG_AGO, TZDateTime)
        )
        return func.coalesce(self.record_field(OncallTriage.triaged_at), unrecorded)

    def waiting_now(self) -> list[Any]:
        """Open, not removed, no maintainer's response recorded, and the label rule holds."""
        return [
            col(TrackedIssue.state) == "open",
            col(TrackedIssue.removed_at).is_(None),
            self.stopped_waiting() == literal(NEVER, TZDateTime),
        ]

    def backlog_series(
        self, session: Session, instants: Sequence[datetime], rotation: RotationConfig | None = None
    ) -> list[tuple[datetime, int]]:
        """How many items of the queue of ``rotation`` were waiting at each instant.

        At an instant ``t`` an item waits when it was created by ``t``, was still open and not removed
        then, and its recorded triage (if any) came after ``t``. Labels have no history here: an item
        with no recorded triage is judged by its current labels (one labelled before the bot started
        never counts), so the count at "now" is exactly the queue's size.
        """
        parts = [self.backlog_steps(session, instants, rotation, span) for span in SPANS]
        return backlog_from_steps(instants, parts)

    def backlog_steps(
        self, session: Session, instants: Sequence[datetime], rotation: RotationConfig | None, span: str
    ) -> list[int]:
        """One span's share of :meth:`backlog_series` ("open": items open now; "closed": items closed
        since the first instant), as steps for :func:`backlog_from_steps`. The two spans are separate
        queries, so a caller may run them at once on two connections."""
        if not instants:
            return []
        ordered = sorted({t.astimezone(UTC) for t in instants})
        n = len(ordered)
        # The statement depends on the rotation only through its repos and labels (``eligible``).
        scope = (tuple(rotation.repos), tuple(rotation.labels)) if rotation is not None else None
        key = (n, scope, span)
        grouped = self._span_queries.get(key)
        if grouped is None:
            grouped = self._span_queries[key] = self._span_query(n, rotation, span)
        params = {f"t{i}": t for i, t in enumerate(ordered)}
        steps = [0] * (n + 1)  # +1 at the first instant items wait, -1 at the first they no longer do
        for start, closed_stop, removed_stop, triaged_stop, items in session.connection().execute(
            grouped, params
        ):
            stop = min(closed_stop, removed_stop, triaged_stop)
            if start < stop:
                steps[start] += items
                steps[stop] -= items
        return steps

    def _span_query(self, n: int, rotation: RotationConfig | None, span: str) -> Any:
        """The statement of :meth:`backlog_steps` for ``n`` instants, bound as ``t0`` < ``t1`` < ...

        Built once per shape and reused: building and keying it cost several milliseconds a call,
        about a third of what the database took to run it.
        """
        # Items with the same positions are counted together: a few dozen rows come back, not one per
        # item (thousands of row objects made Python's garbage collector pause for tens of ms).
        by = self.span_items(n, rotation, span).subquery()
        return select(by.c.start, by.c.closed, by.c.removed, by.c.triaged, func.count()).group_by(
            by.c.start, by.c.closed, by.c.removed, by.c.triaged
        )

    def span_items(self, n: int, rotation: RotationConfig | None, span: str | None, ids: bool = False) -> Any:
        """Per item of ``span`` (None: any item, for the caller to narrow), the positions among ``n``
        instants (bound as ``t0`` < ``t1`` < ...) of its start and of the three ends of its wait: the
        item waits at instant i when start <= i < min(closed, removed, triaged).

        ``ids`` adds the item's id and whether any of its times lies after the last instant (the
        positions then change as that instant moves on).
        """
        ordered = [bindparam(f"t{i}", type_=TZDateTime) for i in range(n)]
        first, last = ordered[0], ordered[-1]
        created, closed = col(TrackedIssue.created_at), col(TrackedIssue.closed_at)
        removed, is_open = col(TrackedIssue.removed_at), col(TrackedIssue.state) == "open"

        def position(moment: Any) -> Any:
            """SQL for the index of the first instant at or after ``moment`` (n: none)."""
            return case(*((moment <= t, i) for i, t in enumerate(ordered)), else_=n)

        # Each item waits over [created, end): it counts at the instants from position(created) up to
        # position(end), the first of closing, removal and triage. The database gives the positions:
        # numbers are cheaper to read than times. The triage's comes from inside the record's lookup
        # (NULL without a recorded triage: then the label rule says never, n, or before all, 0).
        triaged_at = col(OncallTriage.triaged_at)
        recorded = case((triaged_at.is_(None), null()), else_=position(triaged_at))
        triage_stop = func.coalesce(self.record_field(recorded), case((self.labels_untriaged(), n), else_=0))
        fields = [
            position(created).label("start"),
            case((is_open, n), (closed.is_(None), 0), else_=position(closed)).label("closed"),
            case((removed.is_(None), n), else_=position(removed)).label("removed"),
            triage_stop.label("triaged"),
        ]
        if ids:
            later = or_(created > last, closed > last, removed > last)
            recorded_later = self.record_field(case((triaged_at > last, 1), else_=0))
            fields += [
                col(TrackedIssue.id).label("id"),
                case((later, 1), else_=func.coalesce(recorded_later, 0)).label("later"),
            ]
        columns = select(*fields).select_from(TrackedIssue)
        if span is None:
            return self.joined(columns).where(*self.eligible(rotation))
        common = [*self.eligible(rotation), created <= last, or_(removed.is_(None), removed > first)]
        if span == "open":
            # An open item created by the last instant was open at one of them at least. (Spelling
            # that out, as for closed items, made PostgreSQL OR together a bitmap per instant.)
            return self.joined(columns).where(is_open, *common)
        # Only items open at one of the instants at least: most items opened and closed between two
        # instants are left out before their triage record and labels are looked up.
        open_at_an_instant = or_(
            *(
                and_(created <= t, or_(is_open, closed > t), or_(removed.is_(None), removed > t))
                for t in ordered
            )
        )
        return self.joined(columns).where(
            col(TrackedIssue.state) == "closed", closed > first, open_at_an_instant, *common
        )


SPANS = ("open", "closed")  # the backlog's two queries (UntriagedFilter.backlog_steps)


def backlog_from_steps(
    instants: Sequence[datetime], parts: Sequence[Sequence[int]]
) -> list[tuple[datetime, int]]:
    """The backlog at each of ``instants`` from the spans' steps (UntriagedFilter.backlog_steps)."""
    if not instants:
        return []
    ordered = sorted({t.astimezone(UTC) for t in instants})
    steps = [sum(values) for values in zip(*parts, strict=True)]
    waiting = dict(zip(ordered, accumulate(steps), strict=False))
    return [(t, waiting[t.astimezone(UTC)]) for t in instants]
