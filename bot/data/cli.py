"""``steward export``, ``steward import`` and ``steward forget``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.counted import counted
from bot.data.archive import ArchiveError, DataUsageError

EXIT_FAILED = 1
EXIT_USAGE = 2


def register(sub: Any) -> None:
    """Add the data commands to the ``steward`` parser."""

    def with_config(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", "-c", help="YAML config file (default: ./steward.yaml)")
        p.add_argument("--demo", action="store_true", help="the demo configuration")

    p = sub.add_parser("export", help="write every table of the database to one archive file")
    with_config(p)
    p.add_argument("file", help="archive to write (e.g. steward-backup.zip); replaced if it exists")
    p.set_defaults(fn=cmd_export)

    p = sub.add_parser("import", help="load an export archive into an empty, migrated database")
    with_config(p)
    p.add_argument("file", help="archive written by `steward export`")
    p.set_defaults(fn=cmd_import)

    p = sub.add_parser("forget", help="erase what is stored about one person (asks first)")
    with_config(p)
    p.add_argument("member", help="discord:ID, slack:ID, console:name, a GitHub login or a known chat name")
    p.add_argument("--yes", "-y", action="store_true", help="erase without asking")
    p.set_defaults(fn=cmd_forget, input=input)


def _guarded(name: str, action: Callable[[], int]) -> int:
    """Run ``action``; known problems become one line on stderr and an exit code, never a traceback."""
    try:
        return action()
    except DataUsageError as exc:
        print(f"steward {name}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveError as exc:
        print(f"steward {name}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (SQLAlchemyError, OSError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"steward {name}: failed: {reason}", file=sys.stderr)
        return EXIT_FAILED


def cmd_forget(args: argparse.Namespace) -> int:
    """``steward forget MEMBER``."""
    from bot.data.forget_command import cmd_forget as run

    return _guarded("forget", lambda: run(args))


def cmd_export(args: argparse.Namespace) -> int:
    """``steward export FILE``."""
    from bot.cli import resolve_config
    from bot.data.export import export_database

    config, _ = resolve_config(args)

    def run() -> int:
        summary = export_database(config.database_url(), Path(args.file), datetime.now(UTC))
        manifest = summary.manifest
        rows = sum(entry.rows for entry in manifest.tables.values())
        print(
            f"exported {counted(rows, 'row', 'rows')} "
            f"of {counted(len(manifest.tables), 'table', 'tables')} at revision {manifest.revision} "
            f"to {summary.path}"
        )
        return 0

    return _guarded("export", run)


def cmd_import(args: argparse.Namespace) -> int:
    """``steward import FILE``."""
    from bot.cli import resolve_config
    from bot.data.importer import import_archive

    config, _ = resolve_config(args)

    def run() -> int:
        summary = import_archive(config.database_url(), Path(args.file))
        manifest = summary.manifest
        print(
            f"imported {counted(summary.rows, 'row', 'rows')} "
            f"of {counted(len(manifest.tables), 'table', 'tables')} "
            f"(exported from {manifest.backend} at {manifest.exported_at})"
        )
        return 0

    return _guarded("import", run)
