"""Replicas that start together each run `python -m services.<name> migrate` (their init
containers); on PostgreSQL they take turns under an advisory lock, so every one succeeds and
the schema is migrated once. Without the lock the later ones fail on tables the first made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.approval import app
from services.common import migrations
from services.common.settings import Settings
from tests.support import fresh_postgres_database

pytestmark = pytest.mark.postgres

REPLICAS = 3


def test_replicas_starting_together_all_migrate_once(tmp_path: Path) -> None:
    with fresh_postgres_database() as url:
        # As in the cluster: the URL is a mounted file, not a variable.
        url_file = tmp_path / "url"
        url_file.write_text(url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_")}
        env["TONGBAN_DATABASE_URL_FILE"] = str(url_file)
        starts = [
            subprocess.Popen(
                [sys.executable, "-m", "services.approval", "migrate"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(REPLICAS)
        ]
        outputs = [process.communicate(timeout=180)[0] for process in starts]
        for process, output in zip(starts, outputs, strict=True):
            assert process.returncode == 0, output
        upgrades = sum(output.count("Running upgrade  -> 0001") for output in outputs)
        assert upgrades == 1, "the first revision ran more than once"
        database = app.database(Settings(database_url=url))
        try:
            assert migrations.current(database) == migrations.script("approval").get_current_head()
        finally:
            database.dispose()
