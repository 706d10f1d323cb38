"""`/api/v1/assessments/`: office and leaders read everyone, a member only themselves (404 for anyone
else), results are those of `engine.score()`, the breakdown is on retrieve, and a list costs the same
for 10 or 60 members."""

import datetime as dt
from decimal import Decimal

import pytest

from activities import services as activity_services
from assessment import engine
from assessment import services as assessment_services
from members.models import Member, MemberGroup
from tests.factories import MemberFactory

from .conftest import ROLES

YEAR = 2026

API_TABLE = [
    # A read-only resource: writes are refused by the permission check (403) before the method (405).
    # view      method    anon member other office unit leader admin auditor
    ("list",    "GET",    401, 200, 200, 200, 403, 200, 403, 403),
    ("list",    "POST",   401, 403, 403, 403, 403, 403, 403, 403),
    ("detail",  "GET",    401, 200, 404, 200, 403, 200, 403, 403),
    ("detail",  "PUT",    401, 403, 403, 403, 403, 403, 403, 403),
    ("detail",  "DELETE", 401, 403, 403, 403, 403, 403, 403, 403),
]  # fmt: skip


@pytest.fixture
def world(users, make_user):
    office = make_user("office", username="office_setup")
    scheme = assessment_services.assessment_scheme_create_default(actor=office, year=YEAR)
    group = MemberGroup.objects.create(name="第一委员活动组")
    me, other = users["member"].member, users["other_member"].member
    Member.objects.filter(pk__in=[me.pk, other.pk]).update(group=group)
    training = activity_services.activity_save(
        actor=office, data={"kind": "training", "title": "履职培训", "start_date": dt.date(YEAR, 4, 2)}
    )
    activity_services.attendance_record(actor=office, activity=training, entries={me.pk: "attended"})
    assessment_services.assessment_manual_item_add(
        actor=office, member=me, category=scheme.categories.get(name="本职工作"), points=Decimal(5), reason="获表彰"
    )
    return {"me": me, "other": other, "office": office, "training": training, "scheme": scheme}


@pytest.mark.parametrize(
    "view, method, role, expected",
    [
        pytest.param(view, method, role, status, id=f"{view}-{method}-{role}")
        for view, method, *statuses in API_TABLE
        for role, status in zip(ROLES, statuses, strict=True)
    ],
)
def test_api_permissions(api_as, world, view, method, role, expected):
    url = "/api/v1/assessments/" if view == "list" else f"/api/v1/assessments/{world['me'].pk}/"
    response = getattr(api_as(role), method.lower())(url, {"year": YEAR} if method == "GET" else {})
    assert response.status_code == expected, response.content.decode()
    if expected >= 400:
        assert set(response.json()) == {"message", "errors"}


def test_office_reads_everyone_ranked(api_as, world):
    body = api_as("office").get("/api/v1/assessments/", {"year": YEAR}).json()
    expected = engine.score(year=YEAR)
    assert body["count"] == len(expected) == Member.objects.count()
    first = body["results"][0]
    assert (first["member"], first["rank"], first["total"], first["year"]) == (world["me"].pk, 1, 8.0, YEAR)
    assert first["grade"] == "不称职" and first["group_name"] == "第一委员活动组"
    categories = {c["name"]: c["score"] for c in first["categories"]}
    assert (categories["学习培训"], categories["本职工作"]) == (3.0, 5.0)
    assert "lines" not in first["categories"][0]
    by_group = api_as("leader").get("/api/v1/assessments/", {"year": YEAR, "group": 999999}).json()
    assert by_group["count"] == 0


def test_a_member_reads_only_their_own_result_with_the_breakdown(api_as, world):
    client = api_as("member")
    body = client.get("/api/v1/assessments/", {"year": YEAR}).json()
    assert [r["member"] for r in body["results"]] == [world["me"].pk]
    assert body["results"][0]["rank"] == 1  # the rank among everyone, not among one
    detail = client.get(f"/api/v1/assessments/{world['me'].pk}/", {"year": YEAR}).json()
    lines = [
        (line["label"], line["quantity"], line["points"], line["score"], line["reason"])
        for c in detail["categories"]
        for line in c["lines"]
    ]
    assert lines == [("参加学习培训", 1.0, 3.0, 3.0, ""), ("手工加减分", 1.0, 5.0, 5.0, "获表彰")]
    assert client.get(f"/api/v1/assessments/{world['other'].pk}/", {"year": YEAR}).status_code == 404


def test_year_is_checked(api_as, world):
    client = api_as("office")
    assert client.get("/api/v1/assessments/", {"year": "abc"}).status_code == 400
    assert client.get("/api/v1/assessments/", {"year": 2031}).json()["count"] == 0
    assert client.get(f"/api/v1/assessments/{world['me'].pk}/", {"year": 2031}).status_code == 404


def test_list_costs_the_same_for_10_or_60_members(api_as, world, django_assert_max_num_queries):
    client = api_as("leader")
    for count in (10, 60):
        while Member.objects.count() < count:
            m = MemberFactory()
            activity_services.attendance_record(
                actor=world["office"], activity=world["training"], entries={m.pk: "attended"}
            )
        with django_assert_max_num_queries(26):
            body = client.get("/api/v1/assessments/", {"year": YEAR, "page_size": 100}).json()
        assert body["count"] == count
