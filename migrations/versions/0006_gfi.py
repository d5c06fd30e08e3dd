"""Good first issues: claims (one active per issue), waitlists, announcements, account-link codes.

Revision ID: 0006_gfi
Revises: 0005_github
Create Date: 2026-11-22 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0006_gfi"
down_revision: str | Sequence[str] | None = "0005_github"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_STR = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "gfi_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("open_issue_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("github_login", _STR, nullable=True),
        sa.Column("assigned_by_member_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", _TS, nullable=False),
        sa.Column("last_activity_at", _TS, nullable=False),
        sa.Column("remind_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("reminded_at", _TS, nullable=True),
        sa.Column("pr_number", sa.Integer(), nullable=True),
        sa.Column("github_state", _STR, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("end_reason", _STR, nullable=True),
        sa.Column("credited", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["tracked_issue.id"],
            name=op.f("fk_gfi_claim_issue_id_tracked_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_gfi_claim_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfi_claim")),
        sa.UniqueConstraint("open_issue_id", name=op.f("uq_gfi_claim_open_issue_id")),
    )
    op.create_index("ix_gfi_claim_member_id_ended_at", "gfi_claim", ["member_id", "ended_at"])
    op.create_index("ix_gfi_claim_issue_id_claimed_at", "gfi_claim", ["issue_id", "claimed_at"])
    op.create_index(op.f("ix_gfi_claim_remind_at"), "gfi_claim", ["remind_at"])
    op.create_index(op.f("ix_gfi_claim_expires_at"), "gfi_claim", ["expires_at"])
    op.create_index(op.f("ix_gfi_claim_ended_at"), "gfi_claim", ["ended_at"])

    op.create_table(
        "gfi_waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("offer_expires_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["tracked_issue.id"],
            name=op.f("fk_gfi_waitlist_issue_id_tracked_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_gfi_waitlist_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfi_waitlist")),
        sa.UniqueConstraint("issue_id", "member_id", name=op.f("uq_gfi_waitlist_issue_id_member_id")),
    )
    op.create_index(op.f("ix_gfi_waitlist_issue_id"), "gfi_waitlist", ["issue_id"])
    op.create_index(op.f("ix_gfi_waitlist_offer_expires_at"), "gfi_waitlist", ["offer_expires_at"])

    op.create_table(
        "gfi_announcement",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", _TS, nullable=False),
        sa.Column("batch", _STR, nullable=True),
        sa.Column("announced_at", _TS, nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["tracked_issue.id"],
            name=op.f("fk_gfi_announcement_issue_id_tracked_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", name=op.f("pk_gfi_announcement")),
    )
    op.create_index(op.f("ix_gfi_announcement_seen_at"), "gfi_announcement", ["seen_at"])
    op.create_index(op.f("ix_gfi_announcement_batch"), "gfi_announcement", ["batch"])

    op.create_table(
        "gfi_link_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("login", _STR, nullable=False),
        sa.Column("code", _STR, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_gfi_link_code_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfi_link_code")),
        sa.UniqueConstraint("member_id", name=op.f("uq_gfi_link_code_member_id")),
    )

    # Case-insensitive label lookups for the board (an expression index; both databases support it).
    op.create_index("ix_issue_label_name_lower", "issue_label", [sa.text("lower(name)"), "issue_id"])
    # The board walks open issues newest-first and stops after one page.
    op.create_index(
        "ix_tracked_issue_state_is_pull_request_created_at",
        "tracked_issue",
        ["state", "is_pull_request", "created_at"],
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_tracked_issue_state_is_pull_request_created_at", table_name="tracked_issue")
    op.drop_index("ix_issue_label_name_lower", table_name="issue_label")
    op.drop_table("gfi_link_code")
    op.drop_index(op.f("ix_gfi_announcement_batch"), table_name="gfi_announcement")
    op.drop_index(op.f("ix_gfi_announcement_seen_at"), table_name="gfi_announcement")
    op.drop_table("gfi_announcement")
    op.drop_index(op.f("ix_gfi_waitlist_offer_expires_at"), table_name="gfi_waitlist")
    op.drop_index(op.f("ix_gfi_waitlist_issue_id"), table_name="gfi_waitlist")
    op.drop_table("gfi_waitlist")
    for name in ("ended_at", "expires_at", "remind_at"):
        op.drop_index(op.f(f"ix_gfi_claim_{name}"), table_name="gfi_claim")
    op.drop_index("ix_gfi_claim_issue_id_claimed_at", table_name="gfi_claim")
    op.drop_index("ix_gfi_claim_member_id_ended_at", table_name="gfi_claim")
    op.drop_table("gfi_claim")
