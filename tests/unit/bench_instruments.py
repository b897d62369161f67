"""The bench's instruments (bench/instruments/sitecustomize.py), loaded as a module for tests:
what they load as is the sitecustomize of the stack's processes."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from bench import process_sums


def instruments() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_instruments", process_sums.INSTRUMENTS / "sitecustomize.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
