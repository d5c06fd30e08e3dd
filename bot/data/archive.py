"""The export archive: one zip file holding a manifest and one JSON-lines member per table.

Each line is one row, an object keyed by column name. Values are what the column holds in JSON form:
datetimes as ISO 8601 with their UTC offset, JSON columns as JSON, binary as base64. Decoding goes by
the column's type in the SQLModel metadata, so the file needs no type tags and stays readable.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.types import TypeDecorator, TypeEngine

FORMAT = "steward-export"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"


class DataUsageError(Exception):
    """The command cannot run as asked (wrong database state, missing file): the user must act."""


class ArchiveError(Exception):
    """The file is not a Steward export, or it is damaged."""


def member_name(table: str) -> str:
    """The archive member holding ``table``'s rows."""
    return f"tables/{table}.jsonl"


@dataclass
class TableEntry:
    """What the manifest says about one table."""

    columns: list[str]
    rows: int = 0


@dataclass
class Manifest:
    """The archive's table of contents; ``revision`` is the Alembic revision the rows fit."""

    revision: str
    backend: str
    exported_at: str
    tables: dict[str, TableEntry] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as written into the archive."""
        return json.dumps(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "alembic_revision": self.revision,
                "backend": self.backend,
                "exported_at": self.exported_at,
                "tables": {
                    name: {"columns": entry.columns, "rows": entry.rows}
                    for name, entry in self.tables.items()
                },
            },
            indent=2,
            ensure_ascii=False,
        )

    @classmethod
    def read(cls, archive: zipfile.ZipFile) -> Manifest:
        """The manifest of an open archive; ArchiveError when it is missing or not ours."""
        try:
            data = json.loads(archive.read(MANIFEST_NAME).decode("utf-8"))
        except KeyError:
            raise ArchiveError(f"no {MANIFEST_NAME} inside: not a Steward export") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(f"{MANIFEST_NAME} is damaged ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ArchiveError("not a Steward export (the manifest names another format)")
        if data.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"export format version {data.get('format_version')!r}; this Steward reads {FORMAT_VERSION}"
            )
        try:
            tables = {
                str(name): TableEntry([str(c) for c in entry["columns"]], int(entry["rows"]))
                for name, entry in data["tables"].items()
            }
            return cls(str(data["alembic_revision"]), str(data["backend"]), str(data["exported_at"]), tables)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ArchiveError(f"{MANIFEST_NAME} is incomplete ({exc!r})") from None


def encode_row(table: Table, row: Any) -> str:
    """One row as a JSON line (no newline)."""
    return json.dumps(
        {column.name: _encode(row[column.name]) for column in table.columns},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def python_type(column: Column[Any]) -> type | None:
    """The Python type a column's values have (a decorated type answers for its stored type)."""
    kind: TypeEngine[Any] = column.type
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def decode_rows(table: Table, lines: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` from its JSON lines, values converted back to the columns' types."""
    converters = {column.name: _decoder(python_type(column)) for column in table.columns}
    names = set(converters)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(f"{member_name(table.name)} line {number}: not JSON ({exc})") from None
        if not isinstance(data, dict) or set(data) != names:
            raise ArchiveError(f"{member_name(table.name)} line {number}: columns do not match the table")
        try:
            yield {name: None if value is None else converters[name](value) for name, value in data.items()}
        except (TypeError, ValueError) as exc:
            raise ArchiveError(f"{member_name(table.name)} line {number}: {exc}") from None


def _decoder(kind: type | None) -> Any:
    if kind is datetime:
        return _aware_datetime
    if kind is date:
        return date.fromisoformat
    if kind is time:
        return time.fromisoformat
    if kind is bytes:
        return base64.b64decode
    if kind is Decimal:
        return Decimal
    if kind in (int, str, bool, float):
        return _checked(kind)
    return lambda value: value


def _aware_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return parsed


def _checked(kind: type) -> Any:
    """A check that a JSON value is of the column's type: SQLite would store a string in an INTEGER
    column without complaint, and the damage would only show when the bot reads it."""
    allowed: tuple[type, ...] = (int, float) if kind is float else (kind,)

    def check(value: Any) -> Any:
        if not isinstance(value, allowed) or (kind is not bool and isinstance(value, bool)):
            raise TypeError(f"{value!r} is not a {kind.__name__}")
        return value

    return check
