"""The token `tongban login` got, kept for the commands that follow.

Written to $XDG_CONFIG_HOME/tongban/token (~/.config/tongban/token), readable by its owner only,
and used when neither --token nor TONGBAN_TOKEN is given. `tongban logout` removes it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TOKEN_FILE = "token"


def token_path() -> Path:
    # Beside local.json (tongban_cli/local.py), without importing it: the client imports this.
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "tongban" / TOKEN_FILE


def save(token: str) -> Path:
    """Keep the token (mode 0600), replacing the file whole."""
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".token-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    os.replace(temporary, path)
    return path


def stored() -> str:
    """The kept token, or "" when nobody signed in here."""
    try:
        return token_path().read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def forget() -> bool:
    """Remove the kept token; whether there was one."""
    with contextlib.suppress(FileNotFoundError):
        token_path().unlink()
        return True
    return False
