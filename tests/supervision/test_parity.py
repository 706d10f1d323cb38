"""For every lifecycle, state and role: the page shows exactly the actions the API accepts (and lists).

One table per app (this one: inspections and recommendations): each row builds a record in one state
through the services; the one check (tests/lifecycle/parity.py) runs it for every role of the app's
`people` fixture and the row names what each role must get.
"""

import pytest
from django.urls import reverse

from supervision.workflow import INSPECTION, RECOMMENDATION
from tests.lifecycle.parity import Case, assert_parity

SUPERVISION_ROLES = ("office", "leader", "member", "outsider", "unit_a", "unit_b", "admin", "auditor")


def _inspection_case(inspection):
    return Case(
        INSPECTION,
        inspection,
        reverse("supervision:detail", args=[inspection.pk]),
        lambda name: reverse("supervision:action", args=[inspection.pk, name]),
        f"/api/v1/inspections/{inspection.pk}/",
    )


def _recommendation_case(r):
    return Case(
        RECOMMENDATION,
        r,
        reverse("supervision:recommendation", args=[r.pk]),
        lambda name: reverse("supervision:recommendation_action", args=[r.pk, name]),
        f"/api/v1/recommendations/{r.pk}/",
    )


def inspection_planned(make_inspection, recommendation_in):
    return _inspection_case(make_inspection(state="planned"))


def inspection_held_waiting(make_inspection, recommendation_in):
    inspection = make_inspection(state="held")
    recommendation_in(inspection, state="sent")
    return _inspection_case(inspection)


def inspection_held_answered(make_inspection, recommendation_in):
    inspection = make_inspection(state="held")
    recommendation_in(inspection, state="responded")
    return _inspection_case(inspection)


def inspection_closed(make_inspection, recommendation_in):
    return _inspection_case(make_inspection(state="closed"))


def recommendation_draft(make_inspection, recommendation_in):
    return _recommendation_case(recommendation_in(make_inspection(state="held"), state="draft"))


def recommendation_sent(make_inspection, recommendation_in):
    return _recommendation_case(recommendation_in(make_inspection(state="held"), state="sent"))


def recommendation_responded(make_inspection, recommendation_in):
    return _recommendation_case(recommendation_in(make_inspection(state="held"), state="responded"))


# lifecycle/state → (builder, the actions each role is expected to get; roles not named get none)
SUPERVISION_ROWS = {
    "inspection/planned": (inspection_planned, {"office": {"hold"}}),
    "inspection/held, a recommendation waiting": (inspection_held_waiting, {}),
    "inspection/held, all answered": (inspection_held_answered, {"office": {"close"}}),
    "inspection/closed": (inspection_closed, {}),
    "recommendation/draft": (recommendation_draft, {"office": {"send"}}),
    "recommendation/sent": (recommendation_sent, {"office": {"extend"}, "unit_a": {"respond"}}),
    "recommendation/responded": (recommendation_responded, {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("row", SUPERVISION_ROWS)
def test_supervision_page_shows_what_the_api_accepts(row, people, make_inspection, recommendation_in):
    build, expected = SUPERVISION_ROWS[row]
    case = build(make_inspection, recommendation_in)
    got = {role: assert_parity(case, people[role]) for role in SUPERVISION_ROLES}
    assert got == {role: expected.get(role, set()) for role in SUPERVISION_ROLES}
