"""Onboarding: onboarding_enrollment.access_pending, a path's role/channel still owed (issue #9).

Revision ID: 0009_onboarding_access
Revises: 0008_gfi_board
Create Date: 2026-11-21 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_onboarding_access"
down_revision: str | Sequence[str] | None = "0008_gfi_board"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("onboarding_enrollment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("access_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("onboarding_enrollment", schema=None) as batch_op:
        batch_op.drop_column("access_pending")
