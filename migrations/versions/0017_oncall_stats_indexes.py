"""Covering indexes for /oncall stats: the backlog's candidate items and the response-time window.

Revision ID: 0017_oncall_stats_indexes
Revises: 0015_post_once
Create Date: 2026-12-05 12:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017_oncall_stats_indexes"
down_revision: str | Sequence[str] | None = "0015_post_once"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKLOG = (
    "state",
    "closed_at",
    "created_at",
    "removed_at",
    "repo_id",
    "number",
    "author_association",
    "author_login",
)
WINDOW = ("opened_at", "first_response_at", "triaged_at", "rotation", "first_response_by", "triaged_by")


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_tracked_issue_backlog", "tracked_issue", list(BACKLOG))
    op.create_index("ix_oncall_triage_window", "oncall_triage", list(WINDOW))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_oncall_triage_window", table_name="oncall_triage")
    op.drop_index("ix_tracked_issue_backlog", table_name="tracked_issue")
