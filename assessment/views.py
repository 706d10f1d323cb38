"""Browser pages for the performance assessment (履职量化考核): the year's ranking with the group ranking
and the 评选, one member's breakdown (also "我的履职考核"), the scheme editor and the Excel export.

Every score on these pages comes from `engine.score()` — one computation for one member or all.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attendance
from cppcc.errors import ApplicationError
from cppcc.filters import parse_id, parse_year
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import no_member, safe_next
from cppcc.xlsx_stream import xlsx_response
from members.models import MemberGroup, Party, Sector
from members.selectors import member_for_user

from . import engine, exports, selectors, services
from .models import (
    AssessmentAward,
    AssessmentCategory,
    AssessmentManualItem,
    AssessmentRule,
    AssessmentScheme,
)

route = Routes()

MEMBER_AWARD_KINDS = [AssessmentAward.Kind.OUTSTANDING_MEMBER, AssessmentAward.Kind.EXCELLENT_GROUP_LEADER]


def _year(value) -> int:
    return parse_year(value, timezone.localdate().year)


def _year_choices(year: int) -> list[int]:
    return sorted({*selectors.assessment_years(), timezone.localdate().year, year}, reverse=True)


def _int(value):
    return parse_id(value)


GRADE_CLASSES = ["text-bg-success", "text-bg-primary", "text-bg-secondary", "text-bg-warning"]


def _grade_classes(labels: list[str]) -> dict[str, str]:
    """Badge colours from the best grade down; the lowest grade is always red."""
    classes = {label: GRADE_CLASSES[min(i, len(GRADE_CLASSES) - 1)] for i, label in enumerate(labels)}
    if labels:
        classes[labels[-1]] = "text-bg-danger"
    return classes


def _band_text(bands) -> str:
    """优秀（90分及以上）、…、不称职（60分以下）"""
    bands = sorted(bands, key=lambda b: -b[0])
    parts = []
    for i, (floor, label) in enumerate(bands):
        if i < len(bands) - 1:
            parts.append(f"{label}（{floor}分及以上）")
        else:
            parts.append(f"{label}（{bands[i - 1][0]}分以下）" if i else label)
    return "、".join(parts)


# --- ranking --------------------------------------------------------------------------------------------


@route("", name="ranking", roles=(Role.OFFICE, Role.LEADER))
def ranking(request):
    year = _year(request.GET.get("year"))
    scheme = AssessmentScheme.objects.filter(year=year).first()
    results = engine.score(year=year) if scheme else []
    groups = engine.group_ranking(results)
    bands = [label for _, label in sorted(scheme.bands, key=lambda b: -b[0])] if scheme else []
    distribution = {label: 0 for label in bands}
    grade_class = _grade_classes(bands)
    for r in results:
        distribution[r.grade] = distribution.get(r.grade, 0) + 1

    filters = {key: _int(request.GET.get(key)) for key in ("group", "sector", "party")}
    grade = request.GET.get("grade", "")
    q = request.GET.get("q", "").strip()
    shown = [
        r
        for r in results
        if (not filters["group"] or r.member.group_id == filters["group"])
        and (not filters["sector"] or r.member.sector_id == filters["sector"])
        and (not filters["party"] or r.member.party_id == filters["party"])
        and (not grade or r.grade == grade)
        and (not q or q in r.member.name or q.lower() in r.member.name_pinyin)
    ]
    awards = list(selectors.assessment_awards(year=year))
    awarded = {kind: set() for kind in AssessmentAward.Kind.values}
    for award in awards:
        awarded[award.kind].add(award.group_id if award.group_id else award.member_id)
    for r in shown:
        r.awards = [kind for kind in MEMBER_AWARD_KINDS if r.member.pk in awarded[kind]]
        r.grade_class = grade_class.get(r.grade, "")
    for row in groups:
        row["awarded"] = row["group"].pk in awarded[AssessmentAward.Kind.OUTSTANDING_GROUP]
    return render(
        request,
        "assessment/ranking.html",
        {
            "year": year,
            "years": _year_choices(year),
            "scheme": scheme,
            "categories": [c.name for c in results[0].categories] if results else [],
            "results": shown,
            "total": len(results),
            "groups": groups,
            "distribution": [(label, n, grade_class.get(label, "")) for label, n in distribution.items()],
            "grade_class": grade_class,
            "band_text": _band_text(scheme.bands) if scheme else "",
            "awards": awards,
            "award_counts": {kind: len(ids) for kind, ids in awarded.items()},
            "filter_choices": {
                "group": MemberGroup.objects.all(),
                "sector": Sector.objects.all(),
                "party": Party.objects.all(),
            },
            "selected": filters,
            "grade": grade,
            "q": q,
            "can_edit": has_role(request.user, Role.OFFICE),
            "kinds": AssessmentAward.Kind,
        },
    )


@route("export.xlsx", name="export", roles=(Role.OFFICE, Role.LEADER))
def export(request):
    year = _year(request.GET.get("year"))
    if not AssessmentScheme.objects.filter(year=year).exists():
        raise Http404(f"{year}年度尚无考核办法。")
    out = exports.export_to_file(
        year=year, results=engine.score(year=year), awards=selectors.assessment_awards(year=year)
    )
    return xlsx_response(out, f"{year}年度委员履职考核.xlsx")


@route("awards/<int:year>/", name="awards", roles=(Role.OFFICE,), methods=("POST",))
def awards_save(request, year):
    """Save the 评选 ticks of the ranking page. Only the rows shown are changed (the page may be filtered)."""
    back = safe_next(request) or f"{reverse('assessment:ranking')}?year={year}"
    shown = {int(v) for v in request.POST.getlist("shown") if v.isdigit()}
    kinds = request.POST.getlist("kind") or []
    try:
        changes = []
        for kind in kinds:
            if kind not in AssessmentAward.Kind.values:
                raise ApplicationError("无效的评选类别。")
            field = "group_id" if kind == AssessmentAward.Kind.OUTSTANDING_GROUP else "member_id"
            current = set(AssessmentAward.objects.filter(year=year, kind=kind).values_list(field, flat=True))
            ticked = {int(v) for v in request.POST.getlist(kind) if v.isdigit()} & shown
            changes.append(
                services.assessment_awards_set(actor=request.user, year=year, kind=kind, ids=(current - shown) | ticked)
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        added = sum(a for a, _ in changes)
        removed = sum(r for _, r in changes)
        messages.success(request, f"已保存评选结果：新增 {added} 项，撤销 {removed} 项。")
    return redirect(back)


# --- one member -----------------------------------------------------------------------------------------


def _breakdown(result, scheme):
    """The scheme's categories with every rule — also those the member has nothing for — and the lines."""
    if result is None:
        return []
    categories = []
    for category, scored in zip(scheme.categories.all(), result.categories, strict=True):
        by_rule = {line.rule_id: line for line in scored.lines if not line.manual}
        rows = []
        for rule in category.rules.all():
            line = by_rule.get(rule.pk)
            rows.append(
                {
                    "label": rule.label,
                    "quantity": line.quantity if line else Decimal(0),
                    "points": rule.points,
                    "score": line.score if line else Decimal(0),
                    "counted": line is not None,
                }
            )
        manual = [line for line in scored.lines if line.manual]
        categories.append(
            {
                "category": category,
                "scored": scored,
                "rows": rows,
                "manual": manual,
                "capped": scored.raw != scored.score,
            }
        )
    return categories


def _member_page(request, member, year):
    scheme = AssessmentScheme.objects.prefetch_related("categories__rules").filter(year=year).first()
    result = engine.member_score(year=year, member=member) if scheme else None
    attended = (
        Attendance.objects.filter(member=member, activity__start_date__year=year)
        .select_related("activity")
        .order_by("-activity__start_date", "-id")
    )
    office = has_role(request.user, Role.OFFICE)
    items = (
        AssessmentManualItem.objects.filter(member=member, category__scheme=scheme)
        .select_related("category", "created_by")
        .order_by("category__order", "created_at")
        if scheme
        else []
    )
    return render(
        request,
        "assessment/member.html",
        {
            "member": member,
            "year": year,
            "years": _year_choices(year),
            "scheme": scheme,
            "result": result,
            "breakdown": _breakdown(result, scheme) if scheme else [],
            "manual_items": items,
            "attendances": attended,
            "speeches": attended.aggregate(n=Sum("speeches"))["n"] or 0,
            "awards": AssessmentAward.objects.filter(year=year, member=member),
            "group_awarded": bool(member.group_id)
            and AssessmentAward.objects.filter(
                year=year, kind=AssessmentAward.Kind.OUTSTANDING_GROUP, group_id=member.group_id
            ).exists(),
            "can_edit": office,
            "is_self": member.user_id == request.user.pk,
            "kinds": dict(Activity.Kind.choices),
        },
    )


@route("members/<int:pk>/", name="member", roles=selectors.ASSESSMENT_READ_ROLES)
def member_detail(request, pk):
    member = selectors.assessment_member_get(user=request.user, pk=pk)
    return _member_page(request, member, _year(request.GET.get("year")))


@route("mine/", name="mine", roles=(Role.MEMBER,))
def mine(request):
    member = member_for_user(request.user)
    if no_member(request, member):
        return redirect("home")
    return _member_page(request, member, _year(request.GET.get("year")))


@route("members/<int:pk>/manual/", name="manual_add", roles=(Role.OFFICE,), methods=("POST",))
def manual_add(request, pk):
    member = selectors.assessment_member_get(user=request.user, pk=pk)
    year = _year(request.POST.get("year"))
    category = AssessmentCategory.objects.filter(pk=_int(request.POST.get("category")), scheme__year=year).first()
    try:
        if category is None:
            raise ApplicationError("请选择考核类别。")
        try:
            points = Decimal(request.POST.get("points", "").strip()).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise ApplicationError("分值应为数字，扣分填负数。") from None
        if abs(points) > 100:
            raise ApplicationError("分值超出范围。")
        services.assessment_manual_item_add(
            actor=request.user, member=member, category=category, points=points, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已为{member.name}在“{category.name}”{points:+}分。")
    return redirect(f"{reverse('assessment:member', args=[member.pk])}?year={year}#manual")


@route("manual/<int:pk>/remove/", name="manual_remove", roles=(Role.OFFICE,), methods=("POST",))
def manual_remove(request, pk):
    item = get_object_or_404(AssessmentManualItem.objects.select_related("member", "category__scheme"), pk=pk)
    services.assessment_manual_item_remove(actor=request.user, item=item)
    messages.success(request, f"已撤销{item.member.name}的加减分：{item.reason}。")
    return redirect(f"{reverse('assessment:member', args=[item.member_id])}?year={item.category.scheme.year}#manual")


# --- the scheme editor ----------------------------------------------------------------------------------


def _rule_kinds(rule) -> set[str]:
    try:
        return set(engine.rule_params(rule.source, rule.params).get("kinds", []))
    except ValueError:  # a rule of a source no longer registered, or edited by hand
        return set()


@route("scheme/", name="scheme", roles=(Role.OFFICE, Role.LEADER))
def scheme(request):
    year = _year(request.GET.get("year"))
    found = AssessmentScheme.objects.prefetch_related("categories__rules").filter(year=year).first()
    sources = [(code, label, engine.SOURCE_PARAMS.get(code, ())) for code, (label, _) in engine.SOURCES.items()]
    categories = []
    if found:
        for category in found.categories.all():
            rules = list(category.rules.all())
            for rule in rules:
                rule.kinds = _rule_kinds(rule)
                rule.source_label = engine.SOURCES.get(rule.source, (f"（未知：{rule.source}）",))[0]
                if not engine.SOURCE_PARAMS.get(rule.source) and rule.params:
                    rule.params_text = "；".join(f"{key}={value}" for key, value in rule.params.items())
            categories.append({"category": category, "rules": rules})
    bands = sorted(found.bands, key=lambda b: -b[0]) if found else []
    return render(
        request,
        "assessment/scheme.html",
        {
            "year": year,
            "years": _year_choices(year),
            "scheme": found,
            "categories": categories,
            "bands": bands + [["", ""]] * max(0, 6 - len(bands)),
            "sources": sources,
            "kinds": Activity.Kind.choices,
            "can_edit": has_role(request.user, Role.OFFICE),
            "cap_total": sum((c["category"].cap or 0) for c in categories),
        },
    )


def _rule_data(post) -> dict:
    source = post.get("source", "")
    data = {"source": source, "points": post.get("points", ""), "label": post.get("label", "")}
    if "kinds" in engine.SOURCE_PARAMS.get(source, ()):
        data["params"] = {"kinds": post.getlist("kinds")}
    return data


def _category(scheme, post):
    return get_object_or_404(AssessmentCategory, pk=_int(post.get("category")), scheme=scheme)


def _rule(scheme, post):
    return get_object_or_404(AssessmentRule, pk=_int(post.get("rule")), category__scheme=scheme)


def _settings(actor, scheme, post) -> str:
    rows = zip(post.getlist("band_floor"), post.getlist("band_label"), strict=False)
    bands = [[floor, label] for floor, label in rows if floor.strip() or label.strip()]
    data = {"name": post.get("name", ""), "max_total": post.get("max_total", ""), "bands": bands}
    services.assessment_scheme_update(actor=actor, scheme=scheme, data=data)
    return "已保存名称、满分和等次。"


def _category_add(actor, scheme, post) -> str:
    data = {"name": post.get("name", ""), "cap": post.get("cap", "")}
    category = services.assessment_category_save(actor=actor, scheme=scheme, data=data)
    return f"已添加考核类别“{category.name}”。"


def _category_save(actor, scheme, post) -> str:
    data = {"name": post.get("name", ""), "cap": post.get("cap", ""), "order": post.get("order", "")}
    category = services.assessment_category_save(
        actor=actor, scheme=scheme, category=_category(scheme, post), data=data
    )
    return f"已保存类别“{category.name}”。"


def _category_remove(actor, scheme, post) -> str:
    category = _category(scheme, post)
    services.assessment_category_remove(actor=actor, category=category)
    return f"已删除类别“{category.name}”。"


def _rule_add(actor, scheme, post) -> str:
    rule = services.assessment_rule_save(actor=actor, category=_category(scheme, post), data=_rule_data(post))
    return f"已添加计分规则“{rule.label}”。"


def _rule_save(actor, scheme, post) -> str:
    rule = _rule(scheme, post)
    services.assessment_rule_save(actor=actor, category=rule.category, rule=rule, data=_rule_data(post))
    return f"已保存计分规则“{rule.label}”。"


def _rule_remove(actor, scheme, post) -> str:
    rule = _rule(scheme, post)
    services.assessment_rule_remove(actor=actor, rule=rule)
    return f"已删除计分规则“{rule.label}”。"


SCHEME_OPERATIONS = {
    "settings": _settings,
    "category_add": _category_add,
    "category_save": _category_save,
    "category_remove": _category_remove,
    "rule_add": _rule_add,
    "rule_save": _rule_save,
    "rule_remove": _rule_remove,
}


@route("scheme/<int:year>/do/<str:op>/", name="scheme_action", roles=(Role.OFFICE,), methods=("POST",))
def scheme_action(request, year, op):
    """One edit of the year's scheme (create from the default, settings, categories, rules), each a service."""
    found = AssessmentScheme.objects.filter(year=year).first()
    try:
        if op == "create":
            services.assessment_scheme_create_default(actor=request.user, year=year)
            success = f"已按默认办法创建{year}年度考核办法，请按本年度要求调整。"
        elif op not in SCHEME_OPERATIONS or found is None:
            raise Http404("该年度尚无考核办法或操作无效。")
        else:
            success = SCHEME_OPERATIONS[op](request.user, found, request.POST)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(f"{reverse('assessment:scheme')}?year={year}")
