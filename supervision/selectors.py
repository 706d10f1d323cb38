"""Every read of inspections and recommendations, scoped by role: office and leaders see everything;
a unit sees only the recommendations sent to its own unit; a member sees the activities they took
part in. Lists are annotated, so that they cost the same for 5 rows or 500."""

from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from activities.models import Attendance
from cppcc.roles import Role, has_role
from cppcc.svc_selectors import filtered, get_or_404

from .models import Inspection, InspectionEvent, Recommendation

INSPECTION_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)
RECOMMENDATION_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.UNIT, Role.MEMBER)


def count_of(queryset) -> Coalesce:
    """A correlated COUNT(*) subquery: one number per row without joins that multiply each other."""
    counted = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _attended_by(user) -> QuerySet:
    return Attendance.objects.filter(member__user=user).values("activity_id")


def _visible_inspections(user) -> QuerySet[Inspection]:
    if has_role(user, Role.OFFICE, Role.LEADER):
        return Inspection.objects.all()
    if has_role(user, Role.MEMBER):
        return Inspection.objects.filter(activity_id__in=_attended_by(user))
    return Inspection.objects.none()


def _visible_recommendations(user) -> QuerySet[Recommendation]:
    if has_role(user, Role.OFFICE, Role.LEADER):
        return Recommendation.objects.all()
    sent = ~Q(state=Recommendation.State.DRAFT)
    conditions = Q(pk__in=[])
    if has_role(user, Role.UNIT):
        conditions |= Q(unit__users=user) & sent
    if has_role(user, Role.MEMBER):
        conditions |= Q(inspection__activity_id__in=_attended_by(user)) & sent
    return Recommendation.objects.filter(pk__in=Recommendation.objects.filter(conditions).values("pk"))


def annotate_inspections(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    recommendations = Recommendation.objects.filter(inspection=OuterRef("pk"))
    return qs.annotate(
        recommendation_count=count_of(recommendations),
        responded_count=count_of(recommendations.filter(state=Recommendation.State.RESPONDED)),
        attended_count=count_of(
            Attendance.objects.filter(activity=OuterRef("activity_id"), status=Attendance.Status.ATTENDED)
        ),
    )


def inspection_list(*, user, filters=None) -> QuerySet[Inspection]:
    from .filters import InspectionFilterSet

    qs = annotate_inspections(
        _visible_inspections(user)
        .select_related("activity", "activity__organiser_committee", "activity__organiser_group")
        .prefetch_related("units_briefed")
    )
    return filtered(qs, InspectionFilterSet, filters)


def inspection_get(*, user, pk) -> Inspection:
    """One inspection with its recommendations: a member sees the ones sent out, not the drafts."""
    recommendations = Recommendation.objects.select_related("unit").order_by("number")
    if not has_role(user, Role.OFFICE, Role.LEADER):
        recommendations = recommendations.exclude(state=Recommendation.State.DRAFT)
    return get_or_404(
        inspection_list(user=user)
        .select_related("created_by")
        .prefetch_related(Prefetch("recommendations", queryset=recommendations, to_attr="recommendation_rows")),
        "未找到该活动。",
        pk=pk,
    )


def inspection_events(*, user, pk) -> QuerySet[InspectionEvent]:
    inspection = inspection_get(user=user, pk=pk)
    events = inspection.events.select_related("actor", "recommendation").order_by("created_at", "id")
    if not has_role(user, Role.OFFICE, Role.LEADER):
        events = events.filter(Q(recommendation__isnull=True) | ~Q(recommendation__state=Recommendation.State.DRAFT))
    return events


def recommendation_list(*, user, filters=None) -> QuerySet[Recommendation]:
    from .filters import RecommendationFilterSet

    qs = _visible_recommendations(user).select_related("inspection", "inspection__activity", "unit")
    return filtered(qs, RecommendationFilterSet, filters)


def recommendation_get(*, user, pk) -> Recommendation:
    return get_or_404(recommendation_list(user=user), "未找到该建议。", pk=pk)


def recommendation_events(*, user, pk) -> QuerySet[InspectionEvent]:
    recommendation = recommendation_get(user=user, pk=pk)
    return recommendation.events.select_related("actor").order_by("created_at", "id")


def attendance_rows(*, activity) -> QuerySet[Attendance]:
    return Attendance.objects.filter(activity=activity).select_related("member", "member__sector")
