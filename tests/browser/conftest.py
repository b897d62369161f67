"""The web console in a real browser: Debian's chromium driven by Playwright, against every
process `make run` starts (here on free ports, the gateway's edge serving web/dist at /).

Screenshots go to tests/browser/screenshots/ (not committed; docs/screenshots/ keeps a few). A
failed test's report shows where each of its pages was and what the page said (its error and
message boxes), and its last picture goes there as FAILED-<test>.png."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from gateway.web.static import BUILT
from tests.e2e.conftest import Stack, running_stack

CHROMIUM = Path(os.environ.get("TONGBAN_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "tongban-demo"
# The common window PC's screen.
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}

pytestmark = pytest.mark.e2e


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    if not (BUILT / "index.html").is_file():
        return "the console is not built: make web"
    return None


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    problem = _missing()
    if problem:
        # CI installs both (.ci/run, make setup): there a missing one is a failure, not a skip.
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    # A sign-in (its password hash) or an event between services can take longer than
    # Playwright's 5 s on a busy two-core machine; a wait is a wait, not a timing assertion.
    expect.set_options(timeout=15_000)
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory, playwright: Playwright) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("console")) as started:
        yield started


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


class Session:
    """One person's browser (own cookies) signed in to the console."""

    def __init__(self, context: BrowserContext, base: str, shots: Path) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.base = base
        self.shots = shots

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        path = self.shots / f"{name}.png"
        # Ant Design slides messages in: let them settle so the picture shows them whole.
        self.page.wait_for_timeout(400)
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


# The sessions a test opened, for the report of a failure.
_SESSIONS = pytest.StashKey[list[Session]]()
# What the console shows a person when something went wrong: Ant Design's alerts, messages,
# notifications and form errors.
_SAID = ".ant-alert, .ant-message-notice, .ant-notification-notice, .ant-form-item-explain-error"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    for number, session in enumerate(item.stash.get(_SESSIONS, None) or []):
        report.sections.append((f"browser page {number + 1}", _what_it_showed(session, item.name, number)))


def _what_it_showed(session: Session, test: str, number: int) -> str:
    page = session.page
    try:
        said = [text.strip() for text in page.locator(_SAID).all_inner_texts() if text.strip()]
        page.screenshot(path=str(session.shots / f"FAILED-{test}-{number + 1}.png"))
    except Exception as error:  # a closed or crashed page: say so, the test's own error stands
        return f"{page.url}: could not be read ({type(error).__name__})"
    return "\n".join([f"at {page.url}", *(f"shown: {text}" for text in said)])


@pytest.fixture
def sign_in(
    browser: Browser, console: Stack, shots: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Session]]:
    opened: list[BrowserContext] = []

    def open_session(user: str) -> Session:
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(20_000)
        opened.append(context)
        session = Session(context, console.web, shots)
        request.node.stash.setdefault(_SESSIONS, []).append(session)
        page = session.goto("/login")
        page.get_by_label("用户编号").fill(user)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_test_id("who")).to_contain_text(user)
        return session

    yield open_session
    for context in opened:
        context.close()
