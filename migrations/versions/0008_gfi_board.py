"""Good first issues: gfi_board_entry, the board's membership kept by the feature (issue #6).

Revision ID: 0008_gfi_board
Revises: 0007_onboarding
Create Date: 2026-11-30 09:00:00.000000

Which issues are on the board depends on the YAML config (newcomer labels per repo, areas,
difficulties, the priority label), which migrations do not read; so the table is created empty and
filled by the running bot before it answers its first /gfi list (board_index.rebuild, run at start-up
and whenever the rules it was built for differ from the running ones).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0008_gfi_board"
down_revision: str | Sequence[str] | None = "0007_onboarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "gfi_board_entry",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("facet", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["tracked_issue.id"],
            name=op.f("fk_gfi_board_entry_issue_id_tracked_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "facet", name=op.f("pk_gfi_board_entry")),
    )
    op.create_index(
        "ix_gfi_board_entry_facet_priority_created_at",
        "gfi_board_entry",
        ["facet", "priority", "created_at", "issue_id"],
    )
    op.create_index(
        "ix_gfi_board_entry_facet_repo_id_priority_created_at",
        "gfi_board_entry",
        ["facet", "repo_id", "priority", "created_at", "issue_id"],
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_gfi_board_entry_facet_repo_id_priority_created_at", table_name="gfi_board_entry")
    op.drop_index("ix_gfi_board_entry_facet_priority_created_at", table_name="gfi_board_entry")
    op.drop_table("gfi_board_entry")
