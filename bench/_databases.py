"""Fresh databases for benchmarks: a temporary SQLite file and a throwaway PostgreSQL database."""

from __future__ import annotations

import argparse
import resource
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from bot.db.engine import make_engine, normalize_url
from bot.db.migrate import upgrade


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        yield url


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"steward_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = normalize_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.engine.dispose()


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


Measure = Callable[[str, str, int, int, int], bool]  # (label, url, issues, claims, runs) -> target met


def run_on_both(measure: Measure, description: str | None, runs: int) -> int:
    """The GFI benches' command line: seed and measure on SQLite, then PostgreSQL; exit 1 if missed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--issues", type=int, default=50_000)
    parser.add_argument("--claims", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results = []
    with sqlite_database() as url:
        results.append(measure("SQLite", url, args.issues, args.claims, args.runs))
    if not args.no_postgres:
        with postgres_database(args.postgres) as url:
            results.append(measure("PostgreSQL", url, args.issues, args.claims, args.runs))
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    return 0 if all(results) else 1


ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def database_arguments(parser: argparse.ArgumentParser) -> None:
    """``--postgres URL`` and ``--no-postgres``, for benches that run on both databases."""
    parser.add_argument("--postgres", default=ADMIN_URL)
    parser.add_argument("--no-postgres", action="store_true")


async def measure_on_both(args: argparse.Namespace, measure: Callable[[str, str], Awaitable[bool]]) -> int:
    """``await measure(label, url)`` on SQLite, then PostgreSQL unless skipped; 1 when a target missed."""
    results = []
    with sqlite_database() as url:
        results.append(await measure("SQLite", url))
    if not args.no_postgres:
        with postgres_database(args.postgres) as url:
            results.append(await measure("PostgreSQL", url))
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    return 0 if all(results) else 1
