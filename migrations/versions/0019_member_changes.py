"""member_changes: a count of the writes to member and platform_identity, kept by triggers on SQLite.

The member cache reads it when another connection has committed, and keeps its copies when the
commit did not touch members (the scheduler's lease renewal, a sync, a claim). On PostgreSQL the
table exists (one schema for both) but nothing reads it, so it has no triggers.

Revision ID: 0019_member_changes
Revises: 0018_oncall_waiting
Create Date: 2026-12-06 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_member_changes"
down_revision: str | Sequence[str] | None = "0018_oncall_waiting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = ("member", "platform_identity")
OPERATIONS = ("insert", "update", "delete")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "member_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("writes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_changes")),
    )
    op.execute("INSERT INTO member_changes (id, writes) VALUES (1, 0)")
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in WATCHED:
        for operation in OPERATIONS:
            # Once per statement would do, but SQLite has row triggers only; a member write is rare.
            op.execute(
                f"CREATE TRIGGER member_changes_{table}_{operation} AFTER {operation.upper()} ON {table} "
                "BEGIN UPDATE member_changes SET writes = writes + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS member_changes_{table}_{operation}")
    op.drop_table("member_changes")
