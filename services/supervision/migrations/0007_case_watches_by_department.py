"""An index on the watched cases by department, then completion day and case number: the rules'
reading of a department's two latest completed cases (on each completion event) walks it from the
end, instead of scanning and sorting every watched case.

Revision 0007_case_watches_by_department, after 0006_outbox_without_unused_index.
"""

from __future__ import annotations

from alembic import op

revision = "0007_case_watches_by_department"
down_revision = "0006_outbox_without_unused_index"
branch_labels = None
depends_on = None

INDEX = "ix_case_watches_department_completed"


def upgrade() -> None:
    with op.batch_alter_table("case_watches", schema=None) as batch_op:
        batch_op.create_index(INDEX, ["department_code", "completed_on", "case_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_watches", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
