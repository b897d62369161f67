"""Page tokens: an opaque offset, checked so a client cannot send garbage."""

from __future__ import annotations

import base64

from services.common.errors import FieldProblem, invalid_input

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_window(page_size: int, page_token: str) -> tuple[int, int]:
    """(offset, limit) for a request."""
    if page_size < 0:
        raise invalid_input(
            "每页条数不能为负 / page_size cannot be negative", [FieldProblem("page_size", "must be >= 0")]
        )
    limit = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    if not page_token:
        return 0, limit
    try:
        offset = int(base64.urlsafe_b64decode(page_token.encode()).decode().removeprefix("o:"))
    except ValueError:
        offset = -1
    if offset < 0:
        raise invalid_input(
            "翻页标记无效 / invalid page_token",
            [FieldProblem("page_token", "not a token from a previous page")],
        )
    return offset, limit


def next_token(offset: int, limit: int, total: int) -> str:
    following = offset + limit
    return base64.urlsafe_b64encode(f"o:{following}".encode()).decode() if following < total else ""
