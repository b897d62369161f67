"""A clerk's day through the `tongban` CLI, the gateway and the services, as separate processes.

Also checks the traces the processes exported: one trace per case, and no personal data.
"""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.conftest import Stack

CLERK = "clerk-gaogou"
WANG = ["--person", "王秀英", "--id", "32082619850312002X", "--phone", "13912345678"]
LI = ["--person", "李建国", "--id", "320826197607150018", "--phone", "15851712345"]
PERSONAL = ["王秀英", "32082619850312002X", "13912345678", "李建国", "320826197607150018", "15851712345"]
JOINT = "320826-GA-QT-001"  # 户口迁移: county-decided, 县乡同办, promised 5 working days
INSTANT = "320826-WJ-GG-001"  # 生育登记: instant
WINDOW = "320826101-W01"


def _submit(
    e2e: Stack, matter: str, applicant: list[str], *materials: str, extra: tuple[str, ...] = ()
) -> Any:
    args = ["case", "submit", "--matter", matter, "--window", WINDOW, *applicant, *extra]
    for code in materials:
        args += ["--material", code]
    return e2e.cli_json(CLERK, *args)


def test_notice_then_supplement_then_acceptance(e2e: Stack) -> None:
    first = _submit(e2e, JOINT, WANG, "M01", "M02")
    case = first["case"]
    assert case["state"] == "CASE_STATE_SUPPLEMENT_REQUESTED"
    assert {i["materialCode"] for i in case["outstanding"]} == {"M03", "M04"}
    assert "一次性告知单" in first["document"]["text"]

    supplemented = e2e.cli(
        CLERK, "case", "supplement", case["caseNo"], "--material", "M03", "--material", "M04"
    )
    assert "已受理" in supplemented.stdout and "受理回执" in supplemented.stdout

    shown = e2e.cli_json(CLERK, "case", "show", case["caseNo"])["case"]
    assert shown["state"] == "CASE_STATE_ACCEPTED"
    # Accepted 2026-09-28: 9-29, 9-30, National Day off, 10-8, 10-9, make-up Saturday 10-10.
    assert shown["promisedDate"] == "2026-10-10"
    receipt = next(d for d in shown["documents"] if d["kind"] == "DOCUMENT_KIND_ACCEPTANCE_RECEIPT")
    once = e2e.cli(CLERK, "case", "print", receipt["number"]).stdout
    again = e2e.cli(CLERK, "case", "print", receipt["number"]).stdout
    assert once == again and "承诺办结日期: 2026年10月10日" in once

    _wait_for_case_spans(e2e, shown["caseNo"], shown["traceId"], "acceptance.supplement")


def test_instant_matter_completed_on_the_spot(e2e: Stack) -> None:
    case = _submit(e2e, INSTANT, LI, "M01", "M02")["case"]
    assert case["state"] == "CASE_STATE_ACCEPTED"

    done = e2e.cli_json(CLERK, "case", "complete", case["caseNo"], "--result", "生育服务登记卡已当场发放")[
        "case"
    ]

    assert done["state"] == "CASE_STATE_COMPLETED"
    assert done["completedOn"] == "2026-09-28"


def test_retry_with_the_same_request_id_gives_one_case(e2e: Stack) -> None:
    before = e2e.cli_json(CLERK, "case", "list", "--page-size", "1").get("totalSize", 0)
    extra = ("--request-id", "e2e-retry-0001")
    first = _submit(e2e, JOINT, LI, "M01", "M02", "M03", "M04", extra=extra)
    again = _submit(e2e, JOINT, LI, "M01", "M02", "M03", "M04", extra=extra)

    assert first["case"]["caseNo"] == again["case"]["caseNo"]
    after = e2e.cli_json(CLERK, "case", "list", "--page-size", "1")["totalSize"]
    assert after == before + 1


def test_refusals_are_sentences_not_tracebacks(e2e: Stack) -> None:
    bad = ["--person", "王秀英", "--id", "320826198503120021", "--phone", "13912345678"]
    result = e2e.cli(
        CLERK, "case", "submit", "--matter", JOINT, "--window", WINDOW, *bad, "--material", "M01", check=False
    )
    assert result.returncode == 1
    assert "证件号码" in result.stderr + result.stdout  # the field, as the form names it
    assert "Traceback" not in result.stderr
    assert "320826198503120021" not in result.stderr + result.stdout

    inspector = e2e.cli(
        "inspector-county", "case", "submit", "--matter", JOINT, "--window", WINDOW, *WANG, check=False
    )
    assert inspector.returncode == 1 and "Traceback" not in inspector.stderr


def _wait_for_case_spans(e2e: Stack, case_no: str, trace_id: str, name: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if any(s.name == name and s.trace_id == trace_id for s in e2e.collector.snapshot()):
            return
        time.sleep(0.2)
    raise AssertionError(f"no {name} span for {case_no} reached the collector")


def test_every_span_about_a_case_is_in_its_trace_and_none_carries_personal_data(e2e: Stack) -> None:
    case = _submit(e2e, JOINT, WANG, "M01")["case"]
    e2e.cli(
        CLERK,
        "case",
        "supplement",
        case["caseNo"],
        "--material",
        "M02",
        "--material",
        "M03",
        "--material",
        "M04",
    )
    e2e.cli(CLERK, "case", "withdraw", case["caseNo"], "--reason", "申请人暂不迁移")
    _wait_for_case_spans(e2e, case["caseNo"], case["traceId"], "acceptance.withdraw")
    spans = e2e.collector.snapshot()

    about_case = [s for s in spans if s.attributes.get("tongban.case_no") == case["caseNo"]]
    assert {s.name for s in about_case} >= {
        "acceptance.receive",
        "acceptance.supplement",
        "acceptance.withdraw",
    }
    assert {s.trace_id for s in about_case} == {case["traceId"]}
    in_trace = {s.service for s in spans if s.trace_id == case["traceId"]}
    assert {"tongban-gateway", "tongban-acceptance"} <= in_trace
    for span in spans:
        for value in PERSONAL:
            assert value not in span.text, f"personal data in span {span.service}/{span.name}"
