"""Every write to activities, attendance, sign-up and regulations: role checked, in a transaction, audited."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role, has_role
from cppcc.svc_checks import require_valid
from members.models import Member
from members.services import require_office
from notifications.selectors import bump_todo_version

from .models import Activity, ActivityQuantity, Attendance, KeyProject, QuantityKind, Regulation


def _save_valid(obj, data: dict, what: str):
    """`data` set on the record, validated by the model (a 400 naming what is wrong), saved."""
    for key, value in data.items():
        setattr(obj, key, value)
    require_valid(obj, what)
    obj.save()
    return obj


def activity_save(*, actor, activity=None, data: dict):
    """Create or update an activity (office). `data["quantities"]`, if given, is {catalogue code: value}:
    a code given sets its value (None or blank removes it); a code not given keeps what was recorded."""
    require_office(actor)
    data = dict(data)
    quantities = data.pop("quantities", None) or {}
    with acting(actor), transaction.atomic():
        if activity is None:
            activity = Activity(created_by=actor)
        transaction.on_commit(bump_todo_version)  # opening sign-up puts it on every member's list
        _save_valid(activity, data, "活动")
        _set_quantities(activity, quantities)
        return activity


def _set_quantities(activity, quantities: dict) -> None:
    if not quantities:
        return
    kinds = {k.code: k for k in QuantityKind.objects.filter(code__in=list(quantities))}
    recorded = {q.kind.code: q for q in activity.quantities.select_related("kind")}
    problems = {}
    for code, value in quantities.items():
        kind = kinds.get(code)
        if kind is None:
            problems[code] = "没有这个数据项。"
        elif value is not None and value != "":
            value = Decimal(str(value))
            if value < 0:
                problems[code] = f"{kind.name}不能为负数。"
            elif kind.decimal_places == 0 and value != value.to_integral_value():
                problems[code] = f"{kind.name}应为整数。"
            elif not kind.is_active and code not in recorded:
                problems[code] = f"数据项“{kind.name}”已停用。"
    if problems:
        first = next(iter(problems.values()))
        raise ApplicationError(
            f"工作报告数据有误：{first}", errors={"quantities": [f"{c}：{m}" for c, m in problems.items()]}
        )
    for code, value in quantities.items():
        if value is None or value == "":
            if code in recorded:
                recorded[code].delete()
        elif code in recorded:
            row = recorded[code]
            row.value = Decimal(str(value))
            row.save(update_fields=["value"])
        else:
            ActivityQuantity.objects.create(activity=activity, kind=kinds[code], value=Decimal(str(value)))


def attendance_record(
    *, actor, activity, entries: dict, speeches: dict | None = None, notes: dict | None = None
) -> int:
    """Set the attendance of many members at once: {member_id: status}. Returns rows written.

    `speeches` ({member_id: count}) and `notes` ({member_id: text}) set those fields for the members
    they name; other members keep what was recorded before. Only members who attended may have spoken.
    """
    require_office(actor)
    valid = set(Attendance.Status.values)
    bad = {str(k): [f"无效的出勤状态：{v}"] for k, v in entries.items() if v not in valid}
    if bad:
        raise ApplicationError("出勤状态有误。", errors=bad)
    known = set(Member.objects.filter(pk__in=list(entries)).values_list("pk", flat=True))
    unknown = [k for k in entries if int(k) not in known]
    if unknown:
        raise ApplicationError("委员不存在：" + "、".join(map(str, unknown)), errors={"member": ["委员不存在。"]})
    statuses = {int(k): v for k, v in entries.items()}
    speeches = {int(k): v for k, v in (speeches or {}).items()}
    notes = {int(k): (v or "").strip() for k, v in (notes or {}).items()}
    problems = {}
    for member_id, count in speeches.items():
        if member_id not in statuses:
            problems[str(member_id)] = ["发言次数须对应本次登记的委员。"]
        elif not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 99:
            problems[str(member_id)] = ["发言次数应为 0 到 99 的整数。"]
        elif count and statuses[member_id] != Attendance.Status.ATTENDED:
            problems[str(member_id)] = ["只有出席的委员才能登记发言次数。"]
    for member_id, text in notes.items():
        if member_id not in statuses:
            problems[str(member_id)] = ["备注须对应本次登记的委员。"]
        elif len(text) > 200:
            problems[str(member_id)] = ["备注不能超过 200 字。"]
    if problems:
        raise ApplicationError("发言次数或备注有误：" + next(iter(problems.values()))[0], errors=problems)
    # One upsert per combination of fields given, so that what was not given is left as it was.
    batches: dict[tuple[str, ...], list] = {}
    for member_id, status in statuses.items():
        row = Attendance(activity=activity, member_id=member_id, status=status)
        fields = ["status", "recorded_at"]
        if member_id in speeches:
            row.speeches = speeches[member_id]
            fields.append("speeches")
        if member_id in notes:
            row.note = notes[member_id]
            fields.append("note")
        batches.setdefault(tuple(fields), []).append(row)
    with acting(actor), transaction.atomic():
        for fields, rows in batches.items():
            Attendance.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["activity", "member"], update_fields=list(fields)
            )
        return len(statuses)


def attendance_remove(*, actor, activity, member_ids) -> int:
    """Take members off an activity's attendance (recorded by mistake). Returns rows removed; audited."""
    require_office(actor)
    ids = [int(pk) for pk in member_ids]
    with acting(actor), transaction.atomic():
        removed, _ = Attendance.objects.filter(activity=activity, member_id__in=ids).delete()
        return removed


def activity_signup_closes(activity):
    """The last day members may sign up (or cancel): the deadline, or the day before the activity."""
    return activity.signup_deadline or activity.start_date - dt.timedelta(days=1)


def activity_signup_is_open(activity, today=None) -> bool:
    today = today or timezone.localdate()
    return bool(activity.signup_open) and activity.start_date > today and today <= activity_signup_closes(activity)


def _signing_member(actor) -> Member:
    if not has_role(actor, Role.MEMBER):
        raise PermissionDenied("只有委员本人可以报名。")
    member = Member.objects.filter(user=actor, status=Member.Status.ACTIVE).first()
    if member is None:
        raise PermissionDenied("您的账号未关联在任委员，请联系机关工作人员。")
    return member


def activity_signup(*, actor, activity):
    """A member signs up for an open activity (status signed_up), within its places."""
    member = _signing_member(actor)
    with acting(actor), transaction.atomic():
        # The row lock makes two members taking the last place one after the other.
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if not activity_signup_is_open(activity):
            raise Conflict("该活动未开放报名或报名已截止。")
        existing = Attendance.objects.filter(activity=activity, member=member).first()
        if existing is not None:
            raise Conflict(f"您已登记为“{existing.get_status_display()}”，无需重复报名。")
        if activity.capacity is not None:
            taken = Attendance.objects.filter(
                Q(status=Attendance.Status.SIGNED_UP) | Q(status=Attendance.Status.ATTENDED), activity=activity
            ).count()
            if taken >= activity.capacity:
                raise Conflict("报名人数已满。")
        # The member's to-do list changes (报名参加活动 becomes 参加活动): the cached counts are renewed.
        transaction.on_commit(bump_todo_version)
        return Attendance.objects.create(activity=activity, member=member, status=Attendance.Status.SIGNED_UP)


def activity_signup_cancel(*, actor, activity) -> None:
    """A member withdraws their own sign-up while sign-up is still open."""
    member = _signing_member(actor)
    with acting(actor), transaction.atomic():
        row = Attendance.objects.select_for_update().filter(activity=activity, member=member).first()
        if row is None or row.status != Attendance.Status.SIGNED_UP:
            raise Conflict("您没有该活动的报名记录。")
        if not activity_signup_is_open(activity):
            raise Conflict("报名已截止，如需请假请联系机关工作人员。")
        transaction.on_commit(bump_todo_version)
        row.delete()


def regulation_save(*, actor, regulation=None, data: dict):
    """Create or update a rule or document the committee adopted (制度文件)."""
    require_office(actor)
    with acting(actor), transaction.atomic():
        regulation = regulation or Regulation()
        return _save_valid(regulation, data, "制度文件")


def quantity_kind_save(*, actor, kind=None, data: dict):
    """Add a quantity to the work report's catalogue or change one (office)."""
    require_office(actor)
    data = dict(data)
    if kind is not None and "code" in data and data["code"] != kind.code and kind.values.exists():
        raise Conflict("已有活动登记了此数据项，代码不能修改（模板和接口按代码引用它）。")
    with acting(actor), transaction.atomic():
        return _save_valid(kind or QuantityKind(), data, "工作报告数据项")


def quantity_kind_set_active(*, actor, kind, active: bool):
    """Retire a quantity (no new values; what was recorded still counts) or bring it back."""
    require_office(actor)
    with acting(actor), transaction.atomic():
        kind.is_active = active
        kind.save(update_fields=["is_active"])
        return kind


def key_project_save(*, actor, project=None, data: dict):
    """Record a district key project and the members responsible for it (分包), or change one (office)."""
    require_office(actor)
    data = dict(data)
    members = data.pop("members", None)
    with acting(actor), transaction.atomic():
        project = _save_valid(project or KeyProject(), data, "分包重点项目")
        if members is not None:
            project.members.set(members)
        return project
