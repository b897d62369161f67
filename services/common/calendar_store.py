"""Calendar years the centre administrator loaded, kept in each service's own database.

The staff service stores the years it administers here and announces each one
(tongban.staff.v1.CalendarYearPublished); every other service that counts working days stores
its copy in the same table from that event and counts with it at once, without a restart
(WorkingCalendar.replace_year). At start-up a service applies its stored years over the package's
and the files' (services.common.calendar).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Text
from sqlmodel import Column, Field, Session, SQLModel, col, select
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events

from services.common.calendar import WorkingCalendar, YearArrangement
from services.common.consumers import iso_date
from services.common.db import Database
from services.common.errors import FieldProblem, invalid_input


class CalendarYearRow(SQLModel, table=True):
    __tablename__ = "calendar_years"

    year: int = Field(primary_key=True)
    # Space-separated YYYY-MM-DD, ascending.
    holidays: str = Field(sa_column=Column(Text, nullable=False))
    makeup_workdays: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(max_length=200)
    loaded_by: str = Field(max_length=64)
    loaded_at: datetime


def _days(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(day) for day in text.split())


def _text(days: Iterable[date]) -> str:
    return " ".join(day.isoformat() for day in sorted(days))


def arrangement_of(row: CalendarYearRow) -> YearArrangement:
    return YearArrangement(row.year, _days(row.holidays), _days(row.makeup_workdays), row.source)


def store(session: Session, arrangement: YearArrangement, *, by: str, at: datetime) -> None:
    """Keep the year (replacing an earlier load of it) in the use case's transaction."""
    row = session.get(CalendarYearRow, arrangement.year) or CalendarYearRow(
        year=arrangement.year, holidays="", makeup_workdays="", source="", loaded_by=by, loaded_at=at
    )
    row.holidays = _text(arrangement.holidays)
    row.makeup_workdays = _text(arrangement.makeup_workdays)
    row.source = arrangement.source
    row.loaded_by = by
    row.loaded_at = at
    session.add(row)


def apply_stored(db: Database, calendar: WorkingCalendar) -> list[int]:
    """Count with every stored year (run at start-up); the years applied."""
    with db.reading() as session:
        rows = session.exec(select(CalendarYearRow).order_by(col(CalendarYearRow.year))).all()
        arrangements = [arrangement_of(row) for row in rows]
    for arrangement in arrangements:
        calendar.replace_year(arrangement)
    return [arrangement.year for arrangement in arrangements]


def published_arrangement(published: staff_events.CalendarYearPublished) -> YearArrangement:
    """The year an event announces; a year that breaks the calendar's rules refuses the event."""
    holidays = frozenset(iso_date(day, "holidays") for day in published.holidays)
    makeup = frozenset(iso_date(day, "makeup_workdays") for day in published.makeup_workdays)
    try:
        return YearArrangement(published.year, holidays, makeup, published.source)
    except ValueError as problem:
        raise invalid_input(
            "日历年份数据无效 / the calendar year is invalid", [FieldProblem("year", str(problem))]
        ) from None


class CalendarCopy:
    """A receiving service's handler of CalendarYearPublished: store the year, count with it, then
    let the service catch up on what waited for the year (`then`, in the same transaction)."""

    def __init__(self, calendar: WorkingCalendar, then: Callable[[Session], object] | None = None) -> None:
        self.calendar = calendar
        self._then = then

    def apply(
        self, session: Session, event: event_pb2.Event, published: staff_events.CalendarYearPublished
    ) -> None:
        arrangement = published_arrangement(published)
        occurred = event.occurred_time.ToDatetime(tzinfo=UTC)
        store(session, arrangement, by=published.published_by or event.source, at=occurred)
        # In memory at once: a commit that then failed is redelivered and applied again.
        self.calendar.replace_year(arrangement)
        if self._then is not None:
            self._then(session)
