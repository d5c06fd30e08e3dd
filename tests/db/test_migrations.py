"""Migrations go up and down cleanly, and the models match what they build (no drift)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect

from bot.db.engine import make_engine
from bot.db.migrate import current_revision, downgrade, head_revisions, pending, upgrade
from bot.db.models import load_all_models

CORE_TABLES = {"member", "platform_identity", "repo", "tracked_issue", "issue_label", "post_log"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _diff(url: str, metadata: MetaData) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    assert current_revision(database_url) is None
    assert pending(database_url)

    upgrade(database_url)
    assert current_revision(database_url) in head_revisions()
    assert not pending(database_url)
    assert CORE_TABLES <= _tables(database_url)

    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert _tables(database_url) == set()

    upgrade(database_url)
    assert CORE_TABLES <= _tables(database_url)
    assert not pending(database_url)


def test_models_match_migrations(database_url: str) -> None:
    upgrade(database_url)
    # All models of every package, so a cog adding a table without a migration fails here too.
    diff = _diff(database_url, load_all_models())
    assert diff == [], f"models and migrations differ; write a migration for: {diff}"


def test_drift_check_catches_unmigrated_change(database_url: str) -> None:
    """Guard the guard: a column added to the models alone must show up as a difference."""
    upgrade(database_url)
    changed = MetaData(naming_convention=load_all_models().naming_convention)
    for table in load_all_models().sorted_tables:
        table.to_metadata(changed)
    changed.tables["member"].append_column(Column("shoe_size", Integer, nullable=True))
    diff = _diff(database_url, changed)
    assert [d[0] for d in diff] == ["add_column"]
    assert diff[0][3].name == "shoe_size"
