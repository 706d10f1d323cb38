"""What each figure of the annual statistics means and which records it is counted from: the
workbook's 指标说明 sheet, and the 活动明细 sheet those records are listed on.

`DEFINITIONS` names the rule of the figures the work report quotes; the others are described by the
rule of their family (a quantity per kind of activity, a breakdown, a rate).
"""

from django.db.models import Count, Q

from activities.models import Activity, Attendance

from .statistics import HELD_TOPIC_STATES, Period

ACTIVITY_LIST = "活动明细"
HELD = "视察、调研、民主监督须已开展；协商活动须其议题已举行协商"

# path → (how it is computed, where its records are listed)
DEFINITIONS = {
    "activities.inspection_research": (
        "开始日期在本期内、已开展的视察和调研活动数",
        f"{ACTIVITY_LIST}（类型：视察、调研）",
    ),
    "activities.inspections": ("开始日期在本期内、已开展的视察活动数", f"{ACTIVITY_LIST}（类型：视察）"),
    "activities.research": ("开始日期在本期内、已开展的调研活动数", f"{ACTIVITY_LIST}（类型：调研）"),
    "activities.supervision": ("开始日期在本期内、已开展的民主监督活动数", f"{ACTIVITY_LIST}（类型：民主监督）"),
    "activities.consultations": (
        "开始日期在本期内、议题已举行协商的协商活动数（议题未予采用的不计）",
        f"{ACTIVITY_LIST}（类型：协商活动）",
    ),
    "activities.donations_wan": ("捐赠现金、捐赠物资价值与未分项的捐款捐物之和（万元）", ACTIVITY_LIST),
    "activities.poverty_companies": ("扶贫帮困活动登记的参与委员企业之和", f"{ACTIVITY_LIST}（类型：扶贫帮困）"),
    "activities.key_projects.total": ("本年度有委员分包的区重点项目数", "分包重点项目页面"),
    "activities.key_projects.over_one_yi": ("其中总投资1亿元及以上的项目数", "分包重点项目页面"),
    "activities.key_projects.members": ("分包上述项目的委员人数（每人计一次）", "分包重点项目页面"),
    "activities.recommendations.inspection": ("本期已开展的视察提出的建议条数", "视察调研页面的建议"),
    "activities.recommendations.research": ("本期已开展的调研提出的建议条数", "视察调研页面的建议"),
    "activities.recommendations.supervision": ("本期已开展的民主监督提出的建议条数", "视察调研页面的建议"),
    "activities.recommendations.consultation": ("本期报送的协商成果登记的协商意见条数之和", "协商成果页面"),
    "activities.recommendations.total": ("以上四项之和", "视察调研、协商成果页面"),
    "participation.core_members": (f"出席视察、调研、协商活动的委员人数，每人计一次（{HELD}）", ACTIVITY_LIST),
    "participation.core_person_times": (f"出席视察、调研、协商活动的人次（{HELD}）", ACTIVITY_LIST),
    "participation.members": ("出席本期任一活动的委员人数，每人计一次", ACTIVITY_LIST),
    "participation.person_times": ("出席本期各类活动的人次", ACTIVITY_LIST),
    "participation.poverty_members": ("出席扶贫帮困活动的委员人数，每人计一次", f"{ACTIVITY_LIST}（类型：扶贫帮困）"),
    "participation.attendance_rate": ("出席人次 ÷（出席 + 请假 + 缺席）人次", ACTIVITY_LIST),
    "proposals.submitted": (
        "提交时间在本期内的提案，不含提案人撤回的；= 立案 + 不予立案 + 并案 + 转社情民意 + 待审查",
        "提案列表（按提交时间筛选）",
    ),
    "proposals.filed": ("上述提案中已立案（有提案号）的", "提案列表（已立案）"),
    "proposals.filing_rate": ("立案 ÷ 收到提案", "提案列表"),
    "proposals.withdrawn": ("提交时间在本期内、后被提案人撤回的提案（不计入收到提案）", "提案列表（已撤回）"),
    "proposals.replies.due": ("答复期限在本期内的主办、分办交办件次", "承办单位表"),
    "proposals.replies.on_time": ("其中在期限内提交、经审核的首次答复", "承办单位表"),
    "opinions.submitted": ("提交时间在本期内的社情民意信息，不含撤回的", "社情民意列表"),
    "opinions.adopted": ("采用日期在本期内的信息篇数（多级采用计一篇）", "社情民意列表"),
    "regulations.total": ("通过日期在本期内的制度规定和文件（不含机关内部管理制度）", "制度文件页面"),
    "regulations.internal": ("通过日期在本期内的机关内部管理制度", "制度文件页面"),
    "assessment.categories": ("本年度考核办法的考核类别数（“按照……等X个方面”）", "考核办法页面"),
    "assessment.outstanding_members": ("本年度评选的优秀委员", "履职考核页面"),
    "assessment.outstanding_groups": ("本年度评选的先进委员组", "履职考核页面"),
    "assessment.excellent_group_leaders": ("本年度评选的优秀委员组长", "履职考核页面"),
}
KIND_FIGURES = {
    "trainings": "training",
    "group_events": "group",
    "exchanges": "exchange",
    "group_leader_exchanges": "group_leaders",
    "assisted_research": "assist_research",
    "welfare": "welfare",
    "poverty": "poverty",
    "publicity": "publicity",
    "plenary": "plenary",
    "standing": "standing",
    "chair": "chair",
}


def figure_rows(context: dict, codes: dict, label):
    """(name, this period's value, how it is computed, where its records are, template tag) of every
    single figure of the statistics; quantities of a kind of activity only where something was recorded."""
    for section, data in context.items():
        if section in ("period", "report", "units") or not isinstance(data, dict):
            continue
        yield from _walk(section, data, codes, label)


def _walk(path: str, data: dict, codes: dict, label):
    for key, value in data.items():
        sub = f"{path}.{key}"
        if isinstance(value, dict):
            if sub.startswith("activities.by_kind.") and not any(value.values()):
                continue
            yield from _walk(sub, value, codes, label)
        elif value is None or isinstance(value, int | float) and not isinstance(value, bool):
            how, records = definition(sub, codes)
            name = label(sub)
            if sub.startswith(("activities.by_kind.", "activities.quantities.")):
                name = f"{label(sub.rsplit('.', 1)[0])}：{codes.get(key, key)}"
            elif name == key:
                name = f"{label(path)}：{codes.get(key, key)}"
            yield [name, value, how, records, "{{ " + sub + " }}" if sub.isascii() else ""]


FIGURE_COLUMNS = [("指标", 40), ("本期数值", 12), ("计算方法", 60), ("明细（记录清单）", 30), ("模板标签", 44)]


def definition(path: str, codes: dict, fallback: str = "按本期记录统计") -> tuple[str, str]:
    """(how the figure at `path` is computed, where its records are listed); `fallback` for a figure
    with no rule of its own."""
    if path in DEFINITIONS:
        return DEFINITIONS[path]
    parts = path.split(".")
    kinds = dict(Activity.Kind.choices)
    if parts[0] == "activities" and len(parts) == 2 and parts[1] in KIND_FIGURES:
        kind = kinds[KIND_FIGURES[parts[1]]]
        what = kind if kind.endswith("活动") else f"{kind}活动"  # 委员组活动, not 委员组活动活动
        return f"开始日期在本期内的{what}数", f"{ACTIVITY_LIST}（类型：{kind}）"
    if parts[:2] == ["activities", "quantities"]:
        return f"本期各类活动登记的“{codes.get(parts[2], parts[2])}”，按数据项的汇总方式汇总", ACTIVITY_LIST
    if parts[:2] == ["activities", "by_kind"]:
        kind = kinds.get(parts[2], parts[2])
        return (
            f"本期{kind}活动登记的“{codes.get(parts[3], parts[3])}”，按数据项的汇总方式汇总",
            f"{ACTIVITY_LIST}（类型：{kind}）",
        )
    if path.endswith("_rate") or path.endswith(".rate"):
        return "比率（%），分母为零时不计", ""
    return fallback, ""


def activity_rows(period: Period):
    """Every activity of the period, with whether it counts (held), its attendance and its quantities:
    the records the activity figures are computed from. Rows are generated in batches."""
    held = Q(inspection__state__in=["held", "closed"]) | Q(consultation__topic__state__in=HELD_TOPIC_STATES)
    managed = Q(kind__in=["inspection", "research", "supervision", "consultation"])
    activities = (
        Activity.objects.filter(start_date__range=(period.start, period.end))
        .annotate(
            attended=Count("attendances", filter=Q(attendances__status=Attendance.Status.ATTENDED)),
            counted=Count("id", filter=~managed | held),
        )
        .prefetch_related("quantities__kind")
        .order_by("start_date", "id")
    )
    for a in activities.iterator(chunk_size=500):
        yield [
            a.start_date,
            a.get_kind_display(),
            a.title,
            "是" if a.counted else "否（未开展）",
            a.attended,
            "是" if a.is_highlight else "",
            "、".join(f"{q.kind.name}{q.display}" for q in a.quantities.all()),
        ]


ACTIVITY_COLUMNS = [
    ("日期", 12),
    ("类型", 14),
    ("名称", 44),
    ("计入统计", 12),
    ("出席人数", 10),
    ("典型事例", 10),
    ("工作报告数据", 60),
]
