"""``steward forget``: erase one person's rows from every table, as the models declare them.

What counts as personal is declared on the models (see ``bot.db.personal``): foreign keys to
``member.id`` and annotated columns. The engine walks the whole metadata, so a new feature's tables
are covered by declaring their columns, and a test fails for a table that declares nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Column, ColumnElement, MetaData, Table, delete, false, func, not_, or_, select, update
from sqlalchemy.engine import CursorResult, Result
from sqlmodel import Session

from bot.db.database import mark_changed
from bot.db.models import load_all_models
from bot.db.personal import CHANGE_TOPIC_KEY, KEEP_ROWS_KEY, KEPT_KEY, PERSON_KEY, Names, OnForget

MEMBER_TABLE = "member"


@dataclass(frozen=True)
class Someone:
    """Everything that names the person: their member id, GitHub login and member refs."""

    member_id: int | None
    github_login: str | None
    refs: frozenset[str]  # lower-cased "discord:ID", "slack:ID", "console:name" and the login

    @classmethod
    def of(
        cls, member_id: int | None, github_login: str | None, identities: Iterable[tuple[str, str]]
    ) -> Someone:
        """The person with these chat identities ((platform, user id) pairs) and login."""
        refs = {f"{platform}:{user_id}".lower() for platform, user_id in identities}
        if github_login:
            refs.add(github_login.lower())
        return cls(member_id, github_login, frozenset(refs))


@dataclass
class ForgetReport:
    """What forgetting did: rows erased and cleared per table, and what was kept and why."""

    erased: dict[str, int] = field(default_factory=dict)
    detached: dict[str, int] = field(default_factory=dict)
    member_kept: bool = False  # the member row stays, stripped, because a kept row needs it
    kept: dict[str, str] = field(default_factory=dict)  # table -> why its rows stay

    @property
    def total(self) -> int:
        """Rows erased or cleared in all."""
        return sum(self.erased.values()) + sum(self.detached.values())


def personal_columns(table: Table) -> list[tuple[Column[Any], Names, OnForget]]:
    """The columns of ``table`` that name a person, and what forgetting does to their rows."""
    found: list[tuple[Column[Any], Names, OnForget]] = []
    for column in table.columns:
        declared = column.info.get(PERSON_KEY)
        if declared is not None:
            found.append((column, Names(declared[0]), OnForget(declared[1])))
            continue
        for key in column.foreign_keys:
            if key.column.table.name == MEMBER_TABLE:
                action = OnForget.DETACH if (key.ondelete or "").upper() == "SET NULL" else OnForget.ERASE
                found.append((column, Names.MEMBER_ID, action))
    return found


def _names(column: Column[Any], names: Names, someone: Someone) -> ColumnElement[bool]:
    if names is Names.MEMBER_ID:
        return column == someone.member_id if someone.member_id is not None else false()
    if names is Names.GITHUB_LOGIN:
        login = (someone.github_login or "").lower()
        return func.lower(column) == login if login else false()
    return func.lower(column).in_(sorted(someone.refs)) if someone.refs else false()


class Eraser:
    """Builds, per table, the condition "this row is the person's", following cascading foreign keys."""

    def __init__(self, metadata: MetaData, someone: Someone) -> None:
        self.metadata = metadata
        self.someone = someone
        self._conditions: dict[str, ColumnElement[bool]] = {}

    def condition(self, table: Table) -> ColumnElement[bool]:
        """Rows of ``table`` to erase: they name the person, or hang (CASCADE) off a row that is erased."""
        if table.name not in self._conditions:
            parts = [
                _names(column, names, self.someone)
                for column, names, action in personal_columns(table)
                if action is OnForget.ERASE
            ]
            for column in table.columns:
                for key in column.foreign_keys:
                    parent = key.column.table
                    if parent.name != MEMBER_TABLE and (key.ondelete or "").upper() == "CASCADE":
                        parents = select(key.column).where(self.condition(parent))
                        parts.append(column.in_(parents))
            keep = table.info.get(KEEP_ROWS_KEY)
            found = or_(false(), *parts)
            self._conditions[table.name] = found if keep is None else found & not_(keep(table))
        return self._conditions[table.name]


def forget(session: Session, someone: Someone, metadata: MetaData | None = None) -> ForgetReport:
    """Erase every row that is ``someone``'s, clear them from rows they only took part in, and
    delete their member row (or strip it, when a row kept on purpose still points at it)."""
    metadata = metadata or load_all_models()
    eraser = Eraser(metadata, someone)
    report = ForgetReport()
    tables = [t for t in metadata.sorted_tables if t.name != MEMBER_TABLE]
    for table in tables:
        if KEPT_KEY in table.info:
            report.kept[table.name] = table.info[KEPT_KEY]
    # Children before parents: a child's condition looks at its parent rows, which must still exist.
    for table in reversed(tables):
        condition = eraser.condition(table)
        topic = table.info.get(CHANGE_TOPIC_KEY)
        if topic is not None:
            name, column = topic
            changed = session.execute(select(table.c[column]).where(condition)).scalars().all()
            mark_changed(session, name, changed)
        erased = _rowcount(session.execute(delete(table).where(condition)))
        if erased:
            report.erased[table.name] = erased
    for table in tables:
        for column, names, action in personal_columns(table):
            if action is OnForget.DETACH:
                cleared = _rowcount(
                    session.execute(
                        update(table).where(_names(column, names, someone)).values({column.name: None})
                    )
                )
                if cleared:
                    report.detached[table.name] = report.detached.get(table.name, 0) + cleared
    if someone.member_id is not None:
        _forget_member(session, metadata, someone.member_id, report)
    session.flush()
    return report


def _forget_member(session: Session, metadata: MetaData, member_id: int, report: ForgetReport) -> None:
    still_needed = any(
        session.execute(select(column).where(column == member_id).limit(1)).first() is not None
        for table in metadata.sorted_tables
        for column, names, _ in personal_columns(table)
        if names is Names.MEMBER_ID and any(k.column.table.name == MEMBER_TABLE for k in column.foreign_keys)
    )
    member = metadata.tables[MEMBER_TABLE]
    if still_needed:
        # Only the name a kept (published, approved) spotlight shows stays; how to reach them goes.
        session.execute(
            update(member)
            .where(member.c.id == member_id)
            .values(
                github_login=None,
                github_login_lower=None,
                github_verified_at=None,
                timezone=None,
                locale=None,
            )
        )
        report.member_kept = True
        return
    if _rowcount(session.execute(delete(member).where(member.c.id == member_id))):
        report.erased[MEMBER_TABLE] = 1


def _rowcount(result: Result[Any]) -> int:
    # DELETE and UPDATE results are cursor results, which carry the affected row count.
    return cast(CursorResult[Any], result).rowcount
