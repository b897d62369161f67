"""The build backend: setuptools, after generating the contracts' Python code into gen/.

Generated code is never committed, so every build (a wheel, an editable install, the
container image's `pip install .`) produces it first from protos/ with the one generator,
scripts/gen_protos.py. grpcio-tools comes from [build-system] requires: its only pin.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools

_GENERATOR = Path(__file__).resolve().parent.parent / "gen_protos.py"

# Hooks that need nothing generated are setuptools' own.
get_requires_for_build_wheel = _setuptools.get_requires_for_build_wheel
get_requires_for_build_sdist = _setuptools.get_requires_for_build_sdist
get_requires_for_build_editable = _setuptools.get_requires_for_build_editable
build_sdist = _setuptools.build_sdist


def _generate() -> None:
    spec = importlib.util.spec_from_file_location("gen_protos", _GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if module.main() != 0:
        raise RuntimeError("generating the contracts' code failed (scripts/gen_protos.py)")


# The package list is computed when the metadata is prepared, so gen/ must exist by then.
def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Any = None) -> str:
    _generate()
    return str(_setuptools.prepare_metadata_for_build_wheel(metadata_directory, config_settings))


def prepare_metadata_for_build_editable(metadata_directory: str, config_settings: Any = None) -> str:
    _generate()
    return str(_setuptools.prepare_metadata_for_build_editable(metadata_directory, config_settings))


def build_wheel(
    wheel_directory: str, config_settings: Any = None, metadata_directory: str | None = None
) -> str:
    _generate()
    return str(_setuptools.build_wheel(wheel_directory, config_settings, metadata_directory))


def build_editable(
    wheel_directory: str, config_settings: Any = None, metadata_directory: str | None = None
) -> str:
    _generate()
    return str(_setuptools.build_editable(wheel_directory, config_settings, metadata_directory))
