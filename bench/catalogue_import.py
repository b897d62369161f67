"""`python -m bench.catalogue_import`: a 300-matter catalogue spreadsheet imported through the real
acceptance server (issue 15), on SQLite and, when it answers, PostgreSQL.

The spreadsheet is the demo catalogue's matters repeated under new serial numbers until there are
300, each with one extension decision, written by the export's own writer. Each database gets: the
import checked and saved as 300 drafts and 300 decisions (cold), the same file again (every
matter and decision unchanged), the 300 drafts published one call
each by a second administrator, and the export of the (then 329-matter) catalogue as xlsx.
Prints a table and writes bench/results/catalogue-import-<UTC time>.json; figures, never
assertions.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import psycopg
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_admin_pb2_grpc
from tongban.acceptance.v1 import catalog_pb2 as C

from bench import postgres
from services.acceptance import app, catalogue_file
from services.acceptance.seed import CATALOG_FILE, load_catalog
from services.common import migrations
from services.common.clock import CHINA, FixedClock
from services.common.identity import IDENTITY_HEADER, Caller, sign_identity
from services.common.settings import Settings

RESULTS = Path(__file__).parent / "results"
MATTERS = 300
KEY = "bench-internal-key-0123456789abcdef"
ADMIN = Caller("admin-county", "320826000", frozenset({"centre_admin"}))
# The second person of the two-person rule, who publishes the imported drafts.
DEPUTY = Caller("admin-deputy", "320826000", frozenset({"centre_admin"}))
# The bench's clock: a Monday, the day the imported drafts are published for and extended from.
DAY = datetime(2026, 3, 2, 9, 30, tzinfo=CHINA)


def spreadsheet(count: int = MATTERS) -> bytes:
    """The demo catalogue grown to `count` matters (serials 101, 102, ... per department), each
    extended to the townships from the bench's day by one decision (a row of 延伸)."""
    demo = catalogue_file.from_json(CATALOG_FILE.read_bytes())
    matters, decisions = [], []
    for i in range(count):
        matter = type(demo.matters[0])()
        matter.CopyFrom(demo.matters[i % len(demo.matters)])
        region, department, kind, _serial = matter.code.split("-")
        matter.code = f"{region}-{department}-{kind}-{100 + i:03d}"
        matter.name = f"{matter.name}（{i + 1}）"
        matters.append(matter)
        decisions.append(
            A.Extension(
                matter_code=matter.code,
                site_level=C.SITE_LEVEL_TOWNSHIP,
                action=A.EXTENSION_ACTION_EXTEND,
                effective_on=DAY.date().isoformat(),
                document_number="涟政办发〔2026〕3号",
                document_date="2026-02-27",
            )
        )
    return catalogue_file.to_xlsx(demo.departments, matters, decisions)


@contextmanager
def _database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'acceptance.db'}"
        return
    name = f"tongban_bench_catalogue_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(postgres.ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _timed(call: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


def measure(kind: str, content: bytes) -> dict[str, Any]:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(_database(kind, tmp))
        settings = Settings(port=0, database_url=url, internal_key=KEY, var_dir=tmp)
        db = app.database(settings)
        migrations.upgrade(db, "acceptance")
        load_catalog(db)
        running = app.build(settings, db=db, clock=FixedClock(DAY))
        running.server.start()
        stack.callback(lambda: running.server.stop(0).wait())
        stack.callback(db.dispose)
        channel = stack.enter_context(
            grpc.insecure_channel(
                f"127.0.0.1:{running.port}", options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)]
            )
        )
        admin = catalog_admin_pb2_grpc.CatalogAdminServiceStub(channel)
        metadata = ((IDENTITY_HEADER, sign_identity(ADMIN, KEY.encode())),)

        def importing() -> A.ImportCatalogueResponse:
            request = A.ImportCatalogueRequest(
                request_id=uuid.uuid4().hex, format=A.CATALOGUE_FORMAT_XLSX, content=content
            )
            response: A.ImportCatalogueResponse = admin.ImportCatalogue(
                request, metadata=metadata, timeout=300
            )
            return response

        cold_s, cold = _timed(importing)
        again_s, again = _timed(importing)
        deputy = ((IDENTITY_HEADER, sign_identity(DEPUTY, KEY.encode())),)

        def publishing() -> int:
            for draft in cold.drafts:
                admin.PublishMatterVersion(
                    A.PublishMatterVersionRequest(
                        request_id=uuid.uuid4().hex,
                        matter_code=draft.matter_code,
                        version=draft.version,
                        effective_on=DAY.date().isoformat(),
                    ),
                    metadata=deputy,
                    timeout=60,
                )
            return len(cold.drafts)

        publish_s, _published = _timed(publishing)
        export_s, exported = _timed(
            lambda: admin.ExportCatalogue(
                A.ExportCatalogueRequest(format=A.CATALOGUE_FORMAT_XLSX), metadata=metadata, timeout=300
            )
        )
        return {
            "database": kind,
            "import_s": round(cold_s, 3),
            "drafts": len(cold.drafts),
            "extensions": cold.extension_count,
            "reimport_unchanged_s": round(again_s, 3),
            "unchanged": again.unchanged_count,
            "unchanged_extensions": again.unchanged_extension_count,
            "publish_each_s": round(publish_s, 3),
            "export_xlsx_s": round(export_s, 3),
            "exported_matters": exported.matter_count,
        }


def run(*, use_postgres: bool, write: bool = True) -> dict[str, Any]:
    """Both databases' figures, printed and (with `write`) kept; `make bench` adds the import
    times to its own figures."""
    content = spreadsheet()
    kinds = ["sqlite"] + (["postgresql"] if use_postgres and postgres.available() else [])
    rows = [measure(kind, content) for kind in kinds]
    print(f"{MATTERS}-matter spreadsheet, {len(content) // 1024} KiB")
    print(f"{'database':<12}{'import':>10}{'re-import':>12}{'publish 300':>13}{'export':>10}")
    for row in rows:
        print(
            f"{row['database']:<12}{row['import_s']:>9.2f}s{row['reimport_unchanged_s']:>11.2f}s"
            f"{row['publish_each_s']:>12.2f}s{row['export_xlsx_s']:>9.2f}s"
        )
    record = {
        "what": "catalogue import (issue 15)",
        "matters": MATTERS,
        "file_bytes": len(content),
        "machine": platform.platform(),
        "results": rows,
    }
    if write:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"catalogue-import-{stamp}.json"
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"written {path}")
    return record


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalogue_import", description=__doc__)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results/ alone")
    args = parser.parse_args()
    run(use_postgres=not args.no_postgres, write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
