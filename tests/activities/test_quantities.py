"""The work report's quantities: one catalogue (工作报告数据项) the office keeps, values per activity
through the page and the API, and the members' key projects (分包重点项目)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityQuantity, KeyProject, QuantityKind
from cppcc.errors import ApplicationError, Conflict
from reports import statistics
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _values(activity) -> dict:
    return {q.kind.code: q.value for q in ActivityQuantity.objects.filter(activity=activity).select_related("kind")}


def test_api_writes_and_reads_quantities_by_code(api_as, catalogue):
    client = api_as("office")
    response = client.post(
        "/api/v1/activities/",
        {
            "kind": "poverty",
            "title": "帮助X村建成光亮工程",
            "start_date": "2026-06-01",
            "is_highlight": True,
            "quantities": {"lamps": 75, "projects_built": 1, "goods_value_wan": "1.10"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["quantities"] == {"goods_value_wan": 1.1, "lamps": 75, "projects_built": 1}
    assert body["is_highlight"] is True
    activity = Activity.objects.get(pk=body["id"])

    # A code given sets its value, null removes it, a code not given keeps what was recorded.
    response = client.patch(
        f"/api/v1/activities/{activity.pk}/", {"quantities": {"lamps": 80, "projects_built": None}}, format="json"
    )
    assert response.status_code == 200
    assert _values(activity) == {"lamps": Decimal("80.00"), "goods_value_wan": Decimal("1.10")}


@pytest.mark.parametrize(
    "quantities, message",
    [
        ({"trees_planted": 3}, "没有这个数据项"),
        ({"lamps": "2.5"}, "应为整数"),
        ({"lamps": -1}, None),  # the serializer's own minimum
        ({"donations_wan": 3}, "已停用"),  # retired: kept for old records, not offered for new entries
    ],
)
def test_api_refuses_bad_quantities_and_writes_nothing(api_as, catalogue, quantities, message):
    data = {"kind": "welfare", "title": "义诊", "start_date": "2026-06-01", "quantities": quantities}
    response = api_as("office").post("/api/v1/activities/", data, format="json")
    assert response.status_code == 400
    if message:
        assert message in response.json()["message"]
    assert not Activity.objects.exists() and not ActivityQuantity.objects.exists()


def test_the_office_adds_a_quantity_and_the_form_offers_it(client, office_user, catalogue):
    client.force_login(office_user)
    response = client.post(
        reverse("activities:quantities"),
        {
            "name": "植树",
            "code": "trees_planted",
            "unit": "棵",
            "decimal_places": 0,
            "aggregate": "sum",
            "activity_kinds": ["welfare"],
            "report_use": "义务植树X棵",
            "order": 300,
        },
    )
    assert response.status_code == 302
    trees = QuantityKind.objects.get(code="trees_planted")
    page = client.get(reverse("activities:create")).content.decode()
    assert 'name="q_trees_planted"' in page and "植树（棵）" in page
    assert 'name="q_donations_wan"' not in page  # retired

    activity = services.activity_save(
        actor=office_user,
        data={
            "kind": "welfare",
            "title": "义务植树",
            "start_date": dt.date(2026, 3, 12),
            "quantities": {"trees_planted": 120},
        },
    )
    assert statistics.activities(statistics.period_for(year=2026))["by_kind"]["welfare"]["trees_planted"] == 120
    # Its code is what templates and the API use: once recorded it stays.
    with pytest.raises(Conflict):
        services.quantity_kind_save(actor=office_user, kind=trees, data={"code": "trees"})
    # Retired: no longer offered, what was recorded still counts and stays editable.
    client.post(reverse("activities:quantity_active", args=[trees.pk]), {"active": "0"})
    assert 'name="q_trees_planted"' not in client.get(reverse("activities:create")).content.decode()
    assert 'name="q_trees_planted"' in client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert statistics.activities(statistics.period_for(year=2026))["quantities"]["trees_planted"] == 120


def test_how_a_quantity_aggregates(office_user, catalogue):
    """Sum by default; the largest single value; or the number of activities that recorded it."""

    def record(kind, day, **quantities):
        services.activity_save(
            actor=office_user, data={"kind": kind, "title": f"{kind}{day}", "start_date": day, "quantities": quantities}
        )

    record("poverty", dt.date(2026, 2, 1), companies=3, jobs_offered=10)
    record("poverty", dt.date(2026, 5, 1), companies=4, jobs_offered=15)
    record("exchange", dt.date(2026, 5, 2), companies=12)
    record("poverty", dt.date(2025, 5, 1), companies=9, jobs_offered=99)  # the year before
    year = statistics.period_for(year=2026)
    figures = statistics.activities(year)
    assert figures["by_kind"]["poverty"]["companies"] == 7 and figures["quantities"]["companies"] == 19
    assert figures["poverty_companies"] == 7 and figures["quantities"]["jobs_offered"] == 25

    QuantityKind.objects.filter(code="companies").update(aggregate="max")
    figures = statistics.activities(year)
    assert figures["by_kind"]["poverty"]["companies"] == 4 and figures["quantities"]["companies"] == 12
    QuantityKind.objects.filter(code="companies").update(aggregate="count")
    assert statistics.activities(year)["quantities"]["companies"] == 3


def test_key_projects_count_those_of_one_yi_and_more_with_members(client, office_user, catalogue):
    leader, vice = MemberFactory(), MemberFactory()
    client.force_login(office_user)
    for name, investment, members in (
        ("城中村改造项目", "12", [leader.pk]),
        ("安置房二期", "2.5", [leader.pk, vice.pk]),
        ("社区便民服务中心", "0.6", [vice.pk]),  # under 1亿元
        ("产业园道路", "3", []),  # nobody responsible yet
    ):
        data = {"year": 2026, "name": name, "stage": "new", "investment_yi": investment, "members": members}
        assert client.post(reverse("activities:key_projects"), data).status_code == 302
    KeyProject.objects.create(year=2025, name="去年的项目", investment_yi=5).members.add(leader)
    # The same project twice in one year is refused, with the form kept.
    again = {"year": 2026, "name": "城中村改造项目", "stage": "new", "investment_yi": "1", "members": [leader.pk]}
    assert client.post(reverse("activities:key_projects"), again).status_code == 200
    figures = statistics.activities(statistics.period_for(year=2026))["key_projects"]
    assert figures == {"total": 3, "over_one_yi": 2, "members": 2, "names": ["城中村改造项目", "安置房二期"]}


def test_only_the_office_changes_the_catalogue(make_user, catalogue):
    leader = make_user("leader")
    with pytest.raises(ApplicationError):
        services.quantity_kind_save(actor=leader, data={"name": "x", "code": "x", "unit": "个"})
