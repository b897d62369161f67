"""The command line every service shares: `python -m services.<name> [serve|migrate|revision]`.

`serve` upgrades the database to the newest migration first, so a service never serves on
an older schema; `migrate` only upgrades; `revision "message"` writes the next migration
(for developers, see services.common.migrations).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from services.common import migrations
from services.common.db import Database
from services.common.logs import configure_logging
from services.common.metrics import setup_metrics
from services.common.server import RunningServer, serve
from services.common.settings import Settings


def run(
    name: str,
    *,
    database: Callable[[Settings], Database] | None,
    build: Callable[[Settings], RunningServer],
    extra: dict[str, Callable[[Settings], str]] | None = None,
) -> None:
    commands = ["serve", "migrate", "revision", *(extra or {})]
    parser = argparse.ArgumentParser(prog=f"python -m services.{name}")
    parser.add_argument("command", nargs="?", default="serve", choices=commands)
    parser.add_argument("message", nargs="?", default="", help="what the new revision changes (revision)")
    args = parser.parse_args()
    settings = Settings()
    configure_logging(name, settings.log_format, text_format=f"%(asctime)s {name} %(levelname)s %(message)s")
    if args.command in ("migrate", "serve") and database is not None:
        _migrate(name, database(settings))
    if args.command == "migrate":
        print(f"{name}: schema ready")
    elif args.command == "revision":
        if database is None or not args.message:
            parser.error("revision needs a service with a database and a message")
        print(migrations.new_revision(name, args.message))
    elif args.command == "serve":
        setup_metrics(name)
        serve(build(settings), name=name, grace=settings.grace_seconds)
    else:
        print((extra or {})[args.command](settings))


def _migrate(name: str, database: Database) -> None:
    try:
        migrations.upgrade(database, name)
    except migrations.UnversionedDatabase as unversioned:
        raise SystemExit(str(unversioned)) from None
    finally:
        database.dispose()
