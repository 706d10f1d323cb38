"""In the browser: a member opens 通知设置 from the notifications page, chooses SMS for hand-off notices with
a mobile number, and sees it saved, masked; the office finds the deliveries at 通知发送记录."""

import pytest
from playwright.sync_api import expect

from cppcc.roles import Role
from notifications.models import NotificationPreference
from tests.e2e.conftest import login
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.e2e
PASSWORD = "Test-pass-2026"  # tests.factories.UserFactory


@pytest.fixture
def member(transactional_db):
    user = UserFactory(username="e2e_member", roles=[Role.MEMBER])
    MemberFactory(user=user, name="张明", phone="13700001111")
    return user


def test_a_member_chooses_sms_for_hand_off_notices(page, member):
    login(page, member.username, PASSWORD)
    page.goto("/notifications/")
    page.get_by_test_id("notification-settings-link").click()
    expect(page.get_by_role("heading", name="通知设置")).to_be_visible()
    expect(page.get_by_text("将使用委员信息中的号码：137****1111")).to_be_visible()

    form = page.get_by_test_id("notification-settings")
    form.get_by_label("同时发送短信").first.check()
    form.get_by_label("每日汇总").first.check()
    form.get_by_label("接收短信的手机号码").fill("1391234")
    form.get_by_role("button", name="保存设置").click()
    expect(page.get_by_text("请输入 11 位手机号码")).to_be_visible()
    expect(form.get_by_label("接收短信的手机号码")).to_have_value("1391234")

    form.get_by_label("接收短信的手机号码").fill("139 1234 5678")
    form.get_by_role("button", name="保存设置").click()
    expect(page.get_by_text("通知设置已保存。")).to_be_visible()
    expect(page.get_by_test_id("saved-mobile")).to_have_text("139****5678")
    assert "13912345678" not in page.content()
    saved = NotificationPreference.objects.get(user=member)
    assert (saved.handoff_sms, saved.handoff_email, saved.mobile) == (True, "digest", "13912345678")
