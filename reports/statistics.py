"""The annual work report's figures: every number a database aggregate, one place for all callers.

`annual(period)` returns a nested dict with stable keys; the API, the dashboard, the Word draft
and the Excel workbook all read it, so they always carry the same numbers. Each section runs a
handful of aggregate queries whatever the size of the history.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from activities.models import Activity, ActivityQuantity, Attendance, KeyProject, QuantityKind, Regulation
from members.models import Term


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @property
    def datetimes(self):
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end, dt.time.max, tzinfo=tz),
        )


def period_for(*, year: int | None = None, term: Term | None = None, start=None, end=None) -> Period:
    if term is not None:
        return Period(
            dt.date(term.start_year, 1, 1),
            dt.date(term.end_year, 12, 31),
            f"{term.name}（{term.start_year}—{term.end_year}年）",
        )
    if start and end:
        return Period(start, end, f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}")
    year = year or timezone.localdate().year
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


def _rate(part, whole) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _num(value):
    if isinstance(value, Decimal):
        return float(value)
    return value or 0


# --- activities ----------------------------------------------------------------------------------

INSPECTION_KINDS = (Activity.Kind.INSPECTION, Activity.Kind.RESEARCH)


# A consultation counts once its topic's meeting has taken place (a topic scheduled and then dropped
# does not); an inspection once it is held.
HELD_TOPIC_STATES = ("held", "outcome_submitted", "closed")


def activities(period: Period) -> dict:
    in_period = Activity.objects.filter(start_date__range=(period.start, period.end))
    # Inspections and consultations count once they have taken place.
    held_inspection = Q(inspection__state__in=["held", "closed"])
    held_consultation = Q(kind=Activity.Kind.CONSULTATION, consultation__topic__state__in=HELD_TOPIC_STATES)
    counts = in_period.aggregate(
        inspection_research=Count("id", filter=Q(kind__in=INSPECTION_KINDS) & held_inspection),
        inspections=Count("id", filter=Q(kind=Activity.Kind.INSPECTION) & held_inspection),
        research=Count("id", filter=Q(kind=Activity.Kind.RESEARCH) & held_inspection),
        supervision=Count("id", filter=Q(kind=Activity.Kind.SUPERVISION) & held_inspection),
        consultations=Count("id", filter=held_consultation),
        plenary=Count("id", filter=Q(kind=Activity.Kind.PLENARY)),
        standing=Count("id", filter=Q(kind=Activity.Kind.STANDING)),
        chair=Count("id", filter=Q(kind=Activity.Kind.CHAIR)),
        trainings=Count("id", filter=Q(kind=Activity.Kind.TRAINING)),
        group_events=Count("id", filter=Q(kind=Activity.Kind.GROUP)),
        exchanges=Count("id", filter=Q(kind=Activity.Kind.EXCHANGE)),
        group_leader_exchanges=Count("id", filter=Q(kind=Activity.Kind.GROUP_LEADERS)),
        assisted_research=Count("id", filter=Q(kind=Activity.Kind.ASSIST_RESEARCH)),
        welfare=Count("id", filter=Q(kind=Activity.Kind.WELFARE)),
        poverty=Count("id", filter=Q(kind=Activity.Kind.POVERTY)),
        publicity=Count("id", filter=Q(kind=Activity.Kind.PUBLICITY)),
    )
    by_form = dict(in_period.filter(held_consultation).values_list("consultation__form").annotate(n=Count("id")))
    figures = quantities(period)
    totals, by_kind = figures["totals"], figures["by_kind"]
    return {
        **counts,
        "consultations_by_form": by_form,
        "quantities": totals,
        "by_kind": by_kind,
        # The sentences' own figures, named as before the catalogue: 捐款捐物 is cash, goods and what was
        # recorded before donations were itemised; the poverty paragraph's companies are the poverty
        # activities' only.
        "donations_wan": round(
            sum(totals.get(code, 0) for code in ("cash_donated_wan", "goods_value_wan", "donations_wan")), 2
        ),
        "poverty_companies": by_kind[Activity.Kind.POVERTY].get("companies", 0),
        "highlights": highlights(period),
        "key_projects": key_projects(period),
        "recommendations": recommendations(period),
    }


def quantities(period: Period) -> dict:
    """The catalogue's quantities over the period's activities: `totals` {code: figure} and `by_kind`
    {activity kind: {code: figure}}, each figure aggregated as its QuantityKind says (sum, largest single
    value, or number of activities recording it). Every code and every kind is present (zero when none),
    so that a template's tag always resolves. One grouped query."""
    catalogue = list(QuantityKind.objects.values_list("code", "aggregate"))
    rows = (
        ActivityQuantity.objects.filter(activity__start_date__range=(period.start, period.end))
        .values("activity__kind", "kind__code")
        .annotate(total=Sum("value"), top=Max("value"), n=Count("id"))
        .order_by()
    )
    found = {(r["activity__kind"], r["kind__code"]): r for r in rows}
    how = dict(catalogue)

    def figure(parts: list[dict], code: str):
        if not parts:
            return 0
        if how[code] == QuantityKind.Aggregate.MAX:
            value = max(p["top"] for p in parts)
        elif how[code] == QuantityKind.Aggregate.COUNT:
            return sum(p["n"] for p in parts)
        else:
            value = sum(p["total"] for p in parts)
        return int(value) if value == value.to_integral_value() else float(value)

    by_kind = {
        kind: {code: figure([found[(kind, code)]] if (kind, code) in found else [], code) for code, _ in catalogue}
        for kind in Activity.Kind.values
    }
    totals = {code: figure([r for (kind, c), r in found.items() if c == code], code) for code, _ in catalogue}
    return {"totals": totals, "by_kind": by_kind}


def highlights(period: Period) -> dict:
    """The activities the office marked 典型事例, by kind, each with its own figures: the draft lists them
    under their paragraph ("某委员向区慈善总会捐赠现金5万元")."""
    marked = (
        Activity.objects.filter(start_date__range=(period.start, period.end), is_highlight=True)
        .prefetch_related("quantities__kind")
        .order_by("start_date", "id")
    )
    result: dict = {kind: [] for kind in Activity.Kind.values}
    for activity in marked:
        quantities = list(activity.quantities.all())
        figures = [f"{q.kind.name}{q.display}" for q in quantities]
        result[activity.kind].append(
            {
                "title": activity.title,
                "date": activity.start_date.isoformat(),
                "figures": "、".join(figures),
                "text": _highlight_text(activity.title, quantities),
            }
        )
    return result


def _highlight_text(title: str, quantities) -> str:
    """The highlight as the report words it: a title that ends with a quantity's name takes its figure
    at once ("某委员向区慈善总会捐赠现金" + 捐赠现金 5万元 → "…捐赠现金5万元"); the other figures follow."""
    title = title.rstrip("。；，")
    lead = next((q for q in quantities if title.endswith(q.kind.name)), None)
    text = title + (lead.display if lead else "")
    rest = [f"{q.kind.name}{q.display}" for q in quantities if q is not lead]
    return text + (f"，{'，'.join(rest)}" if rest else "")


def key_projects(period: Period) -> dict:
    """District key projects members are responsible for (分包), of the period's years: how many, how
    many of 1亿元 and more (the report's "承担X个亿元以上重点项目"), and how many members carry them."""
    projects = KeyProject.objects.filter(year__range=(period.start.year, period.end.year), members__isnull=False)
    counts = projects.aggregate(
        total=Count("id", distinct=True),
        over_one_yi=Count("id", distinct=True, filter=Q(investment_yi__gte=1)),
        members=Count("members", distinct=True),
    )
    over = projects.filter(investment_yi__gte=1).distinct().order_by("name")
    counts["names"] = list(over.values_list("name", flat=True))
    return counts


def recommendations(period: Period) -> dict:
    """Recommendations made (意见建议, 条) by origin: those of the inspections, research and supervision
    held in the period (their numbered recommendations) and of the consultation outcomes submitted in it."""
    from consultations.models import ConsultationOutcome
    from supervision.models import Recommendation

    by_origin = dict(
        Recommendation.objects.filter(
            inspection__activity__start_date__range=(period.start, period.end),
            inspection__state__in=["held", "closed"],
        )
        .values_list("inspection__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    start, end = period.datetimes
    consultation = ConsultationOutcome.objects.filter(submitted_at__range=(start, end)).aggregate(
        n=Coalesce(Sum("recommendations"), 0)
    )["n"]
    figures = {
        "inspection": by_origin.get("inspection", 0),
        "research": by_origin.get("research", 0),
        "supervision": by_origin.get("supervision", 0),
        "consultation": consultation,
    }
    figures["total"] = sum(figures.values())
    return figures


def participation(period: Period) -> dict:
    """Distinct members and person-times (人次), over the inspections and consultations the report's
    sentence names and over every activity; attendance rates of trainings and meetings."""
    attended = Attendance.objects.filter(
        activity__start_date__range=(period.start, period.end), status=Attendance.Status.ATTENDED
    )
    core = Q(activity__kind__in=INSPECTION_KINDS, activity__inspection__state__in=["held", "closed"]) | Q(
        activity__kind=Activity.Kind.CONSULTATION, activity__consultation__topic__state__in=HELD_TOPIC_STATES
    )
    result = attended.aggregate(
        members=Count("member", distinct=True),
        person_times=Count("id"),
        core_members=Count("member", distinct=True, filter=core),
        core_person_times=Count("id", filter=core),
        training_members=Count("member", distinct=True, filter=Q(activity__kind=Activity.Kind.TRAINING)),
        training_person_times=Count("id", filter=Q(activity__kind=Activity.Kind.TRAINING)),
        # The poverty paragraph's "全区X名政协委员积极响应，参与其中".
        poverty_members=Count("member", distinct=True, filter=Q(activity__kind=Activity.Kind.POVERTY)),
    )
    recorded = Attendance.objects.filter(
        activity__start_date__range=(period.start, period.end),
        status__in=[Attendance.Status.ATTENDED, Attendance.Status.EXCUSED, Attendance.Status.ABSENT],
    ).aggregate(
        all=Count("id"),
        attended=Count("id", filter=Q(status=Attendance.Status.ATTENDED)),
        excused=Count("id", filter=Q(status=Attendance.Status.EXCUSED)),
        absent=Count("id", filter=Q(status=Attendance.Status.ABSENT)),
        training_all=Count("id", filter=Q(activity__kind=Activity.Kind.TRAINING)),
        training_attended=Count(
            "id", filter=Q(activity__kind=Activity.Kind.TRAINING, status=Attendance.Status.ATTENDED)
        ),
    )
    result.update(
        excused=recorded["excused"],
        absent=recorded["absent"],
        attendance_rate=_rate(recorded["attended"], recorded["all"]),
        training_attendance_rate=_rate(recorded["training_attended"], recorded["training_all"]),
    )
    return result


def regulations(period: Period) -> dict:
    """The committee's rules and documents for its work (意见或办法: `total`, `rules`, `titles`) and, apart,
    the office's internal rules (内部管理规范性制度: `internal`, `internal_titles`)."""
    in_period = Regulation.objects.filter(adopted_on__range=(period.start, period.end)).order_by("adopted_on", "id")
    internal = Q(kind=Regulation.Kind.INTERNAL)
    counts = in_period.aggregate(
        total=Count("id", filter=~internal),
        rules=Count("id", filter=Q(kind=Regulation.Kind.RULE)),
        internal=Count("id", filter=internal),
    )
    # Titles without their own book-title marks: the draft quotes each once (《…》).
    counts["titles"] = [t.strip("《》") for t in in_period.exclude(internal).values_list("title", flat=True)]
    counts["internal_titles"] = [t.strip("《》") for t in in_period.filter(internal).values_list("title", flat=True)]
    return counts


# --- proposals -----------------------------------------------------------------------------------


def proposals(period: Period) -> dict:
    from proposals.models import Assignment, Proposal, State

    start, end = period.datetimes
    all_submitted = Proposal.objects.filter(submitted_at__range=(start, end))
    # Received (收到): submitted in the period and not withdrawn by the proposer, so that
    # submitted = filed + not_filed + merged + converted + pending_review (still in review, or returned
    # to the proposer for revision).
    submitted = all_submitted.exclude(state=State.WITHDRAWN)
    numbered = Q(number__isnull=False)
    counts = submitted.aggregate(
        submitted=Count("id"),
        filed=Count("id", filter=numbered),
        not_filed=Count("id", filter=Q(state=State.NOT_FILED)),
        merged=Count("id", filter=Q(state=State.MERGED)),
        converted=Count("id", filter=Q(state=State.CONVERTED)),
        pending_review=Count("id", filter=Q(state__in=[State.SUBMITTED, State.DRAFT])),
        collective=Count("id", filter=Q(kind=Proposal.Kind.COLLECTIVE)),
        individual=Count("id", filter=Q(kind=Proposal.Kind.INDIVIDUAL)),
        collective_filed=Count("id", filter=numbered & Q(kind=Proposal.Kind.COLLECTIVE)),
        key=Count("id", filter=Q(is_key=True)),
        excellent=Count("id", filter=Q(is_excellent=True)),
        closed=Count("id", filter=Q(state=State.CLOSED)),
        in_handling=Count("id", filter=Q(state__in=[State.ASSIGNED, State.HANDLING, State.REHANDLING])),
        replied=Count("id", filter=Q(state__in=[State.REPLIED, State.CLOSED])),
    )
    counts["withdrawn"] = all_submitted.filter(state=State.WITHDRAWN).count()
    counts["filing_rate"] = _rate(counts["filed"], counts["submitted"])
    filed = submitted.filter(numbered)
    counts["filed_by_category"] = dict(
        filed.values_list("category__name").annotate(n=Count("id")).order_by("category__order")
    )
    # Sector and party: the lead proposer's for individual proposals, the body's for collective ones; one
    # that names none is counted as 未注明, so that each breakdown adds up to the filed total.
    individual, collective = filed.filter(kind=Proposal.Kind.INDIVIDUAL), filed.filter(kind=Proposal.Kind.COLLECTIVE)
    counts["filed_by_sector"] = _merge(
        individual.values_list("lead_proposer__sector__name").annotate(n=Count("id")),
        collective.values_list("collective_sector__name").annotate(n=Count("id")),
    )
    counts["filed_by_party"] = _merge(
        individual.values_list("lead_proposer__party__name").annotate(n=Count("id")),
        collective.values_list("collective_party__name").annotate(n=Count("id")),
    )
    counts["by_state"] = dict(all_submitted.values_list("state").annotate(n=Count("id")))
    counts["key_by_state"] = dict(submitted.filter(is_key=True).values_list("state").annotate(n=Count("id")))

    # Handling: assignments of the proposals filed in the period.
    assignments = Assignment.objects.filter(proposal__in=filed, is_active=True)
    counts["by_unit"] = [
        {"unit": row["unit__name"], "lead": row["lead"], "co": row["co"], "split": row["split"]}
        for row in assignments.values("unit__name", "unit__order")
        .annotate(
            lead=Count("id", filter=Q(role=Assignment.Role.LEAD)),
            co=Count("id", filter=Q(role=Assignment.Role.CO)),
            split=Count("id", filter=Q(role=Assignment.Role.SPLIT)),
        )
        .order_by("unit__order", "unit__name")
    ]
    counts["replies"] = replies(period)
    feedback = Proposal.objects.filter(feedback_at__range=(start, end)).exclude(satisfaction="")
    sat = feedback.aggregate(
        total=Count("id"),
        satisfied=Count("id", filter=Q(satisfaction="satisfied")),
        basically_satisfied=Count("id", filter=Q(satisfaction="basically_satisfied")),
        unsatisfied=Count("id", filter=Q(satisfaction="unsatisfied")),
    )
    sat["rate"] = _rate(sat["satisfied"] + sat["basically_satisfied"], sat["total"])
    counts["satisfaction"] = sat
    counts["monthly_submitted"] = _monthly(submitted, "submitted_at")
    counts["key_list"] = [
        {"number": n, "title": t, "state": s}
        for n, t, s in submitted.filter(is_key=True).order_by("number").values_list("number", "title", "state")
    ]
    return counts


def _first_reply(*, on_time: bool = False) -> Exists:
    """The assignment has its approved first-round reply (`on_time`: submitted by the due date).

    An EXISTS per assignment (an index probe on the reply's assignment) rather than a join to the
    reply table, which PostgreSQL answers with a scan of every reply in the history.
    """
    from proposals.models import Reply

    replies = Reply.objects.filter(assignment=OuterRef("pk"), round=1, status=Reply.Status.APPROVED)
    if on_time:
        replies = replies.filter(submitted_at__date__lte=OuterRef("due_date"))
    return Exists(replies)


def replies(period: Period) -> dict:
    """Replies due in the period (lead and split units), on time, late, overdue; result classes."""
    from proposals.models import Assignment, Reply

    today = timezone.localdate()
    due = Assignment.objects.filter(due_date__range=(period.start, period.end), is_active=True).exclude(
        role=Assignment.Role.CO
    )
    answered = _first_reply()
    counts = due.aggregate(
        due=Count("id"),
        replied=Count("id", filter=answered),
        on_time=Count("id", filter=_first_reply(on_time=True)),
        overdue=Count("id", filter=Q(due_date__lt=today) & ~answered),
    )
    counts["late"] = counts["replied"] - counts["on_time"]
    counts["on_time_rate"] = _rate(counts["on_time"], counts["due"])
    start, end = period.datetimes
    results = dict(
        Reply.objects.filter(status=Reply.Status.APPROVED, submitted_at__range=(start, end))
        .exclude(assignment__role=Assignment.Role.CO)
        .values_list("result")
        .annotate(n=Count("id"))
    )
    counts["results"] = {k: results.get(k, 0) for k in ("A", "B", "C")}
    return counts


def units_ranking(period: Period) -> list[dict]:
    """Units by on-time reply rate and proposer satisfaction, for the dashboard."""
    from proposals.models import Assignment

    rows = (
        Assignment.objects.filter(due_date__range=(period.start, period.end), is_active=True)
        .exclude(role=Assignment.Role.CO)
        .values("unit_id", "unit__name")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=_first_reply(on_time=True)),
            feedback=Count("proposal", distinct=True, filter=~Q(proposal__satisfaction="")),
            satisfied=Count(
                "proposal",
                distinct=True,
                filter=Q(proposal__satisfaction__in=["satisfied", "basically_satisfied"]),
            ),
        )
    )
    ranked = [
        {
            "unit": r["unit__name"],
            "due": r["due"],
            "on_time": r["on_time"],
            "on_time_rate": _rate(r["on_time"], r["due"]),
            "satisfaction_rate": _rate(r["satisfied"], r["feedback"]),
        }
        for r in rows
    ]
    return sorted(ranked, key=lambda r: (-(r["on_time_rate"] or 0), -(r["satisfaction_rate"] or 0), r["unit"]))


UNNAMED = "未注明"


def _merge(*grouped) -> dict:
    total: dict = {}
    for rows in grouped:
        for name, n in rows:
            name = name or UNNAMED
            total[name] = total.get(name, 0) + n
    return dict(sorted(total.items(), key=lambda item: -item[1]))


def _monthly(qs, field: str) -> list[int]:
    """Counts per calendar month (local time) of `field`."""
    months = [0] * 12
    for month, n in qs.annotate(month=ExtractMonth(field)).values_list("month").annotate(n=Count("id")).order_by():
        months[month - 1] = n
    return months


# --- the dashboard's series ---------------------------------------------------------------------
# Month by month over the whole period (a term spans several years), and the breakdowns the charts
# drill into; one grouped query each.


def period_months(period: Period) -> list[tuple[int, int]]:
    """(year, month) of every calendar month the period touches, in order."""
    months = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_labels(period: Period) -> list[str]:
    months = period_months(period)
    if len({year for year, _ in months}) == 1:
        return [f"{month}月" for _, month in months]
    return [f"{year}.{month:02d}" for year, month in months]


def _by_month(period: Period, rows, keys: tuple[str, ...]) -> dict:
    index = {ym: i for i, ym in enumerate(period_months(period))}
    series = {key: [0] * len(index) for key in keys}
    for row in rows:
        i = index.get((row["y"], row["m"]))
        if i is not None:
            for key in keys:
                series[key][i] = row[key]
    return {"months": month_labels(period), **series}


def monthly_activities(period: Period) -> dict:
    """Activities per month by start date, counted by the rules of `activities()`: inspections,
    research and supervision once held, consultations once their topic's meeting is held;
    `other` is every meeting, training, group, welfare … activity."""
    held_inspection = Q(inspection__state__in=["held", "closed"])
    counted_apart = [*INSPECTION_KINDS, Activity.Kind.SUPERVISION, Activity.Kind.CONSULTATION]
    rows = (
        Activity.objects.filter(start_date__range=(period.start, period.end))
        .annotate(y=ExtractYear("start_date"), m=ExtractMonth("start_date"))
        .values("y", "m")
        .annotate(
            inspection_research=Count("id", filter=Q(kind__in=INSPECTION_KINDS) & held_inspection),
            supervision=Count("id", filter=Q(kind=Activity.Kind.SUPERVISION) & held_inspection),
            consultations=Count(
                "id", filter=Q(kind=Activity.Kind.CONSULTATION, consultation__topic__state__in=HELD_TOPIC_STATES)
            ),
            other=Count("id", filter=~Q(kind__in=counted_apart)),
        )
        .order_by()
    )
    return _by_month(period, rows, ("inspection_research", "supervision", "consultations", "other"))


def monthly_proposals(period: Period) -> dict:
    """Proposals submitted (and not withdrawn) per month (local time) and how many of them were filed."""
    from proposals.models import Proposal, State

    start, end = period.datetimes
    rows = (
        Proposal.objects.filter(submitted_at__range=(start, end))
        .exclude(state=State.WITHDRAWN)
        .annotate(y=ExtractYear("submitted_at"), m=ExtractMonth("submitted_at"))
        .values("y", "m")
        .annotate(submitted=Count("id"), filed=Count("id", filter=Q(number__isnull=False)))
        .order_by()
    )
    return _by_month(period, rows, ("submitted", "filed"))


def proposals_by_category(period: Period) -> list[dict]:
    """Proposals submitted (and not withdrawn) in the period by category, with how many were filed: the
    filed counts are `proposals()["filed_by_category"]`; the ids let the dashboard link to the filtered list."""
    from proposals.models import Proposal, State

    start, end = period.datetimes
    rows = (
        Proposal.objects.filter(submitted_at__range=(start, end))
        .exclude(state=State.WITHDRAWN)
        .values("category_id", "category__name", "category__order")
        .annotate(submitted=Count("id"), filed=Count("id", filter=Q(number__isnull=False)))
        .order_by("category__order", "category_id")
    )
    return [
        {"id": r["category_id"], "name": r["category__name"], "submitted": r["submitted"], "filed": r["filed"]}
        for r in rows
    ]


def participation_by_kind(period: Period) -> list[dict]:
    """Members and person-times per kind of activity, over every activity as `participation()`
    counts them (so the person-times add up to its `person_times`), with each kind's attendance rate."""
    labels = dict(Activity.Kind.choices)
    attended = Q(status=Attendance.Status.ATTENDED)
    rows = (
        Attendance.objects.filter(activity__start_date__range=(period.start, period.end))
        .values("activity__kind")
        .annotate(
            members=Count("member", distinct=True, filter=attended),
            person_times=Count("id", filter=attended),
            recorded=Count(
                "id",
                filter=Q(status__in=[Attendance.Status.ATTENDED, Attendance.Status.EXCUSED, Attendance.Status.ABSENT]),
            ),
        )
        .order_by()
    )
    order = {kind: i for i, kind in enumerate(labels)}
    result = [
        {
            "kind": r["activity__kind"],
            "label": labels.get(r["activity__kind"], r["activity__kind"]),
            "members": r["members"],
            "person_times": r["person_times"],
            "attendance_rate": _rate(r["person_times"], r["recorded"]),
        }
        for r in rows
        if r["recorded"] or r["person_times"]
    ]
    return sorted(result, key=lambda r: order.get(r["kind"], len(order)))


# --- opinion reports and assessment --------------------------------------------------------------


def opinions(period: Period) -> dict:
    """Social-opinion reports submitted in the period; adoptions (by level) and instructions dated in it."""
    from opinions.statistics import opinion_figures

    figures = opinion_figures(period.start, period.end)
    figures["adoption_rate"] = _rate(figures["adopted"], figures["submitted"])
    return figures


def assessment(period: Period) -> dict:
    """Grades of the period's year (the same engine as the ranking) and the year's awards."""
    from assessment.engine import year_summary

    summary = year_summary(year=period.end.year)
    return {"year": period.end.year, **summary} if summary else {}  # {}: the year has no scheme


# --- the whole report ----------------------------------------------------------------------------

SECTIONS = {
    "activities": activities,
    "participation": participation,
    "proposals": proposals,
    "regulations": regulations,
    "opinions": opinions,
    "assessment": assessment,
}


def annual(period: Period) -> dict:
    data = {"period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label}}
    for key, section in SECTIONS.items():
        figures = section(period)
        if figures:  # a section with nothing to report (e.g. no assessment scheme that year) is left out
            data[key] = figures
    return data


# --- handling units: the work report's 承办单位 table ---------------------------------------------


def unit_handling(period: Period) -> list[dict]:
    """Each handling unit's share of the period's proposals and its replies, in one grouped query.

    `lead`/`co`/`split` count the unit's active assignments of proposals filed in the period (as
    `proposals()["by_unit"]`); `due`, `replied`, `on_time` and `overdue` count its lead and split
    replies falling due in the period (as `replies()`), so the column totals equal those figures.
    """
    from proposals.models import Assignment

    start, end = period.datetimes
    today = timezone.localdate()
    filed = Q(proposal__submitted_at__range=(start, end), proposal__number__isnull=False)
    due = Q(due_date__range=(period.start, period.end)) & ~Q(role=Assignment.Role.CO)
    past_due = due & Q(due_date__lt=today)
    answered = _first_reply()
    rows = (
        Assignment.objects.filter(is_active=True)
        .filter(filed | due)
        .values("unit__name", "unit__order")
        .annotate(
            lead=Count("id", filter=filed & Q(role=Assignment.Role.LEAD)),
            co=Count("id", filter=filed & Q(role=Assignment.Role.CO)),
            split=Count("id", filter=filed & Q(role=Assignment.Role.SPLIT)),
            due=Count("id", filter=due),
            replied=Count("id", filter=due & answered),
            on_time=Count("id", filter=due & _first_reply(on_time=True)),
            past_due=Count("id", filter=past_due),
            past_due_replied=Count("id", filter=past_due & answered),
        )
        .order_by("unit__order", "unit__name")
    )
    return [
        {
            "unit": r["unit__name"],
            "lead": r["lead"],
            "co": r["co"],
            "split": r["split"],
            "due": r["due"],
            "replied": r["replied"],
            "on_time": r["on_time"],
            "overdue": r["past_due"] - r["past_due_replied"],
            "on_time_rate": _rate(r["on_time"], r["due"]),
        }
        for r in rows
    ]
