"""The built web console (web/dist) served at / beside the Connect routes, so the pages and the
API share one origin: the session cookie stays SameSite=Strict and no CORS is ever granted.

Only GET and HEAD reach here, and never for an RPC or session path (those stay POST-only). A
path that names no file is one of the console's own routes (/clerk/cases, ...): it gets
index.html and the page's router takes over.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath

from gateway.web.calls import Outgoing

# Where `make setup` builds the console, next to the gateway package in a checkout.
BUILT = Path(__file__).resolve().parents[2] / "web" / "dist"

# The console talks only to its own origin and runs only its own scripts; no other site frames it.
_SECURITY = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def is_api_path(path: str) -> bool:
    """An RPC (/<package>.<Service>/<Method>) or a session endpoint: never a file."""
    first, _, rest = path.lstrip("/").partition("/")
    return first == "session" or ("." in first and bool(rest))


class StaticFiles:
    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    @property
    def available(self) -> bool:
        return (self._root / "index.html").is_file()

    def answer(self, path: str, *, head: bool = False) -> Outgoing:
        file = self._file(path)
        if file is None:
            return Outgoing(404, [(b"content-type", b"text/plain; charset=utf-8")], b"not found")
        body = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        # Vite names assets by their content: they never change. The page itself always revalidates.
        cache = b"public, max-age=31536000, immutable" if "/assets/" in path else b"no-cache"
        headers = [(b"content-type", kind.encode()), (b"cache-control", cache), *_SECURITY]
        return Outgoing(200, headers, b"" if head else body)

    def _file(self, path: str) -> Path | None:
        parts = PurePosixPath(path).parts[1:]
        if any(part in ("..", ".") or part.startswith(".") for part in parts):
            return None
        candidate = self._root.joinpath(*parts) if parts else self._root / "index.html"
        if candidate.is_file() and candidate.resolve().is_relative_to(self._root):
            return candidate
        # A route of the page, not a file: the page's router shows it. A missing asset is a 404.
        if parts and "." in parts[-1]:
            return None
        return self._root / "index.html"
