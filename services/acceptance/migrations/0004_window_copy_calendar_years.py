"""Sites and windows become copies of the staff service's (fed by its events): a window now says
which matters it serves and whether it is closed. Calendar years an administrator loads arrive
by event too and are kept, so a restart counts with them.

Revision 0004_window_copy_calendar_years, after 0003_bounded_text_columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_window_copy_calendar_years"
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
    # Existing windows serve every matter of their site and stay open, as before.
    with op.batch_alter_table("windows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("matter_codes", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("closed", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("windows", schema=None) as batch_op:
        batch_op.drop_column("closed")
        batch_op.drop_column("matter_codes")
    op.drop_table("calendar_years")
