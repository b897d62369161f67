"""Text a reviewer types is stored in columns as long as the request allows, no longer: PostgreSQL
then refuses what SQLite would keep, and both keep what the protos admit.

Revision 0003_bounded_text_columns, after 0002_step_numbers_caller_keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_bounded_text_columns"
down_revision = "0002_step_numbers_caller_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column(
            "special_procedures",
            existing_type=sa.String(),
            type_=sa.String(length=40),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_approver",
            existing_type=sa.String(),
            type_=sa.String(length=100),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_reason",
            existing_type=sa.String(),
            type_=sa.String(length=1000),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_granted_by",
            existing_type=sa.String(),
            type_=sa.String(length=64),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_notice", existing_type=sa.String(), type_=sa.String(length=40), existing_nullable=False
        )
        batch_op.alter_column(
            "decision_number", existing_type=sa.String(), type_=sa.String(length=40), existing_nullable=False
        )
        batch_op.alter_column(
            "decided_by", existing_type=sa.String(), type_=sa.String(length=64), existing_nullable=False
        )
        batch_op.alter_column(
            "decision_department",
            existing_type=sa.String(),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
    with op.batch_alter_table("steps") as batch_op:
        batch_op.alter_column(
            "acted_by", existing_type=sa.String(), type_=sa.String(length=64), existing_nullable=False
        )
    with op.batch_alter_table("pauses") as batch_op:
        batch_op.alter_column(
            "notice_number", existing_type=sa.String(), type_=sa.String(length=40), existing_nullable=False
        )
        batch_op.alter_column(
            "started_by", existing_type=sa.String(), type_=sa.String(length=64), existing_nullable=False
        )
        batch_op.alter_column(
            "ended_by", existing_type=sa.String(), type_=sa.String(length=64), existing_nullable=False
        )
    with op.batch_alter_table("activities") as batch_op:
        batch_op.alter_column(
            "target", existing_type=sa.String(), type_=sa.String(length=64), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column(
            "special_procedures",
            existing_type=sa.String(length=40),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_approver",
            existing_type=sa.String(length=100),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_reason",
            existing_type=sa.String(length=1000),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_granted_by",
            existing_type=sa.String(length=64),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "extension_notice", existing_type=sa.String(length=40), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "decision_number", existing_type=sa.String(length=40), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "decided_by", existing_type=sa.String(length=64), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "decision_department",
            existing_type=sa.String(length=16),
            type_=sa.String(),
            existing_nullable=False,
        )
    with op.batch_alter_table("steps") as batch_op:
        batch_op.alter_column(
            "acted_by", existing_type=sa.String(length=64), type_=sa.String(), existing_nullable=False
        )
    with op.batch_alter_table("pauses") as batch_op:
        batch_op.alter_column(
            "notice_number", existing_type=sa.String(length=40), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "started_by", existing_type=sa.String(length=64), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "ended_by", existing_type=sa.String(length=64), type_=sa.String(), existing_nullable=False
        )
    with op.batch_alter_table("activities") as batch_op:
        batch_op.alter_column(
            "target", existing_type=sa.String(length=64), type_=sa.String(), existing_nullable=False
        )
