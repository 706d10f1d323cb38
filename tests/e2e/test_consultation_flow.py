"""A consultation topic's whole life in the browser: the office plans the year and collects a topic,
shortlists it (汇题), records the party committee's decision (定题), schedules the meeting and records
who came, records that it was held and submits the outcome; the leader instructs it (批办), the office
assigns it (交办), the department signs for it (承办) and answers (反馈); the office closes the topic.
The member who took part finds the meeting under "我的履职活动"."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Attendance
from activities.selectors import participation
from consultations.models import ConsultationEvent, ConsultationTopic
from members.models import HandlingUnit, Member, SpecialCommittee

from .conftest import switch_user

pytestmark = pytest.mark.e2e

TITLE = "加快自贸区建设、推动开放型经济高质量发展"


def test_a_topic_from_collection_to_outcome_feedback(page, demo):
    year = timezone.localdate().year
    unit = HandlingUnit.objects.get(name="区商务局")
    unit_user = unit.users.get()
    committee = SpecialCommittee.objects.get(name="经济委员会")
    first, second = (Member.objects.get(user__username=u) for u in ("m0001", "m0002"))

    # 1. The office draws up this year's plan and enters a topic set by the party and government leaders.
    switch_user(page, "office")
    page.goto("/consultations/")
    page.get_by_role("button", name="编制年度协商计划").click()
    expect(page.get_by_text(f"已创建{year}年度协商计划，可以开始征集议题。")).to_be_visible()
    page.get_by_role("link", name="录入议题").click()
    page.get_by_label(re.compile(r"^议题\s*\*?$")).fill(TITLE)
    page.get_by_label("来源").select_option(label="党政领导出题")
    page.get_by_label("提出方").fill("区委办公室")
    page.get_by_role("button", name="提交议题").click()
    expect(page.get_by_text(f"已提交议题“{TITLE}”。")).to_be_visible()
    expect(page.get_by_test_id("topic-badges")).to_contain_text("已征集")

    # 2. 汇题, then 定题 with its form, lead committee and quarter.
    page.get_by_role("button", name="汇题").click()
    expect(page.get_by_test_id("topic-badges")).to_contain_text("已汇题")
    page.get_by_role("button", name="定题", exact=True).click()  # nothing chosen yet: refused, clearly
    expect(page.get_by_text("定题须确定协商形式、牵头专委会和计划季度。")).to_be_visible()
    page.get_by_label("协商形式").select_option(label="专题协商")
    page.get_by_label("牵头专委会").select_option(label=committee.name)
    page.get_by_label("计划季度").select_option(label="第四季度")
    page.get_by_label("定题依据").fill("区委常委会第3次会议")
    page.get_by_role("button", name="定题", exact=True).click()
    expect(page.get_by_text("已定题。")).to_be_visible()
    expect(page.get_by_test_id("topic-badges")).to_contain_text("已定题")

    # 3. The meeting is scheduled; the page moves on to the attendance checklist.
    page.get_by_label("协商日期").fill(timezone.localdate().isoformat())
    page.get_by_label("地点").fill("区政协三楼会议室")
    page.get_by_label("参加部门（可多选）").select_option(label=unit.name)
    page.get_by_role("button", name="安排协商活动").click()
    expect(page.get_by_text("已安排协商活动，请登记参加委员。")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{TITLE}：参加委员")).to_be_visible()
    page.get_by_label(f"{first.name}的出勤").select_option("attended")
    page.get_by_label(f"{second.name}的出勤").select_option("attended")
    page.get_by_role("button", name="保存参加情况").first.click()
    expect(page.get_by_text("已登记 2 位委员的参加情况。")).to_be_visible()
    expect(page.locator('[data-status="attended"]')).to_have_text("2")

    # 4. Held, then the outcome report goes to the leaders.
    page.get_by_role("link", name="返回").click()
    page.get_by_role("button", name="登记协商已举行").click()
    expect(page.get_by_test_id("topic-badges")).to_contain_text("已协商")
    page.get_by_label("成果报告").fill("一、加大自贸区服务宣传力度；\n二、加快自贸区服务平台建设。")
    page.get_by_role("button", name="报送协商成果").click()
    expect(page.get_by_text("已报送协商成果。")).to_be_visible()
    page.goto(f"/consultations/?year={year}")
    expect(page.get_by_test_id("column-outcome_submitted")).to_contain_text(TITLE)

    # 5. The leader reads the outcome and instructs it (批办).
    switch_user(page, "leader")
    page.goto(f"/consultations/?year={year}")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_test_id("outcome-card").get_by_role("link").click()
    page.get_by_label("批示意见").fill("所提建议很有针对性，请商务局牵头研究落实。")
    page.get_by_role("button", name="批办").click()
    expect(page.get_by_text("已批办。")).to_be_visible()

    # 6. The office assigns it to the department (交办).
    switch_user(page, "office")
    page.goto(page_url := f"/consultations/outcomes/{ConsultationTopic.objects.get(title=TITLE).outcome.pk}/")
    page.get_by_label("承办单位（可多选）").select_option(label=unit.name)
    page.get_by_role("button", name="交办", exact=True).click()
    expect(page.get_by_text("已交办。")).to_be_visible()
    expect(page.get_by_test_id("assignment")).to_contain_text("待签收")

    # 7. The department finds it in its inbox, signs for it (承办) and reports back (反馈).
    switch_user(page, unit_user.username)
    page.goto("/consultations/inbox/")
    row = page.get_by_test_id("assignment-row").filter(has_text=TITLE)
    expect(row).to_contain_text("待签收")
    row.get_by_role("link").click()
    expect(page.get_by_test_id("instruction")).to_contain_text("请商务局牵头研究落实")
    page.get_by_role("button", name="签收承办").click()
    expect(page.get_by_text("已签收承办。")).to_be_visible()
    page.get_by_label("采纳", exact=True).check()
    page.get_by_label("办理情况反馈").fill("已将协商建议纳入年度重点工作，自贸区服务平台已上线运行。")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("已提交办理反馈。")).to_be_visible()
    expect(page.get_by_test_id("outcome-badges")).to_contain_text("已反馈")

    # 8. The office closes the topic; the timeline shows the whole path with who took each step.
    switch_user(page, "office")
    page.goto(page_url)
    page.get_by_role("link", name="协商议题").click()
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("topic-badges")).to_contain_text("已办结")
    timeline = page.get_by_test_id("timeline")
    for label in (
        "征集议题",
        "汇题",
        "定题",
        "安排协商活动",
        "登记参加委员",
        "登记协商",
        "报送成果",
        "批办",
        "交办",
        "承办签收",
        "反馈",
        "办结",
    ):
        expect(timeline).to_contain_text(label)

    topic = ConsultationTopic.objects.get(title=TITLE)
    steps = list(ConsultationEvent.objects.filter(topic=topic).order_by("id").values_list("action", "actor__username"))
    assert steps == [
        ("create", "office"), ("shortlist", "office"), ("approve", "office"), ("schedule", "office"),
        ("attendance", "office"), ("hold", "office"), ("submit_outcome", "office"), ("instruct", "leader"),
        ("assign", "office"), ("accept", unit_user.username), ("feedback", unit_user.username), ("close", "office"),
    ]  # fmt: skip
    assignment = topic.outcome.assignments.get()
    assert (assignment.unit, assignment.adoption) == (unit, "adopted")
    activity = topic.activities.get().activity
    assert participation(activities=[activity]) == {"members": 2, "person_times": 2}

    # 9. The member who took part sees the meeting among their own activities.
    switch_user(page, "m0001")
    page.goto("/supervision/mine/")
    row = page.get_by_test_id("my-activity-row").filter(has_text=TITLE)
    expect(row).to_contain_text("出席")
    assert Attendance.objects.get(activity=activity, member=first).status == "attended"
