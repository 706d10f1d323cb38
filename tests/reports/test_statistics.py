"""Every figure checked against the hand count of `year_of_work` (tests/reports/conftest.py)."""

import pytest

from reports import statistics

YEAR = statistics.period_for(year=2026)


def test_activity_counts(year_of_work):
    a = statistics.activities(YEAR)
    assert (a["inspection_research"], a["inspections"], a["research"]) == (2, 1, 1)  # planned and 2025 excluded
    # The meeting of the dropped topic is not counted.
    assert a["consultations"] == 1 and a["consultations_by_form"] == {"special": 1}
    assert a["trainings"] == 1
    assert (a["welfare"], a["poverty"], a["exchanges"], a["publicity"]) == (1, 1, 1, 1)
    assert a["donations_wan"] == 15.5  # cash 12.5 (welfare) + goods 3 (poverty)
    q = a["quantities"]
    assert (q["people_served"], q["visits_made"], q["articles_published"]) == (300, 25, 40)
    assert (q["companies"], q["cooperation_intents"], q["services_provided"]) == (15, 5, 8)
    assert (q["cash_donated_wan"], q["goods_value_wan"], q["lamps"]) == (12.5, 3, 0)
    # Per kind of activity: the poverty paragraph's "X家委员企业" is 3, not the exchange's 12.
    assert a["by_kind"]["poverty"]["companies"] == a["poverty_companies"] == 3
    assert a["by_kind"]["exchange"]["companies"] == 12 and a["by_kind"]["welfare"]["companies"] == 0
    assert (a["group_leader_exchanges"], a["assisted_research"]) == (2, 1)


def test_participation_counts_each_member_once_and_every_time(year_of_work):
    p = statistics.participation(YEAR)
    # Inspections + consultation held in 2026: a twice, b once → 2 members, 3 person-times.
    assert (p["core_members"], p["core_person_times"]) == (2, 3)
    # Every 2026 activity: a ×2, b ×1, c (planned inspection, training) ×2 → 3 members, 5 person-times.
    assert (p["members"], p["person_times"]) == (3, 5)
    assert (p["training_members"], p["training_person_times"]) == (1, 1)
    assert p["training_attendance_rate"] == 50.0  # c attended, a absent
    assert (p["excused"], p["absent"]) == (1, 2)


def test_regulations_of_the_year(year_of_work):
    assert statistics.regulations(YEAR) == {
        "total": 1,
        "rules": 1,
        "titles": ["政协委员履职管理办法"],
        "internal": 1,
        "internal_titles": ["集体学习制度"],
    }


def test_proposal_counts(year_of_work):
    p = statistics.proposals(YEAR)
    # The draft is not submitted; the merged proposal counts once, as merged, never as filed; the withdrawn
    # one is not received. Received 7 = filed 3 + not filed 1 + merged 1 + converted 1 + in review 1.
    assert (p["submitted"], p["filed"], p["not_filed"], p["merged"], p["converted"]) == (7, 3, 1, 1, 1)
    assert (p["pending_review"], p["withdrawn"]) == (1, 1)
    assert p["submitted"] == p["filed"] + p["not_filed"] + p["merged"] + p["converted"] + p["pending_review"]
    assert p["filing_rate"] == 42.9  # 3 / 7
    assert p["filed_by_category"] == {"经济建设": 3}
    assert p["key"] == 1 and p["key_by_state"] == {"replied": 1}
    assert p["by_state"] == {
        "closed": 1, "replied": 1, "filed": 1, "not_filed": 1, "merged": 1, "converted": 1, "submitted": 1,
        "withdrawn": 1,
    }  # fmt: skip
    assert sum(p["filed_by_party"].values()) == 3 and sum(p["filed_by_sector"].values()) == 3
    assert p["monthly_submitted"][0] == 7 and sum(p["monthly_submitted"]) == 7


def test_replies_and_satisfaction(year_of_work):
    p = statistics.proposals(YEAR)
    # Two proposals were assigned (lead unit a, co-unit b): two lead replies due in April 2026.
    r = p["replies"]
    assert (r["due"], r["replied"], r["on_time"], r["late"]) == (2, 2, 2, 0)
    assert r["results"] == {"A": 2, "B": 0, "C": 0}  # co-units' opinions are not counted
    assert p["satisfaction"] == {"total": 1, "satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0, "rate": 100.0}
    units = {row["unit"]: row for row in p["by_unit"]}
    assert units["区教育局"]["lead"] == 2 and units["区生态环境分局"]["co"] == 2


def test_annual_has_stable_keys_and_a_bounded_query_count(year_of_work, django_assert_max_num_queries):
    with django_assert_max_num_queries(35):
        data = statistics.annual(YEAR)
    assert set(data) >= {"period", "activities", "participation", "proposals", "regulations"}
    assert data["period"] == {"start": "2026-01-01", "end": "2026-12-31", "label": "2026年"}


@pytest.mark.parametrize(
    "params, status",
    [
        ({"year": "2026"}, 200),
        ({"year": "abc"}, 400),
        ({"start": "2026-05-01", "end": "2026-04-01"}, 400),
        ({"term": "999"}, 400),
    ],
)
def test_annual_api_validates_the_period(year_of_work, api_client, people, params, status):
    api_client.force_authenticate(people["office"])
    response = api_client.get("/api/v1/reports/annual/", params)
    assert response.status_code == status
    if status == 200:
        assert response.json()["proposals"]["filed"] == 3


@pytest.mark.parametrize(
    "role, status",
    [
        ("office", 200),
        ("leader", 200),
        ("proposer", 403),
        ("unit_a", 403),
        ("admin", 403),
        ("auditor", 403),
        (None, 401),
    ],
)
def test_only_office_and_leaders_read_committee_wide_reports(people, api_client, role, status):
    if role:
        api_client.force_authenticate(people[role])
    assert api_client.get("/api/v1/reports/annual/", {"year": 2026}).status_code == status
