"""Whether a review has pauses or documents: each view of the case (after every write, and on
every read) skips the query for the tables it has no rows in. Set from the rows there are.

Revision 0005_review_flags, after 0004_staff_copy_calendar_years.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_review_flags"
down_revision = "0004_staff_copy_calendar_years"
branch_labels = None
depends_on = None

# Flag column -> the table whose rows about the case it tells of.
FLAGS = {"has_pauses": "pauses", "has_documents": "review_documents"}


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        for column in FLAGS:
            batch_op.add_column(sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false()))
    for column, table in FLAGS.items():
        op.execute(
            f"UPDATE reviews SET {column} = TRUE WHERE EXISTS "
            f"(SELECT 1 FROM {table} WHERE {table}.case_no = reviews.case_no)"
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        for column in FLAGS:
            batch_op.drop_column(column)
