"""The county's review clock at the accepting window: a county-decided case keeps the county's
extension and pauses, and its due date counts for the overdue filter while the county reviews.

A case the county reviews now gets its promised date as its due date (what the county's clock
runs to without pause or extension). One sent back for supplement now stands paused from the day
acceptance received the send-back; pauses that ended before this revision are not known here,
so such a case may read a day or two fewer than approval until its next event.

Revision 0006_county_clock_at_the_window, after 0005_matter_versions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006_county_clock_at_the_window"
down_revision = "0005_matter_versions"
branch_labels = None
depends_on = None

# tongban.acceptance.v1.CaseState, as stored.
_ACCEPTED = 4
_REVIEW_SUPPLEMENT = 9
_SENT_BACK = "tongban.approval.v1.ReviewSentBack"
# Dates are Beijing's (UTC+8, no daylight saving).
_CHINA = timedelta(hours=8)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_extension_days", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("review_pauses", sa.Text(), server_default="[]", nullable=False))
    bind = op.get_bind()
    # Township-decided cases had their due date already; only the county's under review lack it.
    bind.execute(
        sa.text(
            "UPDATE cases SET window_due_on = promised_date WHERE state = :accepted"
            " AND decided_on IS NULL AND window_due_on IS NULL AND promised_date IS NOT NULL"
        ),
        {"accepted": _ACCEPTED},
    )
    waiting = bind.execute(
        sa.text(
            "SELECT c.case_no, MAX(i.received_at) FROM cases c JOIN inbox i ON i.aggregate_id = c.case_no"
            " WHERE c.state = :sent_back AND i.event_type = :event_type GROUP BY c.case_no"
        ),
        {"sent_back": _REVIEW_SUPPLEMENT, "event_type": _SENT_BACK},
    ).all()
    for case_no, received_at in waiting:
        pauses = [{"started_on": _china_day(received_at), "ended_on": None}]
        bind.execute(
            sa.text("UPDATE cases SET review_pauses = :pauses WHERE case_no = :case_no"),
            {"pauses": json.dumps(pauses), "case_no": case_no},
        )


def _china_day(moment: datetime | str) -> str:
    # SQLite gives the stored UTC moment back as text without its zone.
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return (aware.astimezone(UTC) + _CHINA).date().isoformat()


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("review_pauses")
        batch_op.drop_column("review_extension_days")
