"""Posted exactly once: per-post keys and part progress on post_log, the scheduler lease.

Revision ID: 0015_post_once
Revises: 0012_github_history
Create Date: 2026-12-05 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0015_post_once"
down_revision: str | Sequence[str] | None = "0016_config_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("post_log") as batch:
        batch.add_column(sa.Column("post_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("parts_done", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("part_refs", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("epoch", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("attempt_at", sa.DateTime(timezone=True), nullable=True))
    # Rows already "sent" are complete; their part count is unknown and no longer matters.
    op.create_table(
        "leader_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leader_lease")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("leader_lease")
    with op.batch_alter_table("post_log") as batch:
        batch.drop_column("attempt_at")
        batch.drop_column("epoch")
        batch.drop_column("part_refs")
        batch.drop_column("parts_done")
        batch.drop_column("post_key")
