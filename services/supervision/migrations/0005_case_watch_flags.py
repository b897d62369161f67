"""Whether a watched case has pauses, findings, reviews or complaints: the rules' reading of a case
(on every event) skips the queries for the tables it has no rows in. Set from the rows there are.

Revision 0005_case_watch_flags, after 0004_outbox.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_case_watch_flags"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None

# Flag column -> the table whose rows about the case it tells of.
FLAGS = {
    "has_pauses": "case_pauses",
    "has_findings": "alerts",
    "has_reviews": "case_reviews",
    "has_complaints": "complaints",
}


def upgrade() -> None:
    with op.batch_alter_table("case_watches", schema=None) as batch_op:
        for column in FLAGS:
            batch_op.add_column(sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false()))
    for column, table in FLAGS.items():
        op.execute(
            f"UPDATE case_watches SET {column} = TRUE WHERE EXISTS "
            f"(SELECT 1 FROM {table} WHERE {table}.case_no = case_watches.case_no)"
        )


def downgrade() -> None:
    with op.batch_alter_table("case_watches", schema=None) as batch_op:
        for column in FLAGS:
            batch_op.drop_column(column)
