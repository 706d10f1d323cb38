from django.core.management import call_command

from proposals.models import Proposal, ProposalEvent, State
from proposals.selectors import annotate_overdue


def test_seed_demo_builds_proposals_in_every_state(db):
    call_command("seed_demo", "--members", "40", "--password", "Demo-pass-2026")
    states = set(Proposal.objects.values_list("state", flat=True))
    assert states == set(State.values)
    # Numbers are consecutive from 1 in filing order, and every proposal has a timeline.
    numbers = sorted(Proposal.objects.exclude(number=None).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert not Proposal.objects.exclude(pk__in=ProposalEvent.objects.values("proposal")).exists()
    assert annotate_overdue(Proposal.objects.all()).filter(is_overdue=True).exists()

    call_command("seed_demo", "--members", "40", "--password", "Demo-pass-2026")  # idempotent
    assert Proposal.objects.count() == 160
