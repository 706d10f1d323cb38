"""Every write to the assessment: the scheme editor, manual points and awards; office only, audited."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict
from cppcc.svc_checks import require_choice
from members.models import Member, MemberGroup
from members.services import require_office

from .engine import DEFAULT_SCHEME, SOURCES, rule_params
from .models import AssessmentAward, AssessmentCategory, AssessmentManualItem, AssessmentRule, AssessmentScheme


def assessment_scheme_create_default(*, actor, year: int):
    """The year's scheme from the default rules (the office then adjusts points, caps and bands)."""
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


def _save_in_order(obj, data: dict):
    """Save a category or a rule, moved to the position `data["order"]` when one is given."""
    if data.get("order") not in (None, ""):
        obj.order = int(data["order"])
    obj.save()
    return obj


def assessment_category_save(*, actor, scheme, category=None, data: dict):
    """Add a category to a scheme or change its name, cap (本类上限, blank = none) and order."""
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
        return _save_in_order(category, data)


def assessment_category_remove(*, actor, category) -> None:
    require_office(actor)
    with acting(actor), transaction.atomic():
        if category.manual_items.exists():
            raise Conflict(f"“{category.name}”已有手工加减分，不能删除；请先撤销这些加减分。")
        category.delete()


def assessment_rule_save(*, actor, category, rule=None, data: dict):
    """Add a rule to a category or change it: source (计分依据) with its parameters, points per unit, label."""
    require_office(actor)
    source = data.get("source", rule.source if rule else "")
    require_choice(source, SOURCES, "source", "请选择计分依据。")
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
        return _save_in_order(rule, data)


def assessment_rule_remove(*, actor, rule) -> None:
    require_office(actor)
    with acting(actor), transaction.atomic():
        rule.delete()


# --- 评选: outstanding members, groups and group leaders -------------------------------------------------


def _award_target(kind, member, group):
    require_choice(kind, AssessmentAward.Kind.values, "kind", "无效的评选类别。")
    if kind == AssessmentAward.Kind.OUTSTANDING_GROUP:
        if group is None or member is not None:
            raise ApplicationError("先进委员组须选择一个委员组。", errors={"group": ["请选择委员组。"]})
    elif member is None or group is not None:
        raise ApplicationError("请选择委员。", errors={"member": ["请选择委员。"]})


def assessment_award_add(*, actor, year: int, kind: str, member=None, group=None, note: str = ""):
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
    require_office(actor)
    require_choice(kind, AssessmentAward.Kind.values, "kind", "无效的评选类别。")
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
