"""The catalogue administered, against a real server on SQLite and PostgreSQL: versions under the
two-person rule, a case that keeps its version, extension decisions by date, import and export."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import grpc
from openpyxl import load_workbook
from sqlmodel import select
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_admin_pb2 as M
from tongban.acceptance.v1 import catalog_admin_pb2_grpc
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.acceptance.v1 import events_pb2 as E
from tongban.events.v1 import event_pb2

from services.common.outbox import OutboxEvent
from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import (
    JOINT,
    JOINT_COMPLETE,
    TOWNSHIP,
    TOWNSHIP_COMPLETE,
    field_violations,
    provided,
    request_id,
    rpc_error,
    submit_request,
)
from tests.support import Caller, clerk, identity_metadata, payloads, reviewer, row_counts

ADMIN = identity_metadata(Caller("admin-county", "320826000", frozenset({"centre_admin"})))
OTHER_ADMIN = identity_metadata(Caller("admin-deputy", "320826000", frozenset({"centre_admin"})))


def _officer(department: str) -> Caller:
    """A county department's catalogue officer (部门事项管理员)."""
    return Caller(
        f"catalogue-{department.lower()}", "320826000", frozenset({"catalogue_officer"}), department
    )


GA_OFFICER = identity_metadata(_officer("GA"))
NJ_OFFICER = identity_metadata(_officer("NJ"))
# A reviewer of the same department: reviewing cases is not drafting the catalogue.
GA_REVIEWER = identity_metadata(reviewer("GA"))
# An officer whose identity names no department drafts for none.
NO_DEPARTMENT_OFFICER = identity_metadata(_officer(""))
AS_CLERK = identity_metadata(clerk())
# 2026-09-28 is the fixture's today (a Monday); the next day is a working day too.
TOMORROW = "2026-09-29"


def _counts(acceptance: AcceptanceUnderTest) -> dict[str, int]:
    """Rows of every table but the request ids (a refusal is kept for its retries)."""
    return {table: n for table, n in row_counts(acceptance.db).items() if table != "idempotency_keys"}


def _admin(acceptance: AcceptanceUnderTest) -> catalog_admin_pb2_grpc.CatalogAdminServiceStub:
    return catalog_admin_pb2_grpc.CatalogAdminServiceStub(acceptance.channel)


def _current(acceptance: AcceptanceUnderTest, code: str) -> C.Matter:
    return acceptance.catalog.GetMatter(C.GetMatterRequest(code=code), metadata=AS_CLERK).matter


def _events(acceptance: AcceptanceUnderTest, payload_type: type[E.MatterVersionPublished]) -> int:
    with acceptance.db.reading() as session:
        rows = session.exec(
            select(OutboxEvent).where(OutboxEvent.event_type == payload_type.DESCRIPTOR.full_name)
        )
        return len({row.event_id for row in rows})


def _draft_v2(acceptance: AcceptanceUnderTest, metadata: object = GA_OFFICER) -> M.MatterVersion:
    """Version 2 of the joint matter: a shorter promise and one more required material."""
    matter = _current(acceptance, JOINT)
    matter.promised_limit_days = 4
    matter.review_steps[-1].time_limit_days = 1
    matter.materials.add(
        code="M07",
        name="迁入地住房证明",
        requirement=C.MATERIAL_REQUIREMENT_REQUIRED,
        form=C.MATERIAL_FORM_COPY,
        copies=1,
    )
    return (
        _admin(acceptance)
        .SaveMatterDraft(
            M.SaveMatterDraftRequest(request_id=request_id(), matter=matter, note="缩短承诺时限"),
            metadata=metadata,
        )
        .version
    )


def _publish(
    acceptance: AcceptanceUnderTest, version: int, on: str, metadata: object = ADMIN
) -> M.MatterVersion:
    return (
        _admin(acceptance)
        .PublishMatterVersion(
            M.PublishMatterVersionRequest(
                request_id=request_id(), matter_code=JOINT, version=version, effective_on=on
            ),
            metadata=metadata,
        )
        .version
    )


def test_a_case_keeps_the_version_it_was_accepted_under(acceptance: AcceptanceUnderTest) -> None:
    before = acceptance.cases.SubmitApplication(submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK)
    assert (before.case.state, before.case.matter_version) == (A.CASE_STATE_ACCEPTED, 1)

    draft = _draft_v2(acceptance)
    assert (draft.version, draft.state, draft.drafted_by) == (2, M.VERSION_STATE_DRAFT, "catalogue-ga")
    published = _publish(acceptance, 2, TOMORROW)
    assert (published.state, published.effective_on, published.published_by) == (
        M.VERSION_STATE_PUBLISHED,
        TOMORROW,
        "admin-county",
    )
    assert _events(acceptance, E.MatterVersionPublished) == 1
    # Not in force before its date: today's applications still follow version 1.
    assert _current(acceptance, JOINT).version == 1

    acceptance.clock.advance(timedelta(days=1))
    assert (_current(acceptance, JOINT).version, _current(acceptance, JOINT).promised_limit_days) == (2, 4)
    kept = acceptance.cases.GetCase(A.GetCaseRequest(case_no=before.case.case_no), metadata=AS_CLERK).case
    assert (kept.matter_version, kept.promised_limit_days, kept.promised_date) == (
        1,
        before.case.promised_limit_days,
        before.case.promised_date,
    )
    # The old case's receipt named version 1's materials; a new one needs M07 (version 2).
    receipt = acceptance.cases.GetDocument(
        A.GetDocumentRequest(number=before.document.number), metadata=AS_CLERK
    ).document
    assert "迁入地住房证明" not in receipt.text
    after = acceptance.cases.SubmitApplication(submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK)
    assert (after.case.state, after.case.matter_version) == (A.CASE_STATE_SUPPLEMENT_REQUESTED, 2)
    assert [issue.material_code for issue in after.case.outstanding] == ["M07"]

    history = _admin(acceptance).ListMatterVersions(
        M.ListMatterVersionsRequest(matter_code=JOINT), metadata=AS_CLERK
    )
    assert [v.version for v in history.versions] == [2, 1]
    diff = _admin(acceptance).DiffMatterVersions(
        M.DiffMatterVersionsRequest(matter_code=JOINT, from_version=1, to_version=2), metadata=AS_CLERK
    )
    assert {c.path for c in diff.changes} >= {"promised_limit_days", "materials[M07].name"}
    assert "~ 承诺时限: 5 → 4" in diff.text and "+ 申请材料 M07 材料名称: 迁入地住房证明" in diff.text


def test_the_two_person_rule(acceptance: AcceptanceUnderTest) -> None:
    untouched = _counts(acceptance)
    # A department's catalogue officer drafts only for their own department; a reviewer (even of
    # the matter's department) and an officer of no department draft for none.
    for outsider in (NJ_OFFICER, GA_REVIEWER, NO_DEPARTMENT_OFFICER, AS_CLERK):
        error = rpc_error(lambda outsider=outsider: _draft_v2(acceptance, outsider))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, outsider
    assert _counts(acceptance) == untouched
    # The officer's draft of their own department's matter: published by the administrator.
    own = _draft_v2(acceptance, GA_OFFICER)
    assert (own.version, own.drafted_by) == (2, "catalogue-ga")
    error = rpc_error(lambda: _publish(acceptance, 2, TOMORROW, GA_OFFICER))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert _counts(acceptance) == {**untouched, "matter_versions": untouched["matter_versions"] + 1}
    # The administrator takes the draft over and so becomes its drafter: another administrator
    # publishes it, never they themselves.
    matter = _current(acceptance, JOINT)
    matter.name = "户口迁移(准迁证)核发"
    retaken = (
        _admin(acceptance)
        .SaveMatterDraft(M.SaveMatterDraftRequest(request_id=request_id(), matter=matter), metadata=ADMIN)
        .version
    )
    assert (retaken.version, retaken.drafted_by) == (2, "admin-county")
    error = rpc_error(lambda: _publish(acceptance, 2, TOMORROW, ADMIN))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED and "双人复核" in (error.details() or "")
    # A catalogue officer may not publish at all.
    error = rpc_error(lambda: _publish(acceptance, 2, TOMORROW, GA_OFFICER))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert _publish(acceptance, 2, TOMORROW, OTHER_ADMIN).state == M.VERSION_STATE_PUBLISHED
    # Published is final: no second publication.
    error = rpc_error(lambda: _publish(acceptance, 2, TOMORROW, ADMIN))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_bad_draft_reports_every_problem_and_changes_nothing(acceptance: AcceptanceUnderTest) -> None:
    matter = _current(acceptance, JOINT)
    matter.promised_limit_days = 80  # over the legal limit, and the steps no longer sum past it
    matter.review_steps[-1].kind = C.STEP_KIND_REVIEW  # the flow no longer ends in a decision
    matter.materials[1].code = matter.materials[0].code
    untouched = _counts(acceptance)
    error = rpc_error(
        lambda: _admin(acceptance).SaveMatterDraft(
            M.SaveMatterDraftRequest(request_id=request_id(), matter=matter), metadata=GA_OFFICER
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {
        "matter.promised_limit_days",
        "matter.review_steps",
        "matter.materials[1].code",
    }
    assert _counts(acceptance) == untouched


def test_an_extension_takes_effect_on_its_date(acceptance: AcceptanceUnderTest) -> None:
    admin = _admin(acceptance)
    gaogou = "320826101"
    # 农村宅基地用地审批 is accepted at townships; withdrawn from 高沟镇 from tomorrow.
    accepted = acceptance.cases.SubmitApplication(
        submit_request(TOWNSHIP, TOWNSHIP_COMPLETE), metadata=AS_CLERK
    )
    assert accepted.case.state == A.CASE_STATE_ACCEPTED
    # Received with two materials missing: the supplement comes after the withdrawal.
    waiting = acceptance.cases.SubmitApplication(
        submit_request(TOWNSHIP, TOWNSHIP_COMPLETE[:2]), metadata=AS_CLERK
    ).case
    assert waiting.state == A.CASE_STATE_SUPPLEMENT_REQUESTED
    change = admin.ChangeExtension(
        M.ChangeExtensionRequest(
            request_id=request_id(),
            matter_code=TOWNSHIP,
            site_code=gaogou,
            action=M.EXTENSION_ACTION_WITHDRAW,
            effective_on=TOMORROW,
            document_number="涟政办发〔2026〕12号",
            document_date="2026-09-25",
        ),
        metadata=ADMIN,
    ).extension
    assert change.action == M.EXTENSION_ACTION_WITHDRAW
    assert _events(acceptance, E.MatterExtensionChanged) == 1  # type: ignore[arg-type]
    # The day before: still accepted, and on the hall's list.
    assert (
        acceptance.cases.SubmitApplication(
            submit_request(TOWNSHIP, TOWNSHIP_COMPLETE), metadata=AS_CLERK
        ).case.state
        == A.CASE_STATE_ACCEPTED
    )
    listed = admin.GetSiteCatalogue(M.GetSiteCatalogueRequest(site_code=gaogou), metadata=AS_CLERK)
    assert TOWNSHIP in [e.matter.code for e in listed.entries] and "进驻事项目录" in listed.text

    acceptance.clock.advance(timedelta(days=1))
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(
            submit_request(TOWNSHIP, TOWNSHIP_COMPLETE), metadata=AS_CLERK
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "收回" in (error.details() or "")
    listed = admin.GetSiteCatalogue(M.GetSiteCatalogueRequest(site_code=gaogou), metadata=AS_CLERK)
    assert TOWNSHIP not in [e.matter.code for e in listed.entries]
    # The cases received before go on: the accepted one stays, the waiting one is accepted.
    kept = acceptance.cases.GetCase(A.GetCaseRequest(case_no=accepted.case.case_no), metadata=AS_CLERK).case
    assert kept.state == A.CASE_STATE_ACCEPTED
    supplemented = acceptance.cases.SupplementMaterials(
        A.SupplementMaterialsRequest(
            request_id=request_id(), case_no=waiting.case_no, materials=provided(*TOWNSHIP_COMPLETE[2:])
        ),
        metadata=AS_CLERK,
    ).case
    assert supplemented.state == A.CASE_STATE_ACCEPTED

    # A county-only matter extended to every township from the next day, and the withdrawn one
    # extended to every township again: 高沟镇's own withdrawal still counts for it (a decision
    # about a site outranks one about its level).
    for code, number in (("320826-ZJ-XK-001", "13"), (TOWNSHIP, "14")):
        admin.ChangeExtension(
            M.ChangeExtensionRequest(
                request_id=request_id(),
                matter_code=code,
                site_level=C.SITE_LEVEL_TOWNSHIP,
                action=M.EXTENSION_ACTION_EXTEND,
                effective_on="2026-09-30",
                document_number=f"涟政办发〔2026〕{number}号",
                document_date="2026-09-29",
            ),
            metadata=ADMIN,
        )
    on_the_day = admin.GetSiteCatalogue(
        M.GetSiteCatalogueRequest(site_code=gaogou, on="2026-09-30"), metadata=ADMIN
    )
    entry = next(e for e in on_the_day.entries if e.matter.code == "320826-ZJ-XK-001")
    assert (entry.document_number, entry.extended_on) == ("涟政办发〔2026〕13号", "2026-09-30")
    assert TOWNSHIP not in [e.matter.code for e in on_the_day.entries]
    listed_today = acceptance.catalog.ListMatters(
        C.ListMattersRequest(site_code=gaogou, page_size=100), metadata=AS_CLERK
    )
    assert "320826-ZJ-XK-001" not in [m.code for m in listed_today.matters]
    # The day before, 高沟镇's window refuses the county-only matter; on the day it accepts it.
    licence = _current(acceptance, "320826-ZJ-XK-001")
    complete = [m.code for m in licence.materials if m.requirement == C.MATERIAL_REQUIREMENT_REQUIRED]
    error = rpc_error(
        lambda: acceptance.cases.SubmitApplication(submit_request(licence.code, complete), metadata=AS_CLERK)
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "不能受理" in (error.details() or "")
    acceptance.clock.advance(timedelta(days=1))
    extended = acceptance.cases.SubmitApplication(submit_request(licence.code, complete), metadata=AS_CLERK)
    assert extended.case.state == A.CASE_STATE_ACCEPTED
    listed = acceptance.catalog.ListMatters(
        C.ListMattersRequest(site_code=gaogou, page_size=100), metadata=AS_CLERK
    )
    assert "320826-ZJ-XK-001" in [m.code for m in listed.matters]
    assert TOWNSHIP not in [m.code for m in listed.matters]
    hongyao = acceptance.catalog.ListMatters(
        C.ListMattersRequest(site_code="320826102", page_size=100), metadata=AS_CLERK
    )
    assert {"320826-ZJ-XK-001", TOWNSHIP} <= {m.code for m in hongyao.matters}


def test_a_bad_extension_is_refused_with_every_field(acceptance: AcceptanceUnderTest) -> None:
    untouched = _counts(acceptance)
    error = rpc_error(
        lambda: _admin(acceptance).ChangeExtension(
            M.ChangeExtensionRequest(
                request_id=request_id(), matter_code="320826-XX-XK-999", effective_on="2026-01-01"
            ),
            metadata=ADMIN,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {
        "matter_code",
        "document_number",
        "site_code",
        "action",
        "effective_on",
        "document_date",
    }
    assert _counts(acceptance) == untouched


def _export(acceptance: AcceptanceUnderTest, kind: int) -> bytes:
    return (
        _admin(acceptance).ExportCatalogue(M.ExportCatalogueRequest(format=kind), metadata=ADMIN).content  # type: ignore[arg-type]
    )


def test_an_import_with_errors_in_three_sheets_reports_all_and_changes_nothing(
    acceptance: AcceptanceUnderTest,
) -> None:
    book = load_workbook(io.BytesIO(_export(acceptance, M.CATALOGUE_FORMAT_XLSX)))
    book["事项"]["G2"] = 999  # 承诺时限 past the legal limit
    book["材料"]["F3"] = "影印件"  # no such form
    book["审查环节"]["E4"] = "三天"  # no number
    out = io.BytesIO()
    book.save(out)
    untouched = _counts(acceptance)
    error = rpc_error(
        lambda: _admin(acceptance).ImportCatalogue(
            M.ImportCatalogueRequest(
                request_id=request_id(), format=M.CATALOGUE_FORMAT_XLSX, content=out.getvalue()
            ),
            metadata=ADMIN,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "3 处错误" in (error.details() or "")
    places = set(field_violations(error))
    assert {"事项!G2(承诺时限)", "材料!F3(材料形式)", "审查环节!E4(环节时限)"} <= places, places
    assert len(places) == 3
    assert _counts(acceptance) == untouched


def test_export_then_import_changes_nothing_and_an_edit_becomes_a_draft(
    acceptance: AcceptanceUnderTest,
) -> None:
    admin = _admin(acceptance)
    for kind in (M.CATALOGUE_FORMAT_JSON, M.CATALOGUE_FORMAT_XLSX):
        same = admin.ImportCatalogue(
            M.ImportCatalogueRequest(request_id=request_id(), format=kind, content=_export(acceptance, kind)),  # type: ignore[arg-type]
            metadata=ADMIN,
        )
        assert (len(same.drafts), same.unchanged_count) == (0, 29)
    book = load_workbook(io.BytesIO(_export(acceptance, M.CATALOGUE_FORMAT_XLSX)))
    sheet = book["事项"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == JOINT)
    sheet.cell(row, 2).value = "户口迁移(准迁证)核发"
    out = io.BytesIO()
    book.save(out)
    changed = admin.ImportCatalogue(
        M.ImportCatalogueRequest(
            request_id=request_id(), format=M.CATALOGUE_FORMAT_XLSX, content=out.getvalue()
        ),
        metadata=ADMIN,
    )
    assert [(d.matter_code, d.version, d.state) for d in changed.drafts] == [
        (JOINT, 2, M.VERSION_STATE_DRAFT)
    ]
    published = _publish(acceptance, 2, "2026-09-28", OTHER_ADMIN)
    assert published.matter.name == "户口迁移(准迁证)核发" and _current(acceptance, JOINT).version == 2


def _import(acceptance: AcceptanceUnderTest, kind: int, content: bytes) -> M.ImportCatalogueResponse:
    return _admin(acceptance).ImportCatalogue(
        M.ImportCatalogueRequest(request_id=request_id(), format=kind, content=content),  # type: ignore[arg-type]
        metadata=ADMIN,
    )


def test_the_demo_catalogues_extension_decisions_were_imported_with_it(
    acceptance: AcceptanceUnderTest,
) -> None:
    listed = _admin(acceptance).ListExtensions(M.ListExtensionsRequest(matter_code=JOINT), metadata=AS_CLERK)
    assert [(e.site_level, e.document_number, e.changed_by) for e in listed.extensions] == [
        (C.SITE_LEVEL_TOWNSHIP, "涟政办发〔2025〕58号", "seed")
    ]
    hall = _admin(acceptance).GetSiteCatalogue(
        M.GetSiteCatalogueRequest(site_code="320826101"), metadata=AS_CLERK
    )
    entry = next(e for e in hall.entries if e.matter.code == JOINT)
    assert (entry.document_number, entry.document_date, entry.extended_on) == (
        "涟政办发〔2025〕58号",
        "2025-12-15",
        "2026-01-01",
    )
    # The starting catalogue is no change for supervision: no event.
    assert _events(acceptance, E.MatterExtensionChanged) == 0  # type: ignore[arg-type]


def test_an_import_records_new_extension_decisions_from_their_date(acceptance: AcceptanceUnderTest) -> None:
    """An xlsx with one more row in 延伸 extends a county-only matter to 高沟镇 from tomorrow."""
    book = load_workbook(io.BytesIO(_export(acceptance, M.CATALOGUE_FORMAT_XLSX)))
    book["延伸"].append(
        ["320826-ZJ-XK-001", "", "320826101", "延伸", TOMORROW, "涟政办发〔2026〕30号", "2026-09-25"]
    )
    out = io.BytesIO()
    book.save(out)
    done = _import(acceptance, M.CATALOGUE_FORMAT_XLSX, out.getvalue())
    assert (len(done.drafts), done.extension_count, done.unchanged_extension_count) == (0, 1, 26)
    assert _events(acceptance, E.MatterExtensionChanged) == 1  # type: ignore[arg-type]
    # The same file again: the decision is on record, nothing new.
    again = _import(acceptance, M.CATALOGUE_FORMAT_XLSX, out.getvalue())
    assert (again.extension_count, again.unchanged_extension_count) == (0, 27)

    def at_gaogou() -> set[str]:
        listed = acceptance.catalog.ListMatters(
            C.ListMattersRequest(site_code="320826101", page_size=100), metadata=AS_CLERK
        )
        return {m.code for m in listed.matters}

    assert "320826-ZJ-XK-001" not in at_gaogou()
    acceptance.clock.advance(timedelta(days=1))
    assert "320826-ZJ-XK-001" in at_gaogou()


def test_an_import_with_errors_in_matters_materials_and_extensions_changes_nothing(
    acceptance: AcceptanceUnderTest,
) -> None:
    """Three errors in three sheets, one of them 延伸; the same three in a JSON file."""
    book = load_workbook(io.BytesIO(_export(acceptance, M.CATALOGUE_FORMAT_XLSX)))
    book["事项"]["B2"] = ""  # a name is required
    book["材料"]["D3"] = "看情况"  # no such requirement
    book["延伸"].append(
        [
            "320826-ZJ-XK-001",
            "乡镇(园区)分中心",
            "",
            "延伸",
            "2026-09-01",
            "涟政办发〔2026〕31号",
            "2026-08-25",
        ]
    )  # effective before today
    out = io.BytesIO()
    book.save(out)
    untouched = _counts(acceptance)
    error = rpc_error(lambda: _import(acceptance, M.CATALOGUE_FORMAT_XLSX, out.getvalue()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "3 处错误" in (error.details() or "")
    assert set(field_violations(error)) == {"事项!B2(事项名称)", "材料!D3(材料要求)", "延伸!E28(生效日期)"}

    data = json.loads(_export(acceptance, M.CATALOGUE_FORMAT_JSON))
    data["matters"][0]["legalLimitDays"] = -1
    data["matters"][1]["materials"][0]["form"] = "MATERIAL_FORM_SCAN"  # no such form: unreadable
    data["extensions"].append(
        {"matterCode": JOINT, "siteCode": "320826999", "action": "EXTENSION_ACTION_EXTEND"}
    )
    error = rpc_error(lambda: _import(acceptance, M.CATALOGUE_FORMAT_JSON, json.dumps(data).encode()))
    places = set(field_violations(error))
    assert {"matters[0].legal_limit_days", "matters[1]", "extensions[26].site_code"} <= places, places
    assert {"extensions[26].effective_on", "extensions[26].document_number"} <= places
    assert _counts(acceptance) == untouched


def _accepted_events(acceptance: AcceptanceUnderTest, case_no: str) -> list[E.CaseAccepted]:
    with acceptance.db.reading() as session:
        rows = session.exec(
            select(OutboxEvent)
            .where(OutboxEvent.aggregate_id == case_no)
            .where(OutboxEvent.event_type == E.CaseAccepted.DESCRIPTOR.full_name)
        ).all()
        # One row per destination; the same event.
        events = {row.event_id: event_pb2.Event.FromString(row.payload) for row in rows}
    return payloads(list(events.values()), E.CaseAccepted)


def test_a_case_received_under_version_1_is_accepted_under_it_after_version_2(
    acceptance: AcceptanceUnderTest,
) -> None:
    """Received with materials missing under version 1; version 2 (one more material, a shorter
    promise and a shorter decision step) in force the next day; the supplement completes version
    1's list and the case is accepted with version 1's limits and flow, which approval receives."""
    v1 = _current(acceptance, JOINT)
    received = acceptance.cases.SubmitApplication(
        submit_request(JOINT, ["M01", "M02"]), metadata=AS_CLERK
    ).case
    assert (received.state, received.matter_version) == (A.CASE_STATE_SUPPLEMENT_REQUESTED, 1)
    _draft_v2(acceptance)
    _publish(acceptance, 2, TOMORROW)
    acceptance.clock.advance(timedelta(days=1))
    assert _current(acceptance, JOINT).version == 2

    accepted = acceptance.cases.SupplementMaterials(
        A.SupplementMaterialsRequest(
            request_id=request_id(), case_no=received.case_no, materials=provided("M03", "M04")
        ),
        metadata=AS_CLERK,
    ).case
    assert (accepted.state, accepted.matter_version) == (A.CASE_STATE_ACCEPTED, 1)
    assert accepted.promised_limit_days == v1.promised_limit_days != 4
    assert not accepted.outstanding  # M07 is version 2's
    (event,) = _accepted_events(acceptance, received.case_no)
    assert (event.case.matter_version, event.promised_limit_days) == (1, v1.promised_limit_days)
    assert list(event.county_review.steps) == list(v1.review_steps)
