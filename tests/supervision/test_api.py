"""Inspections and recommendations through the API: creation, attendance and its counting, the finer
rules of the lifecycle, unit scoping, filters and list cost."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Activity, Attendance
from activities.selectors import participation
from supervision import services
from supervision.models import Inspection, InspectionEvent, Recommendation
from tests.factories import HandlingUnitFactory, MemberFactory, SpecialCommitteeFactory

INSPECTIONS = "/api/v1/inspections/"
RECOMMENDATIONS = "/api/v1/recommendations/"


def test_office_records_an_inspection_with_its_activity(api_as, people):
    committee = SpecialCommitteeFactory(name="人口资源环境委员会")
    response = api_as("office").post(
        INSPECTIONS,
        {
            "type": "inspection",
            "title": "水污染防治工作专题视察",
            "topic": "水污染防治",
            "start_date": "2026-06-12",
            "place": "小清河、工商河沿岸",
            "organiser": "committee",
            "organiser_committee": committee.pk,
            "units_briefed": [people["units"]["a"].pk, people["units"]["b"].pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "inspection" and body["state"] == "planned"
    assert body["organiser_name"] == "人口资源环境委员会"
    assert {u["name"] for u in body["units_briefed"]} == {"区生态环境分局", "区水务局"}
    activity = Activity.objects.get(pk=body["activity"])
    # The shared activity carries the title, the date, the kind and the organising committee.
    assert (activity.kind, activity.title, activity.start_date, activity.organiser_committee) == (
        "inspection", "水污染防治工作专题视察", dt.date(2026, 6, 12), committee,
    )  # fmt: skip
    assert InspectionEvent.objects.filter(inspection_id=body["id"], action="create").exists()


def test_committee_organiser_needs_the_committee(api_as):
    response = api_as("office").post(
        INSPECTIONS,
        {"type": "research", "title": "四大园区调研", "topic": "园区发展", "start_date": "2026-03-18",
         "organiser": "committee"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "organiser_committee" in response.json()["errors"]
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("who", ["leader", "member", "unit_a", "admin", "auditor"])
def test_only_the_office_records_inspections(api_as, who):
    response = api_as(who).post(
        INSPECTIONS,
        {"type": "inspection", "title": "视察", "topic": "水污染防治", "start_date": "2026-06-12"},
        format="json",
    )
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_end_before_start_is_400(api_as):
    response = api_as("office").post(
        INSPECTIONS,
        {"type": "inspection", "title": "视察", "topic": "水", "start_date": "2026-06-12", "end_date": "2026-06-11"},
        format="json",
    )
    assert response.status_code == 400 and "end_date" in response.json()["errors"]


# --- attendance --------------------------------------------------------------------------------------


def test_attendance_recorded_through_the_api_and_counted(api_as, people, make_inspection):
    inspection = make_inspection("planned")
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    url = f"{INSPECTIONS}{inspection.pk}/attendance/"
    response = api_as("office").post(
        url, {"entries": {str(a.pk): "attended", str(b.pk): "excused", str(c.pk): "absent"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["written"] == 3
    rows = {row["member"]: row["status"] for row in api_as("leader").get(url).json()}
    assert rows[a.pk] == "attended" and rows[b.pk] == "excused" and rows[c.pk] == "absent"
    assert (
        api_as("office").get(f"{INSPECTIONS}{inspection.pk}/").json()["attended_count"] == 2
    )  # + the fixture's member
    assert InspectionEvent.objects.filter(inspection=inspection, action="attendance").count() == 2


@pytest.mark.parametrize(
    ("entries", "status"),
    [({"999999": "attended"}, 400), ({"1": "maybe"}, 400), ({"x": "attended"}, 400), ({}, 400)],
)
def test_bad_attendance_is_400_and_writes_nothing(api_as, make_inspection, entries, status):
    inspection = make_inspection("planned")
    before = Attendance.objects.count()
    response = api_as("office").post(f"{INSPECTIONS}{inspection.pk}/attendance/", {"entries": entries}, format="json")
    assert response.status_code == status
    assert response.json()["message"]
    assert Attendance.objects.count() == before


def test_member_may_not_record_attendance(api_as, people, make_inspection):
    inspection = make_inspection("planned")
    response = api_as("member").post(
        f"{INSPECTIONS}{inspection.pk}/attendance/",
        {"entries": {str(people["member"].member.pk): "absent"}},
        format="json",
    )
    assert response.status_code == 403
    assert Attendance.objects.get(member=people["member"].member).status == "attended"


def test_participation_counts_distinct_members_and_person_times(people, make_inspection):
    """ "X位委员X人次参加": three activities; x at all three, y at two, z excused (not counted)."""
    x, y, z = MemberFactory(), MemberFactory(), MemberFactory()
    first = make_inspection("held", title="四大园区调研", kind="research", attendees=[x, y])
    second = make_inspection("held", title="重大项目视察", attendees=[x])
    third = make_inspection("planned", title="社区服务民主监督", kind="supervision", attendees=[x, y])
    services.inspection_attendance(actor=people["office"], inspection=third, entries={z.pk: "excused"})
    activities = Activity.objects.filter(inspection__in=[first, second, third])
    # the fixture's own member attends each one too: 3 distinct members (z only excused), 3 + 2 + 3 = 8 person-times
    assert participation(activities=activities) == {"members": 3, "person_times": 8}
    assert participation(activities=activities.filter(kind="research")) == {"members": 3, "person_times": 3}


def test_hold_needs_attended_members(api_as, people):
    inspection = services.inspection_create(
        actor=people["office"],
        data={"kind": "inspection", "title": "视察", "topic": "水污染防治", "start_date": dt.date(2026, 6, 12)},
    )
    response = api_as("office").post(f"{INSPECTIONS}{inspection.pk}/hold/", {}, format="json")
    assert response.status_code == 409
    assert "出席" in response.json()["message"]


# --- recommendations ----------------------------------------------------------------------------------


def test_recommendations_are_numbered_in_order(api_as, make_inspection):
    inspection = make_inspection("held")
    texts = [
        "加强水环境保护的宣传教育",
        "建立完善水污染防治工作机制",
        "严格落实水污染防治的工作要求",
        "加快水污染防治基础设施建设",
        "提升水污染防治的执法水平",
    ]
    for text in texts:
        response = api_as("office").post(RECOMMENDATIONS, {"inspection": inspection.pk, "text": text}, format="json")
        assert response.status_code == 201, response.content
    detail = api_as("office").get(f"{INSPECTIONS}{inspection.pk}/").json()
    assert [(r["number"], r["text"]) for r in detail["recommendations"]] == list(enumerate(texts, start=1))
    assert detail["recommendation_count"] == 5 and detail["responded_count"] == 0


def test_recommendations_only_after_the_inspection_took_place(api_as, make_inspection):
    planned = make_inspection("planned")
    response = api_as("office").post(RECOMMENDATIONS, {"inspection": planned.pk, "text": "建议"}, format="json")
    assert response.status_code == 409
    assert not Recommendation.objects.exists()


def test_send_defaults_to_twenty_working_days(api_as, people, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "draft")
    response = api_as("office").post(f"{RECOMMENDATIONS}{r.pk}/send/", {"unit": people["units"]["a"].pk}, format="json")
    assert response.status_code == 200
    from cppcc.workdays import add_workdays

    assert response.json()["due_date"] == add_workdays(timezone.localdate(), 20).isoformat()
    assert response.json()["unit_name"] == "区生态环境分局"


def test_send_needs_a_unit_and_a_due_date_not_in_the_past(api_as, people, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "draft")
    assert api_as("office").post(f"{RECOMMENDATIONS}{r.pk}/send/", {}, format="json").status_code == 400
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = api_as("office").post(
        f"{RECOMMENDATIONS}{r.pk}/send/", {"unit": people["units"]["a"].pk, "due_date": yesterday}, format="json"
    )
    assert response.status_code == 400 and "due_date" in response.json()["errors"]
    r.refresh_from_db()
    assert r.state == "draft"


def test_respond_needs_the_adoption_and_the_text(api_as, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "sent")
    url = f"{RECOMMENDATIONS}{r.pk}/respond/"
    assert api_as("unit_a").post(url, {"adoption": "adopted"}, format="json").status_code == 400
    assert api_as("unit_a").post(url, {"adoption": "maybe", "text": "x"}, format="json").status_code == 400
    response = api_as("unit_a").post(url, {"adoption": "not_adopted", "text": "暂不具备条件。"}, format="json")
    assert response.status_code == 200
    assert (response.json()["adoption"], response.json()["response_text"]) == ("not_adopted", "暂不具备条件。")


def test_extend_must_move_the_deadline_later(api_as, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "sent")
    url = f"{RECOMMENDATIONS}{r.pk}/extend/"
    assert api_as("office").post(url, {"due_date": r.due_date.isoformat()}, format="json").status_code == 400
    later = (r.due_date + dt.timedelta(days=10)).isoformat()
    response = api_as("office").post(url, {"due_date": later}, format="json")
    assert response.status_code == 200 and response.json()["due_date"] == later
    assert response.json()["extension_count"] == 1


def test_close_waits_for_every_answer(api_as, people, make_inspection, recommendation_in):
    inspection = make_inspection("held")
    r = recommendation_in(inspection, "sent")
    response = api_as("office").post(f"{INSPECTIONS}{inspection.pk}/close/", {}, format="json")
    assert response.status_code == 409 and "1 条建议" in response.json()["message"]
    services.recommendation_respond(actor=people["unit_a"], recommendation=r, adoption="adopted", text="已落实。")
    assert api_as("office").post(f"{INSPECTIONS}{inspection.pk}/close/", {}, format="json").json()["state"] == "closed"


def test_draft_may_be_edited_then_not(api_as, people, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "draft")
    response = api_as("office").patch(f"{RECOMMENDATIONS}{r.pk}/", {"text": "加快雨污分流改造。"}, format="json")
    assert response.status_code == 200 and response.json()["text"] == "加快雨污分流改造。"
    services.recommendation_send(actor=people["office"], recommendation=r, unit=people["units"]["a"])
    assert api_as("office").patch(f"{RECOMMENDATIONS}{r.pk}/", {"text": "改"}, format="json").status_code == 409


# --- unit scoping ---------------------------------------------------------------------------------


def test_unit_b_never_sees_unit_as_recommendations(api_as, people, make_inspection, recommendation_in):
    inspection = make_inspection("held")
    mine = recommendation_in(inspection, "sent", unit="a", text="建议一")
    theirs = recommendation_in(inspection, "sent", unit="b", text="建议二")
    draft = recommendation_in(inspection, "draft", text="建议三")

    listed = {row["id"] for row in api_as("unit_a").get(RECOMMENDATIONS).json()["results"]}
    assert listed == {mine.pk}
    listed = {row["id"] for row in api_as("unit_b").get(RECOMMENDATIONS).json()["results"]}
    assert listed == {theirs.pk}
    for pk in (theirs.pk, draft.pk):
        for suffix in ("", "events/"):
            response = api_as("unit_a").get(f"{RECOMMENDATIONS}{pk}/{suffix}")
            assert response.status_code == 404
            assert response.json() == {"message": "未找到该记录。", "errors": {}}
    response = api_as("unit_a").post(
        f"{RECOMMENDATIONS}{theirs.pk}/respond/", {"adoption": "adopted", "text": "冒名反馈"}, format="json"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "sent"
    # Units read recommendations, not the inspections behind them (which list other units' work).
    assert api_as("unit_a").get(f"{INSPECTIONS}{inspection.pk}/").status_code == 403


def test_a_unit_with_two_departments_sees_both(api_as, people, make_inspection, recommendation_in):
    people["units"]["b"].users.add(people["unit_a"])
    inspection = make_inspection("held")
    recommendation_in(inspection, "sent", unit="a")
    recommendation_in(inspection, "sent", unit="b")
    assert api_as("unit_a").get(RECOMMENDATIONS).json()["count"] == 2


def test_members_see_what_they_took_part_in(api_as, people, make_inspection, recommendation_in):
    mine = make_inspection("held", title="参加过的视察")
    recommendation_in(mine, "sent")
    recommendation_in(mine, "draft", text="草稿建议")
    other = services.inspection_create(
        actor=people["office"],
        data={"kind": "research", "title": "未参加的调研", "topic": "园区", "start_date": dt.date(2026, 3, 1)},
    )
    listed = {row["title"] for row in api_as("member").get(INSPECTIONS).json()["results"]}
    assert listed == {"参加过的视察"}
    assert api_as("member").get(f"{INSPECTIONS}{other.pk}/").status_code == 404
    assert len(api_as("member").get(f"{INSPECTIONS}{mine.pk}/").json()["recommendations"]) == 1  # no drafts
    assert api_as("outsider").get(INSPECTIONS).json()["count"] == 0


# --- filters and list cost --------------------------------------------------------------------------


def test_type_filter(api_as, make_inspection):
    make_inspection("held", title="视察一", kind="inspection")
    make_inspection("held", title="调研一", kind="research")
    make_inspection("planned", title="监督一", kind="supervision")
    for kind, title in (("inspection", "视察一"), ("research", "调研一"), ("supervision", "监督一")):
        rows = api_as("leader").get(f"{INSPECTIONS}?type={kind}").json()["results"]
        assert [r["title"] for r in rows] == [title]
    assert api_as("leader").get(f"{INSPECTIONS}?type=training").status_code == 400
    assert api_as("leader").get(f"{INSPECTIONS}?year=2026").json()["count"] == 3
    assert api_as("leader").get(f"{INSPECTIONS}?year=2025").json()["count"] == 0


def test_overdue_filter(api_as, people, make_inspection, recommendation_in):
    inspection = make_inspection("held")
    late = recommendation_in(inspection, "sent", text="逾期")
    Recommendation.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    recommendation_in(inspection, "sent", text="未到期")
    rows = api_as("office").get(f"{RECOMMENDATIONS}?overdue=true").json()["results"]
    assert [r["text"] for r in rows] == ["逾期"] and rows[0]["is_overdue"] is True
    assert [r["text"] for r in api_as("office").get(f"{RECOMMENDATIONS}?overdue=false").json()["results"]] == ["未到期"]


def _bulk(people, n):
    """n inspections with 3 attended members, 2 briefed units and 2 recommendations each."""
    office = people["office"]
    members = [MemberFactory() for _ in range(3)]
    units = [people["units"]["a"], people["units"]["b"]]
    for i in range(n):
        inspection = services.inspection_create(
            actor=office,
            data={"kind": ("inspection", "research", "supervision")[i % 3], "title": f"活动{i}", "topic": "主题",
                  "start_date": dt.date(2026, 1, 1) + dt.timedelta(days=i), "units_briefed": units},
        )  # fmt: skip
        services.inspection_attendance(
            actor=office, inspection=inspection, entries={m.pk: "attended" for m in [*members, people["member"].member]}
        )
        services.inspection_hold(actor=office, inspection=inspection)
        for unit in units:
            r = services.recommendation_add(actor=office, inspection=inspection, text=f"建议{i}")
            services.recommendation_send(actor=office, recommendation=r, unit=unit)


@pytest.mark.parametrize("n", [5, 25])
@pytest.mark.parametrize("who", ["office", "member"])
def test_inspection_list_cost_does_not_grow_with_rows(api_as, people, django_assert_max_num_queries, n, who):
    _bulk(people, n)
    client = api_as(who)
    # roles, count, page (with the annotated counts), briefed units
    with django_assert_max_num_queries(5):
        response = client.get(f"{INSPECTIONS}?page_size=100")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == n
    assert all(r["attended_count"] == 4 and r["recommendation_count"] == 2 for r in rows)
    assert all(len(r["units_briefed"]) == 2 for r in rows)


@pytest.mark.parametrize("n", [5, 25])
@pytest.mark.parametrize("who", ["office", "unit_a"])
def test_recommendation_list_cost_does_not_grow_with_rows(api_as, people, django_assert_max_num_queries, n, who):
    _bulk(people, n)
    client = api_as(who)
    with django_assert_max_num_queries(4):
        response = client.get(f"{RECOMMENDATIONS}?page_size=100")
    assert response.status_code == 200
    assert len(response.json()["results"]) == (2 * n if who == "office" else n)


def test_unknown_unit_in_send_is_400(api_as, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "draft")
    gone = HandlingUnitFactory(name="已撤销单位")
    gone_pk = gone.pk
    gone.delete()
    response = api_as("office").post(f"{RECOMMENDATIONS}{r.pk}/send/", {"unit": gone_pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
