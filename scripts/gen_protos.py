"""Generate the Python code for every contract under protos/ into gen/.

The one way generated code is produced; gen/ is never edited by hand or committed.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
OUT = ROOT / "gen"


def main() -> int:
    sources = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    well_known = str(resources.files("grpc_tools") / "_proto")
    args = [
        "protoc",
        f"-I{PROTOS}",
        f"-I{well_known}",
        f"--python_out={OUT}",
        f"--pyi_out={OUT}",
        f"--grpc_python_out={OUT}",
        *sources,
    ]
    if protoc.main(args) != 0:
        print("protoc failed", file=sys.stderr)
        return 1
    # Regular packages, so `from tongban.acceptance.v1 import ...` works everywhere.
    for folder in [OUT / "tongban", *(OUT / "tongban").rglob("*")]:
        if folder.is_dir():
            (folder / "__init__.py").touch()
    (OUT / "tongban" / "py.typed").touch()
    print(f"generated {len(sources)} contracts into {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
