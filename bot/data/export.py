"""``steward export``: every table of the database, read in one snapshot, into one archive file."""

from __future__ import annotations

import contextlib
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, select

from bot.data.archive import MANIFEST_NAME, DataUsageError, Manifest, TableEntry, encode_row, member_name
from bot.db import migrate
from bot.db.engine import READ_SNAPSHOT, make_engine, sqlite_file_missing
from bot.db.models import archived_tables, load_all_models

# Rows are streamed from the database in batches of this many, so memory stays flat on big tables.
BATCH = 1000


@dataclass(frozen=True)
class ExportSummary:
    """What was written: the archive's manifest and where it went."""

    path: Path
    manifest: Manifest


def schema_metadata() -> MetaData:
    """Every table of every feature: discovered from the models, so a new feature's tables are included."""
    return load_all_models()


def require_current_schema(url: str, what: str) -> str:
    """The database's Alembic revision, which must be the one this code's models describe; a SQLite
    file that is not there is reported, not created."""
    the = " ".join(filter(None, ("the", what, "database")))
    missing = sqlite_file_missing(url)
    if missing is not None:
        raise DataUsageError(f"{the} does not exist yet ({missing}): run `steward migrate` first")
    revision = migrate.current_revision(url)
    heads = migrate.head_revisions()
    if revision is None:
        raise DataUsageError(f"{the} has no tables yet: run `steward migrate` first")
    if revision not in heads:
        raise DataUsageError(
            f"{the} is at revision {revision}, this Steward's is {', '.join(heads)}: "
            "run `steward migrate` (or use the Steward version that matches the database)"
        )
    return revision


def export_database(url: str, path: Path, now: datetime) -> ExportSummary:
    """Write every row of every table at ``url`` to the archive ``path`` (replaced only when complete)."""
    revision = require_current_schema(url, "source")
    metadata = schema_metadata()
    engine = make_engine(url)
    # Written beside the target and renamed at the end: a failed export never leaves a partial
    # archive under the name a later import would read.
    partial = path.with_name(path.name + ".partial")
    try:
        manifest = Manifest(revision, engine.dialect.name, now.isoformat())
        with (
            engine.connect() as connection,
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            if connection.dialect.name == "postgresql":
                # One snapshot for every table, so rows written meanwhile never leave dangling references.
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            connection = connection.execution_options(**{READ_SNAPSHOT: True})
            with connection.begin():
                for table in archived_tables(metadata):
                    entry = TableEntry([column.name for column in table.columns])
                    order = list(table.primary_key.columns) or list(table.columns)
                    result = connection.execution_options(yield_per=BATCH).execute(
                        select(table).order_by(*order)
                    )
                    with archive.open(member_name(table.name), "w", force_zip64=True) as out:
                        for row in result.mappings():
                            out.write(encode_row(table, row).encode("utf-8") + b"\n")
                            entry.rows += 1
                    manifest.tables[table.name] = entry
            archive.writestr(MANIFEST_NAME, manifest.to_json())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    finally:
        engine.dispose()
    return ExportSummary(path, manifest)
