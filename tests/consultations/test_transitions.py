"""Consultation plans, topics and outcomes through the API: every action × every state × every role.

The tables are written by hand from the issue (topic path collected → shortlisted (汇题) → approved
(定题) → scheduled → held → outcome_submitted → closed, or dropped; outcome chain 批办 → 交办 → 承办 →
督办 → 反馈) and are not derived from `consultations.workflow`. Outcomes, in the order the API decides:
  * 403 — roles without the read right are refused outright (admin, auditor; units for plans and
          topics; members for outcomes);
  * 404 — the scoped selector hides the object (a member and a topic not yet decided; a unit and an
          outcome not assigned to it);
  * 403 — the role may not take the action;
  * 409 — the object is not in a state the action starts from;
  * ok  — 200, the new state and one event with actor, action, from and to.
"""

import datetime as dt

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from activities.models import Attendance
from consultations import services
from consultations.models import ConsultationEvent, OutcomeState, TopicState
from consultations.workflow import OUTCOME_TRANSITIONS, PLAN_TRANSITIONS, TOPIC_TRANSITIONS
from cppcc.roles import Role
from tests.factories import HandlingUnitFactory, MemberFactory, SpecialCommitteeFactory, UserFactory

OK = "ok"
SAME = None
ROLES = ("office", "leader", "member", "other", "unit_a", "unit_b", "admin", "auditor")

TOPIC_STATES = ("collected", "shortlisted", "approved", "scheduled", "held", "outcome_submitted", "closed", "dropped")
TOPIC_RULES = {
    "shortlist": ({"office"}, {"collected": "shortlisted"}),
    "approve": ({"office"}, {"shortlisted": "approved"}),
    "schedule": ({"office"}, {"approved": "scheduled"}),
    "hold": ({"office"}, {"scheduled": "held"}),  # members' attendance is recorded in the world
    "submit_outcome": ({"office"}, {"held": "outcome_submitted"}),
    "close": ({"office"}, {"outcome_submitted": "closed"}),  # the outcome has been fed back in the world
    "drop": ({"office"}, {s: "dropped" for s in ("collected", "shortlisted", "approved", "scheduled")}),
}
TOPIC_REFUSED = {"unit_a", "unit_b", "admin", "auditor"}
DECIDED = {"approved", "scheduled", "held", "outcome_submitted", "closed"}
TOPIC_VISIBLE = {"office": set(TOPIC_STATES), "leader": set(TOPIC_STATES), "member": DECIDED, "other": DECIDED}

OUTCOME_STATES = ("submitted", "instructed", "assigned", "handling", "fed_back")
NOT_SIGNED = 409
OUTCOME_RULES = {
    "instruct": ({"leader"}, {"submitted": "instructed"}),
    "assign": ({"office"}, {"instructed": "assigned"}),
    "accept": ({"unit_a"}, {"assigned": "handling"}),  # the only unit assigned: its signature moves it on
    "supervise": ({"office", "leader"}, {"assigned": SAME, "handling": SAME}),
    # a unit answers once it has signed for the outcome
    "feedback": ({"unit_a"}, {"assigned": NOT_SIGNED, "handling": "fed_back"}),
}
OUTCOME_REFUSED = {"member", "other", "admin", "auditor"}
OUTCOME_VISIBLE = {
    "office": set(OUTCOME_STATES),
    "leader": set(OUTCOME_STATES),
    "unit_a": {"assigned", "handling", "fed_back"},
    "unit_b": set(),
}

PLAN_STATES = ("draft", "approved")
PLAN_RULES = {"approve": ({"office"}, {"draft": "approved"})}
PLAN_REFUSED = {"unit_a", "unit_b", "admin", "auditor"}
PLAN_VISIBLE = {r: set(PLAN_STATES) for r in ("office", "leader", "member", "other")}


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
    if sources[state] == NOT_SIGNED:
        return 409
    return OK


def cases(states, rules, refused, visible):
    return [
        pytest.param(s, a, r, o, id=f"{s}-{a}-{r}-{o}")
        for s in states
        for a in rules
        for r in ROLES
        for o in [expected(s, a, r, rules, refused, visible)]
    ]


TOPIC_CASES = cases(TOPIC_STATES, TOPIC_RULES, TOPIC_REFUSED, TOPIC_VISIBLE)
OUTCOME_CASES = cases(OUTCOME_STATES, OUTCOME_RULES, OUTCOME_REFUSED, OUTCOME_VISIBLE)
PLAN_CASES = cases(PLAN_STATES, PLAN_RULES, PLAN_REFUSED, PLAN_VISIBLE)


class World:
    def __init__(self):
        u = self.users = {}
        for key, role in (
            ("office", Role.OFFICE),
            ("leader", Role.LEADER),
            ("member", Role.MEMBER),
            ("other", Role.MEMBER),
            ("unit_a", Role.UNIT),
            ("unit_b", Role.UNIT),
            ("admin", Role.ADMIN),
            ("auditor", Role.AUDITOR),
        ):
            u[key] = UserFactory(username=f"w_{key}", roles=[role])
        self.member = MemberFactory(user=u["member"], name="李建国")
        MemberFactory(user=u["other"], name="赵强")
        self.a, self.b = HandlingUnitFactory(name="区商务局"), HandlingUnitFactory(name="区住房和城乡建设局")
        self.a.users.add(u["unit_a"])
        self.b.users.add(u["unit_b"])
        self.committee = SpecialCommitteeFactory(name="经济委员会")
        office = u["office"]
        self.plans = {
            "draft": services.plan_create(actor=office, year=2026),
            "approved": services.plan_create(actor=office, year=2025),
        }
        plan = self.plans["draft"]
        self.topics = {state: self._topic(plan, state) for state in TOPIC_STATES}
        self._topic(self.plans["approved"], "approved")
        services.plan_approve(actor=office, plan=self.plans["approved"], note="区委常委会审定")
        self.outcomes = {}
        for state in OUTCOME_STATES:
            topic = self._topic(plan, "held", f"成果{state}")
            topic = services.topic_submit_outcome(actor=office, topic=topic, report="协商建议。")
            self.outcomes[state] = self._walk(topic.outcome, state)
        for state, topic in self.topics.items():
            topic.refresh_from_db()
            assert topic.state == state

    def _topic(self, plan, state, title=None):
        office = self.users["office"]
        topic = services.topic_create(
            actor=office, data={"plan": plan, "title": title or f"议题（{state}）", "source": "committee"}
        )
        if state == "collected":
            return topic
        if state == "dropped":
            return services.topic_drop(actor=office, topic=topic, reason="合并。")
        topic = services.topic_shortlist(actor=office, topic=topic)
        if state == "shortlisted":
            return topic
        topic = services.topic_approve(
            actor=office, topic=topic, form="special", lead_committee=self.committee, planned_quarter=3
        )
        if state == "approved":
            return topic
        topic = services.topic_schedule(actor=office, topic=topic, start_date=dt.date(2026, 6, 18))
        services.activity_attendance(
            actor=office, consultation=topic.activities.get(), entries={self.member.pk: Attendance.Status.ATTENDED}
        )
        if state == "scheduled":
            return topic
        topic = services.topic_hold(actor=office, topic=topic)
        if state == "held":
            return topic
        topic = services.topic_submit_outcome(actor=office, topic=topic, report="协商建议。")
        self._walk(topic.outcome, "fed_back")
        if state == "outcome_submitted":
            return topic
        return services.topic_close(actor=office, topic=topic)

    def _walk(self, outcome, to):
        u = self.users
        if to == "submitted":
            return outcome
        services.outcome_instruct(actor=u["leader"], outcome=outcome, instruction="请认真研究落实。")
        if to == "instructed":
            return outcome
        services.outcome_assign(actor=u["office"], outcome=outcome, units=[self.a])
        if to == "assigned":
            return outcome
        services.outcome_accept(actor=u["unit_a"], outcome=outcome)
        if to == "handling":
            return outcome
        services.outcome_feedback(actor=u["unit_a"], outcome=outcome, adoption="adopted", content="已落实。")
        return outcome

    def payload(self, action):
        return {
            "approve": {"form": "special", "lead_committee": self.committee.pk, "planned_quarter": 2, "note": "定题"},
            "shortlist": {},
            "schedule": {"start_date": "2026-09-10", "place": "区政协会议室"},
            "hold": {},
            "submit_outcome": {"report": "一、加强组织领导。"},
            "close": {},
            "drop": {"reason": "不具备协商条件。"},
            "instruct": {"instruction": "请商务局牵头落实。"},
            "assign": {"units": [self.a.pk]},
            "accept": {},
            "supervise": {"note": "请加快办理。"},
            "feedback": {"adoption": "adopted", "content": "已采纳。"},
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
    for rules, transitions in (
        (TOPIC_RULES, TOPIC_TRANSITIONS),
        (OUTCOME_RULES, OUTCOME_TRANSITIONS),
        (PLAN_RULES, PLAN_TRANSITIONS),
    ):
        assert set(rules) == set(transitions)
        for action, (_, sources) in rules.items():
            assert set(sources) == {str(s) for s in transitions[action].sources}, action
    assert set(TOPIC_STATES) == set(TopicState.values)
    assert set(OUTCOME_STATES) == set(OutcomeState.values)


def _check(response, outcome, obj, state, target, events, before, user, action):
    obj.refresh_from_db()
    if outcome == OK:
        assert response.status_code == 200, response.content.decode()
        assert obj.state == target == response.json()["state"]
        event = events.latest("id")
        assert (event.action, event.actor_id, event.from_state, event.to_state) == (action, user.pk, state, target)
        assert events.count() == before + 1
    else:
        assert response.status_code == outcome, response.content.decode()
        body = response.json()
        assert body["message"] and "errors" in body
        assert obj.state == state
        assert events.count() == before


class TestTables:
    @pytest.mark.parametrize(("state", "action", "role", "outcome"), TOPIC_CASES)
    def test_topic(self, world, db, state, action, role, outcome):
        topic, user = world.topics[state], world.users[role]
        events = ConsultationEvent.objects.filter(topic=topic)
        before = events.count()
        response = client_for(user).post(
            f"/api/v1/consultation-topics/{topic.pk}/{action}/", world.payload(action), format="json"
        )
        target = TOPIC_RULES[action][1].get(state)
        _check(response, outcome, topic, state, target, events, before, user, action)

    @pytest.mark.parametrize(("state", "action", "role", "outcome"), OUTCOME_CASES)
    def test_outcome(self, world, db, state, action, role, outcome):
        obj, user = world.outcomes[state], world.users[role]
        events = ConsultationEvent.objects.filter(outcome=obj)
        before = events.count()
        response = client_for(user).post(
            f"/api/v1/consultation-outcomes/{obj.pk}/{action}/", world.payload(action), format="json"
        )
        target = OUTCOME_RULES[action][1].get(state) or state
        _check(response, outcome, obj, state, target, events, before, user, action)

    @pytest.mark.parametrize(("state", "action", "role", "outcome"), PLAN_CASES)
    def test_plan(self, world, db, state, action, role, outcome):
        plan, user = world.plans[state], world.users[role]
        events = ConsultationEvent.objects.filter(plan=plan, topic__isnull=True)
        before = events.count()
        response = client_for(user).post(
            f"/api/v1/consultation-plans/{plan.pk}/{action}/", {"note": "区委常委会审定"}, format="json"
        )
        plan.refresh_from_db()
        if outcome == OK:
            assert response.status_code == 200, response.content.decode()
            assert plan.state == "approved" and plan.approved_on is not None
            event = events.latest("id")
            assert (event.action, event.actor_id, event.to_state) == ("approve_plan", user.pk, "approved")
        else:
            assert response.status_code == outcome, response.content.decode()
            assert plan.state == state and events.count() == before

    @pytest.mark.parametrize(
        ("state", "role"),
        [(s, r) for s in TOPIC_STATES for r in ROLES if r not in TOPIC_REFUSED and s in TOPIC_VISIBLE[r]],
    )
    def test_topic_detail_offers_exactly_the_allowed_actions(self, world, db, state, role):
        response = client_for(world.users[role]).get(f"/api/v1/consultation-topics/{world.topics[state].pk}/")
        assert response.status_code == 200
        wanted = {a for a in TOPIC_RULES if expected(state, a, role, TOPIC_RULES, TOPIC_REFUSED, TOPIC_VISIBLE) == OK}
        if role == "office" and state in ("collected", "shortlisted", "approved"):
            wanted.add("update")
        assert set(response.json()["allowed_actions"]) == wanted

    @pytest.mark.parametrize(
        ("state", "role"),
        [(s, r) for s in OUTCOME_STATES for r in ROLES if r not in OUTCOME_REFUSED and s in OUTCOME_VISIBLE[r]],
    )
    def test_outcome_detail_offers_exactly_the_allowed_actions(self, world, db, state, role):
        response = client_for(world.users[role]).get(f"/api/v1/consultation-outcomes/{world.outcomes[state].pk}/")
        assert response.status_code == 200
        wanted = {
            a for a in OUTCOME_RULES if expected(state, a, role, OUTCOME_RULES, OUTCOME_REFUSED, OUTCOME_VISIBLE) == OK
        }
        assert set(response.json()["allowed_actions"]) == wanted
