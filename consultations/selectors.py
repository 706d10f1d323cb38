"""Every read of consultations, scoped by role.

* office and leaders see everything;
* a member sees the plan, the topics decided for it (定题 onwards), the topics they proposed and the
  activities they took part in;
* a unit sees only the outcomes assigned to its own unit — and of those, only its own assignment
  and its own steps of the processing chain.

Lists are annotated (counts as subqueries), so a page costs the same for 5 rows or 500.
"""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from activities.models import Attendance
from cppcc.roles import Role, has_role
from cppcc.svc_selectors import filtered, get_or_404
from supervision.selectors import count_of

from .models import (
    PLANNED_STATES,
    ConsultationActivity,
    ConsultationEvent,
    ConsultationOutcome,
    ConsultationPlan,
    ConsultationTopic,
    OutcomeAssignment,
    Speech,
    TopicState,
)

PLAN_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)
TOPIC_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)
ACTIVITY_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)
OUTCOME_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.UNIT)

# Steps of an outcome every party to it may read; the rest are per unit.
SHARED_OUTCOME_ACTIONS = ("submit_outcome", "instruct", "attach")


def _sees_all(user) -> bool:
    return has_role(user, Role.OFFICE, Role.LEADER)


# --- plans -----------------------------------------------------------------------------------------


def plan_list(*, user) -> QuerySet[ConsultationPlan]:
    if not has_role(user, *PLAN_READ_ROLES):
        return ConsultationPlan.objects.none()
    topics = ConsultationTopic.objects.filter(plan=OuterRef("pk"))
    return ConsultationPlan.objects.annotate(
        topic_count=count_of(topics),
        planned_count=count_of(topics.filter(state__in=PLANNED_STATES)),
        held_count=count_of(
            topics.filter(state__in=[TopicState.HELD, TopicState.OUTCOME_SUBMITTED, TopicState.CLOSED])
        ),
    ).order_by("-year")


def plan_get(*, user, pk) -> ConsultationPlan:
    return get_or_404(plan_list(user=user), "未找到该年度协商计划。", pk=pk)


# --- topics ----------------------------------------------------------------------------------------


def _visible_topics(user) -> QuerySet[ConsultationTopic]:
    if _sees_all(user):
        return ConsultationTopic.objects.all()
    if has_role(user, Role.MEMBER):
        mine = Q(state__in=PLANNED_STATES) | Q(created_by=user) | Q(member__user=user)
        return ConsultationTopic.objects.filter(pk__in=ConsultationTopic.objects.filter(mine).values("pk"))
    return ConsultationTopic.objects.none()


def annotate_topics(qs: QuerySet[ConsultationTopic]) -> QuerySet[ConsultationTopic]:
    return qs.annotate(
        activity_count=count_of(ConsultationActivity.objects.filter(topic=OuterRef("pk"))),
        attended_count=count_of(
            Attendance.objects.filter(activity__consultation__topic=OuterRef("pk"), status=Attendance.Status.ATTENDED)
        ),
        outcome_state=Subquery(ConsultationOutcome.objects.filter(topic=OuterRef("pk")).values("state")[:1]),
        outcome_pk=Subquery(ConsultationOutcome.objects.filter(topic=OuterRef("pk")).values("pk")[:1]),
    )


def topic_list(*, user, filters=None) -> QuerySet[ConsultationTopic]:
    from .filters import TopicFilterSet

    qs = annotate_topics(_visible_topics(user).select_related("plan", "lead_committee", "member", "proposal")).order_by(
        "plan__year", "planned_quarter", "id"
    )
    return filtered(qs, TopicFilterSet, filters)


def topic_get(*, user, pk) -> ConsultationTopic:
    activities = (
        ConsultationActivity.objects.select_related("activity")
        .annotate(
            attended_count=count_of(
                Attendance.objects.filter(activity=OuterRef("activity_id"), status=Attendance.Status.ATTENDED)
            )
        )
        .order_by("activity__start_date", "id")
    )
    return get_or_404(
        topic_list(user=user)
        .select_related("created_by", "proposal__lead_proposer")
        .prefetch_related(Prefetch("activities", queryset=activities, to_attr="activity_rows")),
        "未找到该协商议题。",
        pk=pk,
    )


def topic_events(*, user, pk) -> QuerySet[ConsultationEvent]:
    topic = topic_get(user=user, pk=pk)
    events = topic.events.select_related("actor", "unit").order_by("created_at", "id")
    if not _sees_all(user):
        # Members read the topic's path, not the departments' handling of the outcome.
        events = events.filter(outcome__isnull=True)
    return events


# --- activities -------------------------------------------------------------------------------------


def _visible_activities(user) -> QuerySet[ConsultationActivity]:
    if _sees_all(user):
        return ConsultationActivity.objects.all()
    if has_role(user, Role.MEMBER):
        attended = Attendance.objects.filter(member__user=user).values("activity_id")
        seen = Q(topic__in=_visible_topics(user)) | Q(activity_id__in=attended)
        return ConsultationActivity.objects.filter(pk__in=ConsultationActivity.objects.filter(seen).values("pk"))
    return ConsultationActivity.objects.none()


def activity_list(*, user, filters=None) -> QuerySet[ConsultationActivity]:
    from .filters import ActivityFilterSet

    qs = (
        _visible_activities(user)
        .select_related("activity", "activity__organiser_committee", "topic", "topic__plan")
        .prefetch_related("units")
        .annotate(
            attended_count=count_of(
                Attendance.objects.filter(activity=OuterRef("activity_id"), status=Attendance.Status.ATTENDED)
            ),
            speech_count=count_of(Speech.objects.filter(consultation=OuterRef("pk"))),
        )
        .order_by("-activity__start_date", "-id")
    )
    return filtered(qs, ActivityFilterSet, filters)


def activity_get(*, user, pk) -> ConsultationActivity:
    speeches = Speech.objects.select_related("member", "unit").order_by("id")
    return get_or_404(
        activity_list(user=user).prefetch_related(Prefetch("speeches", queryset=speeches, to_attr="speech_rows")),
        "未找到该协商活动。",
        pk=pk,
    )


def attendance_rows(*, activity) -> QuerySet[Attendance]:
    return Attendance.objects.filter(activity=activity).select_related("member", "member__sector")


# --- outcomes ----------------------------------------------------------------------------------------


def _unit_assignments(user) -> QuerySet[OutcomeAssignment]:
    return OutcomeAssignment.objects.filter(unit__users=user)


def _visible_outcomes(user) -> QuerySet[ConsultationOutcome]:
    if _sees_all(user):
        return ConsultationOutcome.objects.all()
    if has_role(user, Role.UNIT):
        return ConsultationOutcome.objects.filter(pk__in=_unit_assignments(user).values("outcome_id"))
    return ConsultationOutcome.objects.none()


def outcome_list(*, user, filters=None) -> QuerySet[ConsultationOutcome]:
    from .filters import OutcomeFilterSet

    assignments = OutcomeAssignment.objects.select_related("unit").order_by("id")
    if not _sees_all(user):
        assignments = assignments.filter(unit__users=user)
    qs = (
        _visible_outcomes(user)
        .select_related("topic", "topic__plan", "topic__lead_committee", "instructed_by")
        .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="assignment_rows"))
        .order_by("-submitted_at", "-id")
    )
    return filtered(qs, OutcomeFilterSet, filters)


def outcome_get(*, user, pk) -> ConsultationOutcome:
    return get_or_404(
        outcome_list(user=user).select_related("submitted_by").prefetch_related("files"), "未找到该协商成果。", pk=pk
    )


def outcome_events(*, user, pk) -> QuerySet[ConsultationEvent]:
    outcome = outcome_get(user=user, pk=pk)
    events = outcome.events.select_related("actor", "unit").order_by("created_at", "id")
    if not _sees_all(user):
        events = events.filter(Q(unit__users=user) | Q(unit__isnull=True, action__in=SHARED_OUTCOME_ACTIONS))
    return events


def outcome_file_get(*, user, pk):
    from .models import OutcomeFile

    return get_or_404(OutcomeFile.objects, "未找到该附件。", pk=pk, outcome__in=_visible_outcomes(user))


def assignment_inbox(*, user) -> QuerySet[OutcomeAssignment]:
    """A unit's outcome assignments, its own units only."""
    return (
        _unit_assignments(user)
        .select_related("unit", "outcome", "outcome__topic", "outcome__topic__plan", "outcome__instructed_by")
        .order_by("fed_back_at", "due_date", "id")
    )
