"""Page tokens over an append-only log: the last id seen, so new arrivals never shift a page."""

from __future__ import annotations

import base64

from services.common.errors import FieldProblem, invalid_input

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_PREFIX = "after:"


def page_limit(page_size: int) -> int:
    if page_size < 0:
        raise invalid_input(
            "每页条数不能为负 / page_size cannot be negative", [FieldProblem("page_size", "must be >= 0")]
        )
    return min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def after_id(page_token: str) -> int:
    """The id the page starts after (0 for the first page)."""
    if not page_token:
        return 0
    try:
        text = base64.urlsafe_b64decode(page_token.encode()).decode()
        last = int(text.removeprefix(_PREFIX)) if text.startswith(_PREFIX) else -1
    except ValueError:  # bad base64, bad UTF-8 and a bad number are all ValueErrors
        last = -1
    if last < 0:
        raise invalid_input(
            "翻页标记无效 / invalid page_token",
            [FieldProblem("page_token", "not a token from a previous page")],
        )
    return last


def token_after(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode()
