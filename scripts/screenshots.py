"""Screenshot the main pages of a running server (default http://127.0.0.1:8000) into docs/screenshots/.

.venv/bin/python scripts/screenshots.py [BASE_URL] [PASSWORD]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = sys.argv[2] if len(sys.argv) > 2 else "Cppcc@2026"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SHOTS = [
    (None, "/accounts/login/", "login"),
    ("office", "/", "office-home"),
    ("office", "/members/", "member-list"),
    ("office", "/members/?sector=&party=&q=&order=pinyin&status=active", "member-list-pinyin"),
    ("office", "/members/5/", "member-detail-office"),
    ("office", "/members/5/edit/", "member-edit"),
    ("office", "/members/import/", "roster-import"),
    ("office", "/audit/", "audit-log"),
    ("m0005", "/members/5/", "member-detail-self"),
    ("m0001", "/members/5/", "member-detail-other-member"),
    ("leader", "/members/5/", "member-detail-leader"),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        current = None
        context = None
        for user, path, name in SHOTS:
            if user != current or context is None:
                if context:
                    context.close()
                context = browser.new_context(base_url=BASE, viewport={"width": 1400, "height": 900}, locale="zh-CN")
                page = context.new_page()
                if user:
                    page.goto("/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_load_state("networkidle")
                current = user
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print("saved", name)
        browser.close()


if __name__ == "__main__":
    main()
