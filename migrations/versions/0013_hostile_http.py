"""Webhook deliveries that keep failing are parked; calendar feeds get a generated token.

Revision ID: 0013_hostile_http
Revises: 0012_github_history
Create Date: 2026-12-05 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0013_hostile_http"
down_revision: str | Sequence[str] | None = "0012_github_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("github_webhook_delivery") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "oncall_feed_token",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_oncall_feed_token")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("oncall_feed_token")
    with op.batch_alter_table("github_webhook_delivery") as batch:
        batch.drop_column("parked_at")
        batch.drop_column("attempts")
