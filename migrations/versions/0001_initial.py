"""Initial schema: member, platform_identity, repo, tracked_issue, issue_label, post_log.

Revision ID: 0001
Revises: (none: first revision)
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("github_login", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("github_login_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("github_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("github_login_lower", name=op.f("uq_member_github_login_lower")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_github_login"), ["github_login"], unique=False)

    op.create_table(
        "post_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_log")),
        sa.UniqueConstraint(
            "job", "period", "platform", "channel", name=op.f("uq_post_log_job_period_platform_channel")
        ),
    )
    op.create_table(
        "repo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("full_name_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("github_id", sa.BigInteger(), nullable=True),
        sa.Column("list_etag", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("since_high_water", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_full_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repo")),
        sa.UniqueConstraint("full_name", name=op.f("uq_repo_full_name")),
        sa.UniqueConstraint("full_name_lower", name=op.f("uq_repo_full_name_lower")),
    )
    op.create_table(
        "platform_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("platform_user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_platform_identity_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_identity")),
        sa.UniqueConstraint(
            "platform", "platform_user_id", name=op.f("uq_platform_identity_platform_platform_user_id")
        ),
    )
    with op.batch_alter_table("platform_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_identity_member_id"), ["member_id"], unique=False)

    op.create_table(
        "tracked_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repo_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("github_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_pull_request", sa.Boolean(), nullable=False),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("author_login", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("author_association", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("assignees", sa.JSON(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("html_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("body_excerpt", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("linked_numbers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["repo_id"], ["repo.id"], name=op.f("fk_tracked_issue_repo_id_repo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_issue")),
        sa.UniqueConstraint("repo_id", "number", name=op.f("uq_tracked_issue_repo_id_number")),
    )
    with op.batch_alter_table("tracked_issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracked_issue_author_login"), ["author_login"], unique=False)
        batch_op.create_index(
            "ix_tracked_issue_repo_id_state_is_pull_request",
            ["repo_id", "state", "is_pull_request"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_tracked_issue_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "issue_label",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["tracked_issue.id"],
            name=op.f("fk_issue_label_issue_id_tracked_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "name", name=op.f("pk_issue_label")),
    )
    with op.batch_alter_table("issue_label", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_label_name"), ["name"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("issue_label", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_label_name"))

    op.drop_table("issue_label")
    with op.batch_alter_table("tracked_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracked_issue_updated_at"))
        batch_op.drop_index("ix_tracked_issue_repo_id_state_is_pull_request")
        batch_op.drop_index(batch_op.f("ix_tracked_issue_author_login"))

    op.drop_table("tracked_issue")
    with op.batch_alter_table("platform_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_identity_member_id"))

    op.drop_table("platform_identity")
    op.drop_table("repo")
    op.drop_table("post_log")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_github_login"))

    op.drop_table("member")
