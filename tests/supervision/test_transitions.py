"""Inspections and recommendations through the API: every action × every state × every role.

The tables are written by hand from the issue and DESIGN.md — not derived from
`supervision.workflow` — so they check the code rather than repeat it. Outcomes, in the order the
API decides them:
  * 403 — roles without the read right (admin, auditor; units for inspections) are refused outright;
  * 404 — the scoped selector hides the object from this user (another unit's recommendation, an
          activity the member did not take part in, a draft recommendation);
  * 403 — the user's role may not take the action;
  * 409 — the object is not in a state the action starts from;
  * ok  — 200, the new state, and one event row with actor, action, from and to.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Attendance
from cppcc.roles import Role
from supervision import services
from supervision.models import InspectionEvent, Recommendation
from supervision.workflow import INSPECTION_TRANSITIONS, RECOMMENDATION_TRANSITIONS
from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory

OK = "ok"
ROLES = ("office", "leader", "member", "outsider", "unit_a", "unit_b", "admin", "auditor")

INSPECTION_STATES = ("planned", "held", "closed")
# action → (roles that may, {source: target})
INSPECTION_RULES = {
    "hold": ({"office"}, {"planned": "held"}),
    "close": ({"office"}, {"held": "closed"}),
}
# Who reads inspections at all, and which of them each reader sees.
INSPECTION_REFUSED = {"admin", "auditor", "unit_a", "unit_b"}
INSPECTION_VISIBLE = {
    "office": set(INSPECTION_STATES),
    "leader": set(INSPECTION_STATES),
    "member": set(INSPECTION_STATES),  # took part in each
    "outsider": set(),
}

REC_STATES = ("draft", "sent", "responded")
SAME = None
REC_RULES = {
    "send": ({"office"}, {"draft": "sent"}),
    "extend": ({"office"}, {"sent": SAME}),
    "respond": ({"unit_a"}, {"sent": "responded"}),
}
REC_REFUSED = {"admin", "auditor"}
REC_VISIBLE = {
    "office": set(REC_STATES),
    "leader": set(REC_STATES),
    "member": {"sent", "responded"},  # of an inspection they took part in; drafts are the office's
    "outsider": set(),
    "unit_a": {"sent", "responded"},  # sent to unit a
    "unit_b": set(),
}


def expected(state, action, role, rules, refused, visible):
    if role in refused:
        return 403
    if state not in visible[role]:
        return 404
    roles, sources = rules[action]
    if role not in roles:
        return 403
    if state not in sources:
        return 409
    return OK


INSPECTION_CASES = [
    pytest.param(s, a, r, o, id=f"{s}-{a}-{r}-{o}")
    for s in INSPECTION_STATES
    for a in INSPECTION_RULES
    for r in ROLES
    for o in [expected(s, a, r, INSPECTION_RULES, INSPECTION_REFUSED, INSPECTION_VISIBLE)]
]
REC_CASES = [
    pytest.param(s, a, r, o, id=f"{s}-{a}-{r}-{o}")
    for s in REC_STATES
    for a in REC_RULES
    for r in ROLES
    for o in [expected(s, a, r, REC_RULES, REC_REFUSED, REC_VISIBLE)]
]


class World:
    def __init__(self):
        u = self.users = {}
        for key, role in (
            ("office", Role.OFFICE),
            ("leader", Role.LEADER),
            ("member", Role.MEMBER),
            ("outsider", Role.MEMBER),
            ("unit_a", Role.UNIT),
            ("unit_b", Role.UNIT),
            ("admin", Role.ADMIN),
            ("auditor", Role.AUDITOR),
        ):
            u[key] = UserFactory(username=f"w_{key}", roles=[role])
        self.member = MemberFactory(user=u["member"], name="李建国")
        MemberFactory(user=u["outsider"], name="赵强")
        self.a, self.b = HandlingUnitFactory(name="区生态环境分局"), HandlingUnitFactory(name="区水务局")
        self.a.users.add(u["unit_a"])
        self.b.users.add(u["unit_b"])
        office = u["office"]
        self.inspections = {state: self._inspection(state) for state in INSPECTION_STATES}
        # Recommendations live on an inspection that has taken place.
        host = self._inspection("held", "重大工程建设项目视察")
        draft = services.recommendation_add(actor=office, inspection=host, text="加强组织领导。")
        sent = services.recommendation_add(actor=office, inspection=host, text="健全工作机制。")
        services.recommendation_send(actor=office, recommendation=sent, unit=self.a)
        answered = services.recommendation_add(actor=office, inspection=host, text="加快施工进度。")
        services.recommendation_send(actor=office, recommendation=answered, unit=self.a)
        services.recommendation_respond(actor=u["unit_a"], recommendation=answered, adoption="adopted", text="已落实。")
        self.recommendations = {"draft": draft, "sent": sent, "responded": answered}
        for state, r in self.recommendations.items():
            r.refresh_from_db()
            assert r.state == state

    def _inspection(self, state, title=None):
        office = self.users["office"]
        inspection = services.inspection_create(
            actor=office,
            data={"kind": "inspection", "title": title or f"视察（{state}）", "topic": "水污染防治",
                  "start_date": dt.date(2026, 6, 12)},
        )  # fmt: skip
        services.inspection_attendance(
            actor=office, inspection=inspection, entries={self.member.pk: Attendance.Status.ATTENDED}
        )
        if state in ("held", "closed"):
            inspection = services.inspection_hold(actor=office, inspection=inspection)
        if state == "closed":
            inspection = services.inspection_close(actor=office, inspection=inspection)
        return inspection

    def payload(self, action):
        return {
            "hold": {"findings": "截污纳管不到位。"},
            "close": {},
            "send": {"unit": self.a.pk},
            "extend": {"due_date": (timezone.localdate() + dt.timedelta(days=90)).isoformat()},
            "respond": {"adoption": "partly_adopted", "text": "部分采纳，正在推进。"},
        }[action]


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_tables_match_the_declared_lifecycles():
    assert set(INSPECTION_RULES) == set(INSPECTION_TRANSITIONS)
    assert set(REC_RULES) == set(RECOMMENDATION_TRANSITIONS)
    for action, (_, sources) in INSPECTION_RULES.items():
        assert set(sources) == {str(s) for s in INSPECTION_TRANSITIONS[action].sources}
    for action, (_, sources) in REC_RULES.items():
        assert set(sources) == {str(s) for s in RECOMMENDATION_TRANSITIONS[action].sources}


class TestTables:
    @pytest.mark.parametrize(("state", "action", "role", "outcome"), INSPECTION_CASES)
    def test_inspection(self, world, db, state, action, role, outcome):
        inspection = world.inspections[state]
        user = world.users[role]
        before = InspectionEvent.objects.filter(inspection=inspection).count()
        response = client_for(user).post(
            f"/api/v1/inspections/{inspection.pk}/{action}/", world.payload(action), format="json"
        )
        inspection.refresh_from_db()
        if outcome == OK:
            assert response.status_code == 200, response.content.decode()
            target = INSPECTION_RULES[action][1][state]
            assert inspection.state == target == response.json()["state"]
            event = InspectionEvent.objects.filter(inspection=inspection).latest("id")
            assert (event.action, event.actor_id, event.from_state, event.to_state) == (action, user.pk, state, target)
            assert InspectionEvent.objects.filter(inspection=inspection).count() == before + 1
        else:
            assert response.status_code == outcome, response.content.decode()
            body = response.json()
            assert body["message"] and "errors" in body
            assert inspection.state == state
            assert InspectionEvent.objects.filter(inspection=inspection).count() == before

    @pytest.mark.parametrize(("state", "action", "role", "outcome"), REC_CASES)
    def test_recommendation(self, world, db, state, action, role, outcome):
        r = world.recommendations[state]
        user = world.users[role]
        before = InspectionEvent.objects.filter(recommendation=r).count()
        response = client_for(user).post(
            f"/api/v1/recommendations/{r.pk}/{action}/", world.payload(action), format="json"
        )
        r.refresh_from_db()
        if outcome == OK:
            assert response.status_code == 200, response.content.decode()
            target = REC_RULES[action][1][state] or state
            assert r.state == target == response.json()["state"]
            event = InspectionEvent.objects.filter(recommendation=r).latest("id")
            assert (event.action, event.actor_id, event.from_state, event.to_state) == (action, user.pk, state, target)
            assert InspectionEvent.objects.filter(recommendation=r).count() == before + 1
        else:
            assert response.status_code == outcome, response.content.decode()
            assert response.json()["message"]
            assert r.state == state
            assert InspectionEvent.objects.filter(recommendation=r).count() == before

    @pytest.mark.parametrize(
        ("state", "role"),
        [
            (s, r)
            for s in INSPECTION_STATES
            for r in ROLES
            if r not in INSPECTION_REFUSED and s in INSPECTION_VISIBLE[r]
        ],
    )
    def test_inspection_detail_offers_exactly_the_allowed_actions(self, world, db, state, role):
        response = client_for(world.users[role]).get(f"/api/v1/inspections/{world.inspections[state].pk}/")
        assert response.status_code == 200
        wanted = {
            a
            for a in INSPECTION_RULES
            if expected(state, a, role, INSPECTION_RULES, INSPECTION_REFUSED, INSPECTION_VISIBLE) == OK
        }
        assert set(response.json()["allowed_actions"]) == wanted

    @pytest.mark.parametrize(
        ("state", "role"), [(s, r) for s in REC_STATES for r in ROLES if r not in REC_REFUSED and s in REC_VISIBLE[r]]
    )
    def test_recommendation_detail_offers_exactly_the_allowed_actions(self, world, db, state, role):
        response = client_for(world.users[role]).get(f"/api/v1/recommendations/{world.recommendations[state].pk}/")
        assert response.status_code == 200
        wanted = {a for a in REC_RULES if expected(state, a, role, REC_RULES, REC_REFUSED, REC_VISIBLE) == OK}
        if state == "draft" and role == "office":
            wanted.add("update")
        assert set(response.json()["allowed_actions"]) == wanted


def test_recommendation_states_are_the_three_of_the_table():
    assert set(Recommendation.State.values) == set(REC_STATES)
