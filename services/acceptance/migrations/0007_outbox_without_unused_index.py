"""The outbox without its indexes on aggregate_id and event_type: no query reads by them, and
each was one more tree written with every event.

Revision 0007_outbox_without_unused_index, after 0006_county_clock_at_the_window.
"""

from __future__ import annotations

from services.common.migration_steps import drop_unused_outbox_indexes, restore_unused_outbox_indexes

revision = "0007_outbox_without_unused_index"
down_revision = "0006_county_clock_at_the_window"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_unused_outbox_indexes()


def downgrade() -> None:
    restore_unused_outbox_indexes()
