"""The leaders' dashboard: who may open it, the period it shows, that its figures are `annual()`'s
(checked against the hand count of `year_of_work`), the drill-down links, and a bounded page cost."""

import datetime as dt
import json
import re
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from activities.models import Activity, Attendance
from members.models import HandlingUnit
from proposals import services as ps
from proposals.models import ProposalCategory
from reports import statistics
from tests.factories import MemberFactory

URL = "/reports/dashboard/"
YEAR = statistics.period_for(year=2026)


def _value(html: str, key: str) -> str:
    match = re.search(rf'data-testid="value-{key}">([^<]*)<', html)
    assert match, f"figure {key} missing"
    return match.group(1).strip()


def _charts(html: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "chart data missing"
    return json.loads(match.group(1))


def _page(client, **params):
    response = client.get(URL, params)
    return response, response.content.decode()


# --- who may open it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 302),
        ("proposer", 403),  # member
        ("unit_a", 403),
        ("admin", 403),
        ("auditor", 403),
        ("office", 200),
        ("leader", 200),
    ],
)
def test_only_office_and_leaders_see_the_dashboard(people, client_for, who, status):
    response = client_for(people[who] if who else None).get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/?next=/reports/dashboard/")
    if status == 200:
        assert "领导驾驶舱" in response.content.decode()


# --- the period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"year": "abc"}, "统计期间有误"),
        ({"year": "1800"}, "年份超出范围"),
        ({"term": "999"}, "届次不存在"),
    ],
)
def test_a_bad_period_answers_400_with_a_message_and_the_selector(people, client_for, params, message):
    response, html = _page(client_for(people["leader"]), **params)
    assert response.status_code == 400
    assert message in html
    assert 'data-testid="period-form"' in html and "dashboard-data" not in html


def test_the_default_period_is_the_current_year(people, client_for):
    _, html = _page(client_for(people["office"]))
    assert f"{timezone.localdate().year}年" in re.search(r'data-testid="period-label">([^<]*)<', html).group(1)


def test_a_term_covers_its_years_and_its_links_filter_by_term(year_of_work, people, client_for, term):
    response, html = _page(client_for(people["leader"]), term=term.pk, year="2020")
    assert response.status_code == 200
    assert "第九届（2022—2026年）" in html  # the term wins over a stray year
    charts = _charts(html)
    assert len(charts["monthly_proposals"]["months"]) == 5 * 12
    assert charts["monthly_proposals"]["months"][0] == "2022.01"
    assert _value(html, "submitted") == "7"
    assert all(parse_qs(urlsplit(c["url"]).query)["term"] == [str(term.pk)] for c in charts["categories"])


# --- the figures are annual()'s -------------------------------------------------------------------


def test_the_figures_are_the_annual_statistics(year_of_work, people, client_for):
    response, html = _page(client_for(people["leader"]), year=2026)
    assert response.status_code == 200
    data = statistics.annual(YEAR)
    act, part, prop = data["activities"], data["participation"], data["proposals"]
    # The hand count of year_of_work, as the page shows it and as annual() has it.
    expected = {
        "inspection_research": (act["inspection_research"], 2),
        "consultations": (act["consultations"], 1),
        "members": (part["members"], 3),
        "submitted": (prop["submitted"], 7),  # received: the withdrawn one is not
        "filed": (prop["filed"], 3),
        "on_time_rate": (prop["replies"]["on_time_rate"], 100.0),
        "satisfaction_rate": (prop["satisfaction"]["rate"], 100.0),
    }
    for key, (annual_value, hand_count) in expected.items():
        assert annual_value == hand_count, key
        assert float(_value(html, key)) == hand_count, key
    assert f"{part['person_times']} 人次" in html  # 5
    assert re.search(r'data-testid="participation-person-times">5<', html)
    assert re.search(r'data-testid="participation-attendance">62.5%<', html)  # 5 attended of 8 recorded
    assert re.search(r'data-testid="replies-due">2<', html)
    assert re.search(r'data-testid="key-total">1<', html)

    charts = _charts(html)
    assert charts["monthly_proposals"]["submitted"] == prop["monthly_submitted"]
    assert {c["name"]: c["filed"] for c in charts["categories"]} == prop["filed_by_category"]
    assert {s["state"]: s["value"] for s in charts["states"]} == prop["by_state"]
    assert {r["name"][0]: r["value"] for r in charts["results"]} == prop["replies"]["results"]
    assert sum(charts["monthly_activities"]["inspection_research"]) == act["inspection_research"]
    assert sum(charts["monthly_activities"]["consultations"]) == act["consultations"]
    assert sum(row["person_times"] for row in charts["participation"]) == part["person_times"]
    assert [(u["unit"], u["on_time_rate"]) for u in charts["units"]] == [("区教育局", 100.0)]


def test_monthly_activities_follow_the_rules_of_the_annual_counts(year_of_work):
    monthly = statistics.monthly_activities(YEAR)
    assert monthly["months"][0] == "1月" and len(monthly["months"]) == 12
    # April's inspection and June's research were held; November's is only planned, so not counted.
    assert monthly["inspection_research"] == [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    assert monthly["consultations"][6] == 1  # July
    # Publicity (Feb), training and a group leaders' exchange (Mar), welfare and another group leaders'
    # exchange (May), assisting the municipal committee (Aug), poverty (Sep), exchange (Oct).
    assert monthly["other"] == [0, 1, 2, 0, 2, 0, 0, 1, 1, 1, 0, 0]


def test_participation_by_kind(year_of_work):
    rows = {row["kind"]: row for row in statistics.participation_by_kind(YEAR)}
    assert (rows["inspection"]["members"], rows["inspection"]["person_times"]) == (3, 3)  # a, b; c at the planned one
    assert rows["research"]["person_times"] == 0 and rows["research"]["attendance_rate"] == 0.0  # b absent
    assert rows["training"]["attendance_rate"] == 50.0
    assert list(rows) == ["consultation", "inspection", "research", "training"]  # the order of Activity.Kind


def test_overdue_and_key_proposals(year_of_work, people, client_for):
    _, html = _page(client_for(people["leader"]), year=2026)
    p2 = year_of_work["proposals"][1]  # replied in January, the proposer's feedback long overdue
    rows = re.findall(r'data-testid="overdue-row">(.*?)</tr>', html, re.S)
    assert len(rows) == 1 and p2.title in rows[0] and "评价逾期" in rows[0] and "区教育局" in rows[0]
    assert re.search(r'data-testid="value-overdue">1<', html)
    key_rows = re.findall(r'data-testid="key-row" data-state="(\w+)"', html)
    assert key_rows == [s["state"] for s in statistics.annual(YEAR)["proposals"]["key_list"]] == ["replied"]


def test_sections_added_later_appear_when_annual_carries_them(year_of_work, people, client_for, monkeypatch):
    client = client_for(people["leader"])
    _, html = _page(client, year=2026)
    # Opinions are always counted (the converted proposal became one); no assessment scheme, no card.
    assert _value(html, "opinions") == "1" and 'data-testid="figure-assessment"' not in html

    real = statistics.annual

    def with_sections(period):
        return {
            **real(period),
            "opinions": {"submitted": 42, "adopted": 17},
            "assessment": {"assessed": 280, "outstanding": 30},
        }

    monkeypatch.setattr(statistics, "annual", with_sections)
    _, html = _page(client, year=2026)
    assert _value(html, "opinions") == "42" and "采用 17 件" in html
    assert _value(html, "assessment") == "280" and "优秀委员 30 位" in html


# --- drill-down -----------------------------------------------------------------------------------


def test_drill_down_links_lead_to_the_filtered_lists(year_of_work, people, client_for):
    client = client_for(people["leader"])
    _, html = _page(client, year=2026)
    charts = _charts(html)
    category = ProposalCategory.objects.get(name="经济建设")
    unit = HandlingUnit.objects.get(name="区教育局")

    assert charts["categories"][0]["url"] == f"/proposals/?category={category.pk}&received=true&year=2026"
    assert {s["state"]: s["url"] for s in charts["states"]}["replied"] == "/proposals/?state=replied&year=2026"
    assert charts["units"][0]["url"] == f"/proposals/?unit={unit.pk}&year=2026"
    page = unescape(html)
    for url in (charts["categories"][0]["url"], charts["units"][0]["url"], "/proposals/board/?overdue=true"):
        assert f'href="{url}"' in page, url

    # Each link lands on a list whose total is the number the chart showed.
    listed = client.get(charts["categories"][0]["url"]).content.decode()
    assert f"共 {charts['categories'][0]['submitted']} 件" in listed
    for state in charts["states"]:
        assert f"共 {state['value']} 件" in client.get(state["url"]).content.decode(), state["state"]
    board = client.get("/proposals/board/?overdue=true").content.decode()
    assert "共 1 件" in board


def test_no_inline_javascript_and_no_cdn(year_of_work, people, client_for):
    _, html = _page(client_for(people["office"]), year=2026)
    for attrs in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        assert "src=" not in attrs or "/static/" in attrs
    assert "/static/vendor/echarts-5.6.0/echarts.min.js" in html and "/static/js/dashboard.js" in html


# --- cost -----------------------------------------------------------------------------------------

MAX_QUERIES = 50


def _more_work(people, draft, walk, n=8):
    """Another unit, category, proposals in several states and months, activities with attendance."""
    other = ProposalCategory.objects.get_or_create(name="社会建设", defaults={"order": 40})[0]
    for i in range(n):
        clock = timezone.make_aware(dt.datetime(2026, 2 + i % 6, 3, 10))
        with mock.patch("django.utils.timezone.now", lambda clock=clock: clock):
            proposal = draft(f"关于第{i}件事的建议", **({"category": other} if i % 2 else {}))
            p = walk(proposal, ["handling", "replied", "assigned", "closed"][i % 4], lead="c", co=("a",))
            if i % 3 == 0:
                ps.proposal_set_flags(actor=people["leader"], proposal=p, data={"is_key": True})
    office = people["office"]
    members = [MemberFactory() for _ in range(6)]
    for month in range(1, 12):
        activity = Activity.objects.create(
            kind="group", title=f"委员组活动{month}", start_date=dt.date(2026, month, 15), created_by=office
        )
        for member in members:
            Attendance.objects.create(activity=activity, member=member, status="attended")


def test_the_page_costs_the_same_for_a_small_and_a_larger_year(
    year_of_work, people, client_for, draft, walk, django_assert_max_num_queries
):
    client = client_for(people["leader"])
    with django_assert_max_num_queries(MAX_QUERIES) as before:
        response, small = _page(client, year=2026)
    assert response.status_code == 200

    _more_work(people, draft, walk)
    with django_assert_max_num_queries(MAX_QUERIES) as after:
        response, large = _page(client, year=2026)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
    assert int(_value(large, "submitted")) > int(_value(small, "submitted"))
    assert len(_charts(large)["units"]) > len(_charts(small)["units"])
    assert len(re.findall('data-testid="key-row"', large)) > len(re.findall('data-testid="key-row"', small))
