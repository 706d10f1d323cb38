import pytest

from cppcc.errors import Conflict, PermissionDenied
from proposals import services
from proposals.models import State


def test_walk_to_closed_records_every_event(draft, walk):
    proposal = walk(draft(), "closed")
    assert proposal.state == State.CLOSED
    assert proposal.number == 1
    actions = list(proposal.events.values_list("action", flat=True))
    assert actions == [
        "create",
        "submit",
        "file",
        "assign",
        "accept",
        "accept",
        "reply",
        "reply",
        "approve_reply",
        "feedback",
    ]


def test_wrong_state_is_a_conflict(draft, people):
    proposal = draft()
    with pytest.raises(Conflict):
        services.proposal_file(actor=people["office"], proposal=proposal)


def test_wrong_role_is_refused(draft, people):
    proposal = draft()
    services.proposal_submit(actor=people["proposer"], proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.proposal_file(actor=people["leader"], proposal=proposal)
