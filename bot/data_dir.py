"""Where Steward keeps local state outside the source tree: the demo's database, its leader lock file,
and files the console writes (charts, exports). One per-user folder from ``platformdirs``
(``~/.local/share/steward`` on Linux), or ``STEWARD_DATA_DIR`` when set."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "STEWARD_DATA_DIR"
DEMO_DB_ENV = "STEWARD_DEMO_DB"  # the demo config reads its SQLite path from this variable


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The per-user data folder (not created here)."""
    env = os.environ if env is None else env
    override = env.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("steward", appauthor=False))


def demo_dir(env: Mapping[str, str] | None = None) -> Path:
    """The demo's own folder inside the data folder; ``--reset`` empties it."""
    return data_dir(env) / "demo"


def demo_database(env: Mapping[str, str] | None = None) -> Path:
    """The demo's SQLite file: ``STEWARD_DEMO_DB`` when set, else ``steward-demo.db`` in the demo folder."""
    env = os.environ if env is None else env
    override = env.get(DEMO_DB_ENV)
    return Path(override) if override else demo_dir(env) / "steward-demo.db"


def demo_files_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the demo's console saves charts and exported files it cannot show in a terminal."""
    return demo_dir(env) / "files"


def prepare_demo_state(env: dict[str, str] | os._Environ[str], *, reset: bool = False) -> Path:
    """Point the demo config at its database in the data folder (setting ``STEWARD_DEMO_DB`` in ``env``
    unless the user chose a path), create the folder, and with ``reset`` delete the previous state:
    the database, its ``.leader`` lock file and SQLite's side files. Returns the database path."""
    database = demo_database(env)
    env.setdefault(DEMO_DB_ENV, str(database))
    if reset:
        for suffix in ("", ".leader", "-wal", "-shm", "-journal"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        shutil.rmtree(demo_files_dir(env), ignore_errors=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    return database
