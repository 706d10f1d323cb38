"""The attendance checklist shared by every activity page (members' activities, inspections, consultation
activities): every active member (and anyone already recorded) with their status, and the parsing of the
posted form."""

from dataclasses import dataclass

from django.db.models import Count, Q

from members.models import Member

from .models import Attendance

STATUS_CHOICES = Attendance.Status.choices


@dataclass(frozen=True)
class Row:
    member: Member
    status: str  # "" when nothing is recorded for the member
    speeches: int = 0


def checklist(activity) -> list[Row]:
    """Two queries whatever the number of members."""
    recorded = {
        member_id: (status, speeches)
        for member_id, status, speeches in Attendance.objects.filter(activity=activity).values_list(
            "member_id", "status", "speeches"
        )
    }
    members = (
        Member.objects.filter(Q(status=Member.Status.ACTIVE) | Q(pk__in=list(recorded)))
        .select_related("sector", "group")
        .order_by("group__order", "group_id", "name_stroke_key", "id")
    )
    return [Row(member, *recorded.get(member.pk, ("", 0))) for member in members]


def summary(activity) -> dict:
    """{status: count} for the activity, with every status present."""
    rows = Attendance.objects.filter(activity=activity).order_by().values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    return {value: counts.get(value, 0) for value, _ in STATUS_CHOICES}


def entries_from(post) -> dict[int, str]:
    """`status_<member id>` fields of the checklist form; empty ones (not recorded) are left out."""
    entries = {}
    for key, value in post.items():
        if not key.startswith("status_") or not value:
            continue
        try:
            entries[int(key.removeprefix("status_"))] = value
        except ValueError:
            continue
    return entries


def speeches_from(post) -> dict[int, int]:
    """`speeches_<member id>` fields of the checklist form (blank = 0). A malformed number is passed on
    as -1 so that the service refuses it with its own message instead of it being silently dropped."""
    speeches = {}
    for key, value in post.items():
        if not key.startswith("speeches_"):
            continue
        try:
            member_id = int(key.removeprefix("speeches_"))
        except ValueError:
            continue
        value = (value or "").strip()
        speeches[member_id] = int(value) if value.isdigit() else (0 if not value else -1)
    return speeches
