"""Text a clerk types is stored in columns as long as the request allows, no longer: PostgreSQL
then refuses what SQLite would keep, and both keep what the protos admit.

Revision 0003_bounded_text_columns, after 0002_request_keys_per_caller.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_bounded_text_columns"
down_revision = "0002_request_keys_per_caller"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column(
            "non_acceptance_reason",
            existing_type=sa.String(),
            type_=sa.String(length=1000),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "competent_agency",
            existing_type=sa.String(),
            type_=sa.String(length=100),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "result_summary", existing_type=sa.String(), type_=sa.String(length=500), existing_nullable=False
        )
        batch_op.alter_column(
            "issued_by", existing_type=sa.String(), type_=sa.String(length=64), existing_nullable=False
        )
        batch_op.alter_column(
            "recipient_name", existing_type=sa.String(), type_=sa.String(length=100), existing_nullable=False
        )
        batch_op.alter_column(
            "withdrawal_reason",
            existing_type=sa.String(),
            type_=sa.String(length=1000),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "decision_number", existing_type=sa.String(), type_=sa.String(length=40), existing_nullable=False
        )
        batch_op.alter_column(
            "review_reason", existing_type=sa.String(), type_=sa.String(length=1000), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column(
            "non_acceptance_reason",
            existing_type=sa.String(length=1000),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "competent_agency",
            existing_type=sa.String(length=100),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "result_summary", existing_type=sa.String(length=500), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "issued_by", existing_type=sa.String(length=64), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "recipient_name", existing_type=sa.String(length=100), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "withdrawal_reason",
            existing_type=sa.String(length=1000),
            type_=sa.String(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "decision_number", existing_type=sa.String(length=40), type_=sa.String(), existing_nullable=False
        )
        batch_op.alter_column(
            "review_reason", existing_type=sa.String(length=1000), type_=sa.String(), existing_nullable=False
        )
