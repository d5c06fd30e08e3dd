"""GitHub layer: what polls read of repositories' comments and issue events, and the ledger of
comments/issue events already published (by a webhook or a poll).

Revision ID: 0011_github_activity
Revises: 0010_discord_forms
Create Date: 2026-11-21 13:34:17.209585
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0011_github_activity"
down_revision: str | Sequence[str] | None = "0010_discord_forms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "github_activity_cursor",
        sa.Column("repo_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comments_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comments_read_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comments_etag", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("comments_due", sa.Boolean(), nullable=False),
        sa.Column("events_etag", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("events_page", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("repo_lower", name=op.f("pk_github_activity_cursor")),
    )
    op.create_table(
        "github_handled_activity",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("github_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("repo", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "github_id", name=op.f("pk_github_handled_activity")),
    )
    with op.batch_alter_table("github_handled_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_github_handled_activity_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("github_handled_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_github_handled_activity_created_at"))

    op.drop_table("github_handled_activity")
    op.drop_table("github_activity_cursor")
