"""Member performance assessment (履职量化考核): every score computed from the recorded data.

A scheme (one per year) has categories with caps and rules; each rule names a *source* — a
function that counts, for every member at once, how many units of something they have in the
year (attended trainings, filed proposals, adopted reports …) with one aggregate query. Scores
are `count × points`, summed per category, capped, plus the office's manual items. The same
function scores one member or all of them, so the two can never disagree.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from activities.models import Activity, Attendance
from members.models import Member

from .models import AssessmentAward, AssessmentManualItem, AssessmentScheme

# source code → (label, function(year, params, member_ids | None) → {member_id: quantity})
SOURCES: dict[str, tuple[str, Callable]] = {}
# source code → the parameters its rules may set (the scheme editor offers these; see `rule_params`).
SOURCE_PARAMS: dict[str, tuple[str, ...]] = {}


def source(code: str, label: str, params: tuple[str, ...] = ()):
    """Register a counting source; other apps add theirs (e.g. opinion reports) the same way.

    `params` names the rule parameters the source reads; "kinds" is a list of `Activity.Kind` values.
    """

    def decorator(fn):
        SOURCES[code] = (label, fn)
        SOURCE_PARAMS[code] = tuple(params)
        return fn

    return decorator


def rule_params(code: str, params: dict | None) -> dict:
    """The parameters of a rule, checked against its source; raises ValueError with a message to show."""
    if code not in SOURCES:
        raise ValueError(f"未知的计分依据：{code}")
    params = dict(params or {})
    declared = SOURCE_PARAMS.get(code, ())
    if not declared:
        return params  # a source that does not declare its parameters reads them itself
    if "kind" in params and "kinds" not in params:  # the older one-kind spelling
        kind = params.pop("kind")
        params["kinds"] = [kind] if kind else []
    unknown = set(params) - set(declared)
    if unknown:
        raise ValueError(f"计分依据“{SOURCES[code][0]}”不接受参数：" + "、".join(sorted(unknown)))
    if "kinds" in params:
        kinds = params["kinds"]
        if isinstance(kinds, str):
            kinds = [kinds]
        valid = dict(Activity.Kind.choices)
        bad = [k for k in kinds if k not in valid]
        if bad:
            raise ValueError("无效的活动类型：" + "、".join(map(str, bad)))
        # Kept in the order of Activity.Kind, so that equal rules compare equal.
        params["kinds"] = [k for k in valid if k in set(kinds)]
        if not params["kinds"]:
            del params["kinds"]
    return params


def _year_range(year: int):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def per_member(qs, value) -> dict[int, Decimal]:
    """`value` (an aggregate) per member id of `qs` (rows with a member_id): the counting sources' grouping."""
    return {row["member_id"]: Decimal(row["n"] or 0) for row in qs.values("member_id").annotate(n=value)}


def _attendances(year, member_ids, **filters):
    start, end = _year_range(year)
    qs = Attendance.objects.filter(activity__start_date__range=(start, end), **filters)
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    return qs


@source("attended", "出席活动（按类型）", params=("kinds",))
def attended(year, params, member_ids):
    kinds = params.get("kinds") or ([params["kind"]] if params.get("kind") else [])
    qs = _attendances(year, member_ids, status=Attendance.Status.ATTENDED)
    if kinds:
        qs = qs.filter(activity__kind__in=kinds)
    return per_member(qs, Count("id"))


@source("half_days", "出席全体会议（每半天）")
def half_days(year, params, member_ids):
    qs = _attendances(year, member_ids, status=Attendance.Status.ATTENDED, activity__kind=Activity.Kind.PLENARY)
    return per_member(qs, Sum("activity__half_days"))


@source("absent", "无故缺席")
def absent(year, params, member_ids):
    return per_member(_attendances(year, member_ids, status=Attendance.Status.ABSENT), Count("id"))


@source("speeches", "活动发言")
def speeches(year, params, member_ids):
    return per_member(_attendances(year, member_ids, status=Attendance.Status.ATTENDED), Sum("speeches"))


@dataclass
class Line:
    label: str
    quantity: Decimal
    points: Decimal  # per unit
    score: Decimal
    manual: bool = False
    reason: str = ""
    rule_id: int | None = None  # the rule the line comes from (None for manual items)
    item_id: int | None = None  # the manual item (None for rule lines)


@dataclass
class CategoryScore:
    name: str
    cap: Decimal | None
    lines: list[Line] = field(default_factory=list)

    @property
    def raw(self) -> Decimal:
        return sum((line.score for line in self.lines), Decimal(0))

    @property
    def score(self) -> Decimal:
        return min(self.raw, self.cap) if self.cap is not None else self.raw


@dataclass
class MemberScore:
    member: Member
    categories: list[CategoryScore]
    total: Decimal = Decimal(0)
    grade: str = ""
    rank: int = 0


def score(*, year: int, members=None) -> list[MemberScore]:
    """Scores of `members` (a queryset; default every active member) for `year`, ranked.

    Queries: one per rule plus a handful, whatever the number of members.
    """
    scheme = AssessmentScheme.objects.prefetch_related("categories__rules").filter(year=year).first()
    if scheme is None:
        return []
    if members is None:
        members = Member.objects.filter(status=Member.Status.ACTIVE)
    members = list(members.select_related("sector", "party", "group"))
    ids = [m.pk for m in members]
    member_ids = ids if len(ids) < 500 else None  # large sets: count for all, pick afterwards
    per_member: dict[int, list[CategoryScore]] = {
        pk: [CategoryScore(c.name, c.cap) for c in scheme.categories.all()] for pk in ids
    }
    for c_index, category in enumerate(scheme.categories.all()):
        for rule in category.rules.all():
            if rule.source not in SOURCES:
                continue
            counts = SOURCES[rule.source][1](year, rule.params or {}, member_ids)
            for pk, quantity in counts.items():
                if pk in per_member and quantity:
                    per_member[pk][c_index].lines.append(
                        Line(rule.label, quantity, rule.points, quantity * rule.points, rule_id=rule.pk)
                    )
    index = {c.pk: i for i, c in enumerate(scheme.categories.all())}
    manual = AssessmentManualItem.objects.filter(category__scheme=scheme)
    if member_ids is not None:
        manual = manual.filter(member_id__in=member_ids)
    for item in manual:
        if item.member_id in per_member:
            per_member[item.member_id][index[item.category_id]].lines.append(
                Line(
                    "手工加减分", Decimal(1), item.points, item.points, manual=True, reason=item.reason, item_id=item.pk
                )
            )
    results = []
    for member in members:
        categories = per_member[member.pk]
        total = max(Decimal(0), min(sum((c.score for c in categories), Decimal(0)), scheme.max_total))
        results.append(MemberScore(member, categories, total, scheme.grade(total)))
    results.sort(key=lambda r: (-r.total, r.member.name_stroke_key))
    rank = 0
    previous = None
    for position, result in enumerate(results, start=1):
        if result.total != previous:
            rank, previous = position, result.total
        result.rank = rank
    return results


def group_ranking(results: list[MemberScore]) -> list[dict]:
    """Member groups ranked by their members' average score (equal averages share a rank)."""
    groups = defaultdict(list)
    for r in results:
        if r.member.group_id:
            groups[r.member.group].append(r.total)
    rows = [
        {"group": g, "members": len(totals), "average": (sum(totals) / len(totals)).quantize(Decimal("0.1"))}
        for g, totals in groups.items()
    ]
    rows.sort(key=lambda row: (-row["average"], row["group"].order, row["group"].pk))
    previous = None
    for position, row in enumerate(rows, start=1):
        if row["average"] != previous:
            rank, previous = position, row["average"]
        row["rank"] = rank
    return rows


def member_score(*, year: int, member: Member) -> MemberScore | None:
    """One member's score with their rank among every active member: the same `score()` as the ranking.

    A member no longer serving is not ranked (rank 0) but still has their breakdown.
    """
    for result in score(year=year):
        if result.member.pk == member.pk:
            return result
    results = score(year=year, members=Member.objects.filter(pk=member.pk))
    if not results:
        return None
    results[0].rank = 0
    return results[0]


def year_summary(*, year: int, results: list[MemberScore] | None = None) -> dict | None:
    """The work report's "履职考评" numbers for a year: members assessed, how many in each grade (best
    first), and the 评选 counts. None when the year has no scheme."""
    scheme = AssessmentScheme.objects.filter(year=year).first()
    if scheme is None:
        return None
    if results is None:
        results = score(year=year)
    by_grade = {label: 0 for _, label in sorted(scheme.bands, key=lambda b: -b[0])}
    for r in results:
        by_grade[r.grade] = by_grade.get(r.grade, 0) + 1
    awards = dict(AssessmentAward.objects.filter(year=year).order_by().values_list("kind").annotate(n=Count("id")))
    categories = list(scheme.categories.order_by("order", "id").values_list("name", flat=True))
    return {
        "assessed": len(results),
        # The scheme's categories: the report's "按照学习培训、参加会议……等九个方面".
        "categories": len(categories),
        "category_names": categories,
        "by_grade": by_grade,
        "outstanding_members": awards.get(AssessmentAward.Kind.OUTSTANDING_MEMBER, 0),
        "outstanding_groups": awards.get(AssessmentAward.Kind.OUTSTANDING_GROUP, 0),
        "excellent_group_leaders": awards.get(AssessmentAward.Kind.EXCELLENT_GROUP_LEADER, 0),
    }


DEFAULT_SCHEME = [
    # (category, cap, [(source, params, points, label)]). Sources another app registers (民意提交's
    # opinion_*) are skipped while that app is not installed.
    ("参加会议", 30, [
        ("half_days", {}, 2, "出席全体会议（每半天）"),
        ("attended", {"kinds": ["standing", "chair"]}, 2, "出席常委会议、主席会议"),
        ("attended", {"kinds": ["group", "exchange", "group_leaders"]}, 3, "参加委员组及交流活动"),
        ("absent", {}, -2, "无故缺席"),
    ]),
    ("学习培训", 10, [("attended", {"kinds": ["training"]}, 3, "参加学习培训")]),
    ("协商议政", 15, [("attended", {"kinds": ["consultation"]}, 5, "参加协商活动")]),
    ("视察调研", 15, [
        ("attended", {"kinds": ["inspection", "research", "supervision", "assist_research"]}, 5,
         "参加视察调研、民主监督"),
    ]),
    ("提案撰写", 25, [
        ("proposal_lead", {}, 6, "立案提案（第一提案人）"),
        ("proposal_cosign", {}, 2, "立案提案（附议）"),
        ("proposal_key", {}, 3, "重点提案加分"),
        ("proposal_excellent", {}, 5, "优秀提案加分"),
    ]),
    ("民意提交", 15, [
        ("opinion_submitted", {}, 3, "提交社情民意信息"),
        ("opinion_adopted", {}, 3, "社情民意信息被采用（每级）"),
        ("opinion_instructed", {}, 5, "社情民意信息获领导批示"),
    ]),
    ("活动发言", 10, [("speeches", {}, 3, "会议活动发言")]),
    ("本职工作", 10, []),
    ("社会公益", 10, [("attended", {"kinds": ["welfare", "poverty"]}, 3, "参加社会公益、扶贫帮困")]),
    ("新闻宣传", 5, [("attended", {"kinds": ["publicity"]}, 2, "参与宣传报道")]),
]  # fmt: skip
