"""Acceptance's copy of the staff service's sites and windows, fed by its events.

A window checks the applications it takes (the clerk's site, open, the matters it serves); a
site's level decides which matters it may accept. Each event carries the whole record, so the
copy is the last one applied; a window's events follow its site's (same aggregate), so its site
is always there first.
"""

from __future__ import annotations

from sqlmodel import Session
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events

from services.acceptance.models import SiteRow, WindowRow


def site_changed(session: Session, _event: event_pb2.Event, site: staff_events.SiteChanged) -> None:
    row = session.get(SiteRow, site.code) or SiteRow(code=site.code, name="", level=0)
    row.name, row.level, row.parent_code = site.name, site.level, site.parent_code
    session.add(row)


def window_changed(session: Session, _event: event_pb2.Event, window: staff_events.WindowChanged) -> None:
    row = session.get(WindowRow, window.code) or WindowRow(
        code=window.code, site_code=window.site_code, name=""
    )
    row.site_code, row.name, row.department_code = window.site_code, window.name, window.department_code
    row.matter_codes = " ".join(window.matter_codes)
    row.closed = window.closed
    session.add(row)
