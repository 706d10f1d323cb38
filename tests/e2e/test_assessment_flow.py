"""Attendance feeds the assessment, in the browser: the office draws up this year's scheme from the
default, registers a training, records m0001 present through the checklist; m0001 then finds the
training in 我的履职考核, with a higher total than before."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, Attendance
from assessment import engine
from members.models import Member

from .conftest import switch_user

pytestmark = pytest.mark.e2e

TITLE = "委员履职能力专题培训"


def test_attendance_recorded_by_the_office_raises_the_members_score(page, demo):
    today = timezone.localdate()
    me = Member.objects.get(user__username="m0001")

    # 1. The office creates this year's scheme from the default.
    switch_user(page, "office")
    page.goto("/assessment/scheme/")
    page.get_by_role("button", name="按默认办法创建").click()
    expect(page.get_by_text(f"已按默认办法创建{today.year}年度考核办法")).to_be_visible()
    expect(page.get_by_test_id("scheme-category")).to_have_count(len(engine.DEFAULT_SCHEME))
    before = engine.member_score(year=today.year, member=me).total

    # 2. … registers a training; the quantities of the work report do not apply to it and stay hidden.
    page.goto("/activities/new/")
    page.get_by_label("类型").select_option("publicity")
    expect(page.get_by_label("发布新闻信息（篇）")).to_be_visible()  # the catalogue's quantity for publicity
    expect(page.get_by_label("安装节能灯（盏）")).to_be_hidden()
    page.get_by_label("类型").select_option("training")
    expect(page.get_by_label("发布新闻信息（篇）")).to_be_hidden()
    page.get_by_label("名称").fill(TITLE)
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("地点").fill("区委党校")
    page.get_by_role("button", name="保存").click()

    # 3. … and records m0001 present on the checklist it lands on.
    expect(page.get_by_role("heading", name=f"{TITLE}：登记出勤")).to_be_visible()
    page.get_by_label("按姓名筛选").fill(me.name)
    page.get_by_label(f"{me.name}的出勤").select_option("attended")
    page.get_by_role("button", name="保存出勤").first.click()
    expect(page.get_by_text("已登记 1 位委员的参加情况。")).to_be_visible()
    expect(page.get_by_test_id("attendance-row")).to_contain_text(me.name)
    activity = Activity.objects.get(title=TITLE)
    assert Attendance.objects.get(activity=activity).member == me

    # 4. m0001 sees the training in their breakdown and a higher total.
    switch_user(page, "m0001")
    page.goto("/activities/open/")
    page.get_by_role("link", name="我的履职考核").click()
    expect(page.get_by_role("heading", name="我的履职考核")).to_be_visible()
    line = page.get_by_test_id("breakdown-line").filter(has_text="参加学习培训")
    expect(line).to_contain_text("1")
    expect(line).to_contain_text("3")
    after = Decimal(page.get_by_test_id("assessment-total").inner_text())
    assert after > before
    assert after == engine.member_score(year=today.year, member=me).total
    expect(page.get_by_test_id("member-attendances")).to_contain_text(TITLE)

    # Someone else's breakdown is not theirs to see.
    other = Member.objects.get(user__username="m0002")
    response = page.goto(f"/assessment/members/{other.pk}/")
    assert response.status == 404
