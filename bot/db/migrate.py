"""Run Alembic migrations from code (start-up, `steward` CLI, tests) without an alembic.ini."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db.engine import make_engine


def alembic_config(url: str) -> Config:
    """An Alembic Config for `url` whose scripts come from the installed `migrations` package."""
    config = Config()
    # files() resolves to the package directory for both editable and regular installs.
    config.set_main_option("script_location", str(files("migrations")))
    # ConfigParser interpolation would choke on '%' in URL-encoded passwords; attributes bypass it.
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (default: the newest)."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    """Downgrade the database at `url` to `revision` (`"base"` removes every table)."""
    _run(url, lambda config: command.downgrade(config, revision))


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at, or None if it has never been migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revisions() -> tuple[str, ...]:
    """The newest revision(s) shipped with this code."""
    return tuple(ScriptDirectory.from_config(alembic_config("")).get_heads())


def pending(url: str) -> bool:
    """True when the database at `url` is not at the newest revision."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return current != set(head_revisions())


def _run(url: str, action: Callable[[Config], None]) -> None:
    engine = make_engine(url)
    try:
        # One connection for the whole run, handed to env.py so it doesn't open its own.
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            action(config)
    finally:
        engine.dispose()
