"""Rotation: departments' requests with their training, and each centre's minimum posting.

Revision 0005_rotation, after 0004_assessment_and_inbox.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_rotation"
down_revision = "0004_assessment_and_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rotations",
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=6), nullable=False),
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("current_user_id", sa.String(length=64), nullable=False),
        sa.Column("proposed_user_id", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.String(length=500), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("served_months", sa.Integer(), nullable=False),
        sa.Column("minimum_months", sa.Integer(), nullable=False),
        sa.Column("override_reason", sa.String(length=500), nullable=False),
        sa.Column("overridden_by", sa.String(length=64), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=True),
        sa.Column("training", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("rotation_id"),
    )
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rotations_site_code"), ["site_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_rotations_state"), ["state"], unique=False)

    op.create_table(
        "rotation_policies",
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("minimum_posting_years", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("site_code"),
    )


def downgrade() -> None:
    op.drop_table("rotation_policies")
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rotations_state"))
        batch_op.drop_index(batch_op.f("ix_rotations_site_code"))

    op.drop_table("rotations")
