"""The rules of rotation (DOMAIN.md, "Staff"): whole months served, the minimum posting (1 year
by default, a centre may set 2), and January as the default effective day."""

from __future__ import annotations

from datetime import date

DEFAULT_MINIMUM_YEARS = 1


def months_served(posted_on: date, until: date) -> int:
    """Whole months from the posting to `until`: 2025-01-02 to 2026-01-01 is 11, to 2026-01-02 is 12."""
    months = (until.year - posted_on.year) * 12 + until.month - posted_on.month
    return months - (until.day < posted_on.day)


def next_january(today: date) -> date:
    """Rotations happen together in January: the next 1 January."""
    return date(today.year + 1, 1, 1)
