"""The demo reports: about sixty across the year, in every state, walked through the services."""

from django.db.models import Count
from django.utils import timezone

from demo.members import seed_registry
from demo.opinions import seed_opinions
from demo.proposals import seed_proposals
from opinions.models import (
    OpinionAdoption,
    OpinionEvent,
    OpinionInstruction,
    OpinionReferral,
    OpinionReport,
    OpinionState,
)


def test_seed_opinions_builds_a_year_in_every_state_and_runs_once(db):
    seed_registry(password="Demo-pass-2026", seed=7, member_count=40)
    seed_proposals(seed=7)  # converts a few proposals: they arrive as reports first
    converted = OpinionReport.objects.filter(proposal__isnull=False).count()
    assert converted > 0

    created = seed_opinions(seed=7)
    assert created == 60
    assert OpinionReport.objects.count() == created + converted
    assert set(OpinionReport.objects.values_list("state", flat=True)) == set(OpinionState.values)
    levels = dict(OpinionAdoption.objects.values_list("level").annotate(n=Count("id")))
    assert set(levels) == {"district", "city", "province", "national"}
    assert OpinionInstruction.objects.exists()
    assert OpinionReferral.objects.filter(feedback_at__isnull=False).exists()
    assert OpinionReferral.objects.filter(feedback_at__isnull=True).exists()
    # Every report has its timeline, and everything happened this year, before today.
    assert not OpinionReport.objects.exclude(pk__in=OpinionEvent.objects.values("report")).exists()
    today = timezone.localdate()
    assert not OpinionAdoption.objects.exclude(date__year=today.year).exists()
    assert not OpinionAdoption.objects.filter(date__gt=today).exists()
    submitted = OpinionReport.objects.filter(proposal__isnull=True, submitted_at__isnull=False)
    assert all(timezone.localdate(r.submitted_at).year == today.year for r in submitted)
    # Some were entered by the office on a member's behalf.
    assert OpinionReport.objects.filter(created_by__username="office", proposal__isnull=True).exists()

    assert seed_opinions(seed=7) == 0
    assert OpinionReport.objects.count() == created + converted
