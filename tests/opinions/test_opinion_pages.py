"""The browser pages of social-opinion reports: who reaches which page, the forms post through the same
services as the API, and the lists cost the same number of queries for 5 rows or 25."""

import pytest
from django.utils import timezone

from opinions import services
from opinions.models import OpinionReport

from .test_opinion_world import Cast


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def as_(client, cast):
    def login(who):
        client.logout()
        client.force_login(cast[who])
        return client

    return login


PAGES = {
    "/opinions/": {"office", "leader"},
    "/opinions/queue/": {"office"},
    "/opinions/mine/": {"author", "coauthor", "outsider"},
    "/opinions/inbox/": {"unit_a", "unit_b"},
    "/opinions/new/": {"office", "author", "coauthor", "outsider"},
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["office", "leader", "author", "coauthor", "outsider", "unit_a", "unit_b", "admin",
                                 "auditor"])  # fmt: skip
def test_who_reaches_which_list(as_, path, who):
    response = as_(who).get(path)
    assert response.status_code == (200 if who in PAGES[path] else 403)


def test_anonymous_goes_to_login(client):
    response = client.get("/opinions/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_writes_submits_and_sees_it_in_their_list(as_, cast):
    client = as_("author")
    response = client.post(
        "/opinions/new/",
        {"title": "关于学校周边接送拥堵的反映", "category": cast.category.pk, "content": "", "submit": "1"},
    )
    assert response.status_code == 200  # content is required to submit: the form comes back
    assert "提交前须填写内容" in response.content.decode()
    response = client.post(
        "/opinions/new/",
        {"title": "关于学校周边接送拥堵的反映", "category": cast.category.pk, "content": "早晚高峰拥堵。",
         "coauthors": [cast.comember.pk], "submit": "1"},
        follow=True,
    )  # fmt: skip
    report = OpinionReport.objects.get()
    assert report.state == "submitted"
    assert [(a.member.name, a.is_lead) for a in report.authors.all()] == [("李建国", True), ("王芳", False)]
    assert "已提交，等待机关编辑" in response.content.decode()
    page = client.get("/opinions/mine/").content.decode()
    assert "关于学校周边接送拥堵的反映" in page and "待编辑" in page
    # The co-author sees it; another member gets 404.
    assert as_("coauthor").get(f"/opinions/{report.pk}/").status_code == 200
    assert as_("outsider").get(f"/opinions/{report.pk}/").status_code == 404


def test_office_enters_for_a_member(as_, cast):
    response = as_("office").post(
        "/opinions/new/",
        {"title": "代录的信息", "category": cast.category.pk, "content": "内容", "lead_author": cast.member.pk,
         "save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    report = OpinionReport.objects.get()
    assert report.state == "draft" and report.created_by == cast["office"]
    assert "代为录入" in as_("author").get(f"/opinions/{report.pk}/").content.decode()


def test_the_office_editing_page(as_, cast):
    report = cast.report("submitted")
    client = as_("office")
    assert report.title in client.get("/opinions/queue/").content.decode()
    page = client.get(f"/opinions/{report.pk}/").content.decode()
    assert 'data-testid="action-start_editing"' in page and 'data-testid="editor-form"' not in page
    client.post(f"/opinions/{report.pk}/do/start_editing/")
    page = client.get(f"/opinions/{report.pk}/").content.decode()
    for panel in ("editor-form", "action-forward", "action-reject"):
        assert f'data-testid="{panel}"' in page, panel
    response = client.post(
        f"/opinions/{report.pk}/edit/",
        {"title": "老旧小区加装电梯亟待破题", "category": cast.category.pk, "content": ""},
    )
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()  # shown on the same page
    response = client.post(
        f"/opinions/{report.pk}/edit/",
        {"title": "老旧小区加装电梯亟待破题", "category": cast.category.pk, "content": "编辑后的正文。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.content, report.original_title) == (
        "老旧小区加装电梯亟待破题", "编辑后的正文。", "关于老旧小区加装电梯推进难的情况反映"
    )  # fmt: skip

    client.post(f"/opinions/{report.pk}/do/forward/", {"note": "报送市政协"})
    today = timezone.localdate().isoformat()
    client.post(
        f"/opinions/{report.pk}/do/adopt/", {"level": "city", "publication": "special", "issue": "第8期", "date": today}
    )
    client.post(f"/opinions/{report.pk}/do/pass_to_units/", {"units": [cast.a.pk, cast.b.pk], "note": "请研究"})
    client.post(
        f"/opinions/{report.pk}/do/instruct/",
        {"leader_name": "王国平", "post": "市委副书记", "level": "city", "date": today, "text": "请研究落实。"},
    )
    report.refresh_from_db()
    assert report.state == "adopted"
    assert [a.level for a in report.adoptions.all()] == ["city"]
    assert report.referrals.count() == 2 and report.instructions.count() == 1
    page = client.get(f"/opinions/{report.pk}/").content.decode()
    assert "市政协" in page and "王国平" in page and "区卫生健康委员会" in page
    # An adopted level is not offered again.
    assert '<option value="city">市政协</option>' not in page


def test_a_refused_action_shows_the_services_message(as_, cast):
    report = cast.report("adopted")
    response = as_("office").post(
        f"/opinions/{report.pk}/do/adopt/", {"level": "district", "publication": "special"}, follow=True
    )
    assert "已登记过区政协的采用" in response.content.decode()
    response = as_("office").post(f"/opinions/{report.pk}/do/adopt/", {"publication": "special"}, follow=True)
    # A payload error names the field in Chinese, in the same words as the API (the engine's page helper).
    assert "提交的数据有误：采用层级" in response.content.decode()


def test_leader_reads_everything_and_records_an_instruction(as_, cast):
    report = cast.report("adopted")
    client = as_("leader")
    assert report.title in client.get("/opinions/").content.decode()
    page = client.get(f"/opinions/{report.pk}/").content.decode()
    assert 'data-testid="action-instruct"' in page and 'data-testid="action-adopt"' not in page
    client.post(
        f"/opinions/{report.pk}/do/instruct/", {"post": "区政协主席", "level": "district", "text": "请跟踪办理。"}
    )
    [instruction] = report.instructions.all()
    assert instruction.leader_name == "o_leader" and instruction.recorded_by == cast["leader"]
    assert as_("leader").post(f"/opinions/{report.pk}/do/forward/").status_code == 302
    report.refresh_from_db()
    assert report.state == "adopted"  # refused: a leader does not forward


def test_unit_inbox_and_feedback(as_, cast):
    report = cast.report("adopted")  # passed to a
    client = as_("unit_a")
    inbox = client.get("/opinions/inbox/").content.decode()
    assert report.title in inbox and 'data-testid="count-waiting">1<' in inbox
    assert report.title not in as_("unit_b").get("/opinions/inbox/").content.decode()
    assert as_("unit_b").get(f"/opinions/{report.pk}/").status_code == 404
    client = as_("unit_a")
    page = client.get(f"/opinions/{report.pk}/").content.decode()
    assert 'data-testid="action-unit_feedback"' in page and '以<span class="fw-semibold">区民政局</span>' in page
    client.post(f"/opinions/{report.pk}/do/unit_feedback/", {"unit": cast.a.pk, "text": "已组织专项排查。"})
    referral = report.referrals.get()
    assert referral.feedback == "已组织专项排查。" and referral.feedback_by == cast["unit_a"]
    assert report.title not in client.get("/opinions/inbox/").content.decode()  # answered: off the waiting tab
    assert report.title in client.get("/opinions/inbox/?tab=answered").content.decode()


def test_author_edits_a_waiting_report_but_not_an_edited_one(as_, cast):
    report = cast.report("submitted")
    client = as_("author")
    assert client.get(f"/opinions/{report.pk}/edit/").status_code == 200
    client.post(
        f"/opinions/{report.pk}/edit/",
        {"title": "改过的标题", "category": cast.category.pk, "content": "x", "coauthors": [cast.comember.pk]},
    )
    report.refresh_from_db()
    assert report.title == "改过的标题" and report.state == "submitted"
    services.opinion_start_editing(actor=cast["office"], report=report)
    response = client.get(f"/opinions/{report.pk}/edit/")
    assert response.status_code == 403
    assert as_("coauthor").get(f"/opinions/{report.pk}/edit/").status_code == 403


LISTS = {"office": "/opinions/?year=&level=", "leader": "/opinions/", "author": "/opinions/mine/",
         "unit_a": "/opinions/inbox/?tab=all"}  # fmt: skip


@pytest.mark.parametrize("who", LISTS)
def test_list_pages_cost_the_same_for_5_or_25(as_, cast, who, django_assert_max_num_queries):
    office = cast["office"]
    for count in (5, 25):
        while OpinionReport.objects.count() < count:
            report = cast.report("adopted", title=f"信息{OpinionReport.objects.count()}")
            services.opinion_instruct(
                actor=office, report=report, leader_name="王", post="副市长", level="city", text="阅"
            )
        client = as_(who)
        # session, user, roles, (units), count, page, authors, adoptions, filter choices (category, units)
        with django_assert_max_num_queries(13):
            response = client.get(LISTS[who])
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="opinion-row"') == min(count, 20)
