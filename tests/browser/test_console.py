"""The console's workflows in a real browser, one after another on one stack, as the people at
the window, in the county department and in the discipline inspection group do them:

1. a township clerk takes in a household transfer with materials missing: a one-time notice;
   the applicant comes back, the supplement gives the receipt, printed on A4 (and reprinted
   identical); the clerk passes the township's initial review;
2. the county police reviewer claims, agrees and decides;
3. the township window issues the result;
4. another case runs over; the inspector finds its yellow card on the board and opens an
   accountability case from it;
5. a clerk of another township is refused the first case.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.cases import (
    HOUSEHOLD,
    TRACTOR,
    SignIn,
    accepted,
    overdue_with_alerts,
    past_the_township_step,
)
from tests.browser.conftest import SHOTS
from tests.e2e.conftest import Stack
from tests.support import wait_until

pytestmark = pytest.mark.e2e

# What the flows pass on to each other (they run in file order, on one stack).
shared: dict[str, Any] = {}


def _tick(page: Page, code: str) -> None:
    page.get_by_role("checkbox", name=f"收到 {code}", exact=False).check()


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label).click()
    page.locator(".ant-select-dropdown:visible").get_by_title(option, exact=True).click()


def test_clerk_intake_one_time_notice_supplement_and_printed_receipt(sign_in: SignIn) -> None:
    clerk = sign_in("clerk-gaogou")
    page = clerk.goto("/clerk/catalogue")
    page.get_by_label("事项关键字").fill("户口")
    page.get_by_label("事项关键字").press("Enter")
    row = page.get_by_role("row").filter(has_text=HOUSEHOLD)
    expect(row).to_contain_text("户口迁移(准迁证)办理")
    clerk.shot("01-clerk-catalogue")
    row.get_by_role("button", name="收件").click()

    expect(page.get_by_text("收件：户口迁移(准迁证)办理")).to_be_visible()
    page.get_by_label("姓名/名称").fill("王秀英")
    # The ID check runs as the clerk types: a wrong check character is named before submitting.
    page.get_by_label("身份证号").fill("320826198503120021")
    expect(page.get_by_text("校验位不正确：按前 17 位应为 X")).to_be_visible()
    page.get_by_label("身份证号").fill("32082619850312002X")
    expect(page.get_by_text("✓ 校验通过")).to_be_visible()
    page.get_by_label("联系电话").fill("158517123")
    _tick(page, "M01")
    _tick(page, "M02")
    _choose(page, "M02 收到形式", "复印件")
    clerk.shot("02-clerk-intake-form", full_page=True)
    page.get_by_role("button", name="提交（受理或一次性告知）").click()
    # The service's refusal, as a sentence beside the phone field.
    phone_error = (
        page.locator(".ant-form-item")
        .filter(has=page.get_by_label("联系电话"))
        .locator(".ant-form-item-explain-error")
    )
    expect(phone_error).to_contain_text("电话号码格式不正确")
    clerk.shot("03-clerk-intake-field-error")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="提交（受理或一次性告知）").click()

    expect(page.get_by_test_id("case-state")).to_have_text("待补正(一次性告知)")
    case_no = page.url.rsplit("/", 1)[-1]
    shared["case_no"] = case_no
    expect(page.locator(".paper")).to_contain_text("一次性告知单")
    expect(page.get_by_text("M03 户口迁移申请表")).to_be_visible()
    clerk.shot("04-clerk-one-time-notice", full_page=True)

    # She comes back with everything: the supplement gives the receipt.
    page.get_by_role("tab", name="补正").click()
    for code in ("M02", "M03", "M04"):
        _tick(page, code)
    page.get_by_role("button", name="提交补正材料").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已受理")
    expect(page.locator(".paper")).to_contain_text("受理回执")
    receipt = page.get_by_role("link", name="打印").last
    receipt.click()

    expect(page.locator(".paper")).to_contain_text("受理回执")
    expect(page.locator(".paper")).to_contain_text("320826********002X")  # masked as the API masks it
    first = page.get_by_test_id("sha256").inner_text()
    clerk.shot("05-clerk-receipt-print-view")
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(SHOTS / "05-receipt-A4.pdf"), format="A4", prefer_css_page_size=True)
    # One A4 page (595 × 842 points).
    assert pdf.startswith(b"%PDF") and re.findall(rb"/MediaBox \[0 0 59[45][.\d]* 84[12][.\d]*\]", pdf)
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    page.emulate_media(media="screen")
    page.reload()
    expect(page.locator(".paper")).to_contain_text("受理回执")
    assert page.get_by_test_id("sha256").inner_text() == first, "a reprint is the same document"

    # The township's initial review (Art. 43) is the clerk's own step.
    page = clerk.goto(f"/review/{case_no}")
    page.get_by_role("button", name="签收 #1 乡镇初审").click()
    page.get_by_label("审查意见").fill("材料齐全")
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("row").filter(has_text="乡镇初审")).to_contain_text("同意")


def test_reviewer_decides_the_case(sign_in: SignIn) -> None:
    case_no = shared["case_no"]
    reviewer = sign_in("reviewer-county")
    page = reviewer.goto("/review/inbox")
    row = page.get_by_role("row").filter(has_text=case_no)
    expect(row).to_contain_text("部门审核")
    reviewer.shot("06-reviewer-inbox")
    row.get_by_role("link", name=case_no).click()
    page.get_by_role("button", name="签收 #2 部门审核").click()
    page.get_by_label("审查意见").fill("符合迁入条件")
    page.get_by_role("button", name="提交意见").click()
    page.get_by_role("button", name="签收 #3 审批决定").click()
    page.get_by_role("tab", name="作出决定").click()
    page.get_by_label("理由", exact=True).fill("材料齐全，符合条件")
    page.get_by_role("button", name="作出决定").last.click()
    expect(page.get_by_text("准予许可").first).to_be_visible()
    expect(page.get_by_role("link", name="准予行政许可决定书")).to_be_visible()
    reviewer.shot("07-reviewer-decided-timeline", full_page=True)


def test_the_result_is_issued_at_the_township(sign_in: SignIn) -> None:
    case_no = shared["case_no"]
    clerk = sign_in("clerk-gaogou")
    page = clerk.goto(f"/cases/{case_no}")

    def decided() -> bool:
        page.reload()
        page.get_by_test_id("case-state").wait_for()
        return page.get_by_test_id("case-state").inner_text() == "已决定"

    wait_until(decided, what="the county's decision to reach the township", timeout=60)
    page.get_by_role("tab", name="出件").click()
    page.get_by_label("办理结果").fill("准迁证已核发")
    page.get_by_label("领取人").fill("王秀英")
    page.get_by_role("button", name="出件").last.click()
    expect(page.get_by_test_id("case-state")).to_have_text("已出件")
    clerk.shot("08-clerk-result-issued", full_page=True)

    page = clerk.goto("/clerk/cases")
    expect(page.get_by_role("row").filter(has_text=case_no)).to_contain_text("已出件")
    clerk.shot("09-clerk-site-cases")


def test_inspector_finds_the_overdue_case_and_opens_accountability(sign_in: SignIn, console: Stack) -> None:
    late = overdue_with_alerts(console)  # the reminder, then the first overdue day's yellow card

    clerk = sign_in("clerk-gaogou")
    # Its first step is still the township's: the clerk's inbox shows it overdue, in red.
    page = clerk.goto("/review/inbox")
    overdue = page.locator(".overdue-row").filter(has_text=late)
    expect(overdue.locator("[data-urgency=overdue]").first).to_be_visible()
    clerk.shot("10-clerk-overdue-in-red")

    inspector = sign_in("inspector-county")
    page = inspector.goto("/inspector/alerts")
    expect(page.get_by_test_id("alert-card").first).to_be_visible()
    inspector.shot("11-inspector-alerts-board")
    _choose(page, "级别", "黄牌")
    page.get_by_label("办件编号").fill(late)
    page.get_by_label("办件编号").press("Enter")
    card = page.get_by_test_id("alert-card").filter(has_text=late)
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-severity", "黄牌")
    card.get_by_role("checkbox").check()
    page.get_by_role("button", name="立案问责（已选 1 条）").click()
    page.get_by_label("责任人").fill("reviewer-nj")
    page.get_by_label("立案理由").fill("办件超期未办结")
    inspector.shot("12-inspector-open-accountability")
    page.get_by_role("button", name="立案", exact=True).click()
    expect(page.get_by_test_id("accountability-state")).to_have_text("已立案")
    expect(page.get_by_text("办件超期未办结")).to_be_visible()
    inspector.shot("13-inspector-accountability-case")
    # From opening to closing: a written explanation asked for and recorded, a decision, closed.
    page.get_by_label("需说明的问题").fill("超期原因")
    page.get_by_label("说明期限").fill("2026-10-16")
    page.get_by_role("button", name="要求书面说明").click()
    expect(page.get_by_test_id("accountability-state")).to_have_text("待书面说明")
    page.get_by_label("书面说明").fill("节后积压，未及时审核")
    page.get_by_role("button", name="登记书面说明").click()
    expect(page.get_by_test_id("accountability-state")).to_have_text("已收到说明")
    _choose(page, "决定", "扣分")
    page.get_by_role("spinbutton", name="扣分").fill("2")
    page.get_by_label("理由", exact=True).fill("超期未办结")
    page.get_by_role("button", name="作出问责决定").click()
    expect(page.get_by_test_id("accountability-state")).to_have_text("已决定")
    page.get_by_role("button", name="结案").click()
    expect(page.get_by_test_id("accountability-state")).to_have_text("已结案")
    inspector.shot("13b-inspector-accountability-closed", full_page=True)

    # The period's report per department: the tractor's department has its case and its alerts.
    page = inspector.goto("/statistics?from=2026-09-01&to=2026-10-31")
    expect(page.get_by_role("row").filter(has_text="NJ")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="合计")).to_be_visible()
    inspector.shot("14-inspector-statistics")


def test_a_township_clerk_is_refused_another_sites_case(sign_in: SignIn) -> None:
    other = sign_in("clerk-hongyao")
    page = other.goto(f"/cases/{shared['case_no']}")
    expect(page.get_by_role("alert")).to_contain_text("站点")
    expect(page.get_by_text("王秀英")).to_have_count(0)
    other.shot("15-other-township-refused")


def test_non_acceptance_names_the_competent_agency(sign_in: SignIn) -> None:
    clerk = sign_in("clerk-gaogou")
    page = clerk.goto(f"/clerk/intake/{HOUSEHOLD}")
    page.get_by_label("姓名/名称").fill("李建国")
    page.get_by_label("身份证号").fill("320826197607150018")
    page.get_by_label("联系电话").fill("15851712345")
    page.get_by_role("switch", name="不予受理").click()
    page.get_by_label("不予受理理由").fill("申请迁往外省，不属于本机关职权范围")
    page.get_by_label("有权机关").fill("迁入地公安机关")
    page.get_by_role("button", name="出具不予受理通知书").click()
    expect(page.get_by_test_id("case-state")).to_have_text("不予受理")
    expect(page.locator(".paper")).to_contain_text("迁入地公安机关")
    clerk.shot("16-clerk-non-acceptance", full_page=True)


def test_the_applicant_withdraws(sign_in: SignIn, console: Stack) -> None:
    submitted = console.cli_json(
        "clerk-gaogou", "case", "submit", "--matter", HOUSEHOLD, "--person", "王秀英",
        "--id", "32082619850312002X", "--phone", "13912345678", "--material", "M01",
    )  # fmt: skip
    case_no = str(submitted["case"]["caseNo"])  # type: ignore[index]
    clerk = sign_in("clerk-gaogou")
    page = clerk.goto(f"/cases/{case_no}")
    expect(page.get_by_test_id("case-state")).to_have_text("待补正(一次性告知)")
    page.get_by_role("tab", name="撤回").click()
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_text("请填写撤回原因")).to_be_visible()  # checked before anything is sent
    page.get_by_label("撤回原因").fill("申请人不再办理")
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已撤回")
    expect(page.get_by_text("申请人不再办理")).to_be_visible()


def test_the_township_officer_approves_leave(sign_in: SignIn, console: Stack) -> None:
    console.cli(
        "clerk-gaogou", "leave", "request",
        "--from", "2026-12-01", "--to", "2026-12-02", "--reason", "家中有事",
    )  # fmt: skip
    officer = sign_in("officer-gaogou")
    page = officer.goto("/admin/leave")
    page.get_by_label("年度").fill("2026")
    _choose(page, "季度", "第 4 季度")
    row = page.get_by_role("row").filter(has_text="家中有事")
    expect(row).to_contain_text("待审批")
    officer.shot("17-officer-leave")
    approve = row.get_by_role("button", name="批准", exact=True)
    for _level in range(3):  # at most the three levels of a chain, each its own answer
        approve.click()
        try:
            expect(row).to_contain_text("已批准", timeout=3000)
            break
        except AssertionError:
            continue
    expect(row).to_contain_text("已批准")
    officer.shot("18-officer-leave-approved")


def test_signing_out_ends_the_session(sign_in: SignIn) -> None:
    clerk = sign_in("clerk-gaogou")
    page = clerk.page
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page = clerk.goto("/clerk/cases")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    assert not [c for c in clerk.context.cookies() if c["name"] == "tongban_session" and c["value"]]


def test_the_intake_form_works_from_the_keyboard(sign_in: SignIn) -> None:
    clerk = sign_in("clerk-gaogou")
    page = clerk.goto(f"/clerk/intake/{HOUSEHOLD}")
    expect(page.get_by_label("姓名/名称")).to_be_focused()  # the clerk starts typing at once
    keyboard = page.keyboard
    keyboard.type("赵敏")
    keyboard.press("Tab")
    keyboard.type("320826197607150018")
    keyboard.press("Tab")
    keyboard.type("15851712345")
    keyboard.press("Tab")
    keyboard.type("高沟镇杨口村")
    keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="收到 M01", exact=False)).to_be_focused()
    keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="收到 M01", exact=False)).to_be_checked()
    page.get_by_label("联系地址").press("Enter")  # Enter submits, as on any form
    expect(page.get_by_test_id("case-state")).to_have_text("待补正(一次性告知)")


def test_the_administrator_sets_a_departments_posts(sign_in: SignIn) -> None:
    admin = sign_in("admin-county")
    page = admin.goto("/admin/staff")
    expect(page.get_by_role("row").filter(has_text="公安窗口")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="县公安局窗口B岗")).to_be_visible()
    page.get_by_label("部门编码").fill("GA")
    page.get_by_label("首席代表").fill("reviewer-mz")
    page.get_by_label("A 岗").fill("reviewer-county")
    page.get_by_role("button", name="保存岗位").click()
    # Two people at the police window: a chief representative of theirs, and no A/B posts.
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("首席代表"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("须为本部门窗口人员之一")
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("A 岗"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("不设A/B岗")
    admin.shot("19-admin-posts-refused", full_page=True)
    page.get_by_label("首席代表").fill("reviewer-county")
    page.get_by_label("A 岗").fill("")
    page.get_by_role("button", name="保存岗位").click()
    expect(page.get_by_text("岗位已保存")).to_be_visible()
    admin.shot("20-admin-staff", full_page=True)


def _tractor_at_the_county(console: Stack) -> str:
    """A tractor registration accepted at 高沟镇, its township step passed (by the CLI)."""
    case_no = accepted(console, TRACTOR, 5)
    past_the_township_step(console, case_no)
    return case_no


def test_the_reviewer_pauses_resumes_extends_and_refuses(sign_in: SignIn, console: Stack) -> None:
    case_no = _tractor_at_the_county(console)
    reviewer = sign_in("reviewer-nj")
    page = reviewer.goto(f"/review/{case_no}")
    page.get_by_role("button", name="签收 #2 部门审核").click()
    page.get_by_role("tab", name="特殊环节").click()
    page.get_by_label("理由", exact=True).fill("发动机号需检验")
    page.get_by_role("button", name="开始特殊环节（暂停计时）").click()
    expect(page.get_by_text("暂停计时").first).to_be_visible()
    page.get_by_role("tab", name="恢复计时").click()
    page.get_by_role("button", name="结束特殊环节").click()
    page.get_by_role("tab", name="延长期限").click()
    page.get_by_label("批准人").fill("王局长")
    page.get_by_label("理由", exact=True).last.fill("需补充检验")
    page.get_by_role("button", name="延长（限一次）").click()
    expect(page.get_by_text("延长 10")).to_be_visible()
    page.get_by_role("tab", name="#2 部门审核：签署意见").click()
    page.get_by_role("radio", name="不同意（须写明理由）").check()
    page.get_by_role("button", name="提交意见").click()
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("审查意见"))
    expect(beside.locator(".ant-form-item-explain-error")).to_be_visible()  # a refusal needs its reason
    page.get_by_label("审查意见").fill("车辆不符合登记条件")
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("row").filter(has_text="部门审核")).to_contain_text("不同意")
    reviewer.shot("21-reviewer-pause-extend-refuse", full_page=True)


def test_sent_back_by_the_county_and_supplemented_at_the_township(sign_in: SignIn, console: Stack) -> None:
    case_no = _tractor_at_the_county(console)
    reviewer = sign_in("reviewer-nj")
    page = reviewer.goto(f"/review/{case_no}")
    page.get_by_role("button", name="签收 #2 部门审核").click()
    page.get_by_role("tab", name="退回补正").click()
    page.get_by_label("需补正的内容").fill("发动机号拓印\n车架号拓印")
    page.get_by_label("理由", exact=True).fill("拓印不清晰")
    page.get_by_role("button", name="退回补正（每件限一次，暂停计时）").click()
    expect(page.get_by_text("退回补正中")).to_be_visible()

    clerk = sign_in("clerk-gaogou")
    page = clerk.goto(f"/cases/{case_no}")

    def sent_back() -> bool:
        page.reload()
        page.get_by_test_id("case-state").wait_for()
        return page.get_by_test_id("case-state").inner_text() == "县级审查退回补正"

    wait_until(sent_back, what="the send-back to reach the township", timeout=60)
    expect(page.get_by_text("车架号拓印")).to_be_visible()
    clerk.shot("22-clerk-county-send-back", full_page=True)
    page.get_by_role("tab", name="补正").click()
    page.get_by_role("button", name="提交补正材料").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已受理")


def test_the_quarters_ranking(sign_in: SignIn) -> None:
    admin = sign_in("admin-county")
    page = admin.goto("/assessment")
    page.get_by_label("年度").fill("2026")
    _choose(page, "季度", "第 4 季度")
    expect(page.get_by_text("2026-10-01 至 2026-12-31")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="reviewer-nj")).to_be_visible()
    admin.shot("23-admin-assessment", full_page=True)


def test_next_years_calendar_previewed(sign_in: SignIn) -> None:
    admin = sign_in("admin-county")
    page = admin.goto("/admin/calendar")
    page.get_by_label("年度").fill("2027")
    page.get_by_label("依据").fill("国务院办公厅关于2027年部分节假日安排的通知（测试）")
    page.get_by_label("放假日期").fill("2027-01-01\n2027-02-30\n2027-10-01~2027-10-07")
    page.get_by_label("调休上班日期").fill("2027-09-26, 2027-10-09")
    page.get_by_role("button", name="预览").click()
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("放假日期"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("不是日期：2027-02-30")
    page.get_by_label("放假日期").fill("2027-01-01\n2027-10-01~2027-10-07")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_text("预览：全年")).to_contain_text("个工作日")
    expect(page.get_by_role("button", name="载入")).to_be_enabled()
    admin.shot("24-admin-calendar-preview", full_page=True)


def test_a_window_rotation_requested_and_trained(sign_in: SignIn) -> None:
    admin = sign_in("admin-county")
    page = admin.goto("/admin/rotation")
    page.get_by_label("窗口", exact=True).fill("320826000-W03")
    page.get_by_label("现任").fill("reviewer-mz")
    page.get_by_label("接任").fill("reviewer-ga-b")
    page.get_by_label("生效日期").fill("2026-11-02")
    page.get_by_label("轮岗理由").fill("定期轮岗")
    page.get_by_label("未满最短任职期").fill("民政窗口人员调整")
    page.get_by_role("button", name="提交轮岗申请").click()
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("接任"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("须为该窗口部门的人员")
    # The police window's B post takes over from its chief representative instead.
    page.get_by_label("窗口", exact=True).fill("320826000-W02")
    page.get_by_label("现任").fill("reviewer-county")
    page.get_by_role("button", name="提交轮岗申请").click()
    row = page.get_by_role("row").filter(has_text="reviewer-county → reviewer-ga-b")
    expect(row).to_contain_text("已批准，待培训")
    row.get_by_role("button", name="登记培训").click()
    page.get_by_label("培训日期").fill("2027-01-04")
    page.get_by_label("培训内容").fill("户籍业务办理规范")
    page.get_by_role("button", name="登记培训").last.click()
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("培训日期"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("不能晚于今天")
    page.get_by_label("培训日期").fill("")  # today
    page.get_by_role("button", name="登记培训").last.click()
    expect(row).to_contain_text("已培训，待生效")
    admin.shot("25-admin-rotation", full_page=True)
