"""What a supervision rule sees and what it returns (the types of services/supervision/hookspecs.py).

A rule reads a case as supervision's own copy knows it (`WatchedCase`: codes, the clock, the
findings already made) and returns `Finding`s. It never writes: supervision stores each finding
once, as an alert on the hash-chained record, keyed by the rule's name and the finding's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from google.protobuf.message import Message
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2

from services.common.timelimit import ClockReading

Severity = supervision_pb2.AlertSeverity


@dataclass(frozen=True)
class Finding:
    """Something a rule found. `key` tells findings of one rule apart: the same rule and key are
    stored once however often the rule returns them (e.g. "yellow" for a case's yellow card)."""

    rule: str
    key: str
    severity: int
    # In Chinese, for the inspector; codes only, never an applicant's personal data.
    summary: str
    case_no: str = ""
    site_code: str = ""
    department_code: str = ""
    window_code: str = ""
    user_id: str = ""
    # The day a card orders the case finished by.
    finish_by: date | None = None
    # Points deducted from `user_id`'s assessment for it (a conduct violation's), 0 for none.
    points: int = 0
    # Events supervision sends, once, when it stores the finding (e.g. telling acceptance that a
    # late one-time notice makes the case accepted from its receipt): rules never write.
    events: tuple[Message, ...] = ()


@dataclass(frozen=True)
class ReviewFacts:
    """The case's review: its grade and, for a bad one, the rectification's due day."""

    review_id: int
    rating: int
    rectify_by: date | None
    rectified: bool


@dataclass(frozen=True)
class ComplaintFacts:
    complaint_id: int
    answer_by: date
    answered: bool


@dataclass(frozen=True)
class WatchedCase:
    """A case as supervision knows it from the events it received."""

    case_no: str
    matter_code: str
    site_code: str
    department_code: str
    window_code: str
    # The clerk who received it.
    received_by: str
    # The day supervision first heard of the case; whether it saw its receipt or acceptance.
    first_seen_on: date
    acceptance_seen: bool
    # None until supervision has seen the acceptance (or for instant cases).
    accepted_on: date | None
    # Working days the case may take: the promised limit plus any extension.
    budget_days: int
    # Decided, issued, completed on the spot, withdrawn or refused: nothing more is due.
    closed: bool
    # The clock read for `today` (None without an accepted promised case).
    clock: ClockReading | None
    today: date
    # Keys of the findings already stored for this case, per rule name.
    fired: dict[str, frozenset[str]] = field(default_factory=dict)
    # Its review (one at most) and its complaints.
    reviews: tuple[ReviewFacts, ...] = ()
    complaints: tuple[ComplaintFacts, ...] = ()
    # Once it is completed: whether its department's last completed cases (this one among them,
    # the latest first, at most two) were on time.
    department_recent_on_time: tuple[bool, ...] = ()

    def has_fired(self, rule: str, key: str) -> bool:
        return key in self.fired.get(rule, frozenset())

    def finding(
        self,
        rule: str,
        key: str,
        severity: int,
        summary: str,
        *,
        user_id: str = "",
        finish_by: date | None = None,
    ) -> Finding:
        """A finding about this case, carrying its codes."""
        return Finding(
            rule=rule,
            key=key,
            severity=severity,
            summary=summary,
            case_no=self.case_no,
            site_code=self.site_code,
            department_code=self.department_code,
            window_code=self.window_code,
            user_id=user_id,
            finish_by=finish_by,
        )


@dataclass(frozen=True)
class ReceivedEvent:
    """A delivered event with its payload decoded into its own message type."""

    envelope: event_pb2.Event
    payload: Message

    @property
    def type_name(self) -> str:
        return self.payload.DESCRIPTOR.full_name


def day_of(text: str) -> date | None:
    """A YYYY-MM-DD field of an event, or None when empty or malformed: supervision keeps every
    event, and a rule reads what it can."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
