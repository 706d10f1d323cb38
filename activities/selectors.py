"""Every read of activities, attendance, sign-up and regulations: who may see what."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from cppcc.roles import CASEWORK_ROLES, Role, has_role
from cppcc.svc_selectors import filtered, get_or_404

from .filters import ActivityFilterSet, AttendanceFilterSet
from .models import Activity, Attendance, KeyProject, QuantityKind, Regulation

ACTIVITY_READ_ROLES = tuple(CASEWORK_ROLES)
ATTENDANCE_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)


def participation(*, activities) -> dict:
    """Distinct members and person-times (人次) over a set of activities — one aggregate query."""
    return Attendance.objects.filter(activity__in=activities, status=Attendance.Status.ATTENDED).aggregate(
        members=Count("member", distinct=True), person_times=Count("id")
    )


def _attendance_counts(prefix: str = "attendances") -> dict:
    def count(status):
        return Count(prefix, filter=Q(**{f"{prefix}__status": status}))

    return {
        "attended_count": count(Attendance.Status.ATTENDED),
        "excused_count": count(Attendance.Status.EXCUSED),
        "absent_count": count(Attendance.Status.ABSENT),
        "signed_up_count": count(Attendance.Status.SIGNED_UP),
    }


def activity_list(*, user, filters: dict | None = None):
    """Activities with their attendance counted in the same query (no query per row). Every casework role
    reads them — they are the committee's public calendar; only the office writes."""
    if not has_role(user, *ACTIVITY_READ_ROLES):
        return Activity.objects.none()
    qs = (
        Activity.objects.select_related("organiser_committee", "organiser_group", "consultation", "inspection")
        .prefetch_related("quantities__kind")
        .annotate(**_attendance_counts())
    )
    # Meta.ordering does not apply to a GROUP BY query: order explicitly.
    qs = qs.order_by("-start_date", "-id")
    return filtered(qs, ActivityFilterSet, filters)


def activity_get(*, user, pk):
    return get_or_404(activity_list(user=user), "未找到该活动。", pk=pk)


def managed_elsewhere(activity) -> tuple[str, str] | None:
    """(label, url) of the page that owns an activity recorded by another part of the system."""
    consultation = getattr(activity, "consultation", None)
    if consultation is not None:
        return "协商活动", reverse("consultations:activity", args=[consultation.pk])
    inspection = getattr(activity, "inspection", None)
    if inspection is not None:
        return "视察调研", reverse("supervision:detail", args=[inspection.pk])
    return None


def open_activities(*, user):
    """Activities members may sign up for now, with the user's own status (`my_status`) and places taken."""
    today = timezone.localdate()
    mine = Attendance.objects.filter(activity=OuterRef("pk"), member__user=user).values("status")[:1]
    return (
        Activity.objects.filter(signup_open=True, start_date__gt=today)
        .filter(Q(signup_deadline__isnull=True) | Q(signup_deadline__gte=today))
        .select_related("organiser_committee", "organiser_group")
        .annotate(
            my_status=Subquery(mine),
            taken=Count(
                "attendances",
                filter=Q(attendances__status__in=[Attendance.Status.SIGNED_UP, Attendance.Status.ATTENDED]),
            ),
        )
        .order_by("start_date", "id")
    )


def attendance_list(*, user, filters: dict | None = None):
    """Office and leaders see every attendance record, a member their own, anyone else nothing."""
    qs = Attendance.objects.select_related("activity", "member", "member__sector", "member__group")
    if has_role(user, Role.OFFICE, Role.LEADER):
        pass
    elif has_role(user, Role.MEMBER):
        qs = qs.filter(member__user=user)
    else:
        return Attendance.objects.none()
    qs = qs.order_by("-activity__start_date", "activity_id", "member__name_stroke_key", "id")
    return filtered(qs, AttendanceFilterSet, filters)


def attendance_get(*, user, pk):
    return get_or_404(attendance_list(user=user), "未找到该出勤记录。", pk=pk)


def regulation_list(*, user):
    if not has_role(user, Role.OFFICE, Role.LEADER):
        return Regulation.objects.none()
    return Regulation.objects.all()


def quantity_kind_list(*, user):
    """The work report's quantity catalogue with how many activities recorded each (office, leaders)."""
    if not has_role(user, Role.OFFICE, Role.LEADER):
        return QuantityKind.objects.none()
    return QuantityKind.objects.annotate(used=Count("values")).order_by("order", "id")


def quantity_kind_get(*, user, pk):
    return get_or_404(quantity_kind_list(user=user), "未找到该数据项。", pk=pk)


def key_project_list(*, user):
    """District key projects and the members responsible (office, leaders)."""
    if not has_role(user, Role.OFFICE, Role.LEADER):
        return KeyProject.objects.none()
    return KeyProject.objects.prefetch_related("members")


def key_project_get(*, user, pk):
    return get_or_404(key_project_list(user=user), "未找到该项目。", pk=pk)
