"""The consultation deadlines the reminder scan watches: each department's feedback on an outcome it was assigned."""

from django.urls import reverse

from notifications.registry import register
from supervision.deadlines import unit_deadline

from .models import OutcomeAssignment, OutcomeState


@register("consultation_outcome_feedback", "协商成果办理反馈期限")
def outcome_feedback_deadlines(today):
    waiting = (
        OutcomeAssignment.objects.filter(
            fed_back_at__isnull=True, outcome__state__in=[OutcomeState.ASSIGNED, OutcomeState.HANDLING]
        )
        .select_related("unit", "outcome", "outcome__instructed_by")
        .prefetch_related("unit__users")
    )
    for a in waiting:
        outcome = a.outcome
        yield unit_deadline(
            a,
            f"协商成果《{outcome.title}》（{a.unit.name}）办理反馈",
            reverse("consultations:outcome", args=[outcome.pk]),
            # The leader who instructed (批办) the outcome hears of it once it is long overdue.
            senior=[outcome.instructed_by] if outcome.instructed_by_id else [],
        )
