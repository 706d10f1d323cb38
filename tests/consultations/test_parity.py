"""For every consultation lifecycle, state and role: the page shows exactly the actions the API accepts
(and lists) — the annual plan on the board, a topic on its page, an outcome on its page.

Each row builds one record in one state through the services; the one check (tests/lifecycle/parity.py)
runs it for every role of the consultation `people` fixture and the row names what each role must get.
Topics are proposed by `member` (the topic's proposer; `other` is another member) and walked by the
office; outcomes are assigned to unit_a's department (unit_b's is another), or to both where named.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from consultations import services
from consultations.workflow import OUTCOME, PLAN, TOPIC
from tests.lifecycle.parity import Case, assert_parity, detail_case

CONSULTATION_ROLES = ("office", "leader", "member", "other", "unit_a", "unit_b", "admin", "auditor")


def _plan_case(plan):
    # A plan's buttons are on the board of its year.
    return Case(
        PLAN, plan, f"{reverse('consultations:board')}?year={plan.year}",
        lambda name: reverse("consultations:plan_action", args=[plan.pk, name]),
        f"/api/v1/consultation-plans/{plan.pk}/",
    )  # fmt: skip


def _topic_case(topic):
    return detail_case(TOPIC, topic, "consultations:topic", "consultations:topic_action", "consultation-topics")


def _outcome_case(outcome, people):
    # Well-formed payloads: the service, not a missing field, refuses a unit that has not signed (or has answered).
    payloads = {
        "instruct": {"instruction": "请相关部门认真研究落实。"},
        "assign": {"units": [people["units"]["a"].pk]},
        "supervise": {"note": "请加快办理。"},
        "feedback": {"adoption": "adopted", "content": "已纳入年度重点工作。"},
    }
    return detail_case(
        OUTCOME, outcome, "consultations:outcome", "consultations:outcome_action", "consultation-outcomes", payloads
    )


def plan_draft(people, plan, topic_in):
    topic_in("approved")  # a decided topic: the plan may be approved
    return _plan_case(plan)


def plan_approved(people, plan, topic_in):
    topic_in("approved")
    return _plan_case(services.plan_approve(actor=people["office"], plan=plan))


def topic_row(state):
    def build(people, plan, topic_in):
        return _topic_case(topic_in(state, by="member"))

    build.__name__ = f"topic_{state}"
    return build


def outcome_row(state, units=("a",), signed=()):
    def build(people, plan, topic_in):
        topic = topic_in("outcome_submitted", outcome=state, units=units)
        for u in signed:
            services.outcome_accept(actor=people[f"unit_{u}"], outcome=topic.outcome)
        return _outcome_case(topic.outcome, people)

    build.__name__ = f"outcome_{state}"
    return build


SUPERVISE = {"office": {"supervise"}, "leader": {"supervise"}}

# lifecycle/state → (builder, the actions each role is expected to get; roles not named get none)
CONSULTATION_ROWS = {
    "plan/draft": (plan_draft, {"office": {"approve"}}),
    "plan/approved": (plan_approved, {}),
    "topic/collected": (topic_row("collected"), {"office": {"shortlist", "drop"}}),
    "topic/shortlisted": (topic_row("shortlisted"), {"office": {"approve", "drop"}}),
    "topic/approved": (topic_row("approved"), {"office": {"schedule", "drop"}}),
    "topic/scheduled": (topic_row("scheduled"), {"office": {"hold", "drop"}}),
    "topic/held": (topic_row("held"), {"office": {"submit_outcome"}}),
    "topic/outcome_submitted, fed back": (topic_row("outcome_submitted"), {"office": {"close"}}),
    "topic/closed": (topic_row("closed"), {}),
    "topic/dropped": (topic_row("dropped"), {}),
    "outcome/submitted": (outcome_row("submitted"), {"leader": {"instruct"}}),
    "outcome/instructed": (outcome_row("instructed"), {"office": {"assign"}}),
    "outcome/assigned": (outcome_row("assigned"), {**SUPERVISE, "unit_a": {"accept"}}),
    "outcome/assigned to both, unit_a signed": (
        outcome_row("assigned", units=("a", "b"), signed=("a",)),
        {**SUPERVISE, "unit_a": {"feedback"}, "unit_b": {"accept"}},
    ),
    "outcome/handling": (outcome_row("handling"), {**SUPERVISE, "unit_a": {"feedback"}}),
    "outcome/fed_back": (outcome_row("fed_back"), {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("row", CONSULTATION_ROWS)
def test_consultation_page_shows_what_the_api_accepts(row, people, plan, topic_in):
    build, expected = CONSULTATION_ROWS[row]
    case = build(people, plan, topic_in)
    got = {role: assert_parity(case, people[role]) for role in CONSULTATION_ROLES}
    assert got == {role: expected.get(role, set()) for role in CONSULTATION_ROLES}


# topic state → the roles offered "update" (the edit link; not a transition): the office while the topic is
# not yet scheduled, the proposing member while it is only collected.
TOPIC_EDITORS = {
    "collected": {"office", "member"},
    "shortlisted": {"office"},
    "approved": {"office"},
    "scheduled": set(),
    "closed": set(),
    "dropped": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", TOPIC_EDITORS)
def test_topic_edit_link_and_the_apis_update_agree(state, people, topic_in):
    topic = topic_in(state, by="member")
    edit_url = reverse("consultations:topic_edit", args=[topic.pk])
    got = set()
    for role in CONSULTATION_ROLES:
        api = APIClient()
        api.force_authenticate(people[role])
        response = api.get(f"/api/v1/consultation-topics/{topic.pk}/")
        listed = response.status_code == 200 and "update" in response.json()["allowed_actions"]
        api.force_authenticate(None)
        api.force_login(people[role])
        page = api.get(reverse("consultations:topic", args=[topic.pk]))
        shown = page.status_code == 200 and f'href="{edit_url}"' in page.content.decode()
        assert listed == shown, role
        if listed:
            got.add(role)
    assert got == TOPIC_EDITORS[state]
