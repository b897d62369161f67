"""Schema steps that several services' revisions take alike. A revision that uses a step is
history: a step is never changed once released, only followed by a new one."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def key_requests_by_caller() -> None:
    """Request ids count per caller and per method (revision 0002 of acceptance and approval).

    The table is rebuilt, which works alike on SQLite and PostgreSQL. Keys written before do not
    say who called, so they are kept under the empty caller and never replayed: a retry that
    spans the upgrade counts as a new request (stop the traffic while migrating).
    """
    op.create_table(
        "idempotency_keys_v2",
        sa.Column("caller", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=False),
        sa.Column("failed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "method", "request_id"),
    )
    op.execute(
        "INSERT INTO idempotency_keys_v2"
        " (caller, method, request_id, fingerprint, result, failed, created_at)"
        " SELECT '', method, request_id, fingerprint, result, failed, created_at FROM idempotency_keys"
    )
    op.drop_table("idempotency_keys")
    op.rename_table("idempotency_keys_v2", "idempotency_keys")


# Indexes of the outbox no query reads by: the relay reads undelivered rows through its partial
# indexes, and each of these was one more tree written with every event (bench/README.md,
# "Fewer trees per event").
_UNUSED_OUTBOX_INDEXES = {"ix_outbox_aggregate_id": "aggregate_id", "ix_outbox_event_type": "event_type"}


def drop_unused_outbox_indexes() -> None:
    """The outbox without its indexes on aggregate_id and event_type (every service's outbox)."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for name in _UNUSED_OUTBOX_INDEXES:
            batch_op.drop_index(name)


def restore_unused_outbox_indexes() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for name, column in _UNUSED_OUTBOX_INDEXES.items():
            batch_op.create_index(name, [column], unique=False)
