"""The catalogue administered in the console, as the county does it:

1. 县民政局's catalogue officer drafts a shorter promised limit for 特困人员救助供养: the service
   names the steps that no longer fit beside them, the officer fixes one and saves the draft;
   the officer has no publish button (only the centre administrator publishes);
2. the administrator publishes the officer's draft (another person than its drafter), then
   drafts a change of their own: publishing it is refused by the two-person rule, in a sentence;
   a second administrator publishes it, and a township clerk's catalogue and intake form show it;
3. the administrator extends a county matter to a township by a decision, and the township's
   hall list names the decision;
4. the catalogue is exported as JSON; a file with mistakes is refused with each one named by
   its place, and the file as exported imports as nothing to draft.

It runs on the session's stack before test_console.py, on matters that file does not use.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Session
from tests.e2e.conftest import TONGBAN, Stack

pytestmark = pytest.mark.e2e

SignIn = Callable[[str], Session]
RELIEF = "320826-MZ-GG-002"  # 特困人员救助供养, 县民政局, promised in 20 working days
BUILDING = "320826-ZJ-XK-001"  # 建筑工程施工许可证核发, county only until extended
GAOGOU = "320826101"
SECOND_ADMIN = "admin-deputy"
SECOND_PASSWORD = "Deputy-2026-catalogue"


def _today(console: Stack) -> date:
    """The stack's day (its clock file; another test may have moved it)."""
    return date.fromisoformat((console.var_dir / "clock").read_text().strip()[:10])


def _version(page: Page, version: str) -> Locator:
    return page.get_by_test_id("versions").get_by_role("row").filter(has_text=version)


def _choose_site(page: Page, label: str, site: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.locator(".ant-select-dropdown:visible").get_by_title(f"（{site}）", exact=False).click()


def _second_administrator(console: Stack) -> None:
    console.cli(
        "admin-county", "org", "person", SECOND_ADMIN, "--name", "县政务服务中心副主任",
        "--unit", "涟水县政务服务管理办公室", "--site", "320826000", "--role", "centre_admin",
    )  # fmt: skip
    subprocess.run(
        [TONGBAN, "account", "reset", SECOND_ADMIN, "--password-stdin"],
        input=SECOND_PASSWORD + "\n",
        env=console.env(console.token("admin-county")),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_the_officer_drafts_and_the_service_names_what_does_not_fit(sign_in: SignIn) -> None:
    officer = sign_in("catalogue-mz")
    page = officer.page
    expect(page.get_by_text("事项目录管理").first).to_be_visible()  # the officer lands on the catalogue
    page.get_by_label("事项关键字").fill("特困")
    page.get_by_label("事项关键字").press("Enter")
    row = page.get_by_role("row").filter(has_text=RELIEF)
    expect(row).to_contain_text("20 个工作日")
    row.get_by_role("link", name="版本与草稿").click()
    expect(_version(page, "第 1 版")).to_contain_text("已发布")
    page.get_by_role("button", name="起草新版本").click()

    page.get_by_label("承诺时限（工作日）").fill("18")
    page.get_by_label("修订说明").fill("承诺时限缩短为18个工作日")
    page.get_by_role("button", name="保存草稿").click()
    # Checked whole by the service: the steps (2 + 9 + 9 days) no longer fit 18.
    expect(page.get_by_text("各环节时限之和超过承诺时限")).to_be_visible()
    officer.shot("20-catalogue-draft-refused", full_page=True)
    page.get_by_label("环节 2 时限").fill("7")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_text("已保存草稿：第 2 版")).to_be_visible()
    expect(_version(page, "第 2 版")).to_contain_text("草稿")
    diff = page.get_by_test_id("diff")
    expect(diff.get_by_role("row").filter(has_text="承诺时限")).to_contain_text("20")
    expect(diff.get_by_role("row").filter(has_text="承诺时限")).to_contain_text("18")
    expect(diff.get_by_role("row").filter(has_text="环节时限")).to_contain_text("7")
    # Publishing is the administrator's: the officer is told so, and has no button for it.
    expect(page.get_by_text("草稿须由中心管理员（起草人以外）审核发布")).to_be_visible()
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    officer.shot("21-catalogue-draft-and-diff", full_page=True)


def test_two_people_publish_and_the_clerk_sees_the_change(sign_in: SignIn, console: Stack) -> None:
    today = _today(console).isoformat()
    _second_administrator(console)
    admin = sign_in("admin-county")
    page = admin.goto(f"/catalogue/matters/{RELIEF}")
    page.get_by_label("施行日期").fill(today)
    page.get_by_role("button", name="发布", exact=True).click()
    expect(_version(page, "第 2 版")).to_contain_text("已发布")

    # The administrator's own change: M02 is now wanted as two copies.
    page.get_by_role("button", name="起草新版本").click()
    page.get_by_label("材料 2 份数").fill("2")
    page.get_by_label("修订说明").fill("居民身份证复印件改为两份")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存草稿：第 3 版")).to_be_visible()
    expect(page.get_by_text("此草稿由您起草")).to_be_visible()
    page.get_by_label("施行日期").fill(today)
    page.get_by_role("button", name="发布", exact=True).click()
    refusal = page.get_by_role("alert").filter(has_text="双人复核")
    expect(refusal).to_contain_text("双人复核: 不能发布自己起草的版本, 请由另一位中心管理员发布")
    expect(_version(page, "第 3 版")).to_contain_text("草稿")
    admin.shot("22-catalogue-two-person-rule")

    deputy_session = _sign_in_with(sign_in, console)
    page = deputy_session.goto(f"/catalogue/matters/{RELIEF}")
    page.get_by_label("施行日期").fill(today)
    page.get_by_role("button", name="发布", exact=True).click()
    expect(_version(page, "第 3 版")).to_contain_text("已发布")
    expect(_version(page, "第 3 版")).to_contain_text(SECOND_ADMIN)

    clerk = sign_in("clerk-gaogou")
    page = clerk.goto("/clerk/catalogue")
    page.get_by_label("事项关键字").fill("特困")
    page.get_by_label("事项关键字").press("Enter")
    row = page.get_by_role("row").filter(has_text=RELIEF)
    expect(row).to_contain_text("18 个工作日")
    row.get_by_role("button", name="收件").click()
    expect(page.get_by_role("row").filter(has_text="居民身份证")).to_contain_text("复印件 2 份")


def _sign_in_with(sign_in: SignIn, console: Stack) -> Session:
    """The second administrator signs in with the password just set (sign_in knows the demo's)."""
    session = sign_in("clerk-county")  # any session, for its browser context
    page = session.page
    page.get_by_role("button", name="退出").click()
    page.get_by_label("用户编号").fill(SECOND_ADMIN)
    page.get_by_label("密码").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="登录").click()
    # argon2 on a busy machine can take a while
    expect(page.get_by_test_id("who")).to_contain_text(SECOND_ADMIN, timeout=30_000)
    return session


def test_the_administrator_extends_a_matter_to_a_township(sign_in: SignIn, console: Stack) -> None:
    today = _today(console)
    admin = sign_in("admin-county")
    page = admin.goto("/catalogue/sites")
    _choose_site(page, "站点", GAOGOU)
    expect(page.get_by_text(f"{GAOGOU}）截至", exact=False)).to_be_visible()
    page.get_by_label("在目录中查找").fill(BUILDING)
    expect(page.get_by_role("row").filter(has_text=BUILDING)).to_have_count(0)

    page = admin.goto("/catalogue/extensions")
    page.get_by_label("事项编码", exact=True).fill(BUILDING)
    _choose_site(page, "站点", GAOGOU)
    page.get_by_label("生效日期", exact=True).fill(today.isoformat())
    page.get_by_label("决定文号", exact=True).fill("涟政办发〔2026〕45号")
    page.get_by_label("文件日期", exact=True).fill((today + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="记录决定").click()
    # A decision cannot take effect before its document is dated: said beside the date.
    item = page.locator(".ant-form-item").filter(has=page.get_by_label("文件日期", exact=True))
    expect(item.locator(".ant-form-item-explain-error")).to_contain_text("文件日期晚于生效日期")
    page.get_by_label("文件日期", exact=True).fill((today - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="记录决定").click()
    expect(page.get_by_text("已记录延伸调整")).to_be_visible()
    page.get_by_label("按事项编码筛选").fill(BUILDING)
    page.get_by_label("按事项编码筛选").press("Enter")
    decision = page.get_by_role("row").filter(has_text=BUILDING).filter(has_text="涟政办发〔2026〕45号")
    expect(decision).to_contain_text("延伸")
    expect(decision).to_contain_text(f"（{GAOGOU}）")
    admin.shot("23-catalogue-extension-recorded", full_page=True)

    page = admin.goto("/catalogue/sites")
    _choose_site(page, "站点", GAOGOU)
    expect(page.get_by_text(f"{GAOGOU}）截至", exact=False)).to_be_visible()
    page.get_by_label("在目录中查找").fill(BUILDING)
    expect(page.get_by_role("row").filter(has_text=BUILDING)).to_contain_text("涟政办发〔2026〕45号")
    admin.shot("24-catalogue-site-hall-list")


def test_the_catalogue_goes_out_and_comes_back(sign_in: SignIn, tmp_path: Path) -> None:
    admin = sign_in("admin-county")
    page = admin.goto("/catalogue/transfer")
    page.get_by_label("JSON").check()
    with page.expect_download() as started:
        page.get_by_role("button", name="导出").click()
    download = started.value
    assert download.suggested_filename.endswith(".json")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    expect(page.get_by_text(f"到 {download.suggested_filename}", exact=False)).to_be_visible()

    # Two mistakes: every one is named by its place, and nothing is imported.
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["matters"][0]["materials"][0]["copies"] = 999
    data["matters"][1]["promised_limit_days"] = 999
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="未导入任何内容")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="matters[0].materials[0].copies")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="matters[1].promised_limit_days")).to_be_visible()
    admin.shot("25-catalogue-import-errors")

    # The file as exported changes nothing: no draft.
    page.locator("input[type=file]").set_input_files(str(exported))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已导入", exact=False)).to_contain_text("0 个事项存为草稿")
