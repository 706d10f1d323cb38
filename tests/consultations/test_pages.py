"""The consultation pages: who may open what, the plan board, actions posted through the pages, the
attendance checklist, the outcome chain, the units' inbox, and pages whose cost does not grow."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models import Attendance
from consultations.models import ConsultationPlan, ConsultationTopic, OutcomeAssignment
from tests.factories import MemberFactory

PAGES = ("board", "topic_create", "inbox")
PAGE_ACCESS = {
    "anonymous": dict.fromkeys(PAGES, 302),
    "admin": dict.fromkeys(PAGES, 403),
    "auditor": dict.fromkeys(PAGES, 403),
    "office": {"board": 200, "topic_create": 200, "inbox": 403},
    "leader": {"board": 200, "topic_create": 403, "inbox": 403},
    "member": {"board": 403, "topic_create": 200, "inbox": 403},
    "unit_a": {"board": 403, "topic_create": 403, "inbox": 200},
}


@pytest.fixture
def page_as(client, people):
    def login(who):
        client.logout()
        if who != "anonymous":
            client.force_login(people[who])
        return client

    return login


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [(w, p, s) for w, pages in PAGE_ACCESS.items() for p, s in pages.items()],
    ids=[f"{w}-{p}" for w, pages in PAGE_ACCESS.items() for p in pages],
)
def test_page_access_by_role(page_as, who, page, status):
    response = page_as(who).get(reverse(f"consultations:{page}"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "topic_status", "outcome_status"),
    [
        ("office", 200, 200),
        ("leader", 200, 200),
        ("member", 200, 403),
        ("unit_a", 403, 200),
        ("unit_b", 403, 404),
        ("admin", 403, 403),
    ],
)
def test_topic_and_outcome_pages_by_role(page_as, topic_in, who, topic_status, outcome_status):
    topic = topic_in("outcome_submitted", outcome="assigned")
    assert page_as(who).get(reverse("consultations:topic", args=[topic.pk])).status_code == topic_status
    assert page_as(who).get(reverse("consultations:outcome", args=[topic.outcome.pk])).status_code == outcome_status


def test_board_shows_each_topic_in_its_column(page_as, topic_in):
    for state in ("collected", "shortlisted", "approved", "held", "dropped"):
        topic_in(state, title=f"{state}议题")
    response = page_as("leader").get(reverse("consultations:board") + "?year=2026")
    columns = {c["state"]: [t.title for t in c["topics"]] for c in response.context["columns"]}
    assert list(columns) == ["collected", "shortlisted", "approved", "scheduled", "held", "outcome_submitted", "closed"]
    assert columns["collected"] == ["collected议题"] and columns["held"] == ["held议题"]
    assert columns["scheduled"] == []
    assert [t.title for t in response.context["dropped"]] == ["dropped议题"]
    assert response.context["participation"] == {"members": 1, "person_times": 1}
    assert 'data-testid="plan-create"' not in response.content.decode()  # leaders do not create plans


def test_office_creates_the_plan_from_the_board(page_as):
    client = page_as("office")
    html = client.get(reverse("consultations:board") + "?year=2027").content.decode()
    assert 'data-testid="plan-create"' in html
    response = client.post(reverse("consultations:plan_create"), {"year": "2027"})
    assert response["Location"].endswith("?year=2027")
    assert ConsultationPlan.objects.get(year=2027).title == "2027年度协商计划"


def test_board_cost_does_not_grow_with_topics(page_as, topic_in, django_assert_max_num_queries):
    client = page_as("office")
    counts = []
    for n in (5, 25):
        while ConsultationTopic.objects.count() < n:
            topic_in("held" if ConsultationTopic.objects.count() % 2 else "collected", title="议题")
        with django_assert_max_num_queries(14) as captured:
            assert client.get(reverse("consultations:board") + "?year=2026").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_topic_actions_through_the_page(page_as, people, plan, topic_in):
    topic = topic_in("shortlisted")
    client = page_as("office")
    url = reverse("consultations:topic_action", args=[topic.pk, "approve"])
    response = client.post(url, {"form": "", "lead_committee": "", "planned_quarter": "", "note": ""})
    assert "定题须确定协商形式、牵头专委会和计划季度。" in flash(response)
    client.post(url, {"form": "special", "lead_committee": people["committee"].pk, "planned_quarter": "3"})
    topic.refresh_from_db()
    assert (topic.state, topic.planned_quarter) == ("approved", 3)
    response = client.post(
        reverse("consultations:topic_action", args=[topic.pk, "schedule"]),
        {"start_date": "2026-09-10", "place": "区政协会议室", "form": "special"},
    )
    # scheduling leads straight to the attendance checklist of the new activity
    activity = topic.activities.get()
    assert response["Location"] == reverse("consultations:attendance", args=[activity.pk])
    response = client.post(
        reverse("consultations:topic_action", args=[topic.pk, "schedule"]), {"start_date": "2026-09-10"}
    )
    assert any("不能安排协商活动" in m for m in flash(response))


def test_attendance_checklist_for_a_consultation(page_as, people, topic_in):
    topic = topic_in("scheduled")
    consultation = topic.activities.get()
    a = MemberFactory(name="王芳")
    url = reverse("consultations:attendance", args=[consultation.pk])
    assert "王芳的出勤" in page_as("office").get(url).content.decode()
    page_as("office").post(url, {f"status_{a.pk}": "attended"})
    assert Attendance.objects.get(activity=consultation.activity, member=a).status == "attended"
    assert page_as("member").get(url).status_code == 403
    # the member who took part can open the activity from "我的履职活动"
    html = page_as("member").get(reverse("supervision:mine")).content.decode()
    assert reverse("consultations:activity", args=[consultation.pk]) in html
    assert page_as("member").get(reverse("consultations:activity", args=[consultation.pk])).status_code == 200


def test_member_proposes_a_topic_through_the_page(page_as, people, plan):
    client = page_as("member")
    response = client.post(reverse("consultations:topic_create"), {"plan": plan.pk, "title": "发展普惠托育服务"})
    topic = ConsultationTopic.objects.get()
    assert response["Location"] == reverse("consultations:topic", args=[topic.pk])
    assert (topic.source, topic.member.user) == ("members", people["member"])
    assert "发展普惠托育服务" in client.get(reverse("consultations:topic_create")).content.decode()  # 我提出的议题


def test_outcome_chain_through_the_pages(page_as, people, topic_in):
    outcome = topic_in("outcome_submitted", outcome="submitted").outcome
    do = lambda who, name, data: page_as(who).post(  # noqa: E731
        reverse("consultations:outcome_action", args=[outcome.pk, name]), data
    )
    assert "已批办。" in flash(do("leader", "instruct", {"instruction": "请商务局牵头落实。", "due_date": ""}))
    assert "已交办。" in flash(do("office", "assign", {"units": [people["units"]["a"].pk], "due_date": ""}))
    html = page_as("unit_a").get(reverse("consultations:outcome", args=[outcome.pk])).content.decode()
    assert 'data-testid="action-accept"' in html and "请商务局牵头落实。" in html
    assert "已签收承办。" in flash(do("unit_a", "accept", {}))
    response = do("unit_a", "feedback", {"adoption": "adopted", "content": ""})
    assert any("反馈内容" in m for m in flash(response))
    assert "已提交办理反馈。" in flash(do("unit_a", "feedback", {"adoption": "adopted", "content": "已纳入年度计划。"}))
    outcome.refresh_from_db()
    assert outcome.state == "fed_back"


def test_unit_inbox_lists_only_its_own_assignments(page_as, topic_in):
    topic_in("outcome_submitted", title="甲单位的成果", outcome="assigned", units=("a",))
    topic_in("outcome_submitted", title="乙单位的成果", outcome="assigned", units=("b",))
    html = page_as("unit_a").get(reverse("consultations:inbox")).content.decode()
    assert "甲单位的成果" in html and "乙单位的成果" not in html
    assert OutcomeAssignment.objects.count() == 2


def test_unit_inbox_cost_does_not_grow_with_rows(page_as, topic_in, django_assert_max_num_queries):
    client = page_as("unit_a")
    counts = []
    for n in (5, 25):
        while OutcomeAssignment.objects.count() < n:
            topic_in("outcome_submitted", title="成果", outcome="handling", units=("a",))
        with django_assert_max_num_queries(12) as captured:
            response = client.get(reverse("consultations:inbox"))
        assert len(response.context["page"]) == min(n, 20)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_submit_outcome_from_the_page_without_files(page_as, topic_in):
    """A browser sends an empty file input as an empty value: that is no attachment, not an error."""
    topic = topic_in("held")
    response = page_as("office").post(
        reverse("consultations:topic_action", args=[topic.pk, "submit_outcome"]), {"report": "一、二。", "files": ""}
    )
    assert "已报送协商成果。" in flash(response)
    topic.refresh_from_db()
    assert topic.state == "outcome_submitted" and topic.outcome.files.count() == 0
