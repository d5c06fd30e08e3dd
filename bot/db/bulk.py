"""Bulk statements that read the same on SQLite and PostgreSQL, for tables kept in step with others."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import Session

T = TypeVar("T")

ID_CHUNK = 2000  # ids per IN (...) list, well under SQLite's bound-parameter limit


def chunks(items: Sequence[T], size: int = ID_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def insert_ignoring_conflicts(session: Session, table: Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect: two instances filling a derived
    table at once insert the same rows, and the first one wins."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


@dataclass(frozen=True, slots=True)
class _DriverStatement:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool


class ExecuteMany:
    """An INSERT or UPDATE run as one driver-level executemany of many rows: compiled once per dialect,
    each row's values converted by their column types' own bind processors.

    SQLAlchemy's executemany rebuilds every row's parameters through its compiled-statement machinery;
    for a page of issues that cost more than the database's own work. The SQL, the casts and the stored
    values are SQLAlchemy's (the statement is compiled by it); only the per-row bookkeeping is skipped.
    """

    def __init__(self, statement: UpdateBase, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = tuple(keys)
        self._compiled: dict[str, _DriverStatement] = {}

    def __call__(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per row of ``rows`` (each has every key the statement was built with)."""
        if not rows:
            return
        target = self._compiled.get(conn.dialect.name) or self._compile(conn.dialect)
        values = itemgetter(*target.names)
        converted = [(i, p) for i, p in enumerate(target.processors) if p is not None]
        params: list[Any] = []
        for row in rows:
            row_values = list(values(row)) if len(target.names) > 1 else [values(row)]
            for i, process in converted:
                row_values[i] = process(row_values[i])
            params.append(tuple(row_values) if target.positional else dict(zip(target.names, row_values)))
        conn.exec_driver_sql(target.sql, params)

    def _compile(self, dialect: Dialect) -> _DriverStatement:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(self.keys), for_executemany=True)
        assert isinstance(compiled, SQLCompiler)
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
        unknown = sorted(set(names) - set(self.keys))
        if unknown:
            # A column default or a literal the rows don't carry: run it through SQLAlchemy instead.
            raise ValueError(f"{self.statement}: the rows must give {unknown}")
        processors = tuple(
            compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
        )
        target = _DriverStatement(compiled.string, names, processors, compiled.positional)
        self._compiled[dialect.name] = target
        return target
