"""Every write to the members registry: role checked, in a transaction, recorded in the audit log."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role, has_role

from . import idcard
from .models import Member

MEMBER_M2M_FIELDS = ("committees", "terms")


def require_office(actor):
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以维护委员信息。")


def _fill_from_id_number(member: Member):
    """Birth date and gender follow from a valid ID number when the office left them empty."""
    if member.id_number and not idcard.validation_error(member.id_number):
        member.birth_date = member.birth_date or idcard.birth_date(member.id_number)
        member.gender = member.gender or idcard.gender(member.id_number)


def save_member(member: Member, m2m: dict):
    if member.id_number:
        member.id_number = idcard.normalize(member.id_number)
    _fill_from_id_number(member)
    try:
        member.full_clean()
    except ValidationError as exc:
        raise ApplicationError("委员信息有误：" + "；".join(exc.messages), errors=exc.message_dict) from exc
    member.save()
    for field, values in m2m.items():
        getattr(member, field).set(values)
    return member


def member_create(*, actor, data: dict) -> Member:
    require_office(actor)
    fields = {k: v for k, v in data.items() if k not in MEMBER_M2M_FIELDS}
    m2m = {k: data[k] for k in MEMBER_M2M_FIELDS if k in data}
    with acting(actor), transaction.atomic():
        return save_member(Member(**fields), m2m)


def member_update(*, actor, member: Member, data: dict) -> Member:
    require_office(actor)
    with acting(actor), transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        m2m = {}
        for key, value in data.items():
            if key in MEMBER_M2M_FIELDS:
                m2m[key] = value
            else:
                setattr(member, key, value)
        return save_member(member, m2m)


def reference_save(*, actor, serializer):
    """Create or update a piece of reference data (sectors, parties, units …) from a valid serializer."""
    require_office(actor)
    with acting(actor), transaction.atomic():
        return serializer.save()


def activity_save(*, actor, activity=None, data: dict):
    """Create or update an activity (office)."""
    from .models import Activity

    require_office(actor)
    with acting(actor), transaction.atomic():
        if activity is None:
            activity = Activity(created_by=actor)
        for key, value in data.items():
            setattr(activity, key, value)
        try:
            activity.full_clean()
        except ValidationError as exc:
            raise ApplicationError("活动信息有误：" + "；".join(exc.messages), errors=exc.message_dict) from exc
        activity.save()
        return activity


def attendance_record(*, actor, activity, entries: dict) -> int:
    """Set the attendance of many members at once: {member_id: status}. Returns rows written."""
    from .models import Attendance

    require_office(actor)
    valid = set(Attendance.Status.values)
    bad = {str(k): [f"无效的出勤状态：{v}"] for k, v in entries.items() if v not in valid}
    if bad:
        raise ApplicationError("出勤状态有误。", errors=bad)
    known = set(Member.objects.filter(pk__in=list(entries)).values_list("pk", flat=True))
    unknown = [k for k in entries if int(k) not in known]
    if unknown:
        raise ApplicationError("委员不存在：" + "、".join(map(str, unknown)), errors={"member": ["委员不存在。"]})
    with acting(actor), transaction.atomic():
        rows = [Attendance(activity=activity, member_id=int(k), status=v) for k, v in entries.items()]
        Attendance.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["activity", "member"], update_fields=["status", "recorded_at"]
        )
        return len(rows)


def assessment_scheme_create_default(*, actor, year: int):
    """The year's scheme from the default rules (the office then adjusts points, caps and bands)."""
    from .assessment import DEFAULT_SCHEME
    from .models import AssessmentCategory, AssessmentRule, AssessmentScheme

    require_office(actor)
    with acting(actor), transaction.atomic():
        if AssessmentScheme.objects.filter(year=year).exists():
            raise Conflict(f"{year}年度的考核办法已存在。")
        scheme = AssessmentScheme.objects.create(year=year, name=f"{year}年度委员履职量化考核")
        for order, (name, cap, rules) in enumerate(DEFAULT_SCHEME, start=1):
            category = AssessmentCategory.objects.create(scheme=scheme, name=name, order=order, cap=cap)
            AssessmentRule.objects.bulk_create(
                [
                    AssessmentRule(category=category, source=src, params=params, points=points, label=label, order=i)
                    for i, (src, params, points, label) in enumerate(rules, start=1)
                ]
            )
        return scheme


def assessment_manual_item_add(*, actor, member, category, points, reason: str):
    """Add or deduct points by hand; the reason is required and the change is audited."""
    from .models import AssessmentManualItem

    require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写加减分理由。", errors={"reason": ["请填写加减分理由。"]})
    if points == 0:
        raise ApplicationError("分值不能为 0。", errors={"points": ["分值不能为 0。"]})
    with acting(actor), transaction.atomic():
        return AssessmentManualItem.objects.create(
            member=member, category=category, points=points, reason=reason, created_by=actor
        )
