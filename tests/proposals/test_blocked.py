"""A step that cannot be taken yet explains itself, from the engine's reason (`Lifecycle.blocked`): the page
shows it where the button would be, the API lists it in `blocked_actions`, the service refuses it (409) with
the same words, and it is on nobody's to-do list until whoever must act first has acted."""

import datetime as dt

import pytest
from django.utils import timezone

from cppcc.errors import Conflict
from cppcc.lifecycle import todo_items
from proposals import services
from proposals.workflow import PROPOSAL

WAIT_FOR_CO_UNIT = "会办单位区生态环境分局尚未提出会办意见，收到后可答复。"


def _reply(people, key="a"):
    return lambda proposal: services.proposal_reply(
        actor=people[f"unit_{key}"], proposal=proposal, unit_id=people["units"][key].pk, result="A", content="答复"
    )


@pytest.mark.parametrize(
    "state, who, action, reason",
    [
        ("handling", "unit_a", "reply", WAIT_FOR_CO_UNIT),
        ("replied", "office", "close", "评价期限（{due:%Y年%m月%d日}）未到，委员尚可评价；期满后可办结。"),
    ],
)
def test_a_blocked_step_says_why_everywhere(people, draft, walk, api_as, client, state, who, action, reason):
    proposal = walk(draft(), state)
    reason = reason.format(due=proposal.feedback_due or timezone.localdate())
    user = people[who]

    assert PROPOSAL.blocked(user, proposal) == [(PROPOSAL[action], reason)]
    assert action not in PROPOSAL.allowed(user, proposal)
    assert action not in {item.actions[0] for item in todo_items(user)}

    detail = api_as(who).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert detail["blocked_actions"] == [{"action": action, "label": PROPOSAL[action].label, "reason": reason}]

    client.force_login(user)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"暂不能{PROPOSAL[action].label}：</strong>{reason}" in page

    response = api_as(who).post(f"/api/v1/proposals/{proposal.pk}/{action}/", _payload(people, action), format="json")
    assert (response.status_code, response.json()["message"]) == (409, reason)


def _payload(people, action):
    return {"unit": people["units"]["a"].pk, "result": "A", "content": "答复"} if action == "reply" else {}


def test_the_lead_unit_may_reply_once_the_co_unit_has_given_its_opinion(people, draft, walk):
    proposal = walk(draft(), "handling")
    with pytest.raises(Conflict, match=WAIT_FOR_CO_UNIT):
        _reply(people)(proposal)
    _reply(people, "b")(proposal)  # the co-unit's opinion

    assert PROPOSAL.blocked(people["unit_a"], proposal) == []
    assert [item.label for item in todo_items(people["unit_a"])] == ["答复提案"]
    _reply(people)(proposal)


def test_a_unit_past_its_return_window_is_told_so(people, draft, walk):
    proposal = walk(draft(), "assigned")
    proposal.assignments.filter(unit=people["units"]["a"]).update(return_deadline=dt.date(2020, 1, 2))
    proposal.refresh_from_db()
    ((transition, reason),) = PROPOSAL.blocked(people["unit_a"], proposal)
    assert (transition.name, reason) == ("return", "已超过退回期限（2020年01月02日），请与提案委员会协商。")
    # Signing is still open to it, and the other unit may still return.
    assert "accept" in PROPOSAL.allowed(people["unit_a"], proposal)
    assert "return" in PROPOSAL.allowed(people["unit_b"], proposal)
