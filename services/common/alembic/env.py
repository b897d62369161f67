"""Alembic's entry point, shared by every service's migrations (services.common.migrations)."""

from services.common.migrations import run_env

run_env()
