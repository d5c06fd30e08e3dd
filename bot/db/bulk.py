"""Bulk statements for many rows at once, reading the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Dialect,
    String,
    Table,
    TypeDecorator,
    any_,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import Session

T = TypeVar("T")

# json_each is built into SQLite from 3.38 (and in most builds long before): one parameter for a list.
JSON_EACH = sqlite3.sqlite_version_info >= (3, 38)
ID_CHUNK = 2000  # ids per IN (...) list, well under SQLite's bound-parameter limit


def chunks(items: Sequence[T], size: int = ID_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def one_of(column: Any, values: Collection[Any], dialect: Dialect) -> ColumnElement[bool]:
    """``column`` is one of ``values``, bound as one parameter: ``= ANY(:array)`` on PostgreSQL, ``IN
    (SELECT value FROM json_each(:json))`` on SQLite. An IN list gives every count of values its own
    statement text, which the driver parses anew and SQLAlchemy expands on every run (3 ms of CPU
    for a sync page's 400 numbers on PostgreSQL, against 0.5 ms for the array). Values are numbers
    or strings, which JSON carries as they are."""
    return _one_of(column, dialect.name, bindparam(None, list(values), **_list_bind(column, dialect.name)))


def one_of_named(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """:func:`one_of` with the values bound at each run as ``name`` (a list), for a statement built
    once and run many times."""
    return _one_of(column, dialect, bindparam(name, **_list_bind(column, dialect)))


class _JsonList(TypeDecorator[list[Any]]):
    """A list bound as one JSON text (for SQLite's json_each)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(list(value))


def _list_bind(column: Any, dialect: str) -> dict[str, Any]:
    """How a list of ``column`` values binds: one array on PostgreSQL, one JSON text on SQLite (a
    placeholder per value where SQLite lacks json_each)."""
    if dialect == "postgresql":
        return {"type_": postgresql.ARRAY(column.type)}
    if dialect == "sqlite" and JSON_EACH:
        return {"type_": _JsonList()}
    return {"type_": column.type, "expanding": True}


def _one_of(column: Any, dialect: str, values: Any) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return column == any_(values)
    if dialect == "sqlite" and JSON_EACH:
        listed = func.json_each(values).table_valued("value")
        return column.in_(select(listed.c.value).scalar_subquery())
    return column.in_(values)


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
        target = self.compiled_for(conn.dialect)
        params: list[Any] = _converted(target, rows)
        if not target.positional:
            params = [dict(zip(target.names, values, strict=True)) for values in params]
        conn.exec_driver_sql(target.sql, params)

    def compiled_for(self, dialect: Dialect) -> _DriverStatement:
        """The statement as the driver runs it on ``dialect``: its SQL, bind names and their processors."""
        return self._compiled.get(dialect.name) or self._compile(dialect)

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


def _many_rows_sql(target: _DriverStatement, count: int) -> str:
    """``target``'s single-row INSERT (positional) with ``count`` rows of placeholders."""
    head, _, row = target.sql.partition(" VALUES ")
    return f"{head} VALUES {', '.join([row] * count)}"


def _converted(target: _DriverStatement, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each row's values in the statement's bind order, through the bind processors (as tuples)."""
    values = itemgetter(*target.names)
    single = len(target.names) == 1
    converted = [(i, p) for i, p in enumerate(target.processors) if p is not None]
    out: list[Any] = []
    for row in rows:
        row_values = [values(row)] if single else list(values(row))
        for i, process in converted:
            row_values[i] = process(row_values[i])
        out.append(tuple(row_values))
    return out


class BulkInsert:
    """Many new rows into one table: COPY on PostgreSQL, INSERTs of many rows each elsewhere.

    psycopg's executemany sends one INSERT per row, and building them cost the bot more CPU than the
    rows' own processing; COPY streams the rows in one statement. On SQLite each run of a statement
    on a table with triggers (migration 0020 journals writes) costs tens of microseconds more, so a
    statement carries up to ``ID_CHUNK`` values. Values go through the same bind processors as an
    INSERT's. Engine events (``after_cursor_execute``) do not see a COPY: use this for tables no
    engine listener watches (bot/db/watch.py).
    """

    def __init__(self, table: Table, keys: Sequence[str]) -> None:
        self.table = table
        self.insert = ExecuteMany(insert(table), keys)

    def __call__(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (each has every key); a unique violation raises SQLAlchemy's IntegrityError."""
        if not rows:
            return
        if conn.dialect.name != "postgresql":
            self._many_rows(conn, rows)
            return
        import psycopg  # the PostgreSQL driver; only imported where it is in use

        target = self.insert.compiled_for(conn.dialect)
        quote = conn.dialect.identifier_preparer
        columns = ", ".join(quote.quote(self.table.c[name].name) for name in target.names)
        sql = f"COPY {quote.format_table(self.table)} ({columns}) FROM STDIN"
        driver = conn.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        try:
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                for values in _converted(target, rows):
                    copy.write_row(values)
        except psycopg.Error as exc:
            # As SQLAlchemy wraps driver errors, so callers catch IntegrityError on either path.
            raise DBAPIError.instance(sql, None, exc, psycopg.Error, dialect=conn.dialect) from exc

    def _many_rows(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        target = self.insert.compiled_for(conn.dialect)
        assert target.positional and " VALUES (" in target.sql, target.sql
        per_statement = max(1, ID_CHUNK // max(1, len(target.names)))
        values = _converted(target, rows)
        for part in chunks(values, per_statement):
            conn.exec_driver_sql(_many_rows_sql(target, len(part)), tuple(v for row in part for v in row))
