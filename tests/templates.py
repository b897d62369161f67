"""Fresh databases for the contract tests, copied from one prepared per test process.

Migrating a service's schema and loading its demo data (the catalogue, the organisation, whose
passwords are hashed) took most of each contract test's set-up. A test still gets a database
of its own, now a copy of one prepared once: a file copy on SQLite, `CREATE DATABASE … TEMPLATE`
on PostgreSQL. A prepared database is named by a key that must say everything `prepare` puts in.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import (
    create_postgres_database,
    drop_postgres_databases,
    fresh_postgres_database,
    postgres_url,
    require_postgres,
)

# prepare(url): migrate and seed the (empty) database at url, and close every connection to it.
Prepare = Callable[[str], None]

_sqlite_templates: dict[str, Path] = {}
_postgres_templates: dict[str, str] = {}
_scratch = Path(tempfile.mkdtemp(prefix="tongban-templates-"))


def _sqlite_template(key: str, prepare: Prepare) -> Path:
    if key not in _sqlite_templates:
        path = _scratch / f"{key}.db"
        prepare(f"sqlite:///{path}")
        _sqlite_templates[key] = path
    return _sqlite_templates[key]


def _postgres_template(key: str, prepare: Prepare) -> str:
    if key not in _postgres_templates:
        name = create_postgres_database("tongban_tpl")
        prepare(postgres_url(name))
        _postgres_templates[key] = name
    return _postgres_templates[key]


@contextmanager
def prepared_database(kind: str, key: str, tmp: Path, prepare: Prepare) -> Iterator[str]:
    """The URL of a new database of the test's own (`kind`: sqlite or postgresql) holding what
    `prepare` put in the template named `key`; a PostgreSQL copy is dropped afterwards."""
    if kind == "sqlite":
        template = _sqlite_template(key, prepare)
        target = tmp / f"{key}.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    require_postgres()  # before the template is made: skipped, not failed, without a server
    with fresh_postgres_database(template=_postgres_template(key, prepare)) as url:
        yield url


@atexit.register
def _drop_templates() -> None:
    shutil.rmtree(_scratch, ignore_errors=True)
    if _postgres_templates:
        drop_postgres_databases(list(_postgres_templates.values()))
