"""``steward import``: load an export archive into an empty, migrated database of either kind."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy import Connection, Table, func, literal, select, text

from bot.data.archive import ArchiveError, DataUsageError, Manifest, decode_rows, member_name
from bot.data.export import require_current_schema, schema_metadata
from bot.db.engine import make_engine
from bot.db.models import archived_tables

BATCH = 1000


@dataclass(frozen=True)
class ImportSummary:
    """What was loaded: rows per table, from an archive of ``manifest``."""

    manifest: Manifest

    @property
    def rows(self) -> int:
        """All rows loaded."""
        return sum(entry.rows for entry in self.manifest.tables.values())


def open_archive(path: Path) -> zipfile.ZipFile:
    """The archive at ``path``; DataUsageError when there is no such file, ArchiveError when not a zip."""
    if not path.is_file():
        raise DataUsageError(f"{path}: no such file")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{path}: not a Steward export archive ({exc})") from None


def import_archive(url: str, path: Path) -> ImportSummary:
    """Load every row of the archive at ``path`` into the database at ``url``, all or nothing.

    The database must be migrated to the archive's revision and hold no rows at all: importing on top
    of existing data would mix two deployments' ids.
    """
    with open_archive(path) as archive:
        manifest = Manifest.read(archive)
        revision = require_current_schema(url, "target")
        if manifest.revision != revision:
            raise DataUsageError(
                f"the archive was written at revision {manifest.revision}, the target database is at "
                f"{revision}: import with the Steward version that wrote it, then `steward migrate`"
            )
        tables = _matching_tables(manifest)
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                _require_empty(connection, tables)
                for table in tables:
                    loaded = _load_table(connection, table, archive)
                    if loaded != manifest.tables[table.name].rows:
                        raise ArchiveError(
                            f"{member_name(table.name)} holds {loaded} rows, the manifest says "
                            f"{manifest.tables[table.name].rows}: the archive is damaged"
                        )
                if connection.dialect.name == "postgresql":
                    _advance_sequences(connection, tables)
        finally:
            engine.dispose()
    return ImportSummary(manifest)


def _matching_tables(manifest: Manifest) -> list[Table]:
    """This code's tables in dependency order, checked against the archive's."""
    tables = archived_tables(schema_metadata())
    ours = {table.name for table in tables}
    if set(manifest.tables) != ours:
        missing = sorted(ours - set(manifest.tables))
        extra = sorted(set(manifest.tables) - ours)
        raise ArchiveError(
            f"the archive's tables do not match the schema (missing {missing}, unknown {extra})"
        )
    for table in tables:
        if manifest.tables[table.name].columns != [column.name for column in table.columns]:
            raise ArchiveError(f"the archive's columns of {table.name} do not match the schema")
    return tables


def _require_empty(connection: Connection, tables: list[Table]) -> None:
    busy = [
        table.name
        for table in tables
        if connection.execute(select(literal(1)).select_from(table).limit(1)).first() is not None
    ]
    if busy:
        shown = ", ".join(busy[:5]) + (f" and {len(busy) - 5} more" if len(busy) > 5 else "")
        raise DataUsageError(
            f"the target database is not empty (rows in {shown}): import only into a new database "
            "that `steward migrate` has just created"
        )


def _load_table(connection: Connection, table: Table, archive: zipfile.ZipFile) -> int:
    loaded = 0
    try:
        with archive.open(member_name(table.name)) as member:
            rows = decode_rows(table, iter(member))
            while batch := list(islice(rows, BATCH)):
                connection.execute(table.insert(), batch)
                loaded += len(batch)
    except KeyError:
        raise ArchiveError(f"{member_name(table.name)} is missing from the archive") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ArchiveError(f"{member_name(table.name)} is damaged ({exc})") from None
    return loaded


def _advance_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move each id sequence past the imported ids, so the next insert does not collide with them.

    PostgreSQL's sequences do not notice explicit ids; SQLite derives the next id from the table.
    """
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = connection.execute(
            select(func.pg_get_serial_sequence(f'"{table.name}"', column.name))
        ).scalar()
        if sequence is None:
            continue
        connection.execute(
            text(
                f'SELECT setval(CAST(:seq AS regclass), COALESCE(MAX("{column.name}"), 1), '
                f'MAX("{column.name}") IS NOT NULL) FROM "{table.name}"'
            ),
            {"seq": sequence},
        )
