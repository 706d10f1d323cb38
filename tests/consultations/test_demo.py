from activities.models import Activity, Attendance
from consultations.models import (
    ConsultationEvent,
    ConsultationOutcome,
    ConsultationPlan,
    ConsultationTopic,
    OutcomeState,
    Source,
    TopicState,
)
from demo.consultations import seed_consultations
from demo.members import seed_registry
from demo.proposals import seed_proposals
from demo.supervision import seed_inspections
from supervision.models import Inspection, Kind, Recommendation


def _seed():
    """seed_demo up to its consultations, in its order (opinions and the activity year come after and
    touch neither; the whole command runs in tests/members/test_activity_demo.py)."""
    seed_registry(password="Demo-pass-2026", seed=2026, member_count=40)
    seed_proposals(seed=2026)
    seed_inspections(seed=2026)
    seed_consultations(seed=2026)


def test_seed_demo_builds_consultations_and_inspections_in_every_state(db):
    _seed()
    assert set(ConsultationTopic.objects.values_list("state", flat=True)) == set(TopicState.values)
    assert set(ConsultationTopic.objects.values_list("source", flat=True)) == set(Source.values)
    assert set(ConsultationOutcome.objects.values_list("state", flat=True)) == set(OutcomeState.values)
    assert ConsultationPlan.objects.filter(state="approved").count() == 1  # this year's; next year's is collecting
    assert not ConsultationTopic.objects.exclude(pk__in=ConsultationEvent.objects.values("topic")).exists()
    assert ConsultationTopic.objects.filter(source="proposal", proposal__number__isnull=False).exists()

    assert set(Inspection.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Inspection.objects.values_list("state", flat=True)) == {"planned", "held", "closed"}
    assert set(Recommendation.objects.values_list("state", flat=True)) == {"draft", "sent", "responded"}
    water = Inspection.objects.get(topic="水污染防治")
    assert water.recommendations.count() == 5
    # attendance from the demo members on every activity that has taken place
    for activity in Activity.objects.filter(kind__in=["consultation", "inspection", "research", "supervision"]):
        assert Attendance.objects.filter(activity=activity).exists(), activity

    counts = (ConsultationTopic.objects.count(), Inspection.objects.count(), Attendance.objects.count())
    _seed()  # idempotent
    assert (ConsultationTopic.objects.count(), Inspection.objects.count(), Attendance.objects.count()) == counts
