"""Rows for every table in the models, built from the metadata alone (so new tables are covered too):
unicode and would-be pings in text, aware datetimes in a non-UTC zone, nested JSON, big ids, NULLs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Column, Connection, MetaData, Table, select

from bot.data.archive import python_type
from bot.db.models import archived_tables

ROWS_PER_TABLE = 2
TEXT = 'Zoë 你好 🎉 @everyone <!channel> <@&42> "quoted" \\ back\nslash'
WHEN = datetime(2026, 3, 29, 1, 59, 59, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))


def _value(table: Table, column: Column[Any], index: int) -> Any:
    kind = python_type(column)
    if column.primary_key and column is table.autoincrement_column:
        return 10 + index * 7  # gaps, so a sequence left at the row count would collide
    if index == 1 and column.nullable:
        return None
    if kind is bool:
        return index == 0
    if kind is int:
        return 2**40 + index if isinstance(column.type, BigInteger) else 100 + index
    if kind is datetime:
        return WHEN + timedelta(days=index, minutes=column_index(table, column))
    if kind is str:
        return f"{column.name} {TEXT} {index}"
    return {"ü": [1, 2.5, None, True, "你好"], "nested": {"deep": ["x", {"y": None}]}}


def column_index(table: Table, column: Column[Any]) -> int:
    return list(table.columns).index(column)


def fill_every_table(connection: Connection, metadata: MetaData) -> None:
    """Insert ``ROWS_PER_TABLE`` rows into every table, children pointing at their parents' rows."""
    made: dict[str, list[dict[str, Any]]] = {}
    for table in archived_tables(metadata):
        rows = []
        for index in range(ROWS_PER_TABLE):
            row = {column.name: _value(table, column, index) for column in table.columns}
            for column in table.columns:
                for key in column.foreign_keys:
                    parent = made[key.column.table.name][index]
                    row[column.name] = parent[key.column.name]
            rows.append(row)
        connection.execute(table.insert(), rows)
        made[table.name] = rows


def every_row(connection: Connection, metadata: MetaData) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order, as plain dicts."""
    found = {}
    for table in archived_tables(metadata):
        order = list(table.primary_key.columns) or list(table.columns)
        found[table.name] = [dict(r) for r in connection.execute(select(table).order_by(*order)).mappings()]
    return found
