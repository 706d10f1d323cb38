"""The attendance checklist shared by every activity page (members' activities, inspections, consultation
activities): every active member (and anyone already recorded) with their status, the parsing of the
posted form, and the one checklist page (`attendance_page`, template activities/attendance.html) that
the activities, inspection and consultation-activity pages all serve."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render

from cppcc.lifecycle import run
from cppcc.roles import Role, has_role
from members.models import Member

from .models import Attendance

STATUS_CHOICES = Attendance.Status.choices
# The order statuses are counted and listed in on every attendance page.
DISPLAY_ORDER = (
    Attendance.Status.ATTENDED,
    Attendance.Status.EXCUSED,
    Attendance.Status.ABSENT,
    Attendance.Status.SIGNED_UP,
)
REMOVE = "remove"  # the full checklist's "take off the list" choice


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


def status_counts(activity) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in display order."""
    counts = summary(activity)
    labels = dict(STATUS_CHOICES)
    return [(value, labels[value], counts[value]) for value in DISPLAY_ORDER]


def attendance_page(
    request,
    *,
    activity,
    context: dict,
    record: Callable,
    back_url: str,
    speeches: bool = False,
    success_url: str | None = None,
):
    """The checklist page of `activity`. GET: every member with a status (the office edits, other
    readers see who is recorded). POST (office only, 404 for others): the statuses go to
    `record(entries)`; with `speeches` (the activity's own, full checklist) also the number of
    speeches and the "remove" choice, as `record(entries, speeches, removals)`. After a POST the page
    redirects to itself, or to `success_url` when that is given and the record succeeded."""
    can_edit = has_role(request.user, Role.OFFICE)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        entries = entries_from(request.POST)
        removals: list[int] = []
        spoken: dict[int, int] = {}
        if speeches:
            removals = [pk for pk, status in entries.items() if status == REMOVE]
            entries = {pk: status for pk, status in entries.items() if status != REMOVE}
            # A number left beside a member no longer marked present is cleared rather than refused.
            spoken = {
                pk: n if entries[pk] == Attendance.Status.ATTENDED else 0
                for pk, n in speeches_from(request.POST).items()
                if pk in entries
            }
        if not entries and not removals:
            messages.error(request, "没有选择任何委员的出勤情况。")
            return redirect(request.path)
        text = f"已登记 {len(entries)} 位委员的参加情况。"
        if removals:
            text += f"已移除 {len(removals)} 条记录。"
        call = (lambda: record(entries, spoken, removals)) if speeches else (lambda: record(entries))
        saved = run(request, call, text)
        return redirect(success_url if saved and success_url else request.path)
    rows = checklist(activity)
    # Who is recorded comes first, attended before the rest; then everyone else by member group.
    order = {value: i for i, value in enumerate(DISPLAY_ORDER)}
    recorded = sorted((r for r in rows if r.status), key=lambda r: order[r.status])
    return render(
        request,
        "activities/attendance.html",
        {
            "heading": activity.title,
            **context,
            "activity": activity,
            "rows": rows,
            "sections": [
                {"label": "已登记", "rows": recorded},
                {"label": "其他委员", "rows": [r for r in rows if not r.status]},
            ],
            "groups": sorted({r.member.group.name for r in rows if r.member.group_id}),
            "status_counts": status_counts(activity),
            "status_choices": STATUS_CHOICES,
            "can_edit": can_edit,
            "speeches": speeches,
            "back_url": back_url,
        },
    )
