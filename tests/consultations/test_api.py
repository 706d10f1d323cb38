"""Consultations through the API: topics from every source, the finer rules of the path, activities
with attendance and speeches, outcomes and the processing chain, unit scoping and list cost."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import Activity, Attendance
from activities.selectors import participation
from consultations import services
from consultations.models import ConsultationActivity, ConsultationEvent, ConsultationTopic, OutcomeAssignment
from proposals.models import ProposalCategory
from proposals.services import proposal_create, proposal_file, proposal_submit
from supervision import services as supervision_services
from tests.factories import MemberFactory, TermFactory

PLANS, TOPICS = "/api/v1/consultation-plans/", "/api/v1/consultation-topics/"
ACTIVITIES, OUTCOMES = "/api/v1/consultation-activities/", "/api/v1/consultation-outcomes/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- plans and topics ----------------------------------------------------------------------------------


def test_office_creates_a_plan_once_per_year(api_as):
    response = api_as("office").post(PLANS, {"year": 2027}, format="json")
    assert response.status_code == 201 and response.json()["title"] == "2027年度协商计划"
    again = api_as("office").post(PLANS, {"year": 2027}, format="json")
    assert again.status_code == 409 and "已存在" in again.json()["message"]
    assert api_as("leader").post(PLANS, {"year": 2028}, format="json").status_code == 403
    assert api_as("unit_a").get(PLANS).status_code == 403


def test_plan_approval_needs_a_decided_topic(api_as, plan, topic_in):
    topic_in("shortlisted")
    response = api_as("office").post(f"{PLANS}{plan.pk}/approve/", {}, format="json")
    assert response.status_code == 409 and "定题" in response.json()["message"]
    topic_in("approved", title="推进城中村改造")
    response = api_as("office").post(f"{PLANS}{plan.pk}/approve/", {"note": "区委常委会第3次会议"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["approval_note"]) == ("approved", "区委常委会第3次会议")
    assert response.json()["planned_count"] == 1 and response.json()["topic_count"] == 2


@pytest.mark.parametrize(
    ("source", "extra", "field"),
    [("members", {}, "member"), ("proposal", {}, "proposal"), ("leaders", {"planned_quarter": 5}, "planned_quarter")],
)
def test_topic_source_rules_are_400(api_as, plan, source, extra, field):
    response = api_as("office").post(
        TOPICS, {"plan": plan.pk, "title": "议题", "source": source, **extra}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ConsultationTopic.objects.exists()


def test_topics_from_every_source(api_as, people, plan):
    """出题, 征题, 选题, 点题 (with the proposal), 汇题 — each recorded with who suggested it."""
    term = TermFactory()
    category = ProposalCategory.objects.get_or_create(name="生态文明建设")[0]
    proposal = proposal_create(
        actor=people["member"],
        data={
            "title": "关于加强水污染防治的建议",
            "category": category,
            "background": "案由",
            "suggestions": "建议",
            "term": term,
        },
    )
    proposal = proposal_file(
        actor=people["office"], proposal=proposal_submit(actor=people["member"], proposal=proposal)
    )
    office = api_as("office")
    rows = [
        {"source": "leaders", "title": "加快自贸区建设", "suggested_by": "区委办公室"},
        {"source": "public", "title": "减轻课外负担", "suggested_by": "市民来信"},
        {"source": "members", "title": "发展普惠托育", "member": people["other"].member.pk},
        {"source": "proposal", "title": "加强水污染防治", "proposal": proposal.pk},
        {"source": "committee", "title": "民营经济发展", "suggested_by": "经济委员会"},
    ]
    for row in rows:
        response = office.post(TOPICS, {"plan": plan.pk, **row}, format="json")
        assert response.status_code == 201, response.content
    by_source = {t["source"]: t for t in office.get(f"{TOPICS}?page_size=50").json()["results"]}
    assert set(by_source) == {"leaders", "public", "members", "proposal", "committee"}
    assert by_source["members"]["suggested_by"] == "赵强"  # filled from the member
    assert by_source["proposal"]["proposal_number"] == "第0001号"
    assert by_source["proposal"]["suggested_by"] == "李建国"  # the proposer
    assert office.get(f"{TOPICS}?source=public").json()["count"] == 1


def test_member_proposes_a_topic_in_their_own_name(api_as, people, plan):
    response = api_as("member").post(
        TOPICS,
        {"plan": plan.pk, "title": "加强慢性病综合防控", "source": "leaders", "suggested_by": "冒充区委"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["member_name"], body["suggested_by"]) == ("members", "李建国", "李建国")
    # the member may correct it while it is only collected, others may not even see it
    url = f"{TOPICS}{body['id']}/"
    assert api_as("member").patch(url, {"title": "加强慢性非传染性疾病综合防控"}, format="json").status_code == 200
    assert api_as("other").patch(url, {"title": "改"}, format="json").status_code == 404
    services.topic_shortlist(actor=people["office"], topic=ConsultationTopic.objects.get(pk=body["id"]))
    assert api_as("member").patch(url, {"title": "再改"}, format="json").status_code == 409


def test_members_cannot_propose_once_the_plan_is_approved(api_as, people, plan, topic_in):
    topic_in("approved")
    services.plan_approve(actor=people["office"], plan=plan)
    response = api_as("member").post(TOPICS, {"plan": plan.pk, "title": "迟到的议题"}, format="json")
    assert response.status_code == 409 and "征集已结束" in response.json()["message"]


@pytest.mark.parametrize("who", ["leader", "unit_a", "admin", "auditor"])
def test_others_do_not_propose_topics(api_as, plan, who):
    response = api_as(who).post(TOPICS, {"plan": plan.pk, "title": "议题", "source": "leaders"}, format="json")
    assert response.status_code == 403


def test_approve_needs_form_committee_and_quarter(api_as, topic_in):
    topic = topic_in("shortlisted")
    response = api_as("office").post(f"{TOPICS}{topic.pk}/approve/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"form", "lead_committee", "planned_quarter"}
    topic.refresh_from_db()
    assert topic.state == "shortlisted"


def test_hold_needs_attended_members(api_as, people, plan, topic_in):
    topic = topic_in("approved")
    services.topic_schedule(actor=people["office"], topic=topic, start_date=dt.date(2026, 6, 18))
    response = api_as("office").post(f"{TOPICS}{topic.pk}/hold/", {}, format="json")
    assert response.status_code == 409 and "出席" in response.json()["message"]


def test_close_waits_for_the_departments_feedback(api_as, people, topic_in):
    topic = topic_in("outcome_submitted", outcome="handling")
    response = api_as("office").post(f"{TOPICS}{topic.pk}/close/", {}, format="json")
    assert response.status_code == 409 and "承办中" in response.json()["message"]
    services.outcome_feedback(actor=people["unit_a"], outcome=topic.outcome, adoption="adopted", content="已落实。")
    assert api_as("office").post(f"{TOPICS}{topic.pk}/close/", {}, format="json").json()["state"] == "closed"


def test_drop_needs_a_reason(api_as, topic_in):
    topic = topic_in("collected")
    response = api_as("office").post(f"{TOPICS}{topic.pk}/drop/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]


def test_members_see_decided_topics_and_their_own(api_as, people, plan, topic_in):
    topic_in("collected", title="征集中的议题")
    topic_in("dropped", title="未采用的议题")
    topic_in("approved", title="已定题的议题")
    services.topic_create(actor=people["member"], data={"plan": plan, "title": "我的选题"})
    titles = {t["title"] for t in api_as("member").get(TOPICS).json()["results"]}
    assert titles == {"已定题的议题", "我的选题"}
    assert {t["title"] for t in api_as("other").get(TOPICS).json()["results"]} == {"已定题的议题"}
    assert api_as("leader").get(TOPICS).json()["count"] == 4


def test_topic_timeline_in_order(api_as, topic_in):
    topic = topic_in("closed")
    actions = [e["action"] for e in api_as("office").get(f"{TOPICS}{topic.pk}/events/").json()]
    assert actions[:6] == ["create", "shortlist", "approve", "schedule", "attendance", "hold"]
    assert actions[-1] == "close" and "feedback" in actions and "instruct" in actions
    member_view = [e["action"] for e in api_as("member").get(f"{TOPICS}{topic.pk}/events/").json()]
    assert "feedback" not in member_view and "instruct" not in member_view  # the departments' work is not theirs


# --- activities and attendance ------------------------------------------------------------------------


def test_schedule_creates_the_activity_with_its_departments(api_as, people, topic_in):
    topic = topic_in("approved")
    response = api_as("office").post(
        f"{TOPICS}{topic.pk}/schedule/",
        {
            "start_date": "2026-09-10",
            "place": "区政协三楼会议室",
            "units": [people["units"]["a"].pk],
            "form": "counterpart",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    activity = ConsultationActivity.objects.get(topic=topic)
    assert activity.form == "counterpart"
    assert (activity.activity.kind, activity.activity.title, activity.activity.organiser_committee) == (
        "consultation", topic.title, people["committee"],
    )  # fmt: skip
    assert list(activity.units.all()) == [people["units"]["a"]]
    assert response.json()["activities"][0]["place"] == "区政协三楼会议室"


def test_attendance_and_speeches_on_an_activity(api_as, people, topic_in):
    topic = topic_in("scheduled")
    consultation = topic.activities.get()
    a, b = MemberFactory(name="王芳"), MemberFactory(name="陈刚")
    url = f"{ACTIVITIES}{consultation.pk}/"
    response = api_as("office").post(
        f"{url}attendance/", {"entries": {str(a.pk): "attended", str(b.pk): "excused"}}, format="json"
    )
    assert response.status_code == 200 and response.json()["written"] == 2
    assert api_as("office").get(url).json()["attended_count"] == 2  # + the fixture's member
    response = api_as("office").post(f"{url}speeches/", {"member": a.pk, "title": "关于园区招商的建议"}, format="json")
    assert response.status_code == 201 and response.json()["speaker_display"] == "王芳"
    response = api_as("office").post(f"{url}speeches/", {"title": "无名发言"}, format="json")
    assert response.status_code == 400
    assert [s["title"] for s in api_as("leader").get(url).json()["speeches"]] == ["关于园区招商的建议"]
    assert (
        api_as("member").post(f"{url}attendance/", {"entries": {str(a.pk): "absent"}}, format="json").status_code == 403
    )


def test_more_activities_only_while_scheduled_or_held(api_as, topic_in):
    held = topic_in("held")
    response = api_as("office").post(
        ACTIVITIES, {"topic": held.pk, "title": "赴园区调研", "start_date": "2026-06-01"}, format="json"
    )
    assert response.status_code == 201 and response.json()["title"] == "赴园区调研"
    approved = topic_in("approved", title="另一个议题")
    response = api_as("office").post(ACTIVITIES, {"topic": approved.pk, "start_date": "2026-06-01"}, format="json")
    assert response.status_code == 409


def test_participation_counts_across_consultations_and_inspections(people, topic_in):
    """The work report's "X位委员X人次参加" comes from Attendance, whatever the kind of activity."""
    x, y, z = MemberFactory(), MemberFactory(), MemberFactory()
    first = topic_in("held", title="议题一", attendees=[x, y])
    topic_in("scheduled", title="议题二", attendees=[x])
    services.activity_attendance(actor=people["office"], consultation=first.activities.get(), entries={z.pk: "absent"})
    inspection = supervision_services.inspection_create(
        actor=people["office"],
        data={"kind": "research", "title": "四大园区调研", "topic": "园区", "start_date": dt.date(2026, 3, 18)},
    )
    supervision_services.inspection_attendance(
        actor=people["office"], inspection=inspection, entries={y.pk: "attended"}
    )
    consultations = Activity.objects.filter(kind="consultation")
    me = people["member"].member  # the fixture's member attends every consultation
    assert participation(activities=consultations) == {"members": 3, "person_times": 5}  # me×2, x×2, y×1
    assert participation(activities=Activity.objects.all()) == {"members": 3, "person_times": 6}
    assert Attendance.objects.filter(member=me, status="attended").count() == 2


# --- outcomes -------------------------------------------------------------------------------------------


def test_chain_records_actor_date_and_deadline_for_each_step(api_as, people, topic_in):
    topic = topic_in("outcome_submitted", outcome="submitted")
    outcome = topic.outcome
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    leader, office, unit = api_as("leader"), api_as("office"), api_as("unit_a")
    instruct = {"instruction": "请研究落实。", "due_date": due}
    assert leader.post(f"{OUTCOMES}{outcome.pk}/instruct/", instruct, format="json").status_code == 200
    body = office.post(f"{OUTCOMES}{outcome.pk}/assign/", {"units": [people["units"]["a"].pk]}, format="json").json()
    assert body["assignments"][0]["due_date"] == due  # the leader's deadline carries over
    assert unit.post(f"{OUTCOMES}{outcome.pk}/accept/", {}, format="json").json()["state"] == "handling"
    assert leader.post(f"{OUTCOMES}{outcome.pk}/supervise/", {"note": "请加快。"}, format="json").status_code == 200
    body = unit.post(
        f"{OUTCOMES}{outcome.pk}/feedback/", {"adoption": "partly_adopted", "content": "部分采纳。"}, format="json"
    ).json()
    assert body["state"] == "fed_back"
    assert body["assignments"][0]["adoption"] == "partly_adopted" and body["assignments"][0]["supervision_count"] == 1
    chain = ConsultationEvent.objects.filter(outcome=outcome).exclude(action="submit_outcome").order_by("id")
    assert [(e.action, e.actor.username) for e in chain] == [
        ("instruct", "leader"), ("assign", "office"), ("accept", "unit_a"), ("supervise", "leader"),
        ("feedback", "unit_a"),
    ]  # fmt: skip
    assert all(e.deadline and e.deadline.isoformat() == due for e in chain)
    assert all(e.unit == people["units"]["a"] for e in chain if e.action != "instruct")


def test_feedback_before_signing_is_a_conflict(api_as, topic_in):
    topic = topic_in("outcome_submitted", outcome="assigned")
    response = api_as("unit_a").post(
        f"{OUTCOMES}{topic.outcome.pk}/feedback/", {"adoption": "adopted", "content": "x"}, format="json"
    )
    assert response.status_code == 409 and "签收" in response.json()["message"]


def test_assign_refuses_a_deadline_in_the_past_and_duplicate_units(api_as, people, topic_in):
    topic = topic_in("outcome_submitted", outcome="instructed")
    url = f"{OUTCOMES}{topic.outcome.pk}/assign/"
    a = people["units"]["a"].pk
    assert api_as("office").post(url, {"units": []}, format="json").status_code == 400
    assert api_as("office").post(url, {"units": [a], "due_date": "2020-01-01"}, format="json").status_code == 400
    assert api_as("office").post(url, {"units": [a, a]}, format="json").status_code == 400
    assert not OutcomeAssignment.objects.exists()


def test_unit_b_never_sees_unit_as_assignment(api_as, people, topic_in):
    """One outcome assigned to both departments: each sees only its own assignment and its own steps;
    an outcome assigned to unit a alone is 404 for unit b, by id and in the list."""
    shared = topic_in("outcome_submitted", title="共同承办", outcome="handling", units=("a", "b")).outcome
    only_a = topic_in("outcome_submitted", title="甲单位承办", outcome="assigned").outcome

    listed = {o["id"]: o for o in api_as("unit_b").get(OUTCOMES).json()["results"]}
    assert set(listed) == {shared.pk}
    assert [a["unit_name"] for a in listed[shared.pk]["assignments"]] == ["区住房和城乡建设局"]
    for suffix in ("", "events/"):
        response = api_as("unit_b").get(f"{OUTCOMES}{only_a.pk}/{suffix}")
        assert response.status_code == 404 and response.json() == {"message": "未找到该记录。", "errors": {}}
    response = api_as("unit_b").post(f"{OUTCOMES}{only_a.pk}/accept/", {}, format="json")
    assert response.status_code == 404
    events = api_as("unit_b").get(f"{OUTCOMES}{shared.pk}/events/").json()
    assert {e["unit_name"] for e in events if e["unit_name"]} == {"区住房和城乡建设局"}
    assert "区商务局" not in str(events)
    # naming the other department is refused
    response = api_as("unit_b").post(
        f"{OUTCOMES}{shared.pk}/feedback/",
        {"unit": people["units"]["a"].pk, "adoption": "adopted", "content": "冒名"},
        format="json",
    )
    assert response.status_code == 403
    # the office and leaders see both
    assert len(api_as("leader").get(f"{OUTCOMES}{shared.pk}/").json()["assignments"]) == 2
    # the overdue filter only looks at the unit's own assignment
    OutcomeAssignment.objects.filter(unit=people["units"]["a"]).update(due_date=dt.date(2026, 1, 1))
    assert api_as("unit_b").get(f"{OUTCOMES}?overdue=true").json()["count"] == 0
    assert api_as("unit_a").get(f"{OUTCOMES}?overdue=true").json()["count"] == 2


def test_members_have_no_outcome_api(api_as, topic_in):
    topic = topic_in("outcome_submitted", outcome="submitted")
    assert api_as("member").get(OUTCOMES).status_code == 403
    assert api_as("member").get(f"{OUTCOMES}{topic.outcome.pk}/").status_code == 403


def test_outcome_files(api_as, people, topic_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    topic = topic_in("outcome_submitted", outcome="assigned")
    url = f"{OUTCOMES}{topic.outcome.pk}/files/"
    upload = SimpleUploadedFile("协商报告.png", PNG, content_type="image/png")
    response = api_as("office").post(url, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "协商报告.png"
    fake = SimpleUploadedFile("报告.pdf", b"not a pdf at all", content_type="application/pdf")
    assert api_as("office").post(url, {"file": fake}, format="multipart").status_code == 400
    unit_a = api_as("unit_a")
    assert unit_a.post(url, {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart").status_code == 403
    files = unit_a.get(f"{OUTCOMES}{topic.outcome.pk}/").json()["files"]
    assert [f["original_name"] for f in files] == ["协商报告.png"]


def test_submit_outcome_with_files_in_one_request(api_as, topic_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    topic = topic_in("held")
    response = api_as("office").post(
        f"{TOPICS}{topic.pk}/submit_outcome/",
        {"report": "协商建议全文。", "files": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    topic.refresh_from_db()
    assert topic.outcome.files.count() == 2


# --- list cost -------------------------------------------------------------------------------------------


def _bulk(people, topic_in, n):
    members = [MemberFactory() for _ in range(3)]
    for i in range(n):
        topic = topic_in("outcome_submitted", title=f"议题{i}", outcome="handling", units=("a", "b"), attendees=members)
        services.speech_add(
            actor=people["office"], consultation=topic.activities.get(), member=members[0], title="发言"
        )


@pytest.mark.parametrize("n", [5, 25])
@pytest.mark.parametrize(
    ("who", "url", "bound"),
    [
        ("office", TOPICS, 4),  # roles, count, page (annotated)
        ("member", TOPICS, 4),
        ("leader", ACTIVITIES, 5),  # + departments
        ("office", OUTCOMES, 5),  # + assignments with units
        ("unit_a", OUTCOMES, 5),
        ("member", PLANS, 4),
    ],
)
def test_list_cost_does_not_grow_with_rows(api_as, people, topic_in, django_assert_max_num_queries, n, who, url, bound):
    _bulk(people, topic_in, n)
    with django_assert_max_num_queries(bound):
        response = api_as(who).get(f"{url}?page_size=100")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == (1 if url == PLANS else n)
    if url == TOPICS:
        assert all(r["attended_count"] == 4 and r["activity_count"] == 1 for r in rows)
    if url == OUTCOMES:
        assert all(len(r["assignments"]) == (2 if who == "office" else 1) for r in rows)
    if url == ACTIVITIES:
        assert all(r["attended_count"] == 4 and r["speech_count"] == 1 for r in rows)
