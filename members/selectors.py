"""Every read of the members registry goes through here: scoping by role and field visibility."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from cppcc.roles import CASEWORK_ROLES, Role, has_role

from . import idcard
from .models import HandlingUnit, Member

READ_ROLES = tuple(CASEWORK_ROLES)
WRITE_ROLES = (Role.OFFICE,)


@dataclass(frozen=True)
class MemberPolicy:
    """What one user may see of one member record."""

    private: bool  # birth date, ID number, phone, note, login account
    id_full: bool
    phone_full: bool

    def id_number(self, member: Member) -> str | None:
        if not self.private:
            return None
        return member.id_number or "" if self.id_full else member.id_number_masked

    def phone(self, member: Member) -> str | None:
        if not self.private:
            return None
        return member.phone if self.phone_full else member.phone_masked

    # The masked ID number (110105********1234) hides exactly the 8 birth digits: a full birth date
    # beside it would give the number back. Whoever may not see the full number gets the year only.
    def birth_date(self, member: Member):
        """The full date (a `date`) for a role that sees the full ID number, else None."""
        return member.birth_date if self.private and self.id_full else None

    def birth_year(self, member: Member) -> int | None:
        return member.birth_date.year if self.private and member.birth_date else None

    def birth_display(self, member: Member) -> str:
        """出生日期 as pages and exports write it: `1975-03-14` in full, `1975年` masked, "" hidden."""
        if self.birth_date(member):
            return member.birth_date.isoformat()
        year = self.birth_year(member)
        return f"{year}年" if year else ""


FULL = MemberPolicy(private=True, id_full=True, phone_full=True)
SELF = MemberPolicy(private=True, id_full=False, phone_full=True)
MASKED = MemberPolicy(private=True, id_full=False, phone_full=False)
PUBLIC = MemberPolicy(private=False, id_full=False, phone_full=False)


def phone_for(*, user, phone: str, own: bool = False) -> str:
    """A phone number outside the member registry (a proposal's contact, a unit's contact) as `user`
    may read it, by the registry's rule for a mobile: in full to the office and to the person it
    belongs to (`own`), masked (139****5678) to everyone else who sees the record."""
    if not phone:
        return ""
    return phone if own or has_role(user, Role.OFFICE) else idcard.mask_phone(phone)


def member_policy(*, user, member: Member) -> MemberPolicy:
    """Office staff see everything; leaders see all fields masked; a member sees their own record
    with the ID number masked; everyone else sees the public fields only. Whoever sees the ID number
    masked sees the birth year, never the month and day (see `MemberPolicy.birth_date`)."""
    if has_role(user, Role.OFFICE):
        return FULL
    if member.user_id is not None and member.user_id == user.pk:
        return SELF
    if has_role(user, Role.LEADER):
        return MASKED
    return PUBLIC


def _visible_members(user) -> QuerySet[Member]:
    if has_role(user, Role.OFFICE, Role.LEADER):
        return Member.objects.all()
    if has_role(user, Role.MEMBER, Role.UNIT):
        # Former members' records are the office's business; a member always sees their own.
        return Member.objects.filter(Q(status=Member.Status.ACTIVE) | Q(user=user))
    return Member.objects.none()


def member_list(*, user, filters: dict | None = None, order: str | None = None) -> QuerySet[Member]:
    from .filters import MemberFilterSet

    qs = _visible_members(user).select_related("sector", "party", "group").prefetch_related("committees", "terms")
    if filters is not None:
        qs = MemberFilterSet(filters, queryset=qs).qs
    return qs


def member_get(*, user, pk) -> Member:
    try:
        return member_list(user=user).get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该委员。") from None


def member_for_user(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


def units_of_user(user) -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(users=user)


def user_unit_ids(user) -> set[int]:
    """The ids of the units the user works for, read once per user object (a request's user): the
    lifecycles' "unit" scopes ask it for every action of a page."""
    cached = getattr(user, "_cppcc_unit_ids", None)
    if cached is None:
        cached = set(HandlingUnit.objects.filter(users=user).values_list("pk", flat=True))
        user._cppcc_unit_ids = cached
    return cached


def id_number_owner(id_number: str) -> Member | None:
    """The member registered with this ID number, found through its keyed hash (the column is encrypted)."""
    if not idcard.normalize(id_number):
        return None
    return Member.objects.filter(id_number_hash=Member.id_number_hash_of(id_number)).first()


def participation(*, activities) -> dict:
    """Distinct members and person-times (人次) over a set of activities — one aggregate query."""
    from django.db.models import Count

    from .models import Attendance

    return Attendance.objects.filter(activity__in=activities, status=Attendance.Status.ATTENDED).aggregate(
        members=Count("member", distinct=True), person_times=Count("id")
    )


# --- activities, attendance, regulations ---------------------------------------------------------------

ACTIVITY_READ_ROLES = tuple(CASEWORK_ROLES)
ATTENDANCE_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)
ASSESSMENT_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)


def _attendance_counts(prefix: str = "attendances") -> dict:
    from django.db.models import Count

    from .models import Attendance

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
    from .activity_filters import ActivityFilterSet
    from .models import Activity

    if not has_role(user, *ACTIVITY_READ_ROLES):
        return Activity.objects.none()
    qs = Activity.objects.select_related(
        "organiser_committee", "organiser_group", "consultation", "inspection"
    ).annotate(**_attendance_counts())
    # Meta.ordering does not apply to a GROUP BY query: order explicitly.
    qs = qs.order_by("-start_date", "-id")
    if filters is not None:
        qs = ActivityFilterSet(filters, queryset=qs).qs
    return qs


def activity_get(*, user, pk):
    from .models import Activity

    try:
        return activity_list(user=user).get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该活动。") from None


def managed_elsewhere(activity) -> tuple[str, str] | None:
    """(label, url) of the page that owns an activity recorded by another part of the system."""
    from django.urls import reverse

    consultation = getattr(activity, "consultation", None)
    if consultation is not None:
        return "协商活动", reverse("consultations:activity", args=[consultation.pk])
    inspection = getattr(activity, "inspection", None)
    if inspection is not None:
        return "视察调研", reverse("supervision:detail", args=[inspection.pk])
    return None


def open_activities(*, user):
    """Activities members may sign up for now, with the user's own status (`my_status`) and places taken."""
    from django.db.models import Count, OuterRef, Subquery
    from django.utils import timezone

    from .models import Activity, Attendance

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
    from .activity_filters import AttendanceFilterSet
    from .models import Attendance

    qs = Attendance.objects.select_related("activity", "member", "member__sector", "member__group")
    if has_role(user, Role.OFFICE, Role.LEADER):
        pass
    elif has_role(user, Role.MEMBER):
        qs = qs.filter(member__user=user)
    else:
        return Attendance.objects.none()
    qs = qs.order_by("-activity__start_date", "activity_id", "member__name_stroke_key", "id")
    if filters is not None:
        qs = AttendanceFilterSet(filters, queryset=qs).qs
    return qs


def attendance_get(*, user, pk):
    from .models import Attendance

    try:
        return attendance_list(user=user).get(pk=pk)
    except (Attendance.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该出勤记录。") from None


def regulation_list(*, user):
    from .models import Regulation

    if not has_role(user, Role.OFFICE, Role.LEADER):
        return Regulation.objects.none()
    return Regulation.objects.all()


# --- assessment ----------------------------------------------------------------------------------------


def assessment_member_get(*, user, pk) -> Member:
    """The member whose assessment `user` may read: office and leaders any member, a member only
    themselves — another member's id answers 404."""
    if has_role(user, Role.OFFICE, Role.LEADER):
        qs = Member.objects.all()
    elif has_role(user, Role.MEMBER):
        qs = Member.objects.filter(user=user)
    else:
        qs = Member.objects.none()
    try:
        return qs.select_related("sector", "party", "group").get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该委员。") from None


def assessment_years() -> list[int]:
    from .models import AssessmentScheme

    return list(AssessmentScheme.objects.order_by("-year").values_list("year", flat=True))


def assessment_awards(*, year: int):
    from .models import AssessmentAward

    return AssessmentAward.objects.filter(year=year).select_related("member", "member__group", "group")
