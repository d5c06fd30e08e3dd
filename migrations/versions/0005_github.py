"""GitHub layer: write outbox, webhook deliveries, permission cache, known accounts.

Revision ID: 0005_github
Revises: 0004_oncall
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0005_github"
down_revision: str | Sequence[str] | None = "0004_oncall"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "github_account",
        sa.Column("login_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("account_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("login_lower", name=op.f("pk_github_account")),
    )
    op.create_table(
        "github_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("repo", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("requested_by_member_id", sa.Integer(), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("result_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_github_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_github_outbox_dedupe_key")),
    )
    with op.batch_alter_table("github_outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_github_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "github_permission_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("login_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("permission", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_github_permission_cache")),
        sa.UniqueConstraint(
            "scope", "login_lower", name=op.f("uq_github_permission_cache_scope_login_lower")
        ),
    )
    op.create_table(
        "github_webhook_delivery",
        sa.Column("delivery_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("delivery_id", name=op.f("pk_github_webhook_delivery")),
    )
    with op.batch_alter_table("github_webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_github_webhook_delivery_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("github_webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_github_webhook_delivery_received_at"))

    op.drop_table("github_webhook_delivery")
    op.drop_table("github_permission_cache")
    with op.batch_alter_table("github_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_github_outbox_status_next_attempt_at")

    op.drop_table("github_outbox")
    op.drop_table("github_account")
