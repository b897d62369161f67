"""The web console in a real browser: Debian's chromium driven by Playwright, against every
process `make run` starts (here on free ports, the gateway's edge serving web/dist at /).

Screenshots go to tests/browser/screenshots/ (not committed; docs/screenshots/ keeps a few)."""

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
        self._shots = shots

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        path = self._shots / f"{name}.png"
        # Ant Design slides messages in: let them settle so the picture shows them whole.
        self.page.wait_for_timeout(400)
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def sign_in(browser: Browser, console: Stack, shots: Path) -> Iterator[Callable[[str], Session]]:
    opened: list[BrowserContext] = []

    def open_session(user: str) -> Session:
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(20_000)
        opened.append(context)
        session = Session(context, console.web, shots)
        page = session.goto("/login")
        page.get_by_label("用户编号").fill(user)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_test_id("who")).to_contain_text(user)
        return session

    yield open_session
    for context in opened:
        context.close()
