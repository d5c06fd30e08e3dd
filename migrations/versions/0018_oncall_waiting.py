"""oncall_waiting: the items waiting for triage, kept by the oncall feature so the queue's size is a
count of one narrow table rather than a probe per open item.

The table starts empty; the feature fills it when it starts (and whenever its rules change).

Revision ID: 0018_oncall_waiting
Revises: 0017_oncall_stats_indexes
Create Date: 2026-12-06 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_oncall_waiting"
down_revision: str | Sequence[str] | None = "0017_oncall_stats_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "oncall_waiting",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["tracked_issue.id"],
            name=op.f("fk_oncall_waiting_issue_id_tracked_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", name=op.f("pk_oncall_waiting")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("oncall_waiting")
