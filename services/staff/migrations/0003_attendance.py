"""Attendance: each person's day (check-in, check-out, lateness, early leave, absence), the days
closed per site, and the windows nobody on duty was at.

Revision 0003_attendance, after 0002_leave_and_leave_policies.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_attendance"
down_revision = "0002_leave_and_leave_policies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unattended_windows",
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("unattended_minutes", sa.Integer(), nullable=False),
        sa.Column("whole_day", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("window_code", "day"),
    )
    with op.batch_alter_table("unattended_windows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unattended_windows_site_code"), ["site_code"], unique=False)

    op.create_table(
        "attendance_closed_days",
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working_day", sa.Boolean(), nullable=False),
        sa.Column("absences", sa.Integer(), nullable=False),
        sa.Column("unattended_windows", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("site_code", "day"),
    )
    op.create_table(
        "attendance",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("working_day", sa.Boolean(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_late", sa.Integer(), nullable=False),
        sa.Column("minutes_early", sa.Integer(), nullable=False),
        sa.Column("absent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff.user_id"],
        ),
        sa.PrimaryKeyConstraint("user_id", "day"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_site_code"), ["site_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_site_code"))
        batch_op.drop_index(batch_op.f("ix_attendance_day"))

    op.drop_table("attendance")
    op.drop_table("attendance_closed_days")
    with op.batch_alter_table("unattended_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unattended_windows_site_code"))

    op.drop_table("unattended_windows")
