import re

import pytest
from playwright.sync_api import expect

from members.models import Member

from .conftest import login

pytestmark = pytest.mark.e2e


def test_office_opens_an_account_and_the_member_must_change_the_initial_password(page, demo):
    member = Member.objects.filter(status=Member.Status.ACTIVE).order_by("id")[5]
    Member.objects.filter(pk=member.pk).update(user=None)
    login(page, "office")
    page.goto(f"/members/{member.pk}/")
    page.get_by_role("link", name="开通账号").click()
    page.get_by_label("用户名").fill("e2e_new_member")
    page.get_by_role("button", name="开通账号").click()
    expect(page.get_by_test_id("opened-username")).to_have_text("e2e_new_member")
    password = page.get_by_test_id("initial-password").inner_text().strip()
    page.get_by_role("button", name="退出").click()

    login(page, "e2e_new_member", password)
    expect(page).to_have_url(re.compile(r"/accounts/password/change/"))
    expect(page.get_by_test_id("password-reason")).to_contain_text("请先修改密码")
    page.goto("/proposals/mine/")
    expect(page).to_have_url(re.compile(r"/accounts/password/change/"))  # nothing else until changed

    page.get_by_label("旧密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("simple")
    page.get_by_label("新密码确认").fill("simple")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("密码太短")).to_be_visible()

    page.get_by_label("旧密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("Wo-de-mima-2026")
    page.get_by_label("新密码确认").fill("Wo-de-mima-2026")
    page.get_by_role("button", name="修改密码").click()
    expect(page).to_have_url(re.compile(r"/proposals/mine/"))  # back where they wanted to go
    expect(page.get_by_text("密码已修改。")).to_be_visible()


def test_security_admin_assigns_roles_within_the_rules(page, demo):
    login(page, "security")
    page.goto("/accounts/users/")
    page.get_by_label("关键词").fill("leader")
    page.get_by_role("button", name="查询").click()
    row = page.get_by_test_id("user-row").filter(has_text="leader").first
    row.get_by_role("link", name="调整角色").click()

    page.get_by_label("审计员").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("role-error")).to_contain_text("不得兼任业务角色")

    page.get_by_label("领导").check()
    page.get_by_label("审计员").uncheck()
    page.get_by_label("委员").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已更新 leader 的角色。")).to_be_visible()
    expect(page.get_by_test_id("user-row").filter(has_text="leader").first).to_contain_text("委员")


def test_admin_sends_a_reset_link_that_only_the_holder_receives(page, demo):
    """三员分立 (issue 12): the system administrator asks for the auditor's reset link in the Django
    admin and sees only a masked address; the auditor sets their own password from the mail."""
    from django.contrib.auth import get_user_model
    from django.core import mail

    auditor = get_user_model().objects.get(username="auditor")
    auditor.email = "shenji@example.org"
    auditor.save(update_fields=["email"])
    mail.outbox.clear()

    login(page, "admin")
    page.goto("/admin/auth/user/?q=auditor")
    page.locator(f"input[name='_selected_action'][value='{auditor.pk}']").check()
    page.locator("select[name='action']").select_option("send_password_reset")
    page.locator("button[name='index']").click()
    expect(page.get_by_text("s***@example.org")).to_be_visible()
    link = re.search(r"https?://\S+", mail.outbox[-1].body)[0]
    assert mail.outbox[-1].to == ["shenji@example.org"] and link not in page.content()
    page.context.clear_cookies()

    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_label("新密码", exact=True).fill("Shen-ji-2026!")
    page.get_by_label("新密码确认").fill("Shen-ji-2026!")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()
    login(page, "auditor", "Shen-ji-2026!")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
