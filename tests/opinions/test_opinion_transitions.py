"""Social-opinion reports through the API: every action × every state × every role.

The table is written by hand from the issue — not derived from `opinions.workflow` — so it
checks the code rather than repeating it. Outcomes, in the order the API decides them:
  * 403 — roles without any right to reports (admin, auditor) are refused outright;
  * 404 — the scoped selector hides the report from this user (another member's report, a report not
          passed to this department, someone else's draft);
  * 403 — the user's role (or their relation to the report: author, department) may not take it;
  * 409 — the report is not in a state the action starts from;
  * ok  — 200, the new state, and one event row with actor, action, from and to.
"""

import pytest
from django.db import transaction
from django.utils import timezone

from opinions.models import OpinionEvent
from opinions.workflow import OPINION_TRANSITIONS

from .test_opinion_world import ROLES, STATES, Cast

OK = "ok"
SAME = None
# action → (who may — role and relation both, {source state: target state})
RULES = {
    "submit": ({"author"}, {"draft": "submitted"}),
    "withdraw": ({"author"}, {"draft": "withdrawn", "submitted": "withdrawn"}),
    "start_editing": ({"office"}, {"submitted": "editing"}),
    "forward": ({"office"}, {"editing": "forwarded"}),
    "adopt": ({"office"}, {"forwarded": "adopted", "adopted": "adopted"}),
    "reject": ({"office"}, {"submitted": "not_adopted", "editing": "not_adopted", "forwarded": "not_adopted"}),
    "instruct": ({"office", "leader"}, {"forwarded": SAME, "adopted": SAME}),
    "pass_to_units": ({"office"}, {"forwarded": SAME, "adopted": SAME}),
    "unit_feedback": ({"unit_a"}, {"forwarded": SAME, "adopted": SAME}),
}
REFUSED = {"admin", "auditor"}
SUBMITTED_ONCE = set(STATES) - {"draft"}  # the builder's withdrawn report had been submitted
VISIBLE = {
    "office": SUBMITTED_ONCE,
    "leader": SUBMITTED_ONCE,
    "author": set(STATES),
    "coauthor": set(STATES),  # co-authors read
    "outsider": set(),
    "unit_a": {"forwarded", "adopted"},  # passed to department a
    "unit_b": set(),
}


def expected(state, action, role):
    if role in REFUSED:
        return 403
    if state not in VISIBLE[role]:
        return 404
    may, sources = RULES[action]
    if role not in may:
        return 403
    if state not in sources:
        return 409
    return OK


CASES = [
    pytest.param(s, a, r, o, id=f"{s}-{a}-{r}-{o}")
    for s in STATES
    for a in RULES
    for r in ROLES
    for o in [expected(s, a, r)]
]


class World(Cast):
    def __init__(self):
        super().__init__(prefix="t")
        self.reports = {state: self.report(state, title=f"社情民意（{state}）") for state in STATES}

    def payload(self, action):
        today = timezone.localdate().isoformat()
        return {
            "submit": {},
            "withdraw": {"note": "暂缓报送"},
            "start_editing": {},
            "forward": {"note": "报送市政协"},
            "adopt": {"level": "city", "publication": "special", "issue": "第3期", "date": today},
            "reject": {"note": "同类信息已报送"},
            "instruct": {"leader_name": "王国平", "post": "市委副书记", "level": "city", "text": "请市民政局研究。"},
            "pass_to_units": {"units": [self.b.pk]},
            "unit_feedback": {"unit": self.a.pk, "text": "已组织排查，正在整改。"},
        }[action]


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def test_table_matches_the_declared_lifecycle():
    assert set(RULES) == set(OPINION_TRANSITIONS)
    for action, (_, sources) in RULES.items():
        transition = OPINION_TRANSITIONS[action]
        assert set(sources) == {str(s) for s in transition.sources}
        assert {sources[s] for s in sources} <= {transition.target and str(transition.target), SAME}


class TestTable:
    @pytest.mark.parametrize(("state", "action", "role", "outcome"), CASES)
    def test_action(self, world, db, state, action, role, outcome):
        report = world.reports[state]
        user = world[role]
        before = OpinionEvent.objects.filter(report=report).count()
        response = world.client(role).post(
            f"/api/v1/opinions/{report.pk}/{action}/", world.payload(action), format="json"
        )
        report.refresh_from_db()
        body = response.json()
        if outcome == OK:
            assert response.status_code == 200, body
            target = RULES[action][1][state] or state
            assert report.state == target == body["state"]
            event = OpinionEvent.objects.filter(report=report).latest("id")
            assert (event.action, event.actor_id, event.from_state, event.to_state) == (action, user.pk, state, target)
            assert OpinionEvent.objects.filter(report=report).count() == before + 1
        else:
            assert response.status_code == outcome, body
            assert body["message"] and "errors" in body
            assert report.state == state
            assert OpinionEvent.objects.filter(report=report).count() == before

    @pytest.mark.parametrize(
        ("state", "role"), [(s, r) for s in STATES for r in ROLES if r not in REFUSED and s in VISIBLE[r]]
    )
    def test_detail_offers_exactly_the_allowed_actions(self, world, db, state, role):
        response = world.client(role).get(f"/api/v1/opinions/{world.reports[state].pk}/")
        assert response.status_code == 200
        wanted = {a for a in RULES if expected(state, a, role) == OK}
        if (role == "author" and state in ("draft", "submitted")) or (role == "office" and state == "editing"):
            wanted.add("update")
        assert set(response.json()["allowed_actions"]) == wanted

    @pytest.mark.parametrize("role", ROLES)
    def test_read_scope(self, world, db, role):
        """The list shows exactly the reports the detail would show; the rest answer 404 by id."""
        client = world.client(role)
        response = client.get("/api/v1/opinions/?page_size=100")
        if role in REFUSED:
            assert response.status_code == 403
            return
        listed = {row["id"] for row in response.json()["results"]}
        assert listed == {world.reports[s].pk for s in VISIBLE[role]}
        for state, report in world.reports.items():
            code = client.get(f"/api/v1/opinions/{report.pk}/").status_code
            assert code == (200 if state in VISIBLE[role] else 404), (state, code)
