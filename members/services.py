"""Every write to the members registry: role checked, in a transaction, recorded in the audit log."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

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
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two offices registering the same ID number at once: the unique hash refuses the second.
        if "id_number_hash" not in str(exc):
            raise
        message = "具有该身份证号码的委员已存在。"
        raise ApplicationError("委员信息有误：" + message, errors={"id_number": [message]}) from exc
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


def attendance_record(
    *, actor, activity, entries: dict, speeches: dict | None = None, notes: dict | None = None
) -> int:
    """Set the attendance of many members at once: {member_id: status}. Returns rows written.

    `speeches` ({member_id: count}) and `notes` ({member_id: text}) set those fields for the members
    they name; other members keep what was recorded before. Only members who attended may have spoken.
    """
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
    from .models import Attendance

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
    from .models import Activity, Attendance

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
        return Attendance.objects.create(activity=activity, member=member, status=Attendance.Status.SIGNED_UP)


def activity_signup_cancel(*, actor, activity) -> None:
    """A member withdraws their own sign-up while sign-up is still open."""
    from .models import Attendance

    member = _signing_member(actor)
    with acting(actor), transaction.atomic():
        row = Attendance.objects.select_for_update().filter(activity=activity, member=member).first()
        if row is None or row.status != Attendance.Status.SIGNED_UP:
            raise Conflict("您没有该活动的报名记录。")
        if not activity_signup_is_open(activity):
            raise Conflict("报名已截止，如需请假请联系机关工作人员。")
        row.delete()


def regulation_save(*, actor, regulation=None, data: dict):
    """Create or update a rule or document the committee adopted (制度文件)."""
    from .models import Regulation

    require_office(actor)
    with acting(actor), transaction.atomic():
        regulation = regulation or Regulation()
        for key, value in data.items():
            setattr(regulation, key, value)
        try:
            regulation.full_clean()
        except ValidationError as exc:
            raise ApplicationError("制度文件信息有误：" + "；".join(exc.messages), errors=exc.message_dict) from exc
        regulation.save()
        return regulation


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


def assessment_manual_item_remove(*, actor, item) -> None:
    """Take back a manual item entered by mistake (the audit log keeps it)."""
    require_office(actor)
    with acting(actor), transaction.atomic():
        item.delete()


# --- the scheme editor ---------------------------------------------------------------------------------


def _decimal(value, field: str, label: str, *, allow_none=False, minimum=None):
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        if allow_none:
            return None
        raise ApplicationError(f"请填写{label}。", errors={field: [f"请填写{label}。"]})
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}应为数字。", errors={field: [f"{label}应为数字。"]}) from None
    if abs(number) >= 10000 or (minimum is not None and number < minimum):
        raise ApplicationError(f"{label}超出范围。", errors={field: [f"{label}超出范围。"]})
    return number


def normalize_bands(bands) -> list:
    """[[floor, label], …] from the highest floor down; the lowest floor is 0 so every total has a grade."""
    rows = []
    for row in bands or []:
        try:
            floor, label = row
        except (TypeError, ValueError):
            raise ApplicationError("等次格式应为 [[最低分, 等次], …]。", errors={"bands": ["格式有误。"]}) from None
        label = str(label or "").strip()
        if not label:
            raise ApplicationError("等次名称不能为空。", errors={"bands": ["等次名称不能为空。"]})
        rows.append([float(_decimal(floor, "bands", "等次最低分", minimum=0)), label])
    if not rows:
        raise ApplicationError("至少设置一个等次。", errors={"bands": ["至少设置一个等次。"]})
    rows.sort(key=lambda r: -r[0])
    floors = [r[0] for r in rows]
    labels = [r[1] for r in rows]
    if len(set(floors)) != len(floors) or len(set(labels)) != len(labels):
        raise ApplicationError("等次的最低分和名称不能重复。", errors={"bands": ["最低分或名称重复。"]})
    if floors[-1] != 0:
        raise ApplicationError("最低一档的最低分应为 0。", errors={"bands": ["最低一档的最低分应为 0。"]})
    return [[int(f) if float(f).is_integer() else f, label] for f, label in rows]


def assessment_scheme_update(*, actor, scheme, data: dict):
    """Name, full marks (满分) and grade bands (等次) of a year's scheme."""
    require_office(actor)
    with acting(actor), transaction.atomic():
        if "name" in data:
            name = (data["name"] or "").strip()
            if not name:
                raise ApplicationError("请填写名称。", errors={"name": ["请填写名称。"]})
            scheme.name = name
        if "max_total" in data:
            scheme.max_total = _decimal(data["max_total"], "max_total", "满分", minimum=1)
        if "bands" in data:
            scheme.bands = normalize_bands(data["bands"])
        scheme.save()
        return scheme


def assessment_category_save(*, actor, scheme, category=None, data: dict):
    """Add a category to a scheme or change its name, cap (本类上限, blank = none) and order."""
    from .models import AssessmentCategory

    require_office(actor)
    with acting(actor), transaction.atomic():
        category = category or AssessmentCategory(scheme=scheme, order=scheme.categories.count() + 1)
        if "name" in data or category.pk is None:
            name = (data.get("name") or "").strip()
            if not name:
                raise ApplicationError("请填写类别名称。", errors={"name": ["请填写类别名称。"]})
            clash = AssessmentCategory.objects.filter(scheme=scheme, name=name).exclude(pk=category.pk)
            if clash.exists():
                raise Conflict(f"类别“{name}”已存在。", errors={"name": ["名称重复。"]})
            category.name = name
        if "cap" in data:
            category.cap = _decimal(data["cap"], "cap", "本类上限", allow_none=True, minimum=0)
        if data.get("order") not in (None, ""):
            category.order = int(data["order"])
        category.save()
        return category


def assessment_category_remove(*, actor, category) -> None:
    require_office(actor)
    with acting(actor), transaction.atomic():
        if category.manual_items.exists():
            raise Conflict(f"“{category.name}”已有手工加减分，不能删除；请先撤销这些加减分。")
        category.delete()


def assessment_rule_save(*, actor, category, rule=None, data: dict):
    """Add a rule to a category or change it: source (计分依据) with its parameters, points per unit, label."""
    from .assessment import SOURCES, rule_params
    from .models import AssessmentRule

    require_office(actor)
    source = data.get("source", rule.source if rule else "")
    if source not in SOURCES:
        raise ApplicationError("请选择计分依据。", errors={"source": ["请选择计分依据。"]})
    # Without new parameters a rule keeps its own (as long as its source stays the same).
    kept = rule.params if rule is not None and rule.source == source else {}
    try:
        params = rule_params(source, data["params"] if "params" in data else kept)
    except ValueError as exc:
        raise ApplicationError(str(exc), errors={"params": [str(exc)]}) from None
    label = (data.get("label", rule.label if rule else "") or "").strip() or SOURCES[source][0]
    if len(label) > 100:
        raise ApplicationError("说明不能超过 100 字。", errors={"label": ["说明不能超过 100 字。"]})
    points = _decimal(data.get("points", rule.points if rule else None), "points", "每项分值")
    if points == 0:
        raise ApplicationError("每项分值不能为 0。", errors={"points": ["每项分值不能为 0。"]})
    with acting(actor), transaction.atomic():
        rule = rule or AssessmentRule(category=category, order=category.rules.count() + 1)
        rule.source, rule.params, rule.points, rule.label = source, params, points, label
        if data.get("order") not in (None, ""):
            rule.order = int(data["order"])
        rule.save()
        return rule


def assessment_rule_remove(*, actor, rule) -> None:
    require_office(actor)
    with acting(actor), transaction.atomic():
        rule.delete()


# --- 评选: outstanding members, groups and group leaders -------------------------------------------------


def _award_target(kind, member, group):
    from .models import AssessmentAward

    if kind not in AssessmentAward.Kind.values:
        raise ApplicationError("无效的评选类别。", errors={"kind": ["无效的评选类别。"]})
    if kind == AssessmentAward.Kind.OUTSTANDING_GROUP:
        if group is None or member is not None:
            raise ApplicationError("先进委员组须选择一个委员组。", errors={"group": ["请选择委员组。"]})
    elif member is None or group is not None:
        raise ApplicationError("请选择委员。", errors={"member": ["请选择委员。"]})


def assessment_award_add(*, actor, year: int, kind: str, member=None, group=None, note: str = ""):
    from .models import AssessmentAward

    require_office(actor)
    _award_target(kind, member, group)
    with acting(actor), transaction.atomic():
        if AssessmentAward.objects.filter(year=year, kind=kind, member=member, group=group).exists():
            raise Conflict(f"{member or group}已评为{year}年度{AssessmentAward.Kind(kind).label}。")
        return AssessmentAward.objects.create(
            year=year, kind=kind, member=member, group=group, note=(note or "").strip()[:200], created_by=actor
        )


def assessment_award_remove(*, actor, award) -> None:
    require_office(actor)
    with acting(actor), transaction.atomic():
        award.delete()


def assessment_awards_set(*, actor, year: int, kind: str, ids) -> tuple[int, int]:
    """Make the year's awards of one kind exactly the given members (or groups). Returns (added, removed)."""
    from .models import AssessmentAward, MemberGroup

    require_office(actor)
    if kind not in AssessmentAward.Kind.values:
        raise ApplicationError("无效的评选类别。", errors={"kind": ["无效的评选类别。"]})
    by_group = kind == AssessmentAward.Kind.OUTSTANDING_GROUP
    model = MemberGroup if by_group else Member
    wanted = {int(pk) for pk in ids}
    found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise ApplicationError("所选委员或委员组不存在。", errors={"ids": ["不存在。"]})
    field = "group_id" if by_group else "member_id"
    with acting(actor), transaction.atomic():
        current = {getattr(a, field): a for a in AssessmentAward.objects.filter(year=year, kind=kind)}
        removed = [a for pk, a in current.items() if pk not in wanted]
        for award in removed:
            award.delete()  # one by one, so that each removal is in the audit log
        added = 0
        for pk in sorted(wanted - set(current)):
            AssessmentAward.objects.create(year=year, kind=kind, created_by=actor, **{field: pk})
            added += 1
        return added, len(removed)


def personal_data_reencrypt() -> int:
    """Re-encrypt every member's ID and phone number under the first FIELD_ENCRYPTION_KEYS key and
    recompute the ID lookup hashes with the current FIELD_HASH_KEY — the second step of a key rotation
    (new key first in the list → this → drop the old key). Rows are read with every configured key,
    so an interrupted run can simply be repeated; other models' encrypted columns (a proposal's contact
    phone) go the same way. Returns the number of rows rewritten.

    A plain UPDATE per row: the values do not change, so there is nothing for the audit log."""
    hash_field = Member._meta.get_field("id_number_hash")
    count = 0
    with transaction.atomic():
        for member in Member.objects.only("pk", "id_number", "phone").select_for_update().iterator(chunk_size=500):
            Member.objects.filter(pk=member.pk).update(
                id_number=member.id_number, phone=member.phone, id_number_hash=hash_field.compute(member)
            )
            count += 1
        count += _reencrypt_other_models()
    return count


def _reencrypt_other_models() -> int:
    """Every other model's encrypted columns (e.g. a proposal's contact phone), the same way."""
    from django.apps import apps

    from cppcc.crypto import EncryptedCharField

    count = 0
    for model in apps.get_models():
        if model is Member:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if not names:
            continue
        rows = model.objects.only("pk", *names).select_for_update().order_by("pk")
        for row in rows.iterator(chunk_size=500):
            model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in names})
            count += 1
    return count
