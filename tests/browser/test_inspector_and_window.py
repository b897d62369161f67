"""The console's screens the first walk-through (test_console.py) leaves out, in a real browser,
one after another on one stack:

1. the inspector checks the supervision record: intact, with its entries and head hash; an entry
   edited in the supervision database is named where the chain breaks, on the check's page and
   on the alerts board, and the record verifies again once the entry is put back;
2. a clerk takes in an instant matter (即办件) and completes it at the window, the result issued;
3. a county reviewer reassigns a step to the colleague on the department's other post;
4. the administrator loads next year's calendar after previewing it;
5. the statistics as charts: the period's rates per department and each department's months.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing

import pytest
from playwright.sync_api import expect

from tests.browser.cases import HOUSEHOLD, LI, SignIn, accepted, overdue_with_alerts, past_the_township_step
from tests.e2e.conftest import Stack
from tests.support import wait_until

pytestmark = pytest.mark.e2e

INSTANT = "320826-WJ-GG-001"  # 生育登记: completed at the window


def test_the_inspector_sees_the_record_verified_and_where_it_breaks(sign_in: SignIn, console: Stack) -> None:
    late = overdue_with_alerts(console)
    inspector = sign_in("inspector-county")
    page = inspector.goto("/inspector/alerts")
    card = page.locator("[data-testid=alert-card][data-severity=黄牌]").filter(has_text=late)
    expect(card).to_have_count(1)
    card.get_by_role("button", name="签收").click()  # an acknowledgement goes on the record too
    expect(card).to_contain_text("已签收")
    expect(page.get_by_test_id("record-badge")).to_contain_text("监察记录完整")
    # The accountability case opened from it is on the record from its first step.
    card.get_by_role("checkbox").check()
    page.get_by_role("button", name="立案问责（已选 1 条）").click()
    page.get_by_label("立案理由").fill("办件超期未办结")
    page.get_by_role("button", name="立案", exact=True).click()
    expect(page.get_by_test_id("accountability-state")).to_have_text("已立案")
    on_record = page.get_by_role("row").filter(has_text="监察记录")
    expect(on_record).to_contain_text(re.compile(r"第 \d+ 条"))
    expect(on_record.get_by_test_id("record-badge")).to_contain_text("监察记录完整")
    inspector.shot("29-inspector-case-on-the-record")
    case_page = page.url

    page.get_by_role("link", name="记录核验").click()
    shown = page.get_by_test_id("record-verification")
    expect(shown).to_have_attribute("data-intact", "true")
    expect(page.get_by_text("监察记录完整", exact=True)).to_be_visible()
    entries = int(page.get_by_role("row").filter(has_text="已核验条数").locator("td").inner_text())
    assert entries >= 3, "two alerts and an acknowledgement at least"
    head = page.get_by_test_id("record-head").inner_text().replace(" ", "")
    assert len(head) == 64 and head != "0" * 64
    inspector.shot("30-inspector-record-verified")

    # Someone with the database file softens an alert's summary in the record itself.
    database = console.var_dir / "supervision.db"
    with closing(sqlite3.connect(database, timeout=10)) as db, db:
        (body,) = db.execute("SELECT body FROM record_entries WHERE seq = 1").fetchone()
        softened = json.dumps({**json.loads(body), "summary": "办件正常"}, ensure_ascii=False)
        db.execute("UPDATE record_entries SET body = ? WHERE seq = 1", (softened,))
    try:
        page.get_by_role("button", name="重新核验").click()
        expect(shown).to_have_attribute("data-intact", "false")
        expect(page.get_by_text("监察记录被改动", exact=True)).to_be_visible()
        expect(page.get_by_role("row").filter(has_text="首个不符条目")).to_contain_text("第 1 条")
        expect(page.get_by_role("row").filter(has_text="问题")).to_contain_text("第 1 条内容被改动")
        expect(page.get_by_test_id("record-head")).to_have_count(0)  # no head is named for a broken record
        inspector.shot("31-inspector-record-broken")
        page = inspector.goto("/inspector/alerts")
        expect(page.get_by_test_id("record-badge")).to_contain_text("监察记录被改动：自第 1 条起不符")
        page.goto(case_page)  # the case's entries come after the break: none can be vouched for
        expect(page.get_by_test_id("record-badge")).to_contain_text("监察记录被改动：自第 1 条起不符")
    finally:
        with closing(sqlite3.connect(database, timeout=10)) as db, db:
            db.execute("UPDATE record_entries SET body = ? WHERE seq = 1", (body,))
    page = inspector.goto("/inspector/record")
    expect(page.get_by_test_id("record-verification")).to_have_attribute("data-intact", "true")
    assert page.get_by_test_id("record-head").inner_text().replace(" ", "") == head


def test_an_instant_matter_is_completed_at_the_window(sign_in: SignIn) -> None:
    clerk = sign_in("clerk-gaogou")
    page = clerk.goto(f"/clerk/intake/{INSTANT}")
    page.get_by_label("姓名/名称").fill("李建国")
    page.get_by_label("身份证号").fill("320826197607150018")
    page.get_by_label("联系电话").fill("15851712345")
    for code in ("M01", "M02"):
        page.get_by_role("checkbox", name=f"收到 {code}", exact=False).check()
    page.get_by_role("button", name="提交（受理或一次性告知）").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已受理")
    expect(page.locator(".paper")).to_contain_text("受理回执")

    page.get_by_role("tab", name="当场办结").click()
    page.get_by_role("button", name="办结", exact=True).click()
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("办理结果"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("请填写办理结果")
    page.get_by_label("办理结果").fill("生育服务登记卡已当场发放")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.get_by_test_id("case-state")).to_have_text("已办结")
    expect(page.get_by_text("生育服务登记卡已当场发放")).to_be_visible()
    expect(page.get_by_role("tab", name="当场办结")).to_have_count(0)  # done once, nothing left to do
    clerk.shot("32-clerk-instant-completed", full_page=True)


def test_the_reviewer_reassigns_a_step_to_a_colleague(sign_in: SignIn, console: Stack) -> None:
    case_no = accepted(console, HOUSEHOLD, 4)
    past_the_township_step(console, case_no)

    chief = sign_in("reviewer-county")
    page = chief.goto(f"/review/{case_no}")
    page.get_by_role("button", name="签收 #2 部门审核").click()
    page.get_by_role("tab", name="改派").click()
    page.get_by_role("button", name="改派给同事").click()
    beside = page.locator(".ant-form-item").filter(has=page.get_by_label("承办人"))
    expect(beside.locator(".ant-form-item-explain-error")).to_contain_text("请填写同事的用户编号")
    page.get_by_label("承办人").fill("reviewer-ga-b")
    page.get_by_label("改派原因").fill("首席代表外出培训")
    page.get_by_role("button", name="改派给同事").click()
    step = page.get_by_role("row").filter(has_text="部门审核")
    expect(step).to_contain_text("reviewer-ga-b")
    expect(page.get_by_role("tab", name="改派")).to_have_count(0)  # no longer the chief's step
    chief.shot("33-reviewer-reassigned", full_page=True)

    colleague = sign_in("reviewer-ga-b")
    page = colleague.goto("/review/inbox")
    expect(page.get_by_role("row").filter(has_text=case_no)).to_contain_text("部门审核")


def test_next_years_calendar_loaded(sign_in: SignIn) -> None:
    admin = sign_in("admin-county")
    page = admin.goto("/admin/calendar")
    page.get_by_label("年度").fill("2027")
    page.get_by_label("依据").fill("国务院办公厅关于2027年部分节假日安排的通知（测试）")
    page.get_by_label("放假日期").fill("2027-01-01\n2027-10-01~2027-10-07")
    page.get_by_label("调休上班日期").fill("2027-09-26, 2027-10-09")
    expect(page.get_by_role("button", name="载入")).to_be_disabled()  # not before a preview
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_text("预览：全年")).to_contain_text("个工作日")
    page.get_by_role("button", name="载入").click()
    expect(page.get_by_text("已载入")).to_be_visible()
    # Previewed again, the same days are what the services now use: nothing differs.
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_text("预览：全年")).to_contain_text("0 天与现用日历不同")
    admin.shot("34-admin-calendar-loaded", full_page=True)


def _instant_cases_rated(console: Stack, day: str, *ratings: str) -> None:
    """On `day`, an instant case completed at 高沟镇 for each rating, and rated at the window."""
    console.set_clock(f"{day}T10:00:00+08:00")
    for rating in ratings:
        materials = ("--material", "M01", "--material", "M02")
        submitted = console.cli_json("clerk-gaogou", "case", "submit", "--matter", INSTANT, *LI, *materials)
        case_no = str(submitted["case"]["caseNo"])  # type: ignore[index]
        console.cli("clerk-gaogou", "case", "complete", case_no, "--result", "生育服务登记卡已当场发放")
        console.cli("clerk-gaogou", "rating", "give", case_no, "--rating", rating)


def test_the_statistics_drawn_per_department_and_month(sign_in: SignIn, console: Stack) -> None:
    # Months with something in them for the trend (the instant case above is the first).
    _instant_cases_rated(console, "2026-11-16", "非常满意", "不满意")
    _instant_cases_rated(console, "2026-12-07", "满意")
    inspector = sign_in("inspector-county")
    page = inspector.goto("/statistics?from=2026-09-01&to=2026-12-31")

    def counted() -> bool:
        # The completions and ratings reach supervision as events: wait for all of them.
        page.reload()
        expect(page.get_by_role("row").filter(has_text="合计")).to_be_visible()
        cells = page.get_by_role("row").filter(has_text="WJ").locator("td").all_inner_texts()
        return len(cells) > 9 and (cells[4], cells[9]) == ("4", "3")  # completed, rated

    wait_until(counted, what="the instant cases in the statistics", timeout=60)
    period = page.get_by_test_id("period-chart")
    expect(page.get_by_text("本期各部门按时办结率与满意率（%）")).to_be_visible()
    expect(period.locator(".recharts-bar-rectangle").first).to_be_visible()
    trend = page.get_by_test_id("trend-chart")
    expect(page.get_by_text("近 6 个月各部门按时办结率（%，2026-07 至 2026-12）")).to_be_visible()
    expect(trend.locator(".recharts-line-dot").first).to_be_visible()
    expect(trend.locator(".recharts-legend-item").filter(has_text="WJ")).to_be_visible()
    # The trend's numbers are in a table too: instant cases are on time (the first in September
    # or October, as the clock stood); one of November's two ratings is 不满意.
    page.get_by_text("趋势数据表").click()
    in_table = page.get_by_test_id("trend-table").get_by_role("row").filter(has_text="WJ")
    expect(in_table).to_have_text(re.compile(r"^WJ\s*—\s*—\s*.*100%\s*100%$"))  # Nov, Dec
    switch = page.locator(".ant-segmented")
    switch.get_by_text("满意率", exact=True).click()
    expect(page.get_by_text("近 6 个月各部门满意率（%，2026-07 至 2026-12）")).to_be_visible()
    expect(in_table).to_have_text(re.compile(r"^WJ\s*—\s*—\s*—\s*—\s*50%\s*100%$"))
    inspector.shot("36-inspector-satisfaction-trend")
    switch.get_by_text("按时办结率", exact=True).click()
    inspector.shot("35-inspector-statistics-charts")
    inspector.shot("35b-inspector-statistics-charts-full", full_page=True)
