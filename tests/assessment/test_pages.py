"""The assessment pages: who may open which (role × page × expected), the ranking with the group ranking
and its filters, the 评选, one member's full breakdown (a member sees only their own), manual items,
the scheme editor, the Excel export read back, and the cost of a page for 10 or 60 members."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from activities import services as activity_services
from activities.models import Activity
from assessment import engine
from assessment import services as assessment_services
from assessment import urls as assessment_urls
from assessment.models import (
    AssessmentAward,
    AssessmentCategory,
    AssessmentManualItem,
    AssessmentRule,
    AssessmentScheme,
)
from members.models import Member, MemberGroup
from tests.factories import MemberFactory

from .conftest import ROLES

YEAR = 2026

PAGE_TABLE = [
    # url name                       method  anon member other office unit leader admin auditor
    ("assessment:ranking",           "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("assessment:export",            "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("assessment:mine",              "GET",  302, 200, 200, 403, 403, 403, 403, 403),
    ("assessment:scheme",            "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("assessment:scheme_action",     "POST", 302, 403, 403, 302, 403, 403, 403, 403),
    ("assessment:awards",            "POST", 302, 403, 403, 302, 403, 403, 403, 403),
    ("assessment:member",            "GET",  302, 200, 404, 200, 403, 200, 403, 403),
    ("assessment:manual_add",        "POST", 302, 403, 403, 302, 403, 403, 403, 403),
    ("assessment:manual_remove",     "POST", 302, 403, 403, 302, 403, 403, 403, 403),
]  # fmt: skip


@pytest.fixture
def world(users, make_user):
    """The year's default scheme; two groups; the member 张明 (the `member` role) with a training and a
    plenary, 李华 (`other_member`) with a manual item, and a few more members."""
    office = make_user("office", username="office_setup")
    scheme = assessment_services.assessment_scheme_create_default(actor=office, year=YEAR)
    first, second = (
        MemberGroup.objects.create(name="第一委员活动组", order=1),
        MemberGroup.objects.create(name="第二委员活动组", order=2),
    )
    me, other = users["member"].member, users["other_member"].member
    Member.objects.filter(pk=me.pk).update(group=first)
    Member.objects.filter(pk=other.pk).update(group=second)
    extra = [MemberFactory(group=first if i % 2 else second) for i in range(4)]
    plenary = activity_services.activity_save(
        actor=office,
        data={"kind": "plenary", "title": "全体会议", "start_date": dt.date(YEAR, 1, 10), "half_days": 4},
    )
    training = activity_services.activity_save(
        actor=office, data={"kind": "training", "title": "履职培训", "start_date": dt.date(YEAR, 4, 2)}
    )
    activity_services.attendance_record(
        actor=office,
        activity=plenary,
        entries={me.pk: "attended", other.pk: "absent", **{m.pk: "attended" for m in extra[:2]}},
        speeches={me.pk: 1},
    )
    activity_services.attendance_record(actor=office, activity=training, entries={me.pk: "attended"})
    work = scheme.categories.get(name="本职工作")
    item = assessment_services.assessment_manual_item_add(
        actor=office, member=other, category=work, points=Decimal(6), reason="本职工作获市级表彰"
    )
    return {"scheme": scheme, "me": me, "other": other, "extra": extra, "groups": (first, second), "item": item}


def _args(name, world):
    short = name.split(":")[1]
    if short in ("member", "manual_add"):
        return [world["me"].pk]
    if short == "manual_remove":
        return [world["item"].pk]
    if short == "scheme_action":
        return [YEAR, "settings"]
    if short == "awards":
        return [YEAR]
    return []


def _snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (AssessmentScheme, AssessmentCategory, AssessmentRule, AssessmentManualItem, AssessmentAward)
    ]


@pytest.mark.parametrize(
    "name, method, role, expected",
    [
        pytest.param(name, method, role, status, id=f"{name}-{method}-{role}")
        for name, method, *statuses in PAGE_TABLE
        for role, status in zip(ROLES, statuses, strict=True)
    ],
)
def test_page_permissions(page_as, world, name, method, role, expected):
    client = page_as(role)
    url = reverse(name, args=_args(name, world))
    before = _snapshot()
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if method == "POST" and name != "assessment:manual_remove":
        assert _snapshot() == before  # empty forms and refusals change nothing
    if expected == 200 and name in ("assessment:member", "assessment:mine"):
        assert response.context["member"].pk == (world["other"] if role == "other_member" else world["me"]).pk


def test_page_table_is_complete():
    names = {f"assessment:{p.name}" for p in assessment_urls.urlpatterns}
    assert {row[0] for row in PAGE_TABLE} == names


# --- ranking ---------------------------------------------------------------------------------------


def test_ranking_lists_every_member_with_categories_and_the_group_ranking(client, office_user, world):
    client.force_login(office_user)
    response = client.get(reverse("assessment:ranking"), {"year": YEAR})
    results = response.context["results"]
    expected = engine.score(year=YEAR)
    assert [(r.member.pk, r.total, r.rank) for r in results] == [(r.member.pk, r.total, r.rank) for r in expected]
    top = results[0]
    assert top.member == world["me"]  # 4 half-days × 2 + training 3 + a speech 3
    assert top.total == Decimal(14) and top.rank == 1
    assert response.context["categories"][:2] == ["参加会议", "学习培训"]
    groups = response.context["groups"]
    assert [g["group"].name for g in groups] == ["第一委员活动组", "第二委员活动组"]
    assert [g["rank"] for g in groups] == [1, 2]
    page = response.content.decode()
    assert "张明" in page and "委员组排名" in page


def test_ranking_filters_keep_the_overall_rank(client, leader_user, world):
    client.force_login(leader_user)
    first, second = world["groups"]
    response = client.get(reverse("assessment:ranking"), {"year": YEAR, "group": second.pk})
    shown = response.context["results"]
    assert {r.member.group_id for r in shown} == {second.pk}
    overall = {r.member.pk: r.rank for r in engine.score(year=YEAR)}
    assert all(r.rank == overall[r.member.pk] for r in shown)
    assert response.context["total"] == Member.objects.count()
    response = client.get(reverse("assessment:ranking"), {"year": YEAR, "q": "张明"})
    assert [r.member.name for r in response.context["results"]] == ["张明"]
    assert "保存评选结果" not in response.content.decode()  # leaders read, the office decides


def test_a_year_without_a_scheme(client, office_user, world):
    client.force_login(office_user)
    response = client.get(reverse("assessment:ranking"), {"year": 2031})
    assert response.context["results"] == [] and "还没有考核办法" in response.content.decode()
    assert client.get(reverse("assessment:export"), {"year": 2031}).status_code == 404


def test_awards_are_saved_for_the_rows_shown_only(client, office_user, world):
    kinds = AssessmentAward.Kind
    first, second = world["groups"]
    outside = world["extra"][1]  # in the first group, not shown when the list shows the second
    assessment_services.assessment_award_add(
        actor=office_user, year=YEAR, kind=kinds.OUTSTANDING_MEMBER, member=outside
    )
    client.force_login(office_user)
    shown = [m.pk for m in Member.objects.filter(group=second)]
    response = client.post(
        reverse("assessment:awards", args=[YEAR]),
        {
            "kind": [kinds.OUTSTANDING_MEMBER, kinds.EXCELLENT_GROUP_LEADER],
            "shown": shown,
            kinds.OUTSTANDING_MEMBER: [world["other"].pk],
            kinds.EXCELLENT_GROUP_LEADER: [world["other"].pk],
            "next": f"/assessment/?year={YEAR}&group={second.pk}",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"group={second.pk}")
    awarded = set(AssessmentAward.objects.values_list("kind", "member_id"))
    assert awarded == {
        (kinds.OUTSTANDING_MEMBER, outside.pk),  # not shown, so kept
        (kinds.OUTSTANDING_MEMBER, world["other"].pk),
        (kinds.EXCELLENT_GROUP_LEADER, world["other"].pk),
    }
    client.post(
        reverse("assessment:awards", args=[YEAR]),
        {"kind": kinds.OUTSTANDING_GROUP, "shown": [first.pk, second.pk], kinds.OUTSTANDING_GROUP: [first.pk]},
    )
    assert list(AssessmentAward.objects.filter(kind=kinds.OUTSTANDING_GROUP).values_list("group_id", flat=True)) == [
        first.pk
    ]
    response = client.get(reverse("assessment:ranking"), {"year": YEAR})
    assert "先进委员组（1）" in response.content.decode()
    assert LogEntry.objects.filter(content_type__model="assessmentaward", actor=office_user).count() == 4


# --- one member ------------------------------------------------------------------------------------


def test_member_page_shows_every_line_and_manual_reasons(client, office_user, world):
    client.force_login(office_user)
    response = client.get(reverse("assessment:member", args=[world["other"].pk]), {"year": YEAR})
    breakdown = {b["category"].name: b for b in response.context["breakdown"]}
    meetings = breakdown["参加会议"]
    absent = next(row for row in meetings["rows"] if row["label"] == "无故缺席")
    assert (absent["quantity"], absent["points"], absent["score"]) == (1, Decimal(-2), Decimal(-2))
    assert [row["label"] for row in breakdown["学习培训"]["rows"]] == ["参加学习培训"]  # zero lines shown too
    assert breakdown["学习培训"]["rows"][0]["counted"] is False
    [manual] = breakdown["本职工作"]["manual"]
    assert (manual.reason, manual.score) == ("本职工作获市级表彰", Decimal(6))
    result = response.context["result"]
    assert result.total == Decimal(4)  # −2 is floored at the category (−2) + 6 → 4
    page = response.content.decode()
    assert "本职工作获市级表彰" in page and "手工加减分" in page


def test_members_see_their_own_breakdown_only(client, users, world):
    client.force_login(users["member"])
    mine = client.get(reverse("assessment:mine"), {"year": YEAR})
    assert mine.context["result"].member == world["me"] and mine.context["is_self"]
    lines = [row["label"] for b in mine.context["breakdown"] for row in b["rows"] if row["counted"]]
    assert lines == ["出席全体会议（每半天）", "参加学习培训", "会议活动发言"]
    assert client.get(reverse("assessment:member", args=[world["other"].pk])).status_code == 404
    assert client.get(reverse("assessment:member", args=[world["me"].pk])).status_code == 200


def test_office_adds_and_removes_manual_items(client, office_user, world):
    client.force_login(office_user)
    me = world["me"]
    work = world["scheme"].categories.get(name="本职工作")
    url = reverse("assessment:manual_add", args=[me.pk])
    client.post(url, {"year": YEAR, "category": work.pk, "points": "5", "reason": "获评劳动模范"})
    item = AssessmentManualItem.objects.get(member=me)
    assert (item.points, item.reason, item.created_by) == (Decimal(5), "获评劳动模范", office_user)
    for bad in ({"points": "5", "reason": " "}, {"points": "x", "reason": "理由"}, {"points": "0", "reason": "理由"}):
        response = client.post(url, {"year": YEAR, "category": work.pk, **bad}, follow=True)
        assert response.status_code == 200
    assert AssessmentManualItem.objects.filter(member=me).count() == 1
    client.post(reverse("assessment:manual_remove", args=[item.pk]))
    assert not AssessmentManualItem.objects.filter(member=me).exists()


# --- scheme editor ---------------------------------------------------------------------------------


def test_scheme_editor_operations_are_services_and_audited(client, office_user, world):
    client.force_login(office_user)
    scheme = world["scheme"]

    def do(op, **data):
        return client.post(reverse("assessment:scheme_action", args=[YEAR, op]), data, follow=True)

    training = scheme.categories.get(name="学习培训")
    do("category_save", category=training.pk, name="学习培训", cap="12", order="2")
    training.refresh_from_db()
    assert training.cap == Decimal(12)
    do("rule_add", category=training.pk, source="attended", kinds=["group", "exchange"], points="1", label="组内学习")
    rule = AssessmentRule.objects.get(label="组内学习")
    assert rule.params == {"kinds": ["group", "exchange"]}
    do("rule_save", rule=rule.pk, source="attended", kinds=["training"], points="1.5", label="组内学习")
    rule.refresh_from_db()
    assert (rule.params, rule.points) == ({"kinds": ["training"]}, Decimal("1.5"))
    response = do("rule_add", category=training.pk, source="attended", kinds=["nonsense"], points="1")
    assert "无效的活动类型" in response.content.decode()
    do("rule_remove", rule=rule.pk)
    assert not AssessmentRule.objects.filter(label="组内学习").exists()
    do(
        "settings",
        name="考核办法",
        max_total="100",
        band_floor=["85", "70", "0", ""],
        band_label=["优秀", "良好", "一般", ""],
    )
    scheme.refresh_from_db()
    assert scheme.bands == [[85, "优秀"], [70, "良好"], [0, "一般"]]
    do("category_add", name="界别活动", cap="5")
    assert scheme.categories.filter(name="界别活动").exists()
    actors = set(
        LogEntry.objects.filter(timestamp__isnull=False, actor=office_user).values_list(
            "content_type__model", flat=True
        )
    )
    assert {"assessmentscheme", "assessmentcategory", "assessmentrule"} <= actors
    page = client.get(reverse("assessment:scheme"), {"year": YEAR}).content.decode()
    assert "界别活动" in page and "按默认办法创建" not in page


def test_scheme_is_created_from_the_default_and_read_by_leaders(client, office_user, leader_user, world):
    client.force_login(leader_user)
    page = client.get(reverse("assessment:scheme"), {"year": 2027}).content.decode()
    assert "还没有考核办法" in page and "按默认办法创建" not in page
    client.force_login(office_user)
    client.post(reverse("assessment:scheme_action", args=[2027, "create"]))
    assert AssessmentScheme.objects.get(year=2027).categories.count() == len(engine.DEFAULT_SCHEME)
    response = client.post(reverse("assessment:scheme_action", args=[2027, "create"]), follow=True)
    assert "已存在" in response.content.decode()
    assert client.post(reverse("assessment:scheme_action", args=[2031, "settings"])).status_code == 404


# --- export ----------------------------------------------------------------------------------------


def _read(response) -> dict:
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_export_has_members_and_groups(client, office_user, world):
    assessment_services.assessment_award_add(
        actor=office_user, year=YEAR, kind=AssessmentAward.Kind.OUTSTANDING_MEMBER, member=world["me"]
    )
    client.force_login(office_user)
    response = client.get(reverse("assessment:export"), {"year": YEAR})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _read(response)
    members_sheet, groups_sheet = sheets[f"{YEAR}年度委员履职考核"], sheets["委员组排名"]
    header = members_sheet[0]
    categories = [c.name for c in world["scheme"].categories.all()]
    assert header == ["排名", "姓名", "委员组", "界别", "党派", *categories, "总分", "等次", "评选"]
    first = dict(zip(header, members_sheet[1], strict=True))
    assert (first["排名"], first["姓名"], first["委员组"], first["总分"], first["等次"], first["评选"]) == (
        1, "张明", "第一委员活动组", 14, "不称职", "优秀委员"
    )  # fmt: skip
    assert first["参加会议"] == 8 and first["学习培训"] == 3
    assert len(members_sheet) == Member.objects.count() + 1
    assert groups_sheet[0] == ["排名", "委员组", "人数", "平均分", "评选"]
    assert [row[1] for row in groups_sheet[1:]] == ["第一委员活动组", "第二委员活动组"]
    ws = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("assessment:export"), {"year": YEAR}).streaming_content))
    ).worksheets[0]
    assert ws["A1"].font.bold and ws.freeze_panes == "C2"


# --- cost ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    # The export's bound includes the one row the security log writes for every download.
    "name, bound",
    [("assessment:ranking", 34), ("assessment:member", 38), ("assessment:export", 30)],
)
def test_pages_cost_the_same_for_10_or_60_members(
    client, office_user, world, name, bound, django_assert_max_num_queries
):
    """One query per scheme rule plus a fixed few — the same for 10 members or 60."""
    client.force_login(office_user)
    training = Activity.objects.get(title="履职培训")
    group = world["groups"][0]
    for count in (10, 60):
        while Member.objects.count() < count:
            m = MemberFactory(group=group)
            activity_services.attendance_record(actor=office_user, activity=training, entries={m.pk: "attended"})
            assessment_services.assessment_manual_item_add(
                actor=office_user,
                member=m,
                category=world["scheme"].categories.get(name="本职工作"),
                points=1,
                reason="r",
            )
        args = [world["me"].pk] if name == "assessment:member" else []
        with django_assert_max_num_queries(bound):
            response = client.get(reverse(name, args=args), {"year": YEAR})
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
