"""The activity pages: who may open which (a table, role × page × expected), the list's filters and
cost, the form, the attendance checklist with speeches and removal, sign-up, regulations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities import urls as activity_urls
from activities.catalogue import ensure_default_catalogue
from activities.models import Activity, Attendance, KeyProject, QuantityKind, Regulation
from members.models import MemberGroup
from tests.factories import MemberFactory

from .conftest import ROLES

PAGE_TABLE = [
    # url name                       method  anon member other office unit leader admin auditor
    ("activities:list",              "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("activities:create",            "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:create",            "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:detail",            "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("activities:edit",              "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:edit",              "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:attendance",        "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:attendance",        "POST", 302, 403, 403, 302, 403, 403, 403, 403),
    ("activities:import",            "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:import",            "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:import_template",   "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:open",              "GET",  302, 200, 200, 403, 403, 403, 403, 403),
    ("activities:signup",            "POST", 302, 302, 302, 403, 403, 403, 403, 403),
    ("activities:signup_cancel",     "POST", 302, 302, 302, 403, 403, 403, 403, 403),
    ("activities:regulations",       "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("activities:regulations",       "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:quantities",        "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("activities:quantities",        "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:quantity_edit",     "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:quantity_edit",     "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:quantity_active",   "GET",  302, 403, 403, 405, 403, 403, 403, 403),
    ("activities:key_projects",      "GET",  302, 403, 403, 200, 403, 200, 403, 403),
    ("activities:key_projects",      "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:key_project_edit",  "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("activities:key_project_edit",  "POST", 302, 403, 403, 200, 403, 403, 403, 403),
]  # fmt: skip
WITH_PK = {"detail", "edit", "attendance", "import", "import_template", "signup", "signup_cancel"}
# Routes whose id is not the activity's.
OTHER_PK = {
    "quantity_edit": lambda: ensure_default_catalogue()["people_served"].pk,
    "quantity_active": lambda: ensure_default_catalogue()["people_served"].pk,
    "key_project_edit": lambda: KeyProject.objects.get_or_create(year=2026, name="城中村改造项目")[0].pk,
}


def _cases():
    return [
        pytest.param(name, method, role, status, id=f"{name}-{method}-{role}")
        for name, method, *statuses in PAGE_TABLE
        for role, status in zip(ROLES, statuses, strict=True)
    ]


@pytest.fixture
def activity(ref, make_user):
    office = make_user("office", username="office_setup")
    return activity_services.activity_save(
        actor=office,
        data={"kind": Activity.Kind.TRAINING, "title": "委员履职培训", "start_date": dt.date(2026, 4, 2)},
    )


def _snapshot():
    return (
        list(Activity.objects.order_by("pk").values()),
        list(Attendance.objects.order_by("pk").values()),
        list(Regulation.objects.values()),
        list(QuantityKind.objects.order_by("pk").values()),
        list(KeyProject.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("name, method, role, expected", _cases())
def test_page_permissions(page_as, activity, name, method, role, expected):
    client = page_as(role)
    short = name.split(":")[1]
    url = reverse(name, args=[OTHER_PK[short]()] if short in OTHER_PK else [activity.pk] if short in WITH_PK else [])
    before = _snapshot()
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if method == "POST":
        assert _snapshot() == before  # empty forms and refusals change nothing


def test_page_table_is_complete():
    names = {f"activities:{p.name}" for p in activity_urls.urlpatterns}
    assert {row[0] for row in PAGE_TABLE} == names
    rows = [(row[0], row[1]) for row in PAGE_TABLE]
    assert len(rows) == len(set(rows))


# --- list ------------------------------------------------------------------------------------------


def _make(office, kind, title, day, **extra):
    return activity_services.activity_save(
        actor=office, data={"kind": kind, "title": title, "start_date": day, **extra}
    )


def test_list_filters_and_counts(client, office_user):
    group = MemberGroup.objects.create(name="第三委员活动组")
    a, b = MemberFactory(), MemberFactory()
    training = _make(office_user, "training", "履职培训", dt.date(2026, 3, 1))
    _make(office_user, "group", "走进科技园", dt.date(2026, 5, 1), organiser_group=group)
    _make(office_user, "training", "去年的培训", dt.date(2025, 5, 1))
    activity_services.attendance_record(
        actor=office_user, activity=training, entries={a.pk: "attended", b.pk: "absent"}
    )
    client.force_login(office_user)

    def titles(**params):
        response = client.get(reverse("activities:list"), params)
        return [a.title for a in response.context["page"]], response

    assert titles(year=2026)[0] == ["走进科技园", "履职培训"]
    assert titles(year="")[0] == ["走进科技园", "履职培训", "去年的培训"]
    assert titles(year=2026, kind="training")[0] == ["履职培训"]
    assert titles(year=2026, organiser_group=group.pk)[0] == ["走进科技园"]
    assert titles(year="", q="去年")[0] == ["去年的培训"]
    found, response = titles(year=2026, kind="training")
    row = response.context["page"][0]
    assert (row.attended_count, row.absent_count, row.excused_count) == (1, 1, 0)
    assert response.context["participation"] == {"members": 1, "person_times": 1}
    partial = client.get(reverse("activities:list"), {"year": 2026}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "走进科技园" in partial.content.decode()


def test_list_costs_the_same_for_3_or_30_activities(client, office_user, django_assert_max_num_queries):
    members = [MemberFactory() for _ in range(5)]
    client.force_login(office_user)
    for count in (3, 30):
        while Activity.objects.count() < count:
            activity = _make(office_user, "group", f"活动{Activity.objects.count()}", dt.date(2026, 6, 1))
            activity_services.attendance_record(
                actor=office_user, activity=activity, entries={m.pk: "attended" for m in members}
            )
        with django_assert_max_num_queries(14):
            response = client.get(reverse("activities:list"), {"year": 2026})
        assert len(response.context["page"]) == count


# --- form ------------------------------------------------------------------------------------------


def test_office_creates_an_activity_with_its_quantities(client, office_user, catalogue):
    client.force_login(office_user)
    response = client.post(
        reverse("activities:create"),
        {
            "kind": "welfare",
            "title": "送医下乡医疗义诊",
            "start_date": "2026-06-01",
            "place": "X村",
            "half_days": 0,
            "q_people_served": 700,
            "q_cash_donated_wan": "1.5",
            "q_medical_staff": "",
            "is_highlight": "on",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activities:attendance", args=[activity.pk])
    recorded = {q.kind.code: str(q.value) for q in activity.quantities.all()}
    assert recorded == {"people_served": "700.00", "cash_donated_wan": "1.50"}
    assert activity.created_by == office_user and activity.is_highlight

    # Editing shows what was recorded; a cleared figure is removed, a new one added.
    page = client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert 'name="q_people_served"' in page and 'value="700' in page
    data = {"kind": "welfare", "title": "送医下乡医疗义诊", "start_date": "2026-06-01", "half_days": 0}
    client.post(reverse("activities:edit", args=[activity.pk]), {**data, "q_people_served": "", "q_medical_staff": 9})
    recorded = {q.kind.code: str(q.value) for q in activity.quantities.all()}
    assert recorded == {"medical_staff": "9.00"}


def test_a_quantity_must_be_whole_where_its_unit_is(client, office_user, catalogue):
    client.force_login(office_user)
    data = {"kind": "welfare", "title": "义诊", "start_date": "2026-06-01", "half_days": 0, "q_people_served": "1.5"}
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 200 and not Activity.objects.exists()
    assert "1.5" in response.content.decode()  # what was typed stays in the form


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "consultation"}, "kind"),  # recorded by the consultation pages
        ({"end_date": "2026-05-31"}, "end_date"),
        ({"signup_open": "on", "signup_deadline": "2026-06-02"}, "signup_deadline"),
    ],
    ids=["managed-kind", "end-before-start", "deadline-after-start"],
)
def test_the_form_refuses_what_does_not_fit(client, office_user, data, field):
    client.force_login(office_user)
    body = {"kind": "training", "title": "培训", "start_date": "2026-06-01", "half_days": 0, **data}
    response = client.post(reverse("activities:create"), body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Activity.objects.exists()


# --- attendance checklist -------------------------------------------------------------------------


def test_checklist_records_statuses_and_speeches_and_removes(client, office_user, activity):
    a, b, c = MemberFactory(name="甲委员"), MemberFactory(name="乙委员"), MemberFactory(name="丙委员")
    activity_services.attendance_record(actor=office_user, activity=activity, entries={c.pk: "signed_up"})
    client.force_login(office_user)
    url = reverse("activities:attendance", args=[activity.pk])
    page = client.get(url).content.decode()
    assert "甲委员" in page and f'name="speeches_{a.pk}"' in page

    response = client.post(
        url,
        {
            f"status_{a.pk}": "attended",
            f"speeches_{a.pk}": "2",
            f"status_{b.pk}": "excused",
            f"speeches_{b.pk}": "3",  # left beside a member now excused: cleared, not refused
            f"status_{c.pk}": "remove",
        },
    )
    assert response.status_code == 302
    rows = {r.member_id: (r.status, r.speeches) for r in Attendance.objects.filter(activity=activity)}
    assert rows == {a.pk: ("attended", 2), b.pk: ("excused", 0)}


def test_detail_shows_who_attended_and_spoke(client, office_user, leader_user, activity):
    a = MemberFactory(name="甲委员")
    activity_services.attendance_record(
        actor=office_user, activity=activity, entries={a.pk: "attended"}, speeches={a.pk: 2}
    )
    client.force_login(leader_user)
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    page = response.content.decode()
    assert "甲委员" in page and response.context["speeches_total"] == 2
    assert reverse("activities:attendance", args=[activity.pk]) not in page  # leaders read only


# --- sign-up ---------------------------------------------------------------------------------------


@pytest.fixture
def upcoming(office_user):
    start = timezone.localdate() + dt.timedelta(days=10)
    return _make(office_user, "training", "冬季培训班", start, signup_open=True, capacity=30)


def test_member_signs_up_from_the_open_list_and_cancels(client, member_user, office_user, upcoming):
    past = _make(office_user, "training", "已结束的培训", dt.date(2026, 1, 5), signup_open=True)
    client.force_login(member_user)
    response = client.get(reverse("activities:open"))
    assert [a.title for a in response.context["activities"]] == ["冬季培训班"]
    assert "报名参加" in response.content.decode()

    response = client.post(reverse("activities:signup", args=[upcoming.pk]), follow=True)
    assert "已报名“冬季培训班”" in response.content.decode()
    assert Attendance.objects.get().status == Attendance.Status.SIGNED_UP
    assert response.context["activities"][0].my_status == "signed_up"

    response = client.post(reverse("activities:signup", args=[past.pk]), follow=True)
    assert "未开放报名或报名已截止" in response.content.decode()

    client.post(reverse("activities:signup_cancel", args=[upcoming.pk]))
    assert not Attendance.objects.exists()


# --- regulations -----------------------------------------------------------------------------------


def test_office_registers_a_regulation_and_leaders_read_it(client, office_user, leader_user):
    client.force_login(office_user)
    response = client.post(
        reverse("activities:regulations"),
        {"title": "《主席办公会议制度》", "kind": "rule", "adopted_on": "2026-03-02", "adopted_at": "主席会议"},
    )
    assert response.status_code == 302
    client.force_login(leader_user)
    page = client.get(reverse("activities:regulations")).content.decode()
    assert "《主席办公会议制度》" in page and "登记制度文件" not in page
