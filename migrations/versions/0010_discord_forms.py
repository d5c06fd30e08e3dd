"""Discord: discord_form_state, chained forms in progress kept across restarts.

Revision ID: 0010_discord_forms
Revises: 0009_onboarding_access
Create Date: 2026-11-21 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0010_discord_forms"
down_revision: str | Sequence[str] | None = "0009_onboarding_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "discord_form_state",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("data", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_discord_form_state")),
    )
    with op.batch_alter_table("discord_form_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discord_form_state_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("discord_form_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discord_form_state_created_at"))
    op.drop_table("discord_form_state")
