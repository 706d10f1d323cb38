"""A consultation topic's whole life in the browser: the office plans the year and collects a topic,
shortlists it (汇题), records the party committee's decision (定题), schedules the meeting and records
who came, records that it was held and submits the outcome; the leader instructs it (批办), the office
assigns it (交办), the department signs for it (承办) and answers (反馈); the office closes the topic.
The member who took part finds the meeting under "我的履职活动"."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Attendance
from activities.selectors import participation
from consultations import services
from consultations.models import ConsultationEvent, ConsultationTopic
from members.models import HandlingUnit, Member, SpecialCommittee
from notifications.handoff import suppressed
from notifications.models import Notification

from .conftest import expect_nothing_waiting, expect_waiting, switch_user

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


OUTCOME_TOPIC = "优化营商环境、提升政务服务效能"


def _held_topic(committee, unit, attendee):
    """A topic walked by the office up to its meeting held, through the services (the browser walk above
    covers these steps); as seeded history, without notices."""
    office = get_user_model().objects.get(username="office")
    today = timezone.localdate()
    with suppressed():
        plan = services.plan_create(actor=office, year=today.year)
        topic = services.topic_create(
            actor=office,
            data={"plan": plan, "title": OUTCOME_TOPIC, "source": "leaders", "suggested_by": "区委办公室"},
        )
        topic = services.topic_shortlist(actor=office, topic=topic)
        topic = services.topic_approve(
            actor=office, topic=topic, form="special", lead_committee=committee, planned_quarter=4
        )
        topic = services.topic_schedule(
            actor=office, topic=topic, start_date=today, place="区政协三楼会议室", units=[unit]
        )
        services.activity_attendance(
            actor=office, consultation=topic.activities.get(), entries={attendee.pk: Attendance.Status.ATTENDED}
        )
        return services.topic_hold(actor=office, topic=topic)


@pytest.fixture
def held_topic(demo):
    return _held_topic(
        SpecialCommittee.objects.get(name="经济委员会"),
        HandlingUnit.objects.get(name="区商务局"),
        Member.objects.get(user__username="m0001"),
    )


def test_the_leaders_are_told_when_an_outcome_is_reported(page, held_topic, notices_delivered):
    switch_user(page, "office")
    page.goto(f"/consultations/topics/{held_topic.pk}/")
    page.get_by_label("成果报告").fill("一、推行“一网通办”；\n二、压减审批时限。")
    page.get_by_role("button", name="报送协商成果").click()
    expect(page.get_by_text("已报送协商成果。")).to_be_visible()
    switch_user(page, "leader")
    expect_waiting(page, "批办协商成果", "协商成果", OUTCOME_TOPIC)


def test_an_outcome_reaches_each_next_actor_at_each_hand_off(page, held_topic, notices_delivered):
    """The outcome's processing chain (批办 → 交办 → 承办 → 督办 → 反馈) in the browser: at every hand-off the
    next person finds it on the home page's 我的待办 and the 待办 page, with exactly one notice sent as the
    step committed (no scan run); whoever took the step is not told of it. The outcome is reported through
    the service (the first walk above reports one in the browser), as seeded history."""
    unit = HandlingUnit.objects.get(name="区商务局")
    unit_user = unit.users.get()
    with suppressed():
        outcome = services.topic_submit_outcome(
            actor=get_user_model().objects.get(username="office"),
            topic=held_topic,
            report="一、推行“一网通办”；\n二、压减审批时限。",
        ).outcome
    outcome_url = f"/consultations/outcomes/{outcome.pk}/"

    # 批办: the leader finds it on the to-do card, opens it from there and instructs it.
    switch_user(page, "leader")
    expect(page.get_by_test_id("home-todo").get_by_test_id("todo-item").filter(has_text=OUTCOME_TOPIC)).to_contain_text(
        "批办协商成果"
    )
    page.get_by_test_id("home-todo").get_by_role("link", name=re.compile(OUTCOME_TOPIC)).click()
    page.get_by_label("批示意见").fill("请机关抓紧交办，商务局牵头落实。")
    page.get_by_role("button", name="批办").click()
    expect(page.get_by_text("已批办。")).to_be_visible()

    # 交办: the office is told and assigns it to the department.
    switch_user(page, "office")
    expect_waiting(page, "交办协商成果", "协商成果", OUTCOME_TOPIC)
    page.goto(outcome_url)
    page.get_by_label("承办单位（可多选）").select_option(label=unit.name)
    page.get_by_role("button", name="交办", exact=True).click()
    expect(page.get_by_text("已交办。")).to_be_visible()

    # 承办: the department is told and signs for it; its next work (反馈) is its own step, so no notice yet.
    switch_user(page, unit_user.username)
    expect_waiting(page, "签收协商成果", "协商成果", OUTCOME_TOPIC)
    page.goto(outcome_url)
    page.get_by_role("button", name="签收承办").click()
    expect(page.get_by_text("已签收承办。")).to_be_visible()
    page.goto("/todo/")
    expect(page.get_by_test_id("todo-item").filter(has_text=OUTCOME_TOPIC)).to_contain_text("反馈成果办理情况")
    page.goto("/notifications/")
    expect(page.get_by_test_id("notification").filter(has_text="待办：反馈成果办理情况")).to_have_count(0)

    # 督办: the office presses for an answer; the department is told its feedback is waited for.
    switch_user(page, "office")
    expect_nothing_waiting(page, "协商成果", OUTCOME_TOPIC)
    page.goto(outcome_url)
    page.get_by_label("督办意见").fill("请于月底前反馈办理情况。")
    page.get_by_role("button", name="督办", exact=True).click()
    expect(page.get_by_text("已督办。")).to_be_visible()

    # 反馈: the department answers; nothing waits on the outcome any more.
    switch_user(page, unit_user.username)
    expect_waiting(page, "反馈成果办理情况", "协商成果", OUTCOME_TOPIC)
    page.goto(outcome_url)
    page.get_by_label("采纳", exact=True).check()
    page.get_by_label("办理情况反馈").fill("已出台优化营商环境十条措施。")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("已提交办理反馈。")).to_be_visible()
    expect(page.get_by_test_id("outcome-badges")).to_contain_text("已反馈")
    page.goto("/")
    expect_nothing_waiting(page, "协商成果", OUTCOME_TOPIC)
    switch_user(page, "leader")
    expect_nothing_waiting(page, "协商成果", OUTCOME_TOPIC)

    # 办结: every department has answered, so the office is told it may close the topic, and closes it.
    switch_user(page, "office")
    expect_nothing_waiting(page, "协商成果", OUTCOME_TOPIC)
    expect_waiting(page, "办结议题", "议题", OUTCOME_TOPIC)
    page.goto(f"/consultations/topics/{held_topic.pk}/")
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("topic-badges")).to_contain_text("已办结")
    page.goto("/")
    expect_nothing_waiting(page, "议题", OUTCOME_TOPIC)

    steps = list(outcome.events.order_by("id").values_list("action", "actor__username"))
    assert steps == [
        ("submit_outcome", "office"), ("instruct", "leader"), ("assign", "office"), ("accept", unit_user.username),
        ("supervise", "office"), ("feedback", unit_user.username), ("close", "office"),
    ]  # fmt: skip
    # One notice per hand-off, each to the person who had the work next: nobody else was told.
    notices = Notification.objects.filter(url=outcome_url).order_by("id").values_list("recipient__username", "title")
    assert list(notices) == [
        ("office", f"待办：交办协商成果——协商成果《{OUTCOME_TOPIC}》"),
        (unit_user.username, f"待办：签收协商成果——协商成果《{OUTCOME_TOPIC}》"),
        (unit_user.username, f"待办：反馈成果办理情况——协商成果《{OUTCOME_TOPIC}》"),
    ]
