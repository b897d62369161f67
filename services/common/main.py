"""The command line every service shares: `python -m services.<name> [serve|migrate]`."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from services.common.db import Database, SchemaOutdated
from services.common.server import RunningServer, serve
from services.common.settings import Settings


def run(
    name: str,
    *,
    database: Callable[[Settings], Database] | None,
    build: Callable[[Settings], RunningServer],
    extra: dict[str, Callable[[Settings], str]] | None = None,
) -> None:
    commands = ["serve", "migrate", *(extra or {})]
    parser = argparse.ArgumentParser(prog=f"python -m services.{name}")
    parser.add_argument("command", nargs="?", default="serve", choices=commands)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {name} %(levelname)s %(message)s")
    settings = Settings()
    if args.command == "migrate":
        if database is not None:
            try:
                database(settings).create_schema()
            except SchemaOutdated as outdated:
                raise SystemExit(f"{name}: {outdated}") from None
        print(f"{name}: schema ready")
    elif args.command == "serve":
        serve(build(settings), name=name, grace=settings.grace_seconds)
    else:
        print((extra or {})[args.command](settings))
