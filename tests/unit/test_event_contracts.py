"""The events' contracts, read from the descriptors: every event has a name and known receivers,
every receiver handles exactly what is routed to it, and no event can carry personal data."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from tongban.acceptance.v1 import acceptance_pb2

from services.acceptance.events import CountyResults
from services.approval.events import CaseLifecycle
from services.common import contracts, routing, validation
from services.common.calendar import WorkingCalendar
from services.common.clock import SystemClock
from services.common.db import Database
from services.common.usecases import UseCases
from services.staff.deductions import DeductionInbox

# Messages that hold an applicant's name, ID number, phone or address.
PERSONAL_MESSAGES = {acceptance_pb2.Applicant.DESCRIPTOR.full_name}
PERSONAL_FIELD_NAMES = {"id_number", "phone", "address", "recipient_name", "applicant", "applicant_name"}


def _fields(message: Descriptor, seen: set[str]) -> Iterator[tuple[str, FieldDescriptor]]:
    """Every field reachable from `message`, with its path."""
    if message.full_name in seen:
        return
    seen.add(message.full_name)
    for field in message.fields:
        yield f"{message.name}.{field.name}", field
        if field.message_type is not None:
            yield from _fields(field.message_type, seen)


def test_every_event_type_is_named_and_routed_to_known_services() -> None:
    events = routing.event_types()
    assert len(events) == 37
    for name, descriptor in events.items():
        options = routing.options_of(descriptor)
        assert options is not None and options.label, name
        assert set(options.receivers) <= set(contracts.AREAS), name
        assert routing.destinations(descriptor)[-1] == routing.SUPERVISION
    labels = [routing.label(name) for name in events]
    assert len(set(labels)) == len(labels), "two event types share a Chinese name"


def test_no_event_can_carry_personal_data() -> None:
    # The protos mark personal data (tongban.input.v1.personal); the marks are where they belong ...
    assert validation.personal_fields(acceptance_pb2.SubmitApplicationRequest.DESCRIPTOR) == [
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "applicant.address",
    ]
    # ... and no event reaches a marked field, the applicant, or a field named like one.
    for name, descriptor in routing.event_types().items():
        assert validation.personal_fields(descriptor) == [], name
        for path, field in _fields(descriptor, set()):
            assert field.name not in PERSONAL_FIELD_NAMES, f"{name}: {path}"
            if field.message_type is not None:
                assert field.message_type.full_name not in PERSONAL_MESSAGES, f"{name}: {path}"


def test_each_receiver_handles_exactly_the_events_routed_to_it() -> None:
    uc = UseCases(Database("sqlite://", []), SystemClock(), WorkingCalendar.load())
    handled = {
        "acceptance": CountyResults(uc.calendar).consumer().handled_types,
        "approval": CaseLifecycle(uc).consumer().handled_types,
    }
    assert (
        handled["approval"]
        == routing.routed_to("approval")
        == {
            "tongban.acceptance.v1.CaseAccepted",
            "tongban.acceptance.v1.CaseWithdrawn",
            "tongban.acceptance.v1.CaseReviewSupplemented",
            "tongban.staff.v1.StaffMemberChanged",
            "tongban.staff.v1.CalendarYearPublished",
        }
    )
    assert (
        handled["acceptance"]
        == routing.routed_to("acceptance")
        == {
            "tongban.approval.v1.ReviewDecided",
            "tongban.approval.v1.ReviewSentBack",
            # The county's clock, so the window reads the reviewer's days left.
            "tongban.approval.v1.ReviewProcedureStarted",
            "tongban.approval.v1.ReviewProcedureEnded",
            "tongban.approval.v1.ReviewExtended",
            "tongban.staff.v1.SiteChanged",
            "tongban.staff.v1.WindowChanged",
            "tongban.staff.v1.CalendarYearPublished",
            "tongban.supervision.v1.CaseDeemedAccepted",
        }
    )
    assert (
        DeductionInbox(SystemClock()).consumer().handled_types
        == routing.routed_to("staff")
        == {"tongban.supervision.v1.DeductionRecorded"}
    )
    assert routing.receivers() == {"acceptance", "approval", "staff", "supervision"}
