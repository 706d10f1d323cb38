"""For every proposal state and every role: the detail page shows exactly the actions the API accepts
(and lists in `allowed_actions`) — all three from `PROPOSAL.allowed()`.

Each row builds one proposal through the services (tests/proposals/conftest.py's `draft` and `walk`)
and names the actions each role must get; the one check (tests/lifecycle/parity.py) runs it for every
role. The actions are POSTed with well-formed payloads acting for the lead unit (区教育局, `unit_a`),
so that an action offered only when there is something to act on (a unit that has not signed, a reply
waiting for review) is refused by its service when there is nothing, and must then not be shown.

Steps that must wait (the lead unit's reply before the co-units' opinions, the office's close during
the member's feedback period) are in the table too: neither offered on the page nor accepted by the API
(409 with the engine's reason, tests/proposals/test_blocked.py).
"""

import datetime as dt

import pytest
from django.utils import timezone

from proposals import services
from proposals.models import Proposal, State
from proposals.workflow import PROPOSAL
from tests.lifecycle.parity import Case, assert_parity, detail_case
from tests.proposals.payloads import action_payloads

# The proposer (member), the invited co-signer (not yet confirmed), a member with nothing to do with it,
# the office, the lead unit it is assigned to, a unit it never was, a leader, and the two roles without
# casework.
ROLES = ("proposer", "cosigner", "outsider", "office", "unit_a", "unit_c", "leader", "admin", "auditor")


def _case(proposal, people, into=None) -> Case:
    proposal.refresh_from_db()
    payloads = action_payloads(lead=people["units"]["a"].pk, co=people["units"]["b"].pk, into=into and into.pk)
    return detail_case(PROPOSAL, proposal, "proposals:detail", "proposals:action", "proposals", payloads)


def _reply(people, proposal, key, result="B", content="会办意见"):
    services.proposal_reply(
        actor=people[f"unit_{key}"], proposal=proposal, unit_id=people["units"][key].pk, result=result, content=content
    )


def _feedback_period_over(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(feedback_due=timezone.localdate() - dt.timedelta(days=1))
    return proposal


# --- the rows: one proposal each -------------------------------------------------------------------------


def _draft(people, make, walk):
    return _case(make(), people)


def _draft_cosigned(people, make, walk):
    proposal = make()
    services.proposal_cosign(actor=people["cosigner"], proposal=proposal)
    return _case(proposal, people)


def _submitted(people, make, walk):
    into = walk(make("关于公交线网优化的建议"), "filed")
    return _case(walk(make(), "submitted"), people, into)


def _filed(people, make, walk):
    return _case(walk(make(), "filed"), people)


def _assigned(people, make, walk):
    return _case(walk(make(), "assigned"), people)


def _assigned_lead_signed(people, make, walk):
    proposal = walk(make(), "assigned")
    services.proposal_accept(actor=people["unit_a"], proposal=proposal, unit_id=people["units"]["a"].pk)
    return _case(proposal, people)


def _handling(people, make, walk):
    proposal = walk(make(), "handling")
    _reply(people, proposal, "b")  # the co-unit's opinion is in: the lead unit may answer
    return _case(proposal, people)


def _handling_co_unit_awaited(people, make, walk):
    return _case(walk(make(), "handling"), people)


def _handling_extension_requested(people, make, walk):
    proposal = walk(make(), "handling")
    _reply(people, proposal, "b")
    services.proposal_request_extension(
        actor=people["unit_a"], proposal=proposal, unit_id=people["units"]["a"].pk,
        due_date=timezone.localdate() + dt.timedelta(days=100), reason="需会同多部门调研。",
    )  # fmt: skip
    return _case(proposal, people)


def _replied_feedback_period(people, make, walk):
    return _case(walk(make(), "replied"), people)


def _handling_reply_pending(people, make, walk):
    proposal = walk(make(), "handling")
    _reply(people, proposal, "b")
    _reply(people, proposal, "a", result="A", content="已解决。")
    return _case(proposal, people)


def _replied(people, make, walk):
    return _case(_feedback_period_over(walk(make(), "replied")), people)


def _rehandling(people, make, walk):
    proposal = walk(make(), "replied")
    unsatisfied = {"satisfaction": "unsatisfied", "comment": "未落实"}
    services.proposal_feedback(actor=people["proposer"], proposal=proposal, **unsatisfied)
    _reply(people, proposal, "b")  # round 2: the co-unit's opinion is in again
    return _case(proposal, people)


def _closed(people, make, walk):
    return _case(walk(make(), "closed"), people)


def _not_filed(people, make, walk):
    proposal = walk(make(), "submitted")
    return _case(services.proposal_reject(actor=people["office"], proposal=proposal, reason="personal"), people)


def _merged(people, make, walk):
    into = walk(make("关于公交线网优化的建议"), "filed")
    proposal = walk(make(), "submitted")
    return _case(services.proposal_merge(actor=people["office"], proposal=proposal, into=into), people)


def _converted(people, make, walk):
    proposal = walk(make(), "submitted")
    return _case(services.proposal_convert(actor=people["office"], proposal=proposal), people)


def _withdrawn(people, make, walk):
    proposal = walk(make(), "submitted")
    return _case(services.proposal_withdraw(actor=people["proposer"], proposal=proposal), people)


OFFICE_REVIEW = {"return_for_revision", "file", "reject", "merge", "convert"}
FLAGS = {"office": {"flags"}, "leader": {"flags"}}

S = State
# row → (the proposal's state, its builder, the actions each role is expected to get; roles not named get none)
ROWS = {
    "draft": (S.DRAFT, _draft, {"proposer": {"submit", "withdraw"}, "cosigner": {"cosign", "decline_cosign"}}),
    "draft, co-signature confirmed": (S.DRAFT, _draft_cosigned, {"proposer": {"submit", "withdraw"}}),
    "submitted": (
        S.SUBMITTED,
        _submitted,
        {"proposer": {"withdraw"}, "cosigner": {"cosign", "decline_cosign"}, "office": OFFICE_REVIEW},
    ),
    "filed": (S.FILED, _filed, {**FLAGS, "office": {"assign", "flags"}}),
    "assigned": (
        S.ASSIGNED,
        _assigned,
        {**FLAGS, "office": {"extend", "flags"}, "unit_a": {"accept", "return", "request_extension"}},
    ),
    "assigned, the lead unit signed": (
        S.ASSIGNED,
        _assigned_lead_signed,
        {**FLAGS, "office": {"extend", "flags"}, "unit_a": {"request_extension"}},
    ),
    "handling": (
        S.HANDLING,
        _handling,
        {**FLAGS, "office": {"extend", "flags"}, "unit_a": {"reply", "request_extension"}},
    ),
    "handling, the co-unit's opinion awaited": (
        S.HANDLING,
        _handling_co_unit_awaited,
        {**FLAGS, "office": {"extend", "flags"}, "unit_a": {"request_extension"}},
    ),
    "handling, the lead unit asked for more time": (
        S.HANDLING,
        _handling_extension_requested,
        {**FLAGS, "office": {"extend", "decide_extension", "flags"}, "unit_a": {"reply"}},
    ),
    "replied, in the feedback period": (
        S.REPLIED,
        _replied_feedback_period,
        {**FLAGS, "proposer": {"feedback"}, "office": {"feedback", "flags"}},
    ),
    "handling, a reply waiting for review": (
        S.HANDLING,
        _handling_reply_pending,
        {**FLAGS, "office": {"approve_reply", "extend", "flags"}},
    ),
    "replied, feedback period over": (
        S.REPLIED,
        _replied,
        {**FLAGS, "proposer": {"feedback"}, "office": {"feedback", "close", "flags"}},
    ),
    "rehandling": (
        S.REHANDLING,
        _rehandling,
        {**FLAGS, "office": {"extend", "flags"}, "unit_a": {"reply", "request_extension"}},
    ),
    "closed": (S.CLOSED, _closed, FLAGS),
    "not_filed": (S.NOT_FILED, _not_filed, {}),
    "merged": (S.MERGED, _merged, {}),
    "converted": (S.CONVERTED, _converted, {}),
    "withdrawn": (S.WITHDRAWN, _withdrawn, {}),
}


def test_the_table_covers_every_state():
    assert {state for state, _, _ in ROWS.values()} == set(State)


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS)
def test_proposal_page_shows_what_the_api_accepts(row, people, draft, walk):
    state, build, expected = ROWS[row]
    case = build(people, draft, walk)
    assert case.obj.state == state
    got = {role: assert_parity(case, people[role]) for role in ROLES}
    assert got == {role: expected.get(role, set()) for role in ROLES}
