"""Where the local stack is, for a `tongban` typed in any directory.

`tongban up` (what `make run` runs) writes the run directory and the gateway address to
$XDG_CONFIG_HOME/tongban/local.json (~/.config/tongban/local.json by default). Every other
command finds the stack from, in order: its own option, TONGBAN_VAR_DIR / TONGBAN_GATEWAY,
that file, then ./var and 127.0.0.1:50051. `setup` and `up` make a stack here, so they never
follow the file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tongban_cli.client import DEFAULT_GATEWAY, CliError

CONFIG_FILE = "local.json"
DEFAULT_VAR_DIR = Path("var")


@dataclass(frozen=True)
class LocalRun:
    var_dir: Path
    gateway: str


def config_path() -> Path:
    # The XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and ignored.
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "tongban" / CONFIG_FILE


def read() -> LocalRun | None:
    """What the last `tongban up` wrote; None when it never ran on this account."""
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LocalRun(var_dir=Path(data["var_dir"]), gateway=str(data["gateway"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise CliError(
            f"本地运行配置文件 {path} 无法读取或内容有误：请重新运行 make run（会重写该文件），或删除它。"
        ) from None


def write(run: LocalRun) -> Path:
    """Record where the stack runs; replaced whole, so a reader never sees half a file."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"var_dir": str(run.var_dir.resolve()), "gateway": run.gateway}
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".local-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    os.replace(temporary, path)
    return path


def here_var_dir(option: str | None) -> Path:
    """The run directory `setup` and `up` make: --var, TONGBAN_VAR_DIR, else ./var."""
    return Path(option or os.environ.get("TONGBAN_VAR_DIR") or DEFAULT_VAR_DIR)


def var_dir(option: str | None) -> Path:
    """The run directory of the local stack: --var, TONGBAN_VAR_DIR, the config file, ./var."""
    if option or os.environ.get("TONGBAN_VAR_DIR"):
        return here_var_dir(option)
    run = read()
    return run.var_dir if run else DEFAULT_VAR_DIR


def gateway(option: str | None) -> str:
    """The gateway address: --gateway, TONGBAN_GATEWAY, the config file, 127.0.0.1:50051."""
    explicit = option or os.environ.get("TONGBAN_GATEWAY")
    if explicit:
        return explicit
    run = read()
    return run.gateway if run else DEFAULT_GATEWAY
