"""GitHub layer: each repository's one-time read of its closed history.

Revision ID: 0012_github_history
Revises: 0011_github_activity
Create Date: 2026-12-04 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0012_github_history"
down_revision: str | Sequence[str] | None = "0011_github_activity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "github_history_backfill",
        sa.Column("repo_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_url", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("total_pages", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("repo_lower", name=op.f("pk_github_history_backfill")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("github_history_backfill")
