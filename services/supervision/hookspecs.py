"""The hooks a supervision rule implements (ARCHITECTURE.md, "Supervision rules are plugins").

A rule is a plugin registered under the entry-point group ``tongban.rules``: the built-in ones
in ``plugins/`` exactly as a third party's. It implements any of the hooks below with
``@hookimpl`` and keyword arguments named as here (pluggy passes only those it asks for). Rules
never write: they return findings, which supervision stores once per rule and key, as alerts on
the hash-chained record (services/supervision/findings.py). A hook implementation whose name is
not one of these fails the service's start-up, naming the rule.
"""

from __future__ import annotations

from datetime import date

import pluggy

from services.common.calendar import WorkingCalendar
from services.supervision.rule_types import Finding, ReceivedEvent, WatchedCase

PROJECT = "tongban"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def tongban_rule_event(
    event: ReceivedEvent, case: WatchedCase | None, calendar: WorkingCalendar
) -> list[Finding] | None:
    """An event arrived: what does the rule find in it?

    Called once per delivered event (a redelivery is not a new event), inside the transaction
    that records it, after supervision's copy of the case has taken the event in.

    :param event: the event, its payload decoded into its own message (``event.payload``).
    :param case: the case the event is about, as supervision now knows it (clock read for the
        day of delivery); None for events about no case (staff, calendar).
    :param calendar: the working-day calendar, with the years administrators loaded.
    :return: findings, or None for none. Every rule's answer is used (not firstresult).
    Implemented by event-driven rules: plugins/one_time_notice.py, plugins/time_limit.py (a
    step that ran over).
    """


@hookspec
def tongban_rule_next_check(case: WatchedCase, calendar: WorkingCalendar) -> date | None:
    """When does the rule next need to look at this open case?

    Called after every change to the case and after every sweep of it. Supervision sweeps the
    case on the earliest day any rule names, so a sweep costs what is due, not what is open.

    :param case: the case with its clock read for today and the findings already stored.
    :param calendar: the working-day calendar.
    :return: a day (today or later), or None when the rule needs nothing more of the case (all
        its findings made, or the clock paused: a resumption is an event, and asks again). Every
        rule's answer is used, the earliest winning (not firstresult).
    Implemented by time-based rules: plugins/time_limit.py, plugins/off_system.py.
    """


@hookspec
def tongban_rule_sweep_case(case: WatchedCase, calendar: WorkingCalendar) -> list[Finding] | None:
    """The sweep reached a case on a day some rule asked for: what does the rule find now?

    :param case: the case with its clock read for the sweep's day.
    :param calendar: the working-day calendar.
    :return: findings, or None. Every rule's answer is used (not firstresult).
    Implemented by time-based rules: plugins/time_limit.py, plugins/off_system.py.
    """


@hookspec
def tongban_rule_sweep_day(today: date, calendar: WorkingCalendar) -> list[Finding] | None:
    """Each sweep, for findings about no case (the deployment, the calendar).

    Called on every sweep; a rule returns the same key all day (or all year) and supervision
    stores it once.

    :param today: the sweep's day (Beijing time).
    :param calendar: the working-day calendar.
    :return: findings, or None. Every rule's answer is used (not firstresult).
    Implemented by plugins/calendar_gap.py.
    """
