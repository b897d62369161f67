"""What the clerk reads: cases, matters, documents and refused calls, in Chinese sentences."""

from __future__ import annotations

from collections.abc import Sequence

import grpc
from google.protobuf import any_pb2, timestamp_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.common import labels
from tongban_cli.render import cases, catalog
from tongban_cli.render.refusals import TOKEN_COMMAND, describe_rpc_error


class FakeRpcError(grpc.RpcError):  # type: ignore[misc]
    """What a unary call raises: a grpc.Call with code, details and trailing metadata."""

    def __init__(self, code: grpc.StatusCode, message: str, details: Sequence[Message] = ()) -> None:
        self._code = code
        self._message = message
        packed = []
        for detail in details:
            holder = any_pb2.Any()
            holder.Pack(detail)
            packed.append(holder)
        status = status_pb2.Status(code=code.value[0], message=message, details=packed)
        self._trailers = (("grpc-status-details-bin", status.SerializeToString()),) if details else ()

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._message

    def trailing_metadata(self) -> tuple[tuple[str, bytes], ...]:
        return self._trailers


def _case(**fields: object) -> acceptance_pb2.Case:
    case = acceptance_pb2.Case(
        case_no="320826101-20261127-0001",
        matter_code="320826-GA-XK-001",
        matter_name="居民身份证换领",
        department_name="县公安局",
        handling_type=catalog_pb2.HANDLING_TYPE_PROMISED,
        service_mode=catalog_pb2.SERVICE_MODE_JOINT,
        site_code="320826101",
        site_name="高沟镇便民服务中心",
        window_code="320826101-W01",
        state=acceptance_pb2.CASE_STATE_ACCEPTED,
        applicant=acceptance_pb2.Applicant(
            kind=acceptance_pb2.APPLICANT_KIND_PERSON,
            name="张三",
            id_number="110105********002X",
            phone="138****8000",
        ),
        # 2026-11-27 01:30 UTC is 09:30 in Beijing.
        received_time=timestamp_pb2.Timestamp(seconds=1795743000),
        accepted_on="2026-11-27",
        promised_limit_days=5,
        promised_date="2026-12-04",
        working_days_left=3,
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
    )
    for name, value in fields.items():
        setattr(case, name, value)
    return case


# --- cases ------------------------------------------------------------------------------------


def test_accepted_case_in_chinese() -> None:
    text = cases.case_summary(_case())
    assert "办件编号：320826101-20261127-0001" in text
    assert "状态：已受理" in text
    assert "承诺件" in text and "县乡同办" in text
    assert "收件时间：2026-11-27 09:30" in text
    assert "承诺办结日期 2026-12-04（5 个工作日），剩余 3 个工作日" in text
    assert "110105********002X" in text
    assert "超期" not in text
    # Trace id and documents only in the full view.
    assert "trace" not in text


def test_overdue_case_says_so() -> None:
    text = cases.case_summary(_case(overdue=True, working_days_left=-2))
    assert "状态：已受理【超期】" in text
    assert "超期 2 个工作日" in text


def test_due_today() -> None:
    assert "今天到期" in cases.clock_text(_case(working_days_left=0))


def test_one_time_notice_lists_every_outstanding_material() -> None:
    case = _case(state=acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED, notice_count=1)
    case.ClearField("promised_date")
    case.outstanding.add(material_code="M02", material_name="户口簿", kind=acceptance_pb2.ISSUE_KIND_MISSING)
    case.outstanding.add(
        material_code="M03",
        material_name="身份证复印件",
        kind=acceptance_pb2.ISSUE_KIND_DEFECTIVE,
        detail="复印件不清晰",
    )
    text = cases.case_summary(case)
    assert "状态：待补正(一次性告知)" in text
    assert "  - M02 户口簿 缺少" in text
    assert "  - M03 身份证复印件 不符合要求：复印件不清晰" in text


def test_not_accepted_names_reason_and_agency() -> None:
    case = _case(state=acceptance_pb2.CASE_STATE_NOT_ACCEPTED)
    case.non_acceptance.reason = "不属于本机关职权范围"
    case.non_acceptance.competent_agency = "县市场监督管理局"
    text = cases.case_summary(case)
    assert "状态：不予受理" in text
    assert "不予受理理由：不属于本机关职权范围" in text
    assert "请向以下机关申请：县市场监督管理局" in text


def test_full_view_has_documents_and_trace_id() -> None:
    case = _case()
    case.documents.add(
        number="SL-320826101-2026-00001",
        kind=acceptance_pb2.DOCUMENT_KIND_ACCEPTANCE_RECEIPT,
        issued_on="2026-11-27",
    )
    text = cases.case_summary(case, full=True)
    assert "  - SL-320826101-2026-00001  受理回执  2026-11-27" in text
    assert "4bf92f3577b34da6a3ce929d0e0e4736" in text


def test_every_state_is_shown_by_its_label() -> None:
    for state in acceptance_pb2.CaseState.values():
        text = cases.case_summary(_case(state=state))
        assert "CASE_STATE" not in text
        if state:
            assert f"状态：{labels.zh(acceptance_pb2.CaseState, state)}" in text.splitlines()
    assert "状态：已撤回" in cases.case_summary(_case(state=acceptance_pb2.CASE_STATE_WITHDRAWN))
    assert "状态：未知" in cases.case_summary(_case(state=99))


def test_case_list_shows_paging() -> None:
    response = acceptance_pb2.ListCasesResponse(cases=[_case()], total_size=41, next_page_token="abc")
    text = cases.case_list(response)
    assert "共 41 件" in text
    assert "--page-token abc" in text


# --- catalogue and documents ------------------------------------------------------------------


def test_matter_detail() -> None:
    matter = catalog_pb2.Matter(
        code="320826-GA-XK-001",
        name="居民身份证换领",
        department_code="GA",
        department_name="县公安局",
        handling_type=catalog_pb2.HANDLING_TYPE_PROMISED,
        legal_limit_days=20,
        promised_limit_days=5,
        service_mode=catalog_pb2.SERVICE_MODE_COUNTY_WIDE,
        accepting_levels=[catalog_pb2.SITE_LEVEL_COUNTY, catalog_pb2.SITE_LEVEL_TOWNSHIP],
        materials=[
            catalog_pb2.Material(
                code="M01",
                name="户口簿",
                requirement=catalog_pb2.MATERIAL_REQUIREMENT_REQUIRED,
                form=catalog_pb2.MATERIAL_FORM_ORIGINAL,
                copies=1,
            ),
            catalog_pb2.Material(
                code="M04",
                name="监护人证明",
                requirement=catalog_pb2.MATERIAL_REQUIREMENT_CONDITIONAL,
                condition="未满16周岁",
                form=catalog_pb2.MATERIAL_FORM_COPY,
                copies=2,
            ),
        ],
        fees=[catalog_pb2.Fee(name="工本费", amount_fen=2000, basis="价费字〔2003〕")],
    )
    text = catalog.matter_detail(matter)
    assert "承诺 5 个工作日（法定 20 个工作日）" in text
    assert "县域通办" in text
    assert "县政务服务中心、乡镇(园区)分中心" in text
    assert "  M01  户口簿  必要  原件 1 份" in text
    assert "  M04  监护人证明  视情形提交（未满16周岁）  复印件 2 份" in text
    assert "工本费  20.00 元" in text


def test_instant_matter_and_free_of_charge() -> None:
    matter = catalog_pb2.Matter(code="X", name="Y", handling_type=catalog_pb2.HANDLING_TYPE_INSTANT)
    text = catalog.matter_detail(matter)
    assert "即办" in text
    assert "收费：不收费" in text
    assert "即办件" in catalog.matter_line(matter)


def test_documents_are_printed_verbatim() -> None:
    document = acceptance_pb2.Document(text="受理回执\n  编号 1  \n\n", html="<p>受理回执</p>")
    assert cases.document_text(document) == "受理回执\n  编号 1  \n\n"
    assert cases.document_text(document, html=True) == "<p>受理回执</p>"


# --- refused calls ----------------------------------------------------------------------------


def test_field_violations_become_lines() -> None:
    error = FakeRpcError(
        grpc.StatusCode.INVALID_ARGUMENT,
        "申请内容有误 / invalid application",
        [
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field="applicant.id_number",
                        description="校验位不正确 / bad check character",
                    ),
                    error_details_pb2.BadRequest.FieldViolation(
                        field="materials[1].material_code", description="该事项没有这项材料"
                    ),
                ]
            )
        ],
    )
    assert describe_rpc_error(error).splitlines() == [
        "填写的内容有误：申请内容有误 / invalid application",
        "  - 字段 applicant.id_number: 校验位不正确 / bad check character",
        "  - 字段 materials[1].material_code: 该事项没有这项材料",
    ]


def test_precondition_and_resource_details() -> None:
    wrong_state = FakeRpcError(
        grpc.StatusCode.FAILED_PRECONDITION,
        "办件已受理，不能撤回",
        [
            error_details_pb2.PreconditionFailure(
                violations=[
                    error_details_pb2.PreconditionFailure.Violation(
                        type="STATE", subject="case 320826101-20261127-0001", description="已决定"
                    )
                ]
            )
        ],
    )
    lines = describe_rpc_error(wrong_state).splitlines()
    assert lines[0] == "办件当前的状态不允许这样操作：办件已受理，不能撤回"
    assert lines[1] == "  - case 320826101-20261127-0001: 已决定"
    missing = FakeRpcError(
        grpc.StatusCode.NOT_FOUND,
        "没有这个办件",
        [error_details_pb2.ResourceInfo(resource_type="case", resource_name="X-1")],
    )
    assert describe_rpc_error(missing).splitlines() == [
        "没有找到：没有这个办件",
        "  - 未找到办件 X-1",
    ]


def test_errors_without_details() -> None:
    unreachable = FakeRpcError(
        grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses; last error: ..."
    )
    text = describe_rpc_error(unreachable, "127.0.0.1:50051")
    assert text.startswith("无法连接网关 127.0.0.1:50051")
    assert "make run" in text
    assert "failed to connect" not in text
    expired = describe_rpc_error(FakeRpcError(grpc.StatusCode.UNAUTHENTICATED, "令牌已过期"))
    assert expired.splitlines() == [
        "身份验证未通过：令牌已过期",
        f"令牌可能已过期或无效，请重新获取: {TOKEN_COMMAND}",
    ]
    assert describe_rpc_error(FakeRpcError(grpc.StatusCode.PERMISSION_DENIED, "")) == "无权执行此操作。"


def test_details_that_contradict_the_call_are_ignored() -> None:
    error = FakeRpcError(grpc.StatusCode.INTERNAL, "出错了", [error_details_pb2.BadRequest()])
    error._message = "另一条消息"  # the trailers now disagree with the call's own status
    assert describe_rpc_error(error) == "服务内部出错：另一条消息"


def test_instant_case_has_no_countdown() -> None:
    case = _case(handling_type=catalog_pb2.HANDLING_TYPE_INSTANT, promised_limit_days=0)
    assert cases.clock_text(case) == "即办件，当场办结"


def test_issue_detail_that_already_names_the_kind() -> None:
    issue = acceptance_pb2.MaterialIssue(
        material_code="M03",
        material_name="申请表",
        kind=acceptance_pb2.ISSUE_KIND_MISSING,
        detail="缺少, 需原件1份",
    )
    assert cases.issue_line(issue) == "  - M03 申请表 缺少, 需原件1份"


# --- county-decided cases (县乡同办): the review, the decision, the issue clock -------------------


def _county_case(**fields: object) -> acceptance_pb2.Case:
    # While the county reviews, the case runs on the county's clock.
    return _case(**{"deciding_level": catalog_pb2.DECIDING_LEVEL_COUNTY, "working_days_left": 3, **fields})


def test_county_case_under_review_shows_the_county_clock() -> None:
    text = cases.case_summary(_county_case())
    assert (
        "时限：承诺办结日期 2026-12-04（5 个工作日），县级部门审查中，剩余 3 个工作日"
        "（详见 tongban review show 320826101-20261127-0001）"
    ) in text
    late = cases.case_summary(_county_case(working_days_left=-2, overdue=True))
    assert "县级部门审查中，超期 2 个工作日（详见 tongban review show" in late


def test_review_supplement_tells_the_clerk_what_to_collect_and_how_to_record_it() -> None:
    case = _county_case(
        state=acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT,
        review_supplement_reason="发票与合格证不一致",
    )
    case.review_supplement_items.extend(["购机发票原件", "产品合格证"])
    lines = cases.case_summary(case).splitlines()
    assert "状态：县级审查退回补正" in lines
    assert any(
        line.endswith(
            "县级部门审查中，计时暂停，剩余 3 个工作日（详见 tongban review show 320826101-20261127-0001）"
        )
        for line in lines
    )
    at = lines.index("县级审查退回补正：发票与合格证不一致")
    assert lines[at + 1 : at + 4] == ["需补正：", "  - 购机发票原件", "  - 产品合格证"]
    assert lines[at + 4] == (
        "申请人补齐后登记：tongban case supplement 320826101-20261127-0001（补正后县级审查继续计时）"
    )


def test_decided_county_case_shows_the_decision_and_the_issue_deadline() -> None:
    case = _county_case(
        state=acceptance_pb2.CASE_STATE_DECIDED,
        outcome=acceptance_pb2.OUTCOME_APPROVED,
        decided_on="2026-12-02",
        decision_number="ZY-GA-2026-00001",
        completed_on_time=True,
        issue_due_on="2026-12-16",
        working_days_left=10,
    )
    lines = cases.case_summary(case).splitlines()
    assert "时限：承诺办结日期 2026-12-04（5 个工作日）" in lines
    assert "决定：准予" in lines
    assert "县级决定日期：2026-12-02" in lines
    assert "决定文书：ZY-GA-2026-00001（打印：tongban review print ZY-GA-2026-00001）" in lines
    assert "出件期限：2026-12-16（决定后 10 个工作日内出件），剩余 10 个工作日" in lines
    assert "出件期限 2026-12-16" in cases.case_line(case)
    late = cases.case_summary(
        _county_case(
            state=acceptance_pb2.CASE_STATE_DECIDED,
            decided_on="2026-12-02",
            issue_due_on="2026-12-16",
            working_days_left=-1,
            overdue=True,
        )
    )
    assert "状态：已决定【超期】" in late
    assert "县级决定日期：2026-12-02" in late
    assert "出件期限：2026-12-16（决定后 10 个工作日内出件），超期 1 个工作日" in late


def test_issued_county_case_says_whether_on_time() -> None:
    case = _county_case(
        state=acceptance_pb2.CASE_STATE_RESULT_ISSUED,
        decided_on="2026-12-02",
        issue_due_on="2026-12-16",
        issued_on="2026-12-03",
        issued_on_time=True,
        issued_by="clerk-gaogou",
    )
    lines = cases.case_summary(case).splitlines()
    assert "出件期限：2026-12-16（决定后 10 个工作日内出件）" in lines
    assert "出件日期：2026-12-03（按时出件）  经办 clerk-gaogou" in lines
    assert "超期出件" in cases.case_summary(_county_case(issue_due_on="2026-12-16", issued_on="2026-12-17"))
    # Township-decided cases have no issue deadline: the line is as before.
    assert "出件日期：2026-12-03  经办 x" in cases.case_summary(_case(issued_on="2026-12-03", issued_by="x"))
