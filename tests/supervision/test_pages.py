"""The inspection pages: who may open what, the attendance checklist, actions posted through the
pages, the units' inbox and the members' own record, and pages whose cost does not grow with rows."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models import Activity, Attendance
from activities.services import activity_save, attendance_record
from supervision import services
from supervision.models import Recommendation
from tests.factories import MemberFactory

PAGES = ("list", "create", "inbox", "mine")
PAGE_ACCESS = {
    "anonymous": dict.fromkeys(PAGES, 302),
    "admin": dict.fromkeys(PAGES, 403),
    "auditor": dict.fromkeys(PAGES, 403),
    "office": {"list": 200, "create": 200, "inbox": 403, "mine": 403},
    "leader": {"list": 200, "create": 403, "inbox": 403, "mine": 403},
    "member": {"list": 403, "create": 403, "inbox": 403, "mine": 200},
    "unit_a": {"list": 403, "create": 403, "inbox": 200, "mine": 403},
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
    response = page_as(who).get(reverse(f"supervision:{page}"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("office", 200), ("leader", 200), ("member", 200), ("outsider", 404), ("unit_a", 403), ("admin", 403)],
)
def test_inspection_detail_access(page_as, make_inspection, who, status):
    inspection = make_inspection("held")
    assert page_as(who).get(reverse("supervision:detail", args=[inspection.pk])).status_code == status


def test_detail_shows_the_numbered_recommendations_and_answers(page_as, people, make_inspection, recommendation_in):
    inspection = make_inspection("held")
    recommendation_in(inspection, "responded", text="加强水环境保护的宣传教育。")
    recommendation_in(inspection, "draft", text="提升水污染防治的执法水平。")
    html = page_as("office").get(reverse("supervision:detail", args=[inspection.pk])).content.decode()
    assert "加强水环境保护的宣传教育。" in html and "已列入年度计划。" in html
    assert "提升水污染防治的执法水平。" in html and 'data-testid="recommendation-add"' in html
    html = page_as("member").get(reverse("supervision:detail", args=[inspection.pk])).content.decode()
    assert "加强水环境保护的宣传教育。" in html and "提升水污染防治的执法水平。" not in html  # drafts are internal


def test_attendance_checklist_records_statuses(page_as, people, make_inspection):
    inspection = make_inspection("planned")
    a, b = MemberFactory(name="王芳"), MemberFactory(name="陈刚")
    url = reverse("supervision:attendance", args=[inspection.pk])
    html = page_as("office").get(url).content.decode()
    assert "王芳的出勤" in html and "陈刚的出勤" in html
    response = page_as("office").post(url, {f"status_{a.pk}": "attended", f"status_{b.pk}": "excused", "status_x": "1"})
    assert response.status_code == 302
    assert "已登记 2 位委员的参加情况。" in flash(response)
    statuses = dict(Attendance.objects.filter(activity=inspection.activity).values_list("member__name", "status"))
    assert statuses["王芳"] == "attended" and statuses["陈刚"] == "excused"
    # leaders read the list but cannot change it
    assert page_as("leader").get(url).status_code == 200
    assert page_as("leader").post(url, {f"status_{a.pk}": "absent"}).status_code == 404
    assert Attendance.objects.get(activity=inspection.activity, member=a).status == "attended"


def test_attendance_page_cost_does_not_grow_with_members(page_as, make_inspection, django_assert_max_num_queries):
    inspection = make_inspection("planned")
    url = reverse("supervision:attendance", args=[inspection.pk])
    client = page_as("office")
    counts = []
    for n in (5, 25):
        for _ in range(n):
            MemberFactory()
        with django_assert_max_num_queries(12) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_hold_and_send_through_the_pages(page_as, people, make_inspection):
    office = people["office"]
    inspection = services.inspection_create(
        actor=office,
        data={"kind": "inspection", "title": "视察", "topic": "水污染防治", "start_date": dt.date(2026, 6, 1)},
    )
    client = page_as("office")
    response = client.post(reverse("supervision:action", args=[inspection.pk, "hold"]), {"findings": "问题"})
    assert "请先登记出席的委员，再登记活动已开展。" in flash(response)
    services.inspection_attendance(
        actor=office, inspection=inspection, entries={people["member"].member.pk: "attended"}
    )
    response = client.post(reverse("supervision:action", args=[inspection.pk, "hold"]), {"findings": "雨污混流"})
    assert "已登记活动开展情况。" in flash(response)
    client.post(reverse("supervision:recommendation_add", args=[inspection.pk]), {"text": "加快雨污分流"})
    r = Recommendation.objects.get(inspection=inspection)
    response = client.post(
        reverse("supervision:recommendation_action", args=[r.pk, "send"]),
        {"unit": people["units"]["a"].pk, "due_date": "", "next": "inspection"},
    )
    assert response["Location"].endswith(f"/supervision/{inspection.pk}/#recommendations")
    r.refresh_from_db()
    assert r.state == "sent" and r.unit == people["units"]["a"]


def test_unit_inbox_lists_only_its_own(page_as, people, make_inspection, recommendation_in):
    inspection = make_inspection("held")
    recommendation_in(inspection, "sent", unit="a", text="甲单位的建议")
    theirs = recommendation_in(inspection, "sent", unit="b", text="乙单位的建议")
    html = page_as("unit_a").get(reverse("supervision:inbox")).content.decode()
    assert "甲单位的建议" in html and "乙单位的建议" not in html
    assert page_as("unit_a").get(reverse("supervision:recommendation", args=[theirs.pk])).status_code == 404
    response = page_as("unit_a").post(
        reverse("supervision:recommendation_action", args=[theirs.pk, "respond"]), {"adoption": "adopted", "text": "x"}
    )
    assert response.status_code == 404


def test_unit_answers_from_the_recommendation_page(page_as, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "sent")
    client = page_as("unit_a")
    url = reverse("supervision:recommendation", args=[r.pk])
    assert 'data-testid="action-respond"' in client.get(url).content.decode()
    response = client.post(
        reverse("supervision:recommendation_action", args=[r.pk, "respond"]), {"adoption": "adopted", "text": ""}
    )
    assert any("反馈内容" in m for m in flash(response))
    client.post(
        reverse("supervision:recommendation_action", args=[r.pk, "respond"]),
        {"adoption": "partly_adopted", "text": "部分采纳。"},
    )
    r.refresh_from_db()
    assert (r.state, r.adoption) == ("responded", "partly_adopted")


def test_my_activities_lists_what_the_member_was_recorded_for(page_as, people, make_inspection):
    make_inspection("held", title="水污染防治工作专题视察")
    training = activity_save(
        actor=people["office"], data={"kind": "training", "title": "委员履职培训", "start_date": dt.date(2026, 11, 5)}
    )
    attendance_record(actor=people["office"], activity=training, entries={people["member"].member.pk: "excused"})
    activity_save(
        actor=people["office"], data={"kind": "training", "title": "未参加的培训", "start_date": dt.date(2026, 9, 1)}
    )
    response = page_as("member").get(reverse("supervision:mine"))
    html = response.content.decode()
    assert "水污染防治工作专题视察" in html and "委员履职培训" in html and "未参加的培训" not in html
    assert response.context["totals"]["attended"] == 1 and response.context["totals"]["excused"] == 1
    assert page_as("member").get(reverse("supervision:mine") + "?year=2025").context["page"].paginator.count == 0


@pytest.mark.parametrize("page", ["list", "inbox", "mine"])
def test_list_pages_cost_does_not_grow_with_rows(page_as, people, django_assert_max_num_queries, page):
    office = people["office"]
    who = {"list": "office", "inbox": "unit_a", "mine": "member"}[page]
    client = page_as(who)
    counts = []
    for n in (5, 25):
        while Activity.objects.count() < n:
            inspection = services.inspection_create(
                actor=office,
                data={"kind": "inspection", "title": "视察", "topic": "主题", "start_date": dt.date(2026, 5, 1),
                      "units_briefed": [people["units"]["a"]]},
            )  # fmt: skip
            services.inspection_attendance(
                actor=office, inspection=inspection, entries={people["member"].member.pk: "attended"}
            )
            services.inspection_hold(actor=office, inspection=inspection)
            r = services.recommendation_add(actor=office, inspection=inspection, text="建议")
            services.recommendation_send(actor=office, recommendation=r, unit=people["units"]["a"])
        with django_assert_max_num_queries(14) as captured:
            assert client.get(reverse(f"supervision:{page}")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
