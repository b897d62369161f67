"""Page tokens, checked so a client cannot send garbage: an opaque offset (lists computed per
request), or the last id seen (append-only logs, where new arrivals must never shift a page)."""

from __future__ import annotations

import base64

from services.common.errors import DomainError, FieldProblem, invalid_input

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


_AFTER = "after:"


def _bad_token() -> DomainError:
    return invalid_input(
        "翻页标记无效 / invalid page_token",
        [FieldProblem("page_token", "不是上一页给出的翻页标记 / not a token from a previous page")],
    )


def page_limit(page_size: int) -> int:
    """How many items a page holds: the request's size, its default, at most MAX_PAGE_SIZE."""
    if page_size < 0:
        raise invalid_input(
            "每页条数不能为负 / page_size cannot be negative",
            [FieldProblem("page_size", "不能为负 / must be >= 0")],
        )
    return min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def page_window(page_size: int, page_token: str) -> tuple[int, int]:
    """(offset, limit) for a request."""
    limit = page_limit(page_size)
    if not page_token:
        return 0, limit
    try:
        offset = int(base64.urlsafe_b64decode(page_token.encode()).decode().removeprefix("o:"))
    except ValueError:
        offset = -1
    if offset < 0:
        raise _bad_token()
    return offset, limit


def next_token(offset: int, limit: int, total: int) -> str:
    following = offset + limit
    return base64.urlsafe_b64encode(f"o:{following}".encode()).decode() if following < total else ""


def after_id(page_token: str) -> int:
    """The id a keyset page starts after (0 for the first page)."""
    if not page_token:
        return 0
    try:
        text = base64.urlsafe_b64decode(page_token.encode()).decode()
        last = int(text.removeprefix(_AFTER)) if text.startswith(_AFTER) else -1
    except ValueError:  # bad base64, bad UTF-8 and a bad number are all ValueErrors
        last = -1
    if last < 0:
        raise _bad_token()
    return last


def token_after(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_AFTER}{last_id}".encode()).decode()
