"""Social-opinion reports through the API: writing and editing, scope, adoption levels, instructions,
departments and their feedback, attachments, the list's filters and its bounded queries."""

import datetime as dt

import pytest
from django.utils import timezone

from opinions import services
from opinions.models import OpinionAttachment, OpinionEvent, OpinionReport
from tests.factories import MemberFactory

from .test_opinion_world import Cast

URL = "/api/v1/opinions/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


# --- writing -------------------------------------------------------------------------------------


def test_member_writes_in_their_own_name_and_submits(cast):
    client = cast.client("author")
    payload = {
        "title": "关于居家养老服务供给不足的情况反映",
        "content": "社区养老服务站点少。",
        "category": cast.category.pk,
        "lead_author": cast.outsider.pk,  # ignored: a member is always the lead of what they write
        "coauthors": [cast.comember.pk],
    }
    response = client.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert [(a["name"], a["is_lead"]) for a in body["authors"]] == [("李建国", True), ("王芳", False)]
    assert body["allowed_actions"] == ["update", "submit", "withdraw"]

    response = client.post(f"{URL}{body['id']}/submit/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted" and response.json()["submitted_at"]


def test_office_enters_a_report_on_a_members_behalf(cast):
    client = cast.client("office")
    payload = {"title": "关于电动自行车充电难的反映", "content": "小区充电桩不足。", "category": cast.category.pk}
    response = client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert "lead_author" in response.json()["errors"]

    response = client.post(URL, {**payload, "lead_author": cast.member.pk}, format="json")
    assert response.status_code == 201
    report = OpinionReport.objects.get(pk=response.json()["id"])
    assert report.created_by == cast["office"]
    assert [a.member for a in report.authors.all()] == [cast.member]
    # The member whose report it is sees it and may submit it; the office, its clerk, may too.
    assert cast.client("author").get(f"{URL}{report.pk}/").status_code == 200
    assert cast.client("office").post(f"{URL}{report.pk}/submit/", {}, format="json").status_code == 200


@pytest.mark.parametrize("who", ["unit_a", "leader"])
def test_only_members_and_office_write(cast, who):
    response = cast.client(who).post(URL, {"title": "x", "category": cast.category.pk}, format="json")
    assert response.status_code == 403


def test_submit_needs_content(cast):
    report = cast.report("draft", content="")
    response = cast.client("author").post(f"{URL}{report.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "content" in response.json()["errors"]


def test_author_updates_while_draft_or_submitted_and_not_after(cast):
    report = cast.report("submitted")
    client = cast.client("author")
    response = client.patch(f"{URL}{report.pk}/", {"title": "关于加装电梯审批慢的反映", "coauthors": []}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "关于加装电梯审批慢的反映"
    assert [a["name"] for a in response.json()["authors"]] == ["李建国"]
    # A co-author reads but does not edit; once the office edits, the author no longer may.
    report = cast.report("submitted", title="第二件")
    assert cast.client("coauthor").patch(f"{URL}{report.pk}/", {"title": "x"}, format="json").status_code == 403
    services.opinion_start_editing(actor=cast["office"], report=report)
    response = client.patch(f"{URL}{report.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409


def test_office_edits_while_editing_and_the_authors_text_is_kept(cast):
    report = cast.report("submitted")
    office = cast.client("office")
    assert office.patch(f"{URL}{report.pk}/", {"title": "x"}, format="json").status_code == 409
    office.post(f"{URL}{report.pk}/start_editing/", {}, format="json")
    response = office.patch(
        f"{URL}{report.pk}/", {"title": "老旧小区加装电梯亟待破题", "content": "编辑后的正文。"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["content"]) == ("老旧小区加装电梯亟待破题", "编辑后的正文。")
    assert body["original_title"] == "关于老旧小区加装电梯推进难的情况反映"
    assert body["original_content"].startswith("群众反映加装电梯")
    assert OpinionEvent.objects.filter(report=report, action="edit", actor=cast["office"]).exists()
    # The editor changes the text, not who wrote it.
    response = office.patch(f"{URL}{report.pk}/", {"coauthors": []}, format="json")
    assert response.status_code == 400


# --- scope ---------------------------------------------------------------------------------------


def test_a_member_never_sees_another_members_reports(cast):
    mine = cast.report("submitted", title="我的")
    other_user = cast["outsider"]
    theirs = services.opinion_create(
        actor=other_user, data={"title": "别人的", "content": "内容", "category": cast.category}
    )
    services.opinion_submit(actor=other_user, report=theirs)
    client = cast.client("author")
    assert [r["id"] for r in client.get(URL).json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/events/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/withdraw/", {}, format="json").status_code == 404
    # The co-author of mine sees mine, and only mine.
    assert [r["id"] for r in cast.client("coauthor").get(URL).json()["results"]] == [mine.pk]


def test_a_department_sees_only_what_was_passed_to_it(cast):
    passed = cast.report("forwarded", title="转给甲")
    other = cast.report("editing", title="未转")
    services.opinion_forward(actor=cast["office"], report=other)
    unit_a, unit_b = cast.client("unit_a"), cast.client("unit_b")
    assert [r["id"] for r in unit_a.get(URL).json()["results"]] == [passed.pk]
    assert unit_b.get(URL).json()["results"] == []
    assert unit_b.get(f"{URL}{passed.pk}/").status_code == 404
    services.opinion_pass_to_units(actor=cast["office"], report=passed, units=[cast.b])
    # b now sees it, with its own referral only; a does not see b's.
    detail = unit_b.get(f"{URL}{passed.pk}/").json()
    assert [r["unit_name"] for r in detail["referrals"]] == ["区卫生健康委员会"]
    assert [r["unit_name"] for r in unit_a.get(f"{URL}{passed.pk}/").json()["referrals"]] == ["区民政局"]
    assert len(cast.client("office").get(f"{URL}{passed.pk}/").json()["referrals"]) == 2


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_admin_and_auditor_see_nothing(cast, who):
    report = cast.report("adopted")
    client = cast.client(who)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{report.pk}/").status_code == 403


def test_others_drafts_are_the_authors_alone(cast):
    draft = cast.report("draft")
    for who in ("office", "leader"):
        assert cast.client(who).get(f"{URL}{draft.pk}/").status_code == 404
    withdrawn_draft = cast.report("draft", title="从草稿撤回")
    services.opinion_withdraw(actor=cast["author"], report=withdrawn_draft)
    assert cast.client("office").get(f"{URL}{withdrawn_draft.pk}/").status_code == 404
    assert cast.client("author").get(f"{URL}{withdrawn_draft.pk}/").status_code == 200


# --- adoption, instructions, departments -----------------------------------------------------------


def test_adopted_at_several_levels_once_each(cast):
    report = cast.report("forwarded")
    office = cast.client("office")
    today = timezone.localdate()
    steps = [
        ({"level": "district", "publication": "special", "issue": "区政协专报第5期"}, 200),
        ({"level": "city", "publication": "bulletin", "issue": "市政协社情民意第12期", "date": today.isoformat()}, 200),
        ({"level": "city", "publication": "special"}, 409),  # once per level
        ({"level": "province", "publication": "other", "date": (today + dt.timedelta(days=1)).isoformat()}, 400),
        ({"level": "county", "publication": "special"}, 400),
    ]
    for payload, code in steps:
        response = office.post(f"{URL}{report.pk}/adopt/", payload, format="json")
        assert response.status_code == code, (payload, response.json())
    body = office.get(f"{URL}{report.pk}/").json()
    assert body["state"] == "adopted"
    assert [(a["level"], a["level_display"], a["publication"], a["issue"]) for a in body["adoptions"]] == [
        ("district", "区政协", "special", "区政协专报第5期"),
        ("city", "市政协", "bulletin", "市政协社情民意第12期"),
    ]
    assert all(a["date"] == today.isoformat() for a in body["adoptions"])  # the date defaults to today
    # The list filters by the level adopted at.
    other = cast.report("adopted", title="只在区里采用")
    assert [r["id"] for r in office.get(f"{URL}?level=city").json()["results"]] == [report.pk]
    assert {r["id"] for r in office.get(f"{URL}?level=district").json()["results"]} == {report.pk, other.pk}
    assert office.get(f"{URL}?level=national").json()["count"] == 0


def test_instructions_several_and_a_leader_records_their_own(cast):
    report = cast.report("adopted")
    cast["leader"].first_name = "周"
    cast["leader"].save()
    leader = cast.client("leader")
    response = leader.post(
        f"{URL}{report.pk}/instruct/",
        {"post": "区政协主席", "level": "district", "text": "此件反映的问题很有代表性，请认真研究。"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    response = cast.client("office").post(
        f"{URL}{report.pk}/instruct/",
        {
            "leader_name": "王国平",
            "post": "市委副书记",
            "level": "city",
            "date": "2026-03-02",
            "text": "请民政部门研究。",
        },
        format="json",
    )
    assert response.status_code == 200
    rows = [(i["leader_name"], i["post"], i["level"]) for i in response.json()["instructions"]]
    assert rows == [("王国平", "市委副书记", "city"), ("周", "区政协主席", "district")]  # by date
    # The office must name the leader; text and post are required.
    response = cast.client("office").post(
        f"{URL}{report.pk}/instruct/", {"post": "副市长", "level": "city", "text": "阅。"}, format="json"
    )
    assert response.status_code == 400 and "leader_name" in response.json()["errors"]
    assert (
        cast.client("leader").post(f"{URL}{report.pk}/instruct/", {"level": "city"}, format="json").status_code == 400
    )


def test_departments_answer_for_their_own_unit_once(cast):
    report = cast.report("adopted")  # passed to a
    office = cast.client("office")
    assert office.post(f"{URL}{report.pk}/pass_to_units/", {"units": [cast.a.pk]}, format="json").status_code == 400
    response = office.post(f"{URL}{report.pk}/pass_to_units/", {"units": [cast.a.pk, cast.b.pk], "note": "请研究"},
                           format="json")  # fmt: skip
    assert response.status_code == 200
    assert [r["unit_name"] for r in response.json()["referrals"]] == ["区民政局", "区卫生健康委员会"]

    unit_a = cast.client("unit_a")
    # a cannot answer in b's name
    response = unit_a.post(f"{URL}{report.pk}/unit_feedback/", {"unit": cast.b.pk, "text": "冒名"}, format="json")
    assert response.status_code == 403
    response = unit_a.post(f"{URL}{report.pk}/unit_feedback/", {"unit": cast.a.pk, "text": ""}, format="json")
    assert response.status_code == 400
    response = unit_a.post(
        f"{URL}{report.pk}/unit_feedback/", {"unit": cast.a.pk, "text": "已开展专项排查。"}, format="json"
    )
    assert response.status_code == 200
    [mine] = response.json()["referrals"]
    assert mine["feedback"] == "已开展专项排查。" and mine["feedback_at"]
    response = unit_a.post(f"{URL}{report.pk}/unit_feedback/", {"unit": cast.a.pk, "text": "再答"}, format="json")
    assert response.status_code == 409
    event = OpinionEvent.objects.filter(report=report, action="unit_feedback").get()
    assert event.actor == cast["unit_a"] and event.data == {"unit": cast.a.pk}

    # Department b reads neither a's referral nor a's feedback in the timeline; a and the office do.
    def feedback_events(who):
        events = cast.client(who).get(f"{URL}{report.pk}/events/").json()
        return [e["note"] for e in events if e["action"] == "unit_feedback"]

    assert feedback_events("unit_b") == []
    assert feedback_events("unit_a") == feedback_events("office") == ["区民政局反馈：已开展专项排查。"]


def test_events_tell_the_story(cast):
    report = cast.report("adopted")
    events = cast.client("author").get(f"{URL}{report.pk}/events/").json()
    assert [e["action"] for e in events] == [
        "create", "submit", "start_editing", "forward", "pass_to_units", "adopt"
    ]  # fmt: skip
    assert events[1]["from_state"] == "draft" and events[1]["to_state"] == "submitted"
    assert events[-1]["to_state"] == "adopted" and events[-1]["actor_name"] == "o_office"


# --- attachments ---------------------------------------------------------------------------------


def test_attachments_are_checked_by_content_and_stored_under_random_names(cast, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = cast.report("draft")
    client = cast.client("author")
    response = client.post(
        f"{URL}{report.pk}/attachments/",
        {"file": SimpleUploadedFile("调研记录.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = OpinionAttachment.objects.get()
    assert attachment.original_name == "调研记录.pdf" and attachment.content_type == "application/pdf"
    assert "调研" not in attachment.file.name and attachment.file.name.startswith("opinions/")
    assert (media_root / attachment.file.name).read_bytes() == PDF

    fake = SimpleUploadedFile("脚本.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    response = client.post(f"{URL}{report.pk}/attachments/", {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert "格式不受支持" in response.json()["message"]

    # Downloads follow the report's scope.
    from django.test import Client

    browser = Client()
    browser.force_login(cast["author"])
    assert browser.get(f"/opinions/attachments/{attachment.pk}/").status_code == 200
    browser.force_login(cast["outsider"])
    assert browser.get(f"/opinions/attachments/{attachment.pk}/").status_code == 404
    # Once the office edits, the author adds no more files.
    services.opinion_submit(actor=cast["author"], report=report)
    services.opinion_start_editing(actor=cast["office"], report=report)
    again = SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")
    assert client.post(f"{URL}{report.pk}/attachments/", {"file": again}, format="multipart").status_code == 409


# --- lists ---------------------------------------------------------------------------------------


def test_filters_state_category_year_and_q(cast):
    from opinions.models import OpinionCategory

    economy = OpinionCategory.objects.get_or_create(name="经济", defaults={"order": 10})[0]
    a = cast.report("submitted", title="关于小微企业融资难的建议", category=economy)
    b = cast.report("adopted", title="关于加装电梯的反映")
    OpinionReport.objects.filter(pk=b.pk).update(submitted_at=timezone.now().replace(year=2025))
    office = cast.client("office")

    def ids(query):
        return {r["id"] for r in office.get(f"{URL}?{query}").json()["results"]}

    assert ids("state=submitted") == {a.pk}
    assert ids("state=submitted&state=adopted") == {a.pk, b.pk}
    assert ids(f"category={economy.pk}") == {a.pk}
    assert ids("year=2025") == {b.pk}
    assert ids("q=融资") == {a.pk}
    assert ids("q=李建国") == {a.pk, b.pk}  # by author


@pytest.mark.parametrize("who", ["office", "leader", "author", "unit_a"])
def test_list_costs_the_same_for_5_or_25_reports(cast, who, django_assert_max_num_queries):
    office = cast["office"]
    for count in (5, 25):
        while OpinionReport.objects.count() < count:
            report = cast.report("forwarded", title=f"信息{OpinionReport.objects.count()}")
            services.opinion_instruct(
                actor=office, report=report, leader_name="王", post="副市长", level="city", text="阅"
            )
            services.opinion_adopt(actor=office, report=report, level="city", publication="special")
            services.opinion_pass_to_units(actor=office, report=report, units=[cast.b])
            MemberFactory()  # more people about, none of them reading
        # roles, count, page, authors (with members), adoptions
        with django_assert_max_num_queries(6):
            response = cast.client(who).get(f"{URL}?page_size=100")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert len(rows) == count
        assert all(len(r["authors"]) == 2 and r["instruction_count"] == 1 for r in rows)
        assert all([a["level"] for a in r["adoptions"]] == ["city"] for r in rows)
