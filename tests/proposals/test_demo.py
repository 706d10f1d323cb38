from demo.members import seed_registry
from demo.proposals import seed_proposals
from proposals.models import Proposal, ProposalEvent, State
from proposals.selectors import annotate_overdue


def _seed():
    """seed_demo's proposals and the registry they stand on (the whole command runs in
    tests/members/test_activity_demo.py; the later stages do not touch proposals' states)."""
    seed_registry(password="Demo-pass-2026", seed=2026, member_count=40)
    return seed_proposals(seed=2026)


def test_seed_demo_builds_proposals_in_every_state(db):
    assert _seed() == 160
    states = set(Proposal.objects.values_list("state", flat=True))
    assert states == set(State.values)
    # Numbers are consecutive from 1 in filing order, and every proposal has a timeline.
    numbers = sorted(Proposal.objects.exclude(number=None).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert not Proposal.objects.exclude(pk__in=ProposalEvent.objects.values("proposal")).exists()
    assert annotate_overdue(Proposal.objects.all()).filter(is_overdue=True).exists()

    assert _seed() == 0  # idempotent
    assert Proposal.objects.count() == 160
