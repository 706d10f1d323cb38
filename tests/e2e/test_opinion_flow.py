"""A social-opinion report in the browser: the member submits, one office clerk starts editing, a colleague
edits, forwards (编报报送) and records the city's adoption. At each hand-off the next person finds it on the
home page's 我的待办 and the 待办 page with exactly one notice, sent as the step commits (no scan); the
member's score follows."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from assessment import engine
from assessment import services as assessment_services
from assessment.models import AssessmentRule
from cppcc.roles import Role
from members.models import Member
from opinions.models import OpinionCategory, OpinionReport

from .conftest import PASSWORD, expect_nothing_waiting, expect_waiting, switch_user

pytestmark = pytest.mark.e2e

CATEGORIES = ["经济", "政治", "文化", "社会", "生态", "其他"]
TITLE = "关于学校周边早晚高峰接送拥堵的情况反映"
EDITED = "学校周边接送拥堵亟待治理"


@pytest.fixture
def categories(transactional_db):
    # Transactional tests flush the rows the data migration made; put the office's list back.
    for order, name in enumerate(CATEGORIES, start=1):
        OpinionCategory.objects.get_or_create(name=name, defaults={"order": order * 10})


def _score(member, year):
    [result] = engine.score(year=year, members=Member.objects.filter(pk=member.pk))
    opinions = next(c for c in result.categories if c.name == "民意提交")
    return result.total, {line.label: line.score for line in opinions.lines}


def test_member_submits_office_edits_forwards_and_city_adopts_and_the_score_follows(
    page, demo, categories, notices_delivered
):
    year = timezone.localdate().year
    office = get_user_model().objects.get(username="office")
    scheme = assessment_services.assessment_scheme_create_default(actor=office, year=year)
    opinions = scheme.categories.get(name="民意提交")
    opinions.rules.all().delete()  # the office sets its own points for this category
    AssessmentRule.objects.create(category=opinions, source="opinion_submitted", points=2, label="提交社情民意")
    AssessmentRule.objects.create(
        category=opinions, source="opinion_adopted", params={"level": "city"}, points=5, label="市政协采用"
    )
    me = Member.objects.get(user__username="m0001")
    before, lines = _score(me, year)
    assert lines == {}

    # A second clerk shares the office's work: a step one clerk takes is a hand-off to the other.
    colleague = get_user_model().objects.create_user("office2", password=PASSWORD, first_name="信息科工作人员")
    colleague.groups.add(Group.objects.get(name=Role.OFFICE))

    # The member writes and submits: the office is told.
    switch_user(page, "m0001")
    page.goto("/opinions/mine/")
    expect(page.get_by_role("heading", name="我的社情民意")).to_be_visible()
    page.get_by_role("link", name="撰写社情民意").click()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("类别").select_option(label="社会")
    page.get_by_label("内容").fill("多所小学周边上下学时段车辆乱停，家长反映强烈。建议错峰放学、增设临时停车泊位。")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("已提交，等待机关编辑")).to_be_visible()
    expect(page.get_by_test_id("opinion-badges")).to_contain_text("待编辑")
    report = OpinionReport.objects.get(title=TITLE)
    assert report.state == "submitted"
    assert [(a.member_id, a.is_lead) for a in report.authors.all()] == [(me.pk, True)]

    # The office takes it from the queue and starts editing: the colleague is told it waits to be forwarded,
    # the clerk who acted is not told of their own step.
    switch_user(page, "office")
    expect_waiting(page, "编辑信息", "信息", TITLE)
    page.goto("/opinions/queue/")
    page.get_by_role("link", name=report.title).click()
    page.get_by_test_id("action-start_editing").get_by_role("button", name="开始编辑").click()
    expect(page.get_by_text("已开始编辑")).to_be_visible()
    page.goto("/notifications/")
    expect(page.get_by_test_id("notification").filter(has_text="待办：编报报送")).to_have_count(0)

    # The colleague edits, forwards, and records the city's adoption.
    switch_user(page, "office2")
    expect_waiting(page, "编报报送", "信息", TITLE)
    page.get_by_test_id("home-todo").get_by_role("link", name=re.compile(TITLE)).click()
    editor = page.get_by_test_id("editor-form")
    editor.get_by_label("标题").fill(EDITED)
    editor.get_by_role("button", name="保存编辑").click()
    expect(page.get_by_text("已保存编辑修改")).to_be_visible()
    page.get_by_test_id("action-forward").get_by_label("编报说明").fill("报送市政协")
    page.get_by_role("button", name="编报报送").click()
    expect(page.get_by_test_id("opinion-badges")).to_contain_text("已编报")

    adopt = page.get_by_test_id("action-adopt")
    adopt.get_by_label("采用层级").select_option(label="市政协")
    adopt.get_by_label("刊物").select_option(label="专报")
    adopt.get_by_label("期号").fill(f"市政协社情民意{year}年第18期")
    adopt.get_by_role("button", name="登记采用").click()
    expect(page.get_by_text("已登记采用情况")).to_be_visible()
    expect(page.get_by_test_id("opinion-badges")).to_contain_text("已采用")
    expect(page.get_by_test_id("adoptions")).to_contain_text(re.compile(r"市政协\s*专报"))

    # Forwarded, nothing waits on it any more: it has left both clerks' lists.
    page.goto("/")
    expect_nothing_waiting(page, "信息", EDITED)
    switch_user(page, "office")
    expect_nothing_waiting(page, "信息", EDITED)

    report.refresh_from_db()
    assert report.state == "adopted" and report.title == EDITED
    assert report.original_title == TITLE
    assert [(a.level, a.publication) for a in report.adoptions.all()] == [("city", "special")]

    # One report submitted (2 points) and adopted at city level (5 points).
    after, lines = _score(me, year)
    assert lines == {"提交社情民意": Decimal(2), "市政协采用": Decimal(5)}
    assert after == before + 7
