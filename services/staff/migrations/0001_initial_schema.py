"""The staff service's first schema: the organisation (sites, stationed departments, windows,
staff, posts), accounts, token-signing keys, administered calendar years, outbox and request ids.

Revision 0001_initial_schema, the first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial_schema"
down_revision = None
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
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=False),
        sa.Column("failed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "method", "request_id"),
    )
    op.create_table(
        "org_sites",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("org_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_sites_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("destination", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("event_id", "destination", name="uq_outbox_event_destination"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_aggregate_id"), ["aggregate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_event_type"), ["event_type"], unique=False)
        batch_op.create_index(
            "ix_outbox_pending",
            ["destination", "position"],
            unique=False,
            postgresql_where=sa.text("delivered_at IS NULL"),
            sqlite_where=sa.text("delivered_at IS NULL"),
        )
        batch_op.create_index(
            "ix_outbox_pending_aggregate",
            ["destination", "aggregate_id", "position"],
            unique=False,
            postgresql_where=sa.text("delivered_at IS NULL"),
            sqlite_where=sa.text("delivered_at IS NULL"),
        )

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_pem", sa.LargeBinary(), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signs_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_keys_signs_from"), ["signs_from"], unique=False)

    op.create_table(
        "org_windows",
        sa.Column("code", sa.String(length=17), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=6), nullable=False),
        sa.Column("matter_codes", sa.Text(), nullable=False),
        sa.Column("opening_hours", sa.String(length=60), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("org_windows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_windows_site_code"), ["site_code"], unique=False)

    op.create_table(
        "posts",
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=6), nullable=False),
        sa.Column("chief_representative", sa.String(length=64), nullable=False),
        sa.Column("a_post", sa.String(length=64), nullable=False),
        sa.Column("b_post", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("site_code", "department_code"),
    )
    op.create_table(
        "staff",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("original_unit", sa.String(length=100), nullable=False),
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("window_code", sa.String(length=17), nullable=False),
        sa.Column("department_code", sa.String(length=6), nullable=False),
        sa.Column("roles", sa.String(length=40), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("user_id"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_site_code"), ["site_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_window_code"), ["window_code"], unique=False)

    op.create_table(
        "stationed_departments",
        sa.Column("site_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_code"],
            ["org_sites.code"],
        ),
        sa.PrimaryKeyConstraint("site_code", "department_code"),
    )
    op.create_table(
        "accounts",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("tokens_revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff.user_id"],
        ),
        sa.PrimaryKeyConstraint("user_id"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accounts_tokens_revoked_at"), ["tokens_revoked_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_tokens_revoked_at"))

    op.drop_table("accounts")
    op.drop_table("stationed_departments")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_window_code"))
        batch_op.drop_index(batch_op.f("ix_staff_site_code"))

    op.drop_table("staff")
    op.drop_table("posts")
    with op.batch_alter_table("org_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_windows_site_code"))

    op.drop_table("org_windows")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_keys_signs_from"))

    op.drop_table("signing_keys")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_pending_aggregate",
            postgresql_where=sa.text("delivered_at IS NULL"),
            sqlite_where=sa.text("delivered_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_outbox_pending",
            postgresql_where=sa.text("delivered_at IS NULL"),
            sqlite_where=sa.text("delivered_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_outbox_event_type"))
        batch_op.drop_index(batch_op.f("ix_outbox_aggregate_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("org_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_sites_parent_code"))

    op.drop_table("org_sites")
    op.drop_table("idempotency_keys")
    op.drop_table("calendar_years")
