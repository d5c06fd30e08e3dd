"""Contributor spotlights: spotlight_interview, spotlight_answer, spotlight_credit, spotlight_opt_out.

Revision ID: 0003_spotlight
Revises: 0002_scheduling
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003_spotlight"
down_revision: str | Sequence[str] | None = "0002_scheduling"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "spotlight_credit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("github_login_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("by_member_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_member_id"],
            ["member.id"],
            name=op.f("fk_spotlight_credit_by_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_spotlight_credit_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotlight_credit")),
    )
    with op.batch_alter_table("spotlight_credit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spotlight_credit_github_login_lower"), ["github_login_lower"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_spotlight_credit_member_id"), ["member_id"], unique=False)

    op.create_table(
        "spotlight_interview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("github_login", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("introduction", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.Column("change_request", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("editor_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["member.id"],
            name=op.f("fk_spotlight_interview_editor_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["member.id"],
            name=op.f("fk_spotlight_interview_invited_by_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_spotlight_interview_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotlight_interview")),
    )
    with op.batch_alter_table("spotlight_interview", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spotlight_interview_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_spotlight_interview_status"), ["status"], unique=False)

    op.create_table(
        "spotlight_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("github_login_lower", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_spotlight_opt_out_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotlight_opt_out")),
        sa.UniqueConstraint("github_login_lower", name=op.f("uq_spotlight_opt_out_github_login_lower")),
        sa.UniqueConstraint("member_id", name=op.f("uq_spotlight_opt_out_member_id")),
    )
    op.create_table(
        "spotlight_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("editor_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["spotlight_interview.id"],
            name=op.f("fk_spotlight_answer_interview_id_spotlight_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotlight_answer")),
        sa.UniqueConstraint(
            "interview_id", "question_id", name=op.f("uq_spotlight_answer_interview_id_question_id")
        ),
    )
    with op.batch_alter_table("spotlight_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spotlight_answer_interview_id"), ["interview_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("spotlight_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spotlight_answer_interview_id"))

    op.drop_table("spotlight_answer")
    op.drop_table("spotlight_opt_out")
    with op.batch_alter_table("spotlight_interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spotlight_interview_status"))
        batch_op.drop_index(batch_op.f("ix_spotlight_interview_member_id"))

    op.drop_table("spotlight_interview")
    with op.batch_alter_table("spotlight_credit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spotlight_credit_member_id"))
        batch_op.drop_index(batch_op.f("ix_spotlight_credit_github_login_lower"))

    op.drop_table("spotlight_credit")
