import re
import time

import pytest
from playwright.sync_api import expect

from members.models import Member

from .conftest import login

pytestmark = pytest.mark.e2e


def test_office_finds_a_member_and_edits_them(page, demo):
    member = Member.objects.filter(status=Member.Status.ACTIVE).order_by("id")[3]
    login(page, "office")
    expect(page.get_by_role("heading", name=re.compile("欢迎"))).to_be_visible()

    page.get_by_role("button", name="委员管理").click()
    page.locator("#mainnav").get_by_role("link", name="委员名册").click()

    # A slow network: each filter answer arrives 0.3 s late. Typing and pressing 查询 fires the
    # form's change and its submit; they must make one request, or the second answer's
    # late pushState cancels the click on the result below.
    def late(route):
        response = route.fetch()
        time.sleep(0.3)
        route.fulfill(response=response)

    page.route(re.compile(r"/members/\?"), late)
    page.evaluate(
        "window.pushed = 0;document.body.addEventListener('htmx:pushedIntoHistory', () => { window.pushed += 1; })"
    )
    page.get_by_label("关键词").fill(member.name)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("member-total")).to_have_text("共 1 人")
    expect(page).to_have_url(re.compile(r"[?&]q="))  # htmx pushed the filter into the address bar
    page.wait_for_timeout(800)  # long enough for a second, late answer to arrive
    assert page.evaluate("window.pushed") == 1
    page.unroute(re.compile(r"/members/\?"))
    page.get_by_role("link", name=member.name).click()

    # Office staff see the full ID number.
    expect(page.get_by_test_id("id-number")).to_have_text(member.id_number)
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("职务", exact=True).fill("区政协委员联络处主任")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text(f"已保存委员“{member.name}”的信息。")).to_be_visible()
    expect(page.get_by_text("区政协委员联络处主任")).to_be_visible()
    member.refresh_from_db()
    assert member.title == "区政协委员联络处主任"

    # The change is in the audit log, with who made it.
    page.get_by_role("button", name="系统记录").click()
    page.locator("#mainnav").get_by_role("link", name="操作日志").click()
    row = page.locator("tbody tr").filter(has_text=member.name).first
    expect(row).to_contain_text("office")
    expect(row).to_contain_text("区政协委员联络处主任")


def test_office_sees_a_clear_error_for_a_bad_id_number(page, demo):
    member = Member.objects.order_by("id").first()
    login(page, "office")
    page.goto(f"/members/{member.pk}/edit/")
    page.get_by_label("身份证号码").fill("110105194912310021")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("身份证号码校验位错误")).to_be_visible()
    member.refresh_from_db()
    assert member.id_number != "110105194912310021"


def test_member_is_refused_office_pages_and_sees_masked_data(page, demo):
    me = Member.objects.get(user__username="m0001")
    login(page, "m0001")
    nav = page.locator("nav")
    expect(nav.get_by_text("名册导入")).to_have_count(0)
    expect(nav.get_by_text("操作日志")).to_have_count(0)

    for path in ("/members/new/", "/members/import/", f"/members/{me.pk}/edit/", "/audit/"):
        response = page.goto(path)
        assert response.status == 403, path

    page.goto(f"/members/{me.pk}/")
    expect(page.get_by_test_id("id-number")).to_have_text(me.id_number_masked)
    assert me.id_number not in page.content()


def test_unread_reminders_show_in_the_navigation(page, demo):
    from django.contrib.auth import get_user_model

    from notifications.models import Notification

    user = get_user_model().objects.get(username="unit01")
    Notification.objects.create(recipient=user, title="【3天后到期】第0001号提案答复", body="请按时办理。", url="/")
    login(page, "unit01")
    bell = page.get_by_test_id("nav-notifications")
    expect(bell).to_contain_text("1")
    bell.click()
    expect(page.get_by_test_id("notification")).to_contain_text("第0001号提案答复")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("nav-notifications")).not_to_contain_text("1")
    assert Notification.objects.get(recipient=user).read_at is not None
