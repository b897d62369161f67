"""A site's cases indexed by arrival (site, received_at, case number), in place of the index on the
site alone: the window's case list reads a page from the index's end instead of sorting every case
of the site, and a lookup by site uses the new index's first column.

Revision 0008_cases_by_site_newest_first, after 0007_outbox_without_unused_index.
"""

from __future__ import annotations

from alembic import op

revision = "0008_cases_by_site_newest_first"
down_revision = "0007_outbox_without_unused_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_site_received", ["site_code", "received_at", "case_no"], unique=False)
        batch_op.drop_index("ix_cases_site_code")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_site_code", ["site_code"], unique=False)
        batch_op.drop_index("ix_cases_site_received")
