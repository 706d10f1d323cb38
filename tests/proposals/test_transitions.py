"""The proposal lifecycle through the API: every action × every state × every role, then the finer rules.

The table below is written by hand from the design (DESIGN.md, "Proposal lifecycle") and is
deliberately *not* derived from `proposals.workflow.TRANSITIONS`: it is the specification the code
is checked against.  Every cell is one test case with an id like
`submitted-file-office-ok`, so a missing or wrong cell is visible in the test report.

Outcomes, in the order the API decides them:
  * 403 — admin and auditor are refused by the API's role permission;
  * 404 — the scoped selector hides the proposal from this user;
  * 403 — the user's role may not take the action, or the user is not the owner/co-signer;
  * 409 — the proposal is not in a state the action starts from;
  * ok  — 200, the proposal moves to the expected state and a ProposalEvent records
          actor, action, from_state and to_state.

Each state is built once for the table (`world`, class-scoped), through the services; every case
runs in its own savepoint, so a successful action never leaks into the next case.  The world is
arranged so that every allowed action can really succeed: the handling/rehandling proposals have
the co-unit's opinion in (so the lead unit may reply), approve_reply is tried on twins whose lead
reply waits for review, and the replied proposal's feedback period is over (so it may be closed).
"""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cppcc.errors import Conflict
from cppcc.roles import Role
from proposals import services
from proposals.models import Assignment, Proposal, ProposalCategory, ProposalEvent, Reply, State
from proposals.workflow import TRANSITIONS
from tests.factories import HandlingUnitFactory, MemberFactory, TermFactory, UserFactory
from tests.proposals.payloads import action_payloads

OK = "ok"

STATES = (
    "draft",
    "submitted",
    "filed",
    "assigned",
    "handling",
    "replied",
    "rehandling",
    "closed",
    "not_filed",
    "merged",
    "converted",
    "withdrawn",
)
ROLES = (
    "proposer",  # member, lead proposer and author
    "cosigner",  # member, invited co-signer (not yet confirmed)
    "outsider",  # member with nothing to do with the proposal
    "office",
    "leader",
    "unit_lead",  # staff of the lead unit of the assignment
    "unit_other",  # staff of a unit the proposal was never assigned to
    "admin",
    "auditor",
)

# Which states of the proposal each role can see; anything else answers 404.
VISIBLE = {
    "proposer": set(STATES),
    "cosigner": set(STATES),
    "outsider": set(),
    "office": set(STATES) - {"draft"},  # a draft is its author's until submitted
    "leader": set(STATES) - {"draft"},
    "unit_lead": {"assigned", "handling", "replied", "rehandling", "closed"},
    "unit_other": set(),
}
REFUSED_BY_API = {"admin", "auditor"}  # not casework roles: 403 whatever the proposal

SAME = None  # the action does not change the state
# action → (roles that pass the role and owner/co-signer checks, {source state: resulting state})
RULES = {
    "submit": ({"proposer"}, {"draft": "submitted"}),
    "withdraw": ({"proposer"}, {"draft": "withdrawn", "submitted": "withdrawn"}),
    "cosign": ({"cosigner"}, {"draft": SAME, "submitted": SAME}),
    "decline_cosign": ({"cosigner"}, {"draft": SAME, "submitted": SAME}),
    "return_for_revision": ({"office"}, {"submitted": "draft"}),
    "file": ({"office"}, {"submitted": "filed"}),
    "reject": ({"office"}, {"submitted": "not_filed"}),
    "merge": ({"office"}, {"submitted": "merged"}),
    "convert": ({"office"}, {"submitted": "converted"}),
    "assign": ({"office"}, {"filed": "assigned"}),
    # the co-unit has not accepted yet: the proposal stays assigned
    "accept": ({"unit_lead"}, {"assigned": SAME}),
    "return": ({"unit_lead"}, {"assigned": "filed"}),
    "reply": ({"unit_lead"}, {"handling": SAME, "rehandling": SAME}),
    # the lead unit's reply is the only required one (the co-unit gives an opinion)
    "approve_reply": ({"office"}, {"handling": "replied", "rehandling": "replied"}),
    "extend": ({"office"}, {"assigned": SAME, "handling": SAME, "rehandling": SAME}),
    # offered while the lead unit has not answered and asked nothing yet (not on the `+pending` twins)
    "request_extension": ({"unit_lead"}, {"assigned": SAME, "handling": SAME, "rehandling": SAME}),
    # needs a request waiting: the `+extension` twins
    "decide_extension": ({"office"}, {"assigned": SAME, "handling": SAME, "rehandling": SAME}),
    "feedback": ({"proposer", "office"}, {"replied": "closed"}),  # the office may record it for the member
    "close": ({"office"}, {"replied": "closed"}),  # feedback_due already past in the world
    "flags": (
        {"office", "leader"},
        {s: SAME for s in ("filed", "assigned", "handling", "replied", "rehandling", "closed")},
    ),
}


def expected(state: str, action: str, role: str):
    if role in REFUSED_BY_API:
        return 403
    if state not in VISIBLE[role]:
        return 404
    roles, sources = RULES[action]
    if role not in roles:
        return 403
    if state not in sources:
        return 409
    return OK


def _cases():
    for state in STATES:
        for action in RULES:
            for role in ROLES:
                outcome = expected(state, action, role)
                yield pytest.param(state, action, role, outcome, id=f"{state}-{action}-{role}-{outcome}")


CASES = list(_cases())


# ---------------------------------------------------------------------------------------------
# The world: one proposal in every state, built once for the table through the services
# ---------------------------------------------------------------------------------------------
class World:
    def __init__(self):
        self.term = TermFactory()
        self.category = ProposalCategory.objects.get_or_create(name="经济建设")[0]
        user = self.users = {}
        for key, role in (
            ("proposer", Role.MEMBER),
            ("cosigner", Role.MEMBER),
            ("outsider", Role.MEMBER),
            ("office", Role.OFFICE),
            ("leader", Role.LEADER),
            ("unit_lead", Role.UNIT),
            ("unit_co", Role.UNIT),
            ("unit_other", Role.UNIT),
            ("admin", Role.ADMIN),
            ("auditor", Role.AUDITOR),
        ):
            user[key] = UserFactory(username=f"w_{key}", roles=[role])
        for key, name in (("proposer", "李建国"), ("cosigner", "王芳"), ("outsider", "赵强")):
            MemberFactory(user=user[key], name=name)
        self.lead = HandlingUnitFactory(name="区教育局")
        self.co = HandlingUnitFactory(name="区生态环境分局")
        self.other = HandlingUnitFactory(name="区水务局")
        self.lead.users.add(user["unit_lead"])
        self.co.users.add(user["unit_co"])
        self.other.users.add(user["unit_other"])

        self.into = self._filed("并案目标提案")
        p = self.proposals = {}
        p["draft"] = self._draft("草稿")
        p["submitted"] = self._submitted("待审查")
        p["filed"] = self._filed("已立案")
        p["assigned"] = self._assigned("已交办")
        p["handling"] = self._handling("办理中")
        # approve_reply needs a reply waiting for review; reply needs none: two proposals in `handling`.
        p["handling+pending"] = self._lead_replies(self._handling("办理中，答复待审"))
        p["replied"] = self._replied("已答复")
        p["rehandling"] = self._rehandling("重新办理")
        p["rehandling+pending"] = self._lead_replies(self._rehandling("重新办理，答复待审"))
        for state in ("assigned", "handling", "rehandling"):
            p[f"{state}+extension"] = self._requests_extension(getattr(self, f"_{state}")(f"{state}，申请延期"))
        p["closed"] = services.proposal_feedback(
            actor=user["proposer"], proposal=self._replied("已办结"), satisfaction="satisfied"
        )
        office = user["office"]
        p["not_filed"] = services.proposal_reject(actor=office, proposal=self._submitted("不立案"), reason="personal")
        p["merged"] = services.proposal_merge(actor=office, proposal=self._submitted("并案"), into=self.into)
        p["converted"] = services.proposal_convert(actor=office, proposal=self._submitted("转社情民意"))
        p["withdrawn"] = services.proposal_withdraw(actor=user["proposer"], proposal=self._submitted("撤回"))
        for key, proposal in p.items():
            proposal.refresh_from_db()
            assert proposal.state == key.split("+")[0], key

    def _draft(self, title):
        return services.proposal_create(
            actor=self.users["proposer"],
            data={
                "title": f"关于{title}的建议",
                "category": self.category,
                "background": "案由。",
                "suggestions": "建议。",
            },
            cosigners=[self.users["cosigner"].member],
        )

    def _submitted(self, title):
        return services.proposal_submit(actor=self.users["proposer"], proposal=self._draft(title))

    def _filed(self, title):
        return services.proposal_file(actor=self.users["office"], proposal=self._submitted(title))

    def _assigned(self, title):
        return services.proposal_assign(
            actor=self.users["office"], proposal=self._filed(title), lead_unit=self.lead, co_units=[self.co]
        )

    def _co_opinion(self, proposal):
        services.proposal_reply(
            actor=self.users["unit_co"], proposal=proposal, unit_id=self.co.pk, result="B", content="会办意见"
        )
        return proposal

    def _lead_replies(self, proposal):
        services.proposal_reply(
            actor=self.users["unit_lead"], proposal=proposal, unit_id=self.lead.pk, result="A", content="已解决。"
        )
        return proposal

    def _requests_extension(self, proposal):
        services.proposal_request_extension(
            actor=self.users["unit_lead"], proposal=proposal, unit_id=self.lead.pk, reason="需会同多部门调研。",
            due_date=timezone.localdate() + dt.timedelta(days=100),
        )  # fmt: skip
        return proposal

    def _handling(self, title):
        proposal = self._assigned(title)
        services.proposal_accept(actor=self.users["unit_lead"], proposal=proposal, unit_id=self.lead.pk)
        proposal = services.proposal_accept(actor=self.users["unit_co"], proposal=proposal, unit_id=self.co.pk)
        return self._co_opinion(proposal)

    def _replied(self, title):
        proposal = self._lead_replies(self._handling(title))
        proposal = services.proposal_approve_reply(actor=self.users["office"], proposal=proposal, unit_id=self.lead.pk)
        # the member's feedback period is over, so that the office may close it
        Proposal.objects.filter(pk=proposal.pk).update(feedback_due=timezone.localdate() - dt.timedelta(days=1))
        proposal.refresh_from_db()
        return proposal

    def _rehandling(self, title):
        proposal = services.proposal_feedback(
            actor=self.users["proposer"], proposal=self._replied(title), satisfaction="unsatisfied", comment="未落实"
        )
        return self._co_opinion(proposal)  # round 2: the co-unit's opinion is in again

    def proposal_for(self, state, action):
        if action == "approve_reply" and f"{state}+pending" in self.proposals:
            return self.proposals[f"{state}+pending"]
        if action == "decide_extension" and f"{state}+extension" in self.proposals:
            return self.proposals[f"{state}+extension"]
        return self.proposals[state]

    def payload(self, action):
        return action_payloads(lead=self.lead.pk, co=self.co.pk, into=self.into.pk)[action]


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """Every state built once for the table class; rolled back when the class is done (each test runs in a
    savepoint inside it), so the function-scoped tests further down never see these rows."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def url(proposal, action=None):
    base = f"/api/v1/proposals/{proposal.pk}/"
    return f"{base}{action}/" if action else base


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
def test_table_covers_every_transition_and_matches_the_workflow():
    """A transition added to the workflow without a row here fails (and so does a changed source list)."""
    assert set(RULES) == set(TRANSITIONS)
    for action, (_, sources) in RULES.items():
        assert set(sources) == {str(s) for s in TRANSITIONS[action].sources}, action
    assert len(CASES) == len(STATES) * len(RULES) * len(ROLES)


class TestTable:
    """One proposal per state, shared by every cell of the table."""

    @pytest.mark.parametrize(("state", "action", "role", "outcome"), CASES)
    def test_transition(self, world, db, state, action, role, outcome):
        proposal = world.proposal_for(state, action)
        user = world.users[role]
        events_before = ProposalEvent.objects.filter(proposal=proposal).count()

        response = client_for(user).post(url(proposal, action), world.payload(action), format="json")

        proposal.refresh_from_db()
        if outcome == OK:
            assert response.status_code == 200, response.content.decode()
            target = RULES[action][1][state] or state
            assert proposal.state == target
            assert response.json()["state"] == target
            event = ProposalEvent.objects.filter(proposal=proposal).latest("id")
            assert (event.action, event.actor_id, event.from_state, event.to_state) == (action, user.pk, state, target)
            assert ProposalEvent.objects.filter(proposal=proposal).count() == events_before + 1
        else:
            assert response.status_code == outcome, response.content.decode()
            body = response.json()
            assert body["message"] and "errors" in body
            assert proposal.state == state
            assert ProposalEvent.objects.filter(proposal=proposal).count() == events_before

    @pytest.mark.parametrize(
        ("key", "role"),
        [
            (k, r)
            for k in (
                *STATES,
                "handling+pending",
                "rehandling+pending",
                "assigned+extension",
                "handling+extension",
                "rehandling+extension",
            )
            for r in ROLES
            if r not in REFUSED_BY_API and k.split("+")[0] in VISIBLE[r]
        ],
        ids=lambda v: v,
    )
    def test_detail_offers_exactly_the_allowed_actions(self, world, db, key, role):
        """The buttons (allowed_actions in the detail) agree with what the API accepts: the table's
        actions, offered when there is something to act on — approve_reply once a reply waits for
        review (the `+pending` twins), reply while the unit has not answered this round."""
        state, pending, extension = key.split("+")[0], key.endswith("+pending"), key.endswith("+extension")
        response = client_for(world.users[role]).get(url(world.proposals[key]))
        assert response.status_code == 200
        wanted = {a for a in RULES if expected(state, a, role) == OK}
        wanted.discard("reply" if pending else "approve_reply")
        if not extension:  # a request waits only on the `+extension` twins, where the unit has asked already
            wanted.discard("decide_extension")
        if extension or pending:  # asked already, or answered
            wanted.discard("request_extension")
        if "submit" in wanted:
            wanted.add("update")
        assert set(response.json()["allowed_actions"]) == wanted


# ---------------------------------------------------------------------------------------------
# Specific rules (function-scoped data from conftest: people, draft, walk)
# ---------------------------------------------------------------------------------------------
def post(api_as, who, proposal, action, data=None):
    return api_as(who).post(url(proposal, action), data or {}, format="json")


def unit_id(people, key):
    return people["units"][key].pk


def test_return_after_the_return_window_is_a_conflict(api_as, people, draft, walk):
    proposal = walk(draft(), "assigned")
    Assignment.objects.filter(proposal=proposal).update(return_deadline=timezone.localdate() - dt.timedelta(days=1))
    response = post(api_as, "unit_a", proposal, "return", {"unit": unit_id(people, "a"), "reason": "非本单位职责"})
    assert response.status_code == 409
    assert "退回期限" in response.json()["message"]
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED
    assert proposal.assignments.filter(is_active=True).count() == 2


def test_return_on_the_last_day_of_the_window_is_accepted(people, draft, walk):
    proposal = walk(draft(), "assigned")
    Assignment.objects.filter(proposal=proposal).update(return_deadline=timezone.localdate())
    proposal = services.proposal_return(
        actor=people["unit_a"], proposal=proposal, unit_id=unit_id(people, "a"), reason="非本单位职责"
    )
    assert proposal.state == State.FILED
    # the whole round ends: the office reassigns; the number stays
    assert not proposal.assignments.filter(is_active=True).exists()
    returned = proposal.assignments.get(unit=people["units"]["a"])
    assert returned.return_reason == "非本单位职责" and returned.returned_at is not None
    assert proposal.number == 1


@pytest.mark.parametrize(
    ("state", "who", "action", "payload", "target"),
    [
        ("submitted", "office", "return_for_revision", {"note": "请补充调研数据"}, State.DRAFT),
        ("assigned", "unit_a", "return", {"unit": "A", "reason": "不属于本单位职责"}, State.FILED),
    ],
    ids=["office-sends-back-to-draft", "unit-returns"],
)
def test_action_that_takes_the_proposal_out_of_view_answers_200(
    api_as, people, draft, walk, state, who, action, payload, target
):
    """Done, but no longer the actor's to see: 200 with the new state only, and then 404."""
    proposal = walk(draft(), state)
    payload = {k: (unit_id(people, "a") if v == "A" else v) for k, v in payload.items()}
    response = post(api_as, who, proposal, action, payload)
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    assert (data["id"], data["state"]) == (proposal.pk, target)
    assert "title" not in data and "assignments" not in data  # nothing beyond the new state
    assert data["message"]
    proposal.refresh_from_db()
    assert proposal.state == target
    assert api_as(who).get(url(proposal)).status_code == 404


def test_return_after_accepting_is_a_conflict(api_as, people, draft, walk):
    proposal = walk(draft(), "assigned")
    assert post(api_as, "unit_a", proposal, "accept", {"unit": unit_id(people, "a")}).status_code == 200
    response = post(api_as, "unit_a", proposal, "return", {"unit": unit_id(people, "a"), "reason": "非本单位职责"})
    assert response.status_code == 409
    assert "已签收" in response.json()["message"]


def test_return_without_a_reason_is_400(api_as, people, draft, walk):
    proposal = walk(draft(), "assigned")
    response = post(api_as, "unit_a", proposal, "return", {"unit": unit_id(people, "a"), "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_unit_cannot_act_in_the_name_of_another_unit(api_as, people, draft, walk):
    proposal = walk(draft(), "assigned")
    response = post(api_as, "unit_a", proposal, "accept", {"unit": unit_id(people, "b")})
    assert response.status_code == 403
    assert not proposal.assignments.filter(accepted_at__isnull=False).exists()


def test_lead_unit_replies_only_after_the_co_unit_opinion(api_as, people, draft, walk):
    proposal = walk(draft(), "handling")
    reply = {"unit": unit_id(people, "a"), "result": "A", "content": "已解决。"}
    response = post(api_as, "unit_a", proposal, "reply", reply)
    assert response.status_code == 409
    assert "区生态环境分局" in response.json()["message"]
    assert not Reply.objects.filter(assignment__proposal=proposal).exists()

    opinion = {"unit": unit_id(people, "b"), "result": "B", "content": "同意主办单位意见。"}
    assert post(api_as, "unit_b", proposal, "reply", opinion).status_code == 200
    co_reply = Reply.objects.get(assignment__unit=people["units"]["b"])
    assert co_reply.status == Reply.Status.APPROVED  # an opinion is not reviewed by the office

    assert post(api_as, "unit_a", proposal, "reply", reply).status_code == 200
    lead_reply = Reply.objects.get(assignment__unit=people["units"]["a"])
    assert lead_reply.status == Reply.Status.PENDING
    proposal.refresh_from_db()
    assert proposal.state == State.HANDLING


def test_reply_before_accepting_is_a_conflict(people, draft, walk):
    proposal = walk(draft(), "assigned")
    services.proposal_accept(actor=people["unit_b"], proposal=proposal, unit_id=unit_id(people, "b"))
    # unit a has not accepted, so the proposal is still assigned: the state refuses it first
    with pytest.raises(Conflict):
        services.proposal_reply(
            actor=people["unit_a"], proposal=proposal, unit_id=unit_id(people, "a"), result="A", content="答复"
        )


def test_handling_only_when_every_active_unit_accepted(api_as, people, draft, walk):
    proposal = walk(draft(), "assigned", co=("b", "c"))
    for key, state_after in (("a", State.ASSIGNED), ("b", State.ASSIGNED), ("c", State.HANDLING)):
        response = post(api_as, f"unit_{key}", proposal, "accept", {"unit": unit_id(people, key)})
        assert response.status_code == 200, response.content
        assert response.json()["state"] == state_after, key
    again = post(api_as, "unit_c", proposal, "accept", {"unit": unit_id(people, "c")})
    assert again.status_code == 409


def test_replied_only_when_every_split_reply_is_approved(api_as, people, draft, walk):
    proposal = walk(draft(), "filed")
    a, c = unit_id(people, "a"), unit_id(people, "c")
    assert post(api_as, "office", proposal, "assign", {"split_units": [a, c]}).status_code == 200
    assert set(proposal.assignments.values_list("role", flat=True)) == {Assignment.Role.SPLIT}
    for key, unit in (("a", a), ("c", c)):
        assert post(api_as, f"unit_{key}", proposal, "accept", {"unit": unit}).status_code == 200
    for key, unit in (("a", a), ("c", c)):
        reply = {"unit": unit, "result": "B", "content": f"{key}单位答复"}
        assert post(api_as, f"unit_{key}", proposal, "reply", reply).status_code == 200

    first = post(api_as, "office", proposal, "approve_reply", {"unit": a})
    assert first.status_code == 200
    assert first.json()["state"] == State.HANDLING
    second = post(api_as, "office", proposal, "approve_reply", {"unit": c})
    assert second.json()["state"] == State.REPLIED
    proposal.refresh_from_db()
    assert proposal.replied_at is not None and proposal.feedback_due > timezone.localdate()


def test_lead_with_co_unit_is_replied_when_the_lead_reply_is_approved(api_as, people, draft, walk):
    proposal = walk(draft(), "handling")
    services.proposal_reply(
        actor=people["unit_b"], proposal=proposal, unit_id=unit_id(people, "b"), result="B", content="会办意见"
    )
    services.proposal_reply(
        actor=people["unit_a"], proposal=proposal, unit_id=unit_id(people, "a"), result="A", content="答复"
    )
    # the co-unit's opinion is not something to approve
    assert post(api_as, "office", proposal, "approve_reply", {"unit": unit_id(people, "b")}).status_code == 409
    response = post(api_as, "office", proposal, "approve_reply", {"unit": unit_id(people, "a")})
    assert response.json()["state"] == State.REPLIED


def test_assign_needs_a_lead_or_split_units(api_as, people, draft, walk):
    proposal = walk(draft(), "filed")
    a, b = unit_id(people, "a"), unit_id(people, "b")
    for payload, field in (
        ({}, "lead_unit"),
        ({"lead_unit": a, "split_units": [b]}, "split_units"),
        ({"co_units": [b]}, "lead_unit"),  # a co-unit needs a lead unit
    ):
        response = post(api_as, "office", proposal, "assign", payload)
        assert response.status_code == 400, payload
        assert field in response.json()["errors"], payload
    response = post(api_as, "office", proposal, "assign", {"lead_unit": a, "co_units": [a]})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == State.FILED and not proposal.assignments.exists()


def test_sent_back_reply_can_be_replied_again(api_as, people, draft, walk):
    proposal = walk(draft(), "handling", co=())
    a = unit_id(people, "a")
    assert post(api_as, "unit_a", proposal, "reply", {"unit": a, "result": "C", "content": "暂不能解决"}).status_code
    # sending back needs a note
    no_note = post(api_as, "office", proposal, "approve_reply", {"unit": a, "approve": False})
    assert no_note.status_code == 400 and "note" in no_note.json()["errors"]

    response = post(api_as, "office", proposal, "approve_reply", {"unit": a, "approve": False, "note": "答复过于简单"})
    assert response.status_code == 200
    assert response.json()["state"] == State.HANDLING
    first = Reply.objects.get(assignment__proposal=proposal)
    assert first.status == Reply.Status.SENT_BACK and first.review_note == "答复过于简单"
    # nothing left to review until the unit answers again
    assert post(api_as, "office", proposal, "approve_reply", {"unit": a}).status_code == 409

    again = post(api_as, "unit_a", proposal, "reply", {"unit": a, "result": "B", "content": "已列入明年计划"})
    assert again.status_code == 200
    assert post(api_as, "office", proposal, "approve_reply", {"unit": a}).json()["state"] == State.REPLIED
    assert list(Reply.objects.filter(assignment__proposal=proposal).values_list("status", flat=True)) == [
        Reply.Status.SENT_BACK,
        Reply.Status.APPROVED,
    ]


def test_second_reply_while_one_is_pending_is_a_conflict(api_as, people, draft, walk):
    proposal = walk(draft(), "handling", co=())
    a = unit_id(people, "a")
    assert post(api_as, "unit_a", proposal, "reply", {"unit": a, "result": "A", "content": "答复"}).status_code == 200
    response = post(api_as, "unit_a", proposal, "reply", {"unit": a, "result": "A", "content": "再次答复"})
    assert response.status_code == 409
    assert Reply.objects.filter(assignment__proposal=proposal).count() == 1


def test_office_may_correct_the_result_category_when_approving(api_as, people, draft, walk):
    proposal = walk(draft(), "handling", co=())
    a = unit_id(people, "a")
    post(api_as, "unit_a", proposal, "reply", {"unit": a, "result": "A", "content": "答复"})
    assert post(api_as, "office", proposal, "approve_reply", {"unit": a, "result": "B"}).status_code == 200
    assert Reply.objects.get(assignment__proposal=proposal).result == "B"
    event = proposal.events.latest("id")
    assert event.data["result_corrected"] == ["A", "B"]


@pytest.mark.parametrize("state", ["assigned", "handling"])
def test_extend_within_the_maximum(api_as, people, draft, walk, state):
    proposal = walk(draft(), state)
    a = unit_id(people, "a")
    assignment = proposal.assignments.get(unit_id=a)
    new_due = assignment.due_date + dt.timedelta(days=30)
    response = post(api_as, "office", proposal, "extend", {"unit": a, "due_date": new_due.isoformat()})
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert (assignment.due_date, assignment.extension_count) == (new_due, 1)
    event = proposal.events.latest("id")
    assert (event.action, event.from_state, event.to_state) == ("extend", state, state)


def test_extend_up_to_exactly_the_maximum_is_accepted(api_as, people, draft, walk):
    proposal = walk(draft(), "assigned")
    a = unit_id(people, "a")
    assignment = proposal.assignments.get(unit_id=a)
    response = post(api_as, "office", proposal, "extend", {"unit": a, "due_date": assignment.max_due_date.isoformat()})
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.due_date == assignment.max_due_date


@pytest.mark.parametrize(
    ("offset", "why"),
    [
        (lambda a: a.max_due_date + dt.timedelta(days=1), "beyond the maximum"),
        (lambda a: a.due_date - dt.timedelta(days=1), "earlier than the current due date"),
        (lambda a: a.due_date, "equal to the current due date"),
    ],
    ids=["beyond-max", "earlier", "same"],
)
def test_extend_refused(api_as, people, draft, walk, offset, why):
    proposal = walk(draft(), "handling")
    a = unit_id(people, "a")
    assignment = proposal.assignments.get(unit_id=a)
    before = assignment.due_date
    response = post(api_as, "office", proposal, "extend", {"unit": a, "due_date": offset(assignment).isoformat()})
    assert response.status_code == 400, why
    assert "due_date" in response.json()["errors"]
    assignment.refresh_from_db()
    assert (assignment.due_date, assignment.extension_count) == (before, 0)


def _reply_round(people, proposal):
    services.proposal_reply(
        actor=people["unit_b"], proposal=proposal, unit_id=unit_id(people, "b"), result="B", content="会办意见"
    )
    services.proposal_reply(
        actor=people["unit_a"], proposal=proposal, unit_id=unit_id(people, "a"), result="B", content="重新答复"
    )
    return services.proposal_approve_reply(actor=people["office"], proposal=proposal, unit_id=unit_id(people, "a"))


def test_unsatisfied_feedback_rehandles_once_then_closes(api_as, people, draft, walk):
    proposal = walk(draft(), "replied")
    unsatisfied = {"satisfaction": "unsatisfied", "comment": "答复未回应核心问题"}
    response = post(api_as, "proposer", proposal, "feedback", unsatisfied)
    assert response.status_code == 200
    assert response.json()["state"] == State.REHANDLING
    proposal.refresh_from_db()
    assert proposal.rehandle_count == 1 and proposal.feedback_due is None
    lead = proposal.assignments.get(role=Assignment.Role.LEAD)
    assert lead.due_date == timezone.localdate() + relativedelta(months=1)

    # round 2: the approved reply of round 1 does not count
    proposal = _reply_round(people, proposal)
    assert proposal.state == State.REPLIED
    approved_rounds = Reply.objects.filter(assignment=lead, status=Reply.Status.APPROVED).values_list(
        "round", flat=True
    )
    assert sorted(approved_rounds) == [1, 2]

    second = post(api_as, "proposer", proposal, "feedback", unsatisfied)
    assert second.status_code == 200
    assert second.json()["state"] == State.CLOSED
    proposal.refresh_from_db()
    assert (proposal.satisfaction, proposal.rehandle_count) == ("unsatisfied", 1)
    assert proposal.closed_at is not None


def test_unsatisfied_feedback_needs_a_comment(api_as, draft, walk):
    proposal = walk(draft(), "replied")
    response = post(api_as, "proposer", proposal, "feedback", {"satisfaction": "unsatisfied"})
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
    proposal.refresh_from_db()
    assert proposal.state == State.REPLIED


def test_basically_satisfied_closes(api_as, draft, walk):
    proposal = walk(draft(), "replied")
    response = post(api_as, "proposer", proposal, "feedback", {"satisfaction": "basically_satisfied"})
    assert response.json()["state"] == State.CLOSED
    proposal.refresh_from_db()
    assert proposal.satisfaction == "basically_satisfied"


def test_close_before_feedback_due_is_a_conflict_after_it_closes(api_as, draft, walk):
    proposal = walk(draft(), "replied")
    assert proposal.feedback_due >= timezone.localdate()
    response = post(api_as, "office", proposal, "close")
    assert response.status_code == 409
    assert "评价期限" in response.json()["message"]

    # the last day of the period still belongs to the member
    Proposal.objects.filter(pk=proposal.pk).update(feedback_due=timezone.localdate())
    assert post(api_as, "office", proposal, "close").status_code == 409

    Proposal.objects.filter(pk=proposal.pk).update(feedback_due=timezone.localdate() - dt.timedelta(days=1))
    response = post(api_as, "office", proposal, "close")
    assert response.status_code == 200
    assert response.json()["state"] == State.CLOSED
    proposal.refresh_from_db()
    assert proposal.closed_at is not None and proposal.satisfaction == ""


def test_leader_sets_key_and_supervisor_but_not_excellent(api_as, people, draft, walk):
    proposal = walk(draft(), "handling")
    leader = people["leader"]
    response = post(
        api_as, "leader", proposal, "flags", {"is_key": True, "key_leader": leader.pk, "supervisor": leader.pk}
    )
    assert response.status_code == 200, response.content
    proposal.refresh_from_db()
    assert (proposal.is_key, proposal.key_leader, proposal.supervisor) == (True, leader, leader)
    event = proposal.events.latest("id")
    assert (event.action, event.actor, event.data["is_key"]) == ("flags", leader, True)

    refused = post(api_as, "leader", proposal, "flags", {"is_excellent": True})
    assert refused.status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_excellent is False

    assert post(api_as, "office", proposal, "flags", {"is_excellent": True}).status_code == 200
    proposal.refresh_from_db()
    assert proposal.is_excellent is True


def test_supervisor_must_be_a_leader(api_as, people, draft, walk):
    proposal = walk(draft(), "handling")
    response = post(api_as, "office", proposal, "flags", {"supervisor": people["office"].pk})
    assert response.status_code == 400
    assert "supervisor" in response.json()["errors"]


def test_unsetting_key_clears_the_key_leader(api_as, people, draft, walk):
    proposal = walk(draft(), "filed")
    post(api_as, "office", proposal, "flags", {"is_key": True, "key_leader": people["leader"].pk})
    post(api_as, "office", proposal, "flags", {"is_key": False})
    proposal.refresh_from_db()
    assert (proposal.is_key, proposal.key_leader) == (False, None)


def test_reject_for_other_reason_needs_a_note(api_as, draft, walk):
    proposal = walk(draft(), "submitted")
    response = post(api_as, "office", proposal, "reject", {"reason": "other"})
    assert response.status_code == 400
    assert "note" in response.json()["errors"]
    response = post(api_as, "office", proposal, "reject", {"reason": "other", "note": "与往年提案重复"})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reject_reason, proposal.reject_note, proposal.number) == (
        State.NOT_FILED,
        "other",
        "与往年提案重复",
        None,
    )


def test_merge_only_into_a_filed_proposal(api_as, people, draft, walk):
    target = walk(draft("关于公交线网优化的建议"), "submitted")
    proposal = walk(draft(), "submitted")
    response = post(api_as, "office", proposal, "merge", {"into": target.pk})  # not filed yet: no number
    assert response.status_code == 400
    assert "into" in response.json()["errors"]
    assert post(api_as, "office", proposal, "merge", {"into": proposal.pk}).status_code == 400

    services.proposal_file(actor=people["office"], proposal=target)
    response = post(api_as, "office", proposal, "merge", {"into": target.pk})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.state, proposal.merged_into_id, proposal.number) == (State.MERGED, target.pk, None)
    assert proposal.events.latest("id").note == "并入第0001号"


def test_cosign_twice_is_a_conflict(api_as, draft):
    proposal = draft()
    assert post(api_as, "cosigner", proposal, "cosign").status_code == 200
    assert proposal.cosigners.get().confirmed_at is not None
    assert post(api_as, "cosigner", proposal, "cosign").status_code == 409


def test_return_for_revision_and_resubmit(people, draft, walk):
    proposal = walk(draft(), "submitted")
    proposal = services.proposal_return_for_revision(actor=people["office"], proposal=proposal, note="请补充数据")
    assert (proposal.state, proposal.revision_note) == (State.DRAFT, "请补充数据")
    proposal = services.proposal_submit(actor=people["proposer"], proposal=proposal)
    assert (proposal.state, proposal.revision_note) == (State.SUBMITTED, "")


def test_submit_incomplete_draft_is_400(api_as, draft):
    proposal = draft(background="  ")
    response = post(api_as, "proposer", proposal, "submit")
    assert response.status_code == 400
    assert "background" in response.json()["errors"]
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_every_step_of_a_full_walk_is_an_event_with_actor_and_states(people, draft, walk):
    proposal = walk(draft(), "closed")
    rows = list(proposal.events.values_list("action", "actor", "from_state", "to_state"))
    p, o, a, b = (people[k].pk for k in ("proposer", "office", "unit_a", "unit_b"))
    assert rows == [
        ("create", p, "", "draft"),
        ("submit", p, "draft", "submitted"),
        ("file", o, "submitted", "filed"),
        ("assign", o, "filed", "assigned"),
        ("accept", a, "assigned", "assigned"),
        ("accept", b, "assigned", "handling"),
        ("reply", b, "handling", "handling"),
        ("reply", a, "handling", "handling"),
        ("approve_reply", o, "handling", "replied"),
        ("feedback", p, "replied", "closed"),
    ]


def test_a_co_signer_declines_with_a_reason_once(api_as, draft, people):
    proposal = draft()
    refused = post(api_as, "cosigner", proposal, "decline_cosign", {"reason": ""})
    assert refused.status_code == 400
    assert post(api_as, "cosigner", proposal, "decline_cosign", {"reason": "不熟悉该领域。"}).status_code == 200
    signature = proposal.cosigners.get()
    assert (signature.confirmed_at, signature.decline_reason) == (None, "不熟悉该领域。")
    assert signature.declined_at is not None
    assert post(api_as, "cosigner", proposal, "cosign").status_code == 409  # answered: no longer offered
    assert proposal.events.filter(action="decline_cosign", note="谢绝附议：不熟悉该领域。").exists()
    from cppcc.lifecycle import todo_items

    assert todo_items(people["cosigner"]) == []
