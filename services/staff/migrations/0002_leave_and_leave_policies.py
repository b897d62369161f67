"""Leave requests with their approval chain and return (销假), and each centre's leave chain.

Revision 0002_leave_and_leave_policies, after 0001_initial_schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_leave_and_leave_policies"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leave_policies",
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("section_max_days", sa.Integer(), nullable=False),
        sa.Column("deputy_max_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("site_code"),
    )
    op.create_table(
        "leave",
        sa.Column("leave_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=20), nullable=False),
        sa.Column("approvals", sa.Text(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff.user_id"],
        ),
        sa.PrimaryKeyConstraint("leave_id"),
    )
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leave_end_on"), ["end_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_leave_site_code"), ["site_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_leave_start_on"), ["start_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_leave_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_leave_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leave_user_id"))
        batch_op.drop_index(batch_op.f("ix_leave_state"))
        batch_op.drop_index(batch_op.f("ix_leave_start_on"))
        batch_op.drop_index(batch_op.f("ix_leave_site_code"))
        batch_op.drop_index(batch_op.f("ix_leave_end_on"))

    op.drop_table("leave")
    op.drop_table("leave_policies")
