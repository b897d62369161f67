"""Request ids count per caller and per method.

Revision 0002_request_keys_per_caller, after 0001_initial_schema.
"""

from __future__ import annotations

from services.common.migration_steps import key_requests_by_caller

revision = "0002_request_keys_per_caller"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key_requests_by_caller()


def downgrade() -> None:
    raise NotImplementedError("request keys cannot lose their caller again; restore a backup instead")
