"""Newcomer onboarding: greeting batches, newcomers (join and welcome-DM queue), enrollments, steps done.

Revision ID: 0007_onboarding
Revises: 0006_gfi
Create Date: 2026-11-21 11:05:55.124516
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401, RUF100  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0007_onboarding"
down_revision: str | Sequence[str] | None = "0006_gfi"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "onboarding_greeting_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_greeting_batch")),
    )
    op.create_table(
        "onboarding_enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nudges", sa.Integer(), nullable=False),
        sa.Column("last_nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders_off", sa.Boolean(), nullable=False),
        sa.Column("announce", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_onboarding_enrollment_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_enrollment")),
        sa.UniqueConstraint("member_id", "path_id", name=op.f("uq_onboarding_enrollment_member_id_path_id")),
    )
    with op.batch_alter_table("onboarding_enrollment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onboarding_enrollment_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onboarding_enrollment_status"), ["status"], unique=False)

    op.create_table(
        "onboarding_newcomer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("platform_user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("dm_state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dm_owner", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("dm_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["onboarding_greeting_batch.id"],
            name=op.f("fk_onboarding_newcomer_batch_id_onboarding_greeting_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_onboarding_newcomer_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_newcomer")),
        sa.UniqueConstraint("member_id", name=op.f("uq_onboarding_newcomer_member_id")),
    )
    with op.batch_alter_table("onboarding_newcomer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onboarding_newcomer_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onboarding_newcomer_dm_state"), ["dm_state"], unique=False)
        batch_op.create_index(batch_op.f("ix_onboarding_newcomer_joined_at"), ["joined_at"], unique=False)

    op.create_table(
        "onboarding_step_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("step_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("how", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["onboarding_enrollment.id"],
            name=op.f("fk_onboarding_step_done_enrollment_id_onboarding_enrollment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_onboarding_step_done_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_step_done")),
        sa.UniqueConstraint(
            "enrollment_id", "step_id", name=op.f("uq_onboarding_step_done_enrollment_id_step_id")
        ),
    )
    with op.batch_alter_table("onboarding_step_done", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onboarding_step_done_completed_at"), ["completed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_onboarding_step_done_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_onboarding_step_done_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("onboarding_step_done", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onboarding_step_done_member_id"))
        batch_op.drop_index(batch_op.f("ix_onboarding_step_done_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_onboarding_step_done_completed_at"))

    op.drop_table("onboarding_step_done")
    with op.batch_alter_table("onboarding_newcomer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onboarding_newcomer_joined_at"))
        batch_op.drop_index(batch_op.f("ix_onboarding_newcomer_dm_state"))
        batch_op.drop_index(batch_op.f("ix_onboarding_newcomer_batch_id"))

    op.drop_table("onboarding_newcomer")
    with op.batch_alter_table("onboarding_enrollment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onboarding_enrollment_status"))
        batch_op.drop_index(batch_op.f("ix_onboarding_enrollment_member_id"))

    op.drop_table("onboarding_enrollment")
    op.drop_table("onboarding_greeting_batch")
