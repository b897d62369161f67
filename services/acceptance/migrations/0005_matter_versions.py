"""Matters as versions, and extension decisions: every matter of the catalogue becomes its own
version 1, published and in force since before any case, and every case follows that version.

Revision 0005_matter_versions, after 0004_window_copy_calendar_years.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op
from tongban.acceptance.v1 import catalog_pb2

# In force since before any case the service holds: the cases received so far keep version 1.
_SINCE = date(2000, 1, 1)
_PUBLISHED = 2

revision = "0005_matter_versions"
down_revision = "0004_window_copy_calendar_years"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matter_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_code", sa.String(length=40), nullable=False),
        sa.Column("site_level", sa.Integer(), nullable=False),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("action", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("document_number", sa.String(length=40), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("matter_extensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matter_extensions_matter_code"), ["matter_code"], unique=False)

    op.create_table(
        "matter_versions",
        sa.Column("matter_code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.LargeBinary(), nullable=False),
        sa.Column("drafted_by", sa.String(length=64), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("matter_code", "version"),
    )
    with op.batch_alter_table("matter_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_matter_versions_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_matter_versions_effective_on"), ["effective_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_matter_versions_state"), ["state"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("matter_version", sa.Integer(), server_default="1", nullable=False))
    _first_versions()


def _first_versions() -> None:
    bind = op.get_bind()
    versions = sa.table(
        "matter_versions",
        *(sa.column(name) for name in ("matter_code", "version", "state", "department_code", "definition")),
        *(sa.column(name) for name in ("drafted_by", "drafted_on", "published_by", "published_on")),
        *(sa.column(name) for name in ("effective_on", "note")),
    )
    rows = []
    for code, department, definition in bind.execute(
        sa.text("SELECT code, department_code, definition FROM matters ORDER BY code")
    ):
        matter = catalog_pb2.Matter.FromString(definition)
        matter.version, matter.effective_on = 1, _SINCE.isoformat()
        rows.append(
            {
                "matter_code": code,
                "version": 1,
                "state": _PUBLISHED,
                "department_code": department,
                "definition": matter.SerializeToString(),
                "drafted_by": "migration",
                "drafted_on": _SINCE,
                "published_by": "migration",
                "published_on": _SINCE,
                "effective_on": _SINCE,
                "note": "",
            }
        )
        bind.execute(
            sa.text("UPDATE matters SET definition = :definition WHERE code = :code"),
            {"definition": matter.SerializeToString(), "code": code},
        )
    if rows:
        op.bulk_insert(versions, rows)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("matter_version")

    with op.batch_alter_table("matter_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_versions_state"))
        batch_op.drop_index(batch_op.f("ix_matter_versions_effective_on"))
        batch_op.drop_index(batch_op.f("ix_matter_versions_department_code"))

    op.drop_table("matter_versions")
    with op.batch_alter_table("matter_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_extensions_matter_code"))

    op.drop_table("matter_extensions")
