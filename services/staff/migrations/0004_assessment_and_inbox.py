"""Assessment: supervision's deductions (one per finding) and recorded praise; the inbox staff
receives supervision's events through.

Revision 0004_assessment_and_inbox, after 0003_attendance.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_assessment_and_inbox"
down_revision = "0003_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_deductions",
        sa.Column("finding_id", sa.String(length=64), nullable=False),
        sa.Column("accountability_case_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("finding_id"),
    )
    with op.batch_alter_table("assessment_deductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_deductions_decided_on"), ["decided_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_deductions_site_code"), ["site_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_deductions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_deductions_window_code"), ["window_code"], unique=False
        )

    op.create_table(
        "assessment_praise",
        sa.Column("praise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("praise_id"),
    )
    with op.batch_alter_table("assessment_praise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_praise_awarded_on"), ["awarded_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_praise_site_code"), ["site_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_praise_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_praise_window_code"), ["window_code"], unique=False)

    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )


def downgrade() -> None:
    op.drop_table("inbox")
    with op.batch_alter_table("assessment_praise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_praise_window_code"))
        batch_op.drop_index(batch_op.f("ix_assessment_praise_user_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_praise_site_code"))
        batch_op.drop_index(batch_op.f("ix_assessment_praise_awarded_on"))

    op.drop_table("assessment_praise")
    with op.batch_alter_table("assessment_deductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_deductions_window_code"))
        batch_op.drop_index(batch_op.f("ix_assessment_deductions_user_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_deductions_site_code"))
        batch_op.drop_index(batch_op.f("ix_assessment_deductions_decided_on"))

    op.drop_table("assessment_deductions")
