"""Bulk statements that read the same on SQLite and PostgreSQL, for tables kept in step with others."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
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
