"""`/api/v1/activities/` and `/api/v1/attendance/`: a permission table (role × endpoint × method), scoping
(a member sees only their own attendance; someone else's is 404), filters, sign-up and the cost of a list."""

import datetime as dt

import pytest
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, Attendance
from tests.factories import MemberFactory

from .conftest import ROLES

API_TABLE = [
    # resource      view        method    anon member other office unit leader admin auditor
    ("activities",  "list",     "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("activities",  "list",     "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("activities",  "detail",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("activities",  "detail",   "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("activities",  "detail",   "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("activities",  "detail",   "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("activities",  "signup",   "POST",   401, 409, 200, 403, 403, 403, 403, 403),
    ("activities",  "cancel-signup", "POST", 401, 409, 409, 403, 403, 403, 403, 403),
    ("attendance",  "list",     "GET",    401, 200, 200, 200, 403, 200, 403, 403),
    ("attendance",  "list",     "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("attendance",  "detail",   "GET",    401, 200, 404, 200, 403, 200, 403, 403),
    ("attendance",  "detail",   "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("attendance",  "detail",   "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("attendance",  "detail",   "DELETE", 401, 403, 403, 204, 403, 403, 403, 403),
]  # fmt: skip


@pytest.fixture
def objects(users, make_user):
    """An activity open for sign-up, on which the member 张明 is already recorded (so signing up again
    conflicts and another member may still sign up)."""
    office = make_user("office", username="office_setup")
    start = timezone.localdate() + dt.timedelta(days=10)
    activity = activity_services.activity_save(
        actor=office,
        data={"kind": "training", "title": "冬季培训班", "start_date": start, "signup_open": True},
    )
    me = users["member"].member
    activity_services.attendance_record(actor=office, activity=activity, entries={me.pk: "attended"})
    users["other_member"]  # noqa: B018 — the second member exists before the request
    other = MemberFactory(name="赵新")
    return {
        "activity": activity,
        "attendance": Attendance.objects.get(activity=activity, member=me),
        "other": other,
    }


def _bodies(objects):
    activity, other = objects["activity"], objects["other"]
    return {
        ("activities", "POST"): {"kind": "group", "title": "委员组活动", "start_date": "2026-07-01"},
        ("activities", "PUT"): {
            "kind": "training",
            "title": "冬季培训班（改）",
            "start_date": str(activity.start_date),
        },
        ("activities", "PATCH"): {"place": "区委党校"},
        ("attendance", "POST"): {"activity": activity.pk, "member": other.pk, "status": "excused"},
        ("attendance", "PUT"): {"status": "attended", "speeches": 2},
        ("attendance", "PATCH"): {"speeches": 3},
    }


def _snapshot():
    return list(Activity.objects.order_by("pk").values()), list(Attendance.objects.order_by("pk").values())


@pytest.mark.parametrize(
    "resource, view, method, role, expected",
    [
        pytest.param(*row[:3], role, status, id="-".join([*row[:3], role]))
        for row in API_TABLE
        for role, status in zip(ROLES, row[3:], strict=True)
    ],
)
def test_api_permissions(api_as, objects, resource, view, method, role, expected):
    client = api_as(role)
    obj = objects["activity"] if resource == "activities" else objects["attendance"]
    url = {"list": f"/api/v1/{resource}/", "detail": f"/api/v1/{resource}/{obj.pk}/"}.get(
        view, f"/api/v1/{resource}/{obj.pk}/{view}/"
    )
    body = _bodies(objects).get((resource, method)) if view in ("list", "detail") else None
    before = _snapshot()
    call = getattr(client, method.lower())
    response = call(url, body, format="json") if body else call(url)
    assert response.status_code == expected, response.content.decode()
    if expected >= 400:
        assert set(response.json()) == {"message", "errors"}
        assert _snapshot() == before
    elif method == "GET" and view == "list":
        listed = obj.pk in [item["id"] for item in response.json()["results"]]
        assert listed is not (resource == "attendance" and role == "other_member")  # someone else's record
    elif method == "GET":
        assert response.json()["id"] == obj.pk
    elif method != "GET":
        assert _snapshot() != before


def test_api_table_covers_every_route():
    from portal.urls import router

    prefixes = {p for p, viewset, _ in router.registry if viewset.__module__ == "activities.api"}
    assert prefixes == {row[0] for row in API_TABLE}


def test_members_see_only_their_own_attendance(api_as, users, objects):
    me = users["member"].member
    other_member = users["other_member"].member
    office = users["office"]
    activity_services.attendance_record(actor=office, activity=objects["activity"], entries={other_member.pk: "absent"})
    mine = api_as("member").get("/api/v1/attendance/").json()
    assert [row["member"] for row in mine["results"]] == [me.pk]
    assert mine["results"][0]["status"] == "attended" and mine["results"][0]["activity_title"] == "冬季培训班"
    everyone = api_as("leader").get("/api/v1/attendance/", {"activity": objects["activity"].pk}).json()
    assert {row["member"] for row in everyone["results"]} == {me.pk, other_member.pk}


def test_attendance_write_goes_through_the_service(api_as, objects):
    client = api_as("office")
    url = f"/api/v1/attendance/{objects['attendance'].pk}/"
    response = client.patch(url, {"status": "excused", "speeches": 2}, format="json")
    assert response.status_code == 400 and "只有出席的委员" in response.json()["message"]
    response = client.patch(url, {"speeches": 2, "note": "大会发言"}, format="json")
    assert response.status_code == 200
    assert (response.json()["speeches"], response.json()["note"]) == (2, "大会发言")
    response = client.post(
        "/api/v1/attendance/",
        {"activity": objects["activity"].pk, "member": objects["other"].pk, "status": "late"},
        format="json",
    )
    assert response.status_code == 400


def test_activity_api_filters_and_refuses_managed_kinds(api_as, objects, office_user):
    activity_services.activity_save(
        actor=office_user, data={"kind": "publicity", "title": "宣传报道", "start_date": dt.date(2025, 3, 1)}
    )
    client = api_as("leader")
    titles = [a["title"] for a in client.get("/api/v1/activities/", {"kind": "publicity"}).json()["results"]]
    assert titles == ["宣传报道"]
    assert client.get("/api/v1/activities/", {"year": 2025}).json()["count"] == 1
    row = client.get(f"/api/v1/activities/{objects['activity'].pk}/").json()
    assert (row["attended_count"], row["kind_display"], row["consultation"]) == (1, "学习培训", None)
    response = api_as("office").post(
        "/api/v1/activities/", {"kind": "inspection", "title": "视察", "start_date": "2026-05-01"}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_signup_through_the_api(api_as, objects):
    response = api_as("other_member").post(f"/api/v1/activities/{objects['activity'].pk}/signup/")
    assert response.status_code == 200 and response.json()["status"] == "signed_up"
    response = api_as("other_member").post(f"/api/v1/activities/{objects['activity'].pk}/cancel-signup/")
    assert response.status_code == 204
    assert Attendance.objects.filter(status="signed_up").count() == 0


def test_lists_cost_the_same_for_few_or_many_rows(api_as, users, django_assert_max_num_queries):
    office = users["office"]
    client = api_as("office")
    members = [MemberFactory() for _ in range(4)]
    for count in (2, 20):
        while Activity.objects.count() < count:
            activity = activity_services.activity_save(
                actor=office, data={"kind": "group", "title": "活动", "start_date": dt.date(2026, 5, 1)}
            )
            activity_services.attendance_record(
                actor=office, activity=activity, entries={m.pk: "attended" for m in members}
            )
        with django_assert_max_num_queries(6):
            assert client.get("/api/v1/activities/").json()["count"] == count
        with django_assert_max_num_queries(6):
            assert client.get("/api/v1/attendance/").json()["count"] == count * 4
