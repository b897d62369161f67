"""Approval keeps a copy of the staff service's people (who a step may be reassigned to) and of
the calendar years an administrator loads, both fed by staff's events.

Revision 0004_staff_copy_calendar_years, after 0003_bounded_text_columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_staff_copy_calendar_years"
down_revision = "0003_bounded_text_columns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("holidays", sa.Text(), nullable=False),
        sa.Column("makeup_workdays", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "staff_copy",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("department_code", sa.String(length=16), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    with op.batch_alter_table("staff_copy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_copy_department_code"), ["department_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_copy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_copy_department_code"))

    op.drop_table("staff_copy")
    op.drop_table("calendar_years")
