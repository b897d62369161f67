"""SubmitApplication and SupplementMaterials against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import grpc
from google.protobuf.message import Message
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.events.v1 import intake_pb2, intake_pb2_grpc
from tongban.supervision.v1 import events_pb2 as supervision_events

from services.common.clock import CHINA
from services.common.identity import Caller
from services.common.outbox import events_for
from tests.conftest import START, AcceptanceUnderTest
from tests.contract.helpers import (
    COUNTY_ONLY,
    ENTERPRISE,
    JOINT,
    JOINT_COMPLETE,
    PERSON,
    TOWNSHIP,
    counts,
    field_violations,
    precondition_subjects,
    provided,
    request_id,
    rpc_error,
    submit_request,
)
from tests.support import clerk, envelope, identity_metadata, payloads

AS_CLERK = identity_metadata(clerk())


def test_complete_application_is_accepted_with_promised_date_across_national_day(
    acceptance: AcceptanceUnderTest,
) -> None:
    reply = acceptance.cases.SubmitApplication(submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK)

    case = reply.case
    assert case.state == A.CASE_STATE_ACCEPTED
    assert case.case_no == "320826101-20260928-0001"
    assert case.accepted_on == "2026-09-28"
    assert case.received_time.ToDatetime(tzinfo=CHINA) == START
    # 5 working days from the day after: 9-29, 9-30, (10-1..10-7 off), 10-8, 10-9, make-up Saturday 10-10.
    assert case.promised_date == "2026-10-10"
    # The county's clock starts with the whole promise (the county reviews a county-decided case).
    assert case.working_days_left == 5 and not case.overdue
    assert reply.document.kind == A.DOCUMENT_KIND_ACCEPTANCE_RECEIPT
    assert reply.document.number == "SL-320826101-2026-00001"
    assert "承诺办结日期: 2026年10月10日" in reply.document.text
    assert "110105" not in reply.document.text and "320826********002X" in reply.document.text
    assert case.trace_id and len(case.trace_id) == 32
    with acceptance.db.reading() as session:
        events = events_for(session, case.case_no)
    assert [e.event_type for e in events] == [
        "tongban.acceptance.v1.CaseReceived",
        "tongban.acceptance.v1.CaseAccepted",
    ]
    [accepted] = payloads(events, acceptance_events.CaseAccepted)
    assert accepted.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY
    assert accepted.promised_date == "2026-10-10"
    assert events[1].traceparent.split("-")[1] == case.trace_id
    for event in events:
        text = str(event)
        assert PERSON.name not in text and PERSON.id_number not in text and PERSON.phone not in text


def test_incomplete_application_gets_one_notice_listing_every_problem(
    acceptance: AcceptanceUnderTest,
) -> None:
    materials = [
        A.ProvidedMaterial(material_code="M01", form=catalog_pb2.MATERIAL_FORM_COPY),
        A.ProvidedMaterial(material_code="M05", defect="复印件不清晰"),
    ]
    reply = acceptance.cases.SubmitApplication(
        submit_request(JOINT, [], materials=materials, conditions_apply=["M05"]), metadata=AS_CLERK
    )

    assert reply.case.state == A.CASE_STATE_SUPPLEMENT_REQUESTED
    problems = {(i.material_code, i.kind) for i in reply.case.outstanding}
    assert problems == {
        ("M01", A.ISSUE_KIND_DEFECTIVE),
        ("M02", A.ISSUE_KIND_MISSING),
        ("M03", A.ISSUE_KIND_MISSING),
        ("M04", A.ISSUE_KIND_MISSING),
        ("M05", A.ISSUE_KIND_DEFECTIVE),
    }
    assert reply.case.notice_count == 1
    assert reply.case.promised_date == ""
    assert reply.document.kind == A.DOCUMENT_KIND_ONE_TIME_NOTICE
    for name in ("居民户口簿", "户口迁移申请表", "复印件不清晰", "需提供原件及复印件, 收到复印件"):
        assert name in reply.document.text


def test_supplement_completing_the_notice_accepts_from_the_supplement_day(
    acceptance: AcceptanceUnderTest,
) -> None:
    first = acceptance.cases.SubmitApplication(submit_request(JOINT, ["M01", "M02"]), metadata=AS_CLERK)
    acceptance.clock.advance(timedelta(days=1))

    reply = acceptance.cases.SupplementMaterials(
        A.SupplementMaterialsRequest(
            request_id=request_id(), case_no=first.case.case_no, materials=provided("M03", "M04")
        ),
        metadata=AS_CLERK,
    )

    assert reply.case.state == A.CASE_STATE_ACCEPTED
    assert reply.case.accepted_on == "2026-09-29"
    # 9-30, 10-8, 10-9, 10-10 (make-up Saturday), 10-12.
    assert reply.case.promised_date == "2026-10-12"
    assert [d.kind for d in reply.case.documents] == [
        A.DOCUMENT_KIND_ONE_TIME_NOTICE,
        A.DOCUMENT_KIND_ACCEPTANCE_RECEIPT,
    ]


def test_second_notice_without_a_new_fact_is_refused_and_changes_nothing(
    acceptance: AcceptanceUnderTest,
) -> None:
    first = acceptance.cases.SubmitApplication(submit_request(JOINT, ["M01"]), metadata=AS_CLERK)
    before = counts(acceptance.db)

    error = rpc_error(
        lambda: acceptance.cases.SupplementMaterials(
            A.SupplementMaterialsRequest(
                request_id=request_id(), case_no=first.case.case_no, materials=provided("M02")
            ),
            metadata=AS_CLERK,
        )
    )

    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "一次性告知" in (error.details() or "")
    assert set(precondition_subjects(error)) == {"M03", "M04"}
    assert counts(acceptance.db) == before
    case = acceptance.cases.GetCase(A.GetCaseRequest(case_no=first.case.case_no), metadata=AS_CLERK).case
    assert case.state == A.CASE_STATE_SUPPLEMENT_REQUESTED and case.notice_count == 1


def test_second_notice_with_a_new_fact_is_recorded_and_flagged(acceptance: AcceptanceUnderTest) -> None:
    first = acceptance.cases.SubmitApplication(
        submit_request(JOINT, ["M01", "M02", "M03"]), metadata=AS_CLERK
    )

    reply = acceptance.cases.SupplementMaterials(
        A.SupplementMaterialsRequest(
            request_id=request_id(),
            case_no=first.case.case_no,
            materials=provided("M04"),
            conditions_apply=["M05"],
            new_fact="申请人补充说明系投靠配偶迁移",
        ),
        metadata=AS_CLERK,
    )

    assert reply.case.state == A.CASE_STATE_SUPPLEMENT_REQUESTED
    assert reply.case.notice_count == 2
    assert [i.material_code for i in reply.case.outstanding] == ["M05"]
    assert "第2次" in reply.document.text
    with acceptance.db.reading() as session:
        last = events_for(session, first.case.case_no)[-1]
    [notice] = payloads([last], acceptance_events.CaseSupplementRequested)
    assert notice.repeated_notice is True


def test_window_refusal_issues_a_notice_of_non_acceptance(acceptance: AcceptanceUnderTest) -> None:
    refusal = A.NonAcceptance(
        reason="申请事项依法不属于本机关职权范围", competent_agency="涟水县不动产登记中心"
    )
    reply = acceptance.cases.SubmitApplication(
        submit_request(JOINT, [], non_acceptance=refusal), metadata=AS_CLERK
    )

    assert reply.case.state == A.CASE_STATE_NOT_ACCEPTED
    assert reply.case.non_acceptance.competent_agency == "涟水县不动产登记中心"
    assert reply.document.number.startswith("BSL-320826101-2026-")
    assert "涟水县不动产登记中心" in reply.document.text and "行政复议" in reply.document.text


def test_enterprise_applicant_with_valid_credit_code_is_accepted(acceptance: AcceptanceUnderTest) -> None:
    reply = acceptance.cases.SubmitApplication(
        submit_request(TOWNSHIP, ["M01", "M02", "M03", "M04"], applicant=ENTERPRISE), metadata=AS_CLERK
    )
    assert reply.case.state == A.CASE_STATE_ACCEPTED
    # 15 working days across National Day and its make-up Saturday.
    assert reply.case.promised_date == "2026-10-23"


def test_missing_fields_are_all_reported_and_nothing_is_written(acceptance: AcceptanceUnderTest) -> None:
    before = counts(acceptance.db)
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(
            A.SubmitApplicationRequest(request_id=request_id()), metadata=AS_CLERK
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) >= {
        "matter_code",
        "window_code",
        "applicant.kind",
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
    }
    assert counts(acceptance.db) == before


def test_bad_identifiers_are_refused_without_echoing_them(acceptance: AcceptanceUnderTest) -> None:
    bad_person = A.Applicant(
        kind=A.APPLICANT_KIND_PERSON, name="李四", id_number="320826198503120021", phone="1391234"
    )
    bad_enterprise = A.Applicant(
        kind=A.APPLICANT_KIND_ENTERPRISE, name="某公司", id_number="91350100M000100Y44", phone="13912345678"
    )
    for applicant, fields in (
        (bad_person, {"applicant.id_number", "applicant.phone"}),
        (bad_enterprise, {"applicant.id_number"}),
    ):
        error = rpc_error(
            lambda applicant=applicant: acceptance.cases.SubmitApplication(
                submit_request(JOINT, JOINT_COMPLETE, applicant=applicant), metadata=AS_CLERK
            )
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        violations = field_violations(error)
        assert set(violations) == fields
        assert applicant.id_number not in str(violations) + (error.details() or "")
    assert counts(acceptance.db) == (0, 0, 0)


def test_unknown_matter_is_not_found(acceptance: AcceptanceUnderTest) -> None:
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(submit_request("320826-XX-XK-999", []), metadata=AS_CLERK)
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert counts(acceptance.db) == (0, 0, 0)


def test_unknown_material_and_foreign_window_are_field_errors(acceptance: AcceptanceUnderTest) -> None:
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(
            submit_request(JOINT, ["M01", "M99"], window_code="320826102-W01", conditions_apply=["M01"]),
            metadata=AS_CLERK,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {
        "materials[1].material_code",
        "window_code",
        "conditions_apply[0]",
    }
    assert counts(acceptance.db) == (0, 0, 0)


def test_township_cannot_accept_a_county_only_matter(acceptance: AcceptanceUnderTest) -> None:
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(
            submit_request(COUNTY_ONLY, ["M01", "M02", "M03"]), metadata=AS_CLERK
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "县政务服务中心" in (error.details() or "")
    assert counts(acceptance.db) == (0, 0, 0)


def test_county_wide_matter_is_accepted_at_a_village_station(acceptance: AcceptanceUnderTest) -> None:
    village = identity_metadata(clerk(site="320826101001", user="clerk-village"))
    reply = acceptance.cases.SubmitApplication(
        submit_request("320826-SJ-XK-001", ["M01", "M02", "M03"], window_code="320826101001-W01"),
        metadata=village,
    )
    assert reply.case.state == A.CASE_STATE_ACCEPTED
    assert reply.case.case_no.startswith("320826101001-20260928-")


def test_supplement_on_an_accepted_case_is_a_wrong_state(acceptance: AcceptanceUnderTest) -> None:
    case = acceptance.cases.SubmitApplication(submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK).case
    before = counts(acceptance.db)
    error = rpc_error(
        lambda: acceptance.cases.SupplementMaterials(
            A.SupplementMaterialsRequest(
                request_id=request_id(), case_no=case.case_no, materials=provided("M05")
            ),
            metadata=AS_CLERK,
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert counts(acceptance.db) == before


def test_retry_with_the_same_request_id_gives_one_case(acceptance: AcceptanceUnderTest) -> None:
    request = submit_request(JOINT, JOINT_COMPLETE)
    first = acceptance.cases.SubmitApplication(request, metadata=AS_CLERK)
    again = acceptance.cases.SubmitApplication(request, metadata=AS_CLERK)

    assert again == first
    assert counts(acceptance.db) == (1, 1, 2)


def test_another_callers_same_request_id_is_another_request(acceptance: AcceptanceUnderTest) -> None:
    request = submit_request(JOINT, JOINT_COMPLETE)
    first = acceptance.cases.SubmitApplication(request, metadata=AS_CLERK)
    # A clerk of another site sends the same body with the same id: no replay of the first site's case.
    other_site = identity_metadata(clerk(site="320826102", user="clerk-hongyao"))
    error = rpc_error(lambda: acceptance.cases.SubmitApplication(request, metadata=other_site))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "window_code" in field_violations(error)
    assert first.case.applicant.id_number not in str(error.details())
    # The same site's colleague with the same id gets a case of their own.
    colleague = identity_metadata(clerk(user="clerk-gaogou-b"))
    second = acceptance.cases.SubmitApplication(request, metadata=colleague)
    assert second.case.case_no != first.case.case_no
    assert counts(acceptance.db) == (2, 2, 4)


def test_same_request_id_with_other_content_is_refused(acceptance: AcceptanceUnderTest) -> None:
    request = submit_request(JOINT, JOINT_COMPLETE)
    acceptance.cases.SubmitApplication(request, metadata=AS_CLERK)
    changed = A.SubmitApplicationRequest()
    changed.CopyFrom(request)
    changed.matter_code = TOWNSHIP

    error = rpc_error(lambda: acceptance.cases.SubmitApplication(changed, metadata=AS_CLERK))
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert counts(acceptance.db) == (1, 1, 2)


def test_retry_of_a_refused_request_gets_the_same_refusal(acceptance: AcceptanceUnderTest) -> None:
    request = A.SubmitApplicationRequest(request_id=request_id(), matter_code=JOINT)
    first = rpc_error(lambda: acceptance.cases.SubmitApplication(request, metadata=AS_CLERK))
    again = rpc_error(lambda: acceptance.cases.SubmitApplication(request, metadata=AS_CLERK))
    assert again.code() == first.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(again) == field_violations(first)


def test_missing_request_id_is_a_field_error(acceptance: AcceptanceUnderTest) -> None:
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(
            submit_request(JOINT, JOINT_COMPLETE, request_id=""), metadata=AS_CLERK
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "request_id" in field_violations(error)


def test_case_numbers_count_per_site_and_day(acceptance: AcceptanceUnderTest) -> None:
    numbers = [
        acceptance.cases.SubmitApplication(
            submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK
        ).case.case_no
        for _ in range(3)
    ]
    other_site = identity_metadata(clerk(site="320826102", user="clerk-hongyao"))
    elsewhere = acceptance.cases.SubmitApplication(
        submit_request(JOINT, JOINT_COMPLETE, window_code="320826102-W01"), metadata=other_site
    ).case.case_no
    acceptance.clock.advance(timedelta(days=1))
    tomorrow = acceptance.cases.SubmitApplication(
        submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK
    ).case.case_no

    assert numbers == [f"320826101-20260928-000{i}" for i in (1, 2, 3)]
    assert elsewhere == "320826102-20260928-0001"
    assert tomorrow == "320826101-20260929-0001"


def test_simultaneous_submissions_at_one_site_get_distinct_numbers(acceptance: AcceptanceUnderTest) -> None:
    def submit(_: int) -> tuple[str, str]:
        case = acceptance.cases.SubmitApplication(
            submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK
        ).case
        [receipt] = case.documents
        return case.case_no, receipt.number

    with ThreadPoolExecutor(max_workers=12) as pool:
        numbered = list(pool.map(submit, range(24)))

    # None of them failed, so the numbers run 1..24 with no gap, each case and receipt once.
    assert sorted(case_no for case_no, _ in numbered) == [f"320826101-20260928-{i:04d}" for i in range(1, 25)]
    assert sorted(receipt for _, receipt in numbered) == [f"SL-320826101-2026-{i:05d}" for i in range(1, 25)]
    assert counts(acceptance.db)[0] == 24


def test_calls_without_the_gateway_identity_are_unauthenticated(acceptance: AcceptanceUnderTest) -> None:
    error = rpc_error(lambda: acceptance.cases.SubmitApplication(submit_request(JOINT, JOINT_COMPLETE)))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert counts(acceptance.db) == (0, 0, 0)


def _deliver_from_supervision(acceptance: AcceptanceUnderTest, payload: Message, case_no: str) -> None:
    supervision = Caller("service:supervision", "", frozenset({"service"}))
    stub = intake_pb2_grpc.EventIntakeServiceStub(acceptance.channel)
    event = envelope(payload, source="supervision", aggregate_id=case_no, at=acceptance.clock.now())
    reply = stub.DeliverEvents(
        intake_pb2.DeliverEventsRequest(events=[event]), timeout=10, metadata=identity_metadata(supervision)
    )
    assert reply.applied_count == 1


def test_a_notice_later_than_five_working_days_makes_the_case_accepted_from_its_receipt(
    acceptance: AcceptanceUnderTest,
) -> None:
    first = acceptance.cases.SubmitApplication(submit_request(JOINT, ["M01", "M02"]), metadata=AS_CLERK)
    case_no = first.case.case_no
    # Supervision found the notice late (Art. 32) and says so, some days on.
    acceptance.clock.advance(timedelta(days=14))
    deemed = supervision_events.CaseDeemedAccepted(case_no=case_no, accepted_from="2026-09-28")
    _deliver_from_supervision(acceptance, deemed, case_no)

    case = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert case.state == A.CASE_STATE_ACCEPTED and case.accepted_on == "2026-09-28"
    # 9-29, 9-30, 10-8, 10-9 and the make-up Saturday 10-10: the clock ran from the receipt.
    assert case.promised_date == "2026-10-10"
    assert [d.kind for d in case.documents] == [
        A.DOCUMENT_KIND_ONE_TIME_NOTICE,
        A.DOCUMENT_KIND_ACCEPTANCE_RECEIPT,
    ]
    with acceptance.db.reading() as session:
        [accepted] = payloads(events_for(session, case_no), acceptance_events.CaseAccepted)
    assert accepted.accepted_on == "2026-09-28"
    # Told again (another event): the case has moved on, nothing changes.
    _deliver_from_supervision(acceptance, deemed, case_no)
    again = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert [d.kind for d in again.documents] == [d.kind for d in case.documents]
