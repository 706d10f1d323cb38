"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against Django's live server."""

import os
import re
import shutil
import tempfile

import pytest
from playwright.sync_api import expect

from demo.members import seed_registry

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "E2e-pass-2026"

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="cppcc-e2e-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            chromium_sandbox=False,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    # Every flow runs under the Content-Security-Policy: anything it blocks is a failure (issue 12).
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    yield page
    context.close()
    assert blocked == [], blocked


@pytest.fixture
def demo(transactional_db):
    """A small committee built by the same code as `seed_demo`."""
    return seed_registry(password=PASSWORD, seed=7, member_count=40)


def login(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def switch_user(page, username):
    """Sign out whoever was signed in and sign in as `username`, landing on the home page."""
    page.context.clear_cookies()
    login(page, username)
    expect(page.get_by_role("heading", name=re.compile("欢迎"))).to_be_visible()


@pytest.fixture
def notices_delivered(eager):
    """Hand-off notices go through Celery: its tasks run in-process (tests/conftest.py `eager`)."""


def expect_waiting(page, todo, noun, title):
    """The user just signed in: the home page's 我的待办 names the work (`todo`, e.g. "审查提案") and links to
    the record (`noun`《`title`》), the 待办 page lists it, and exactly one notice says so — no deadline scan
    has run. Ends back on the home page."""
    item = f"{noun}《{title}》"
    expect(page.get_by_test_id("home-todo").get_by_test_id("todo-item").filter(has_text=item)).to_contain_text(todo)
    page.goto("/todo/")
    expect(page.get_by_test_id("todo-item").filter(has_text=item)).to_contain_text(todo)
    page.goto("/notifications/")
    expect(page.get_by_test_id("notification").filter(has_text=f"待办：{todo}——{item}")).to_have_count(1)
    page.goto("/")


def expect_nothing_waiting(page, noun, title):
    """The user just signed in: neither the home card nor the 待办 page lists the record. Ends on the home page."""
    item = f"{noun}《{title}》"
    expect(page.get_by_test_id("home-todo")).not_to_contain_text(item)
    page.goto("/todo/")
    expect(page.get_by_test_id("todo-item").filter(has_text=item)).to_have_count(0)
    page.goto("/")
