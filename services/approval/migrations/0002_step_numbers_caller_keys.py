"""Each step has a number within its case (what a reviewer types); request ids count per
caller and per method.

Revision 0002_step_numbers_caller_keys, after 0001_initial_schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.common.migration_steps import key_requests_by_caller

revision = "0002_step_numbers_caller_keys"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key_requests_by_caller()
    with op.batch_alter_table("steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=False, server_default="0"))
    # Existing steps are numbered in their case's flow order, as new ones are.
    op.execute(
        "UPDATE steps SET number = (SELECT COUNT(*) FROM steps AS earlier"
        " WHERE earlier.case_no = steps.case_no AND (earlier.position < steps.position"
        " OR (earlier.position = steps.position AND earlier.step_id <= steps.step_id)))"
    )
    with op.batch_alter_table("steps", schema=None) as batch_op:
        batch_op.alter_column("number", server_default=None)
        batch_op.create_unique_constraint("uq_steps_case_number", ["case_no", "number"])


def downgrade() -> None:
    raise NotImplementedError("request keys cannot lose their caller again; restore a backup instead")
