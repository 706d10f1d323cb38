"""The leaders' dashboard (领导驾驶舱): the year's figures from `statistics.annual`, the charts' series,
and the live lists a leader acts on (overdue proposals, key proposals' progress).

Every figure comes from `reports.statistics`, so the dashboard, the API, the Word draft and the Excel
workbook always carry the same numbers. Every list comes from `proposals.selectors.proposal_list`, so
a leader sees here exactly what the proposal pages would show. The page costs a fixed number of
queries whatever the size of the history: aggregates, and two short lists with one prefetch each.
"""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Case, F, OuterRef, Subquery, When
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from consultations.models import Form as ConsultationForm
from cppcc.errors import ApplicationError
from cppcc.routes import Routes
from members.models import HandlingUnit, Term
from proposals import selectors as proposal_selectors
from proposals.models import Assignment, State

from . import selectors, statistics

route = Routes()

OVERDUE_LIMIT = 20
KEY_LIMIT = 30
UNITS_VISIBLE = 15
# A proposal's way from submission to closing, for the key proposals' progress bars.
PROGRESS = [State.SUBMITTED, State.FILED, State.ASSIGNED, State.HANDLING, State.REPLIED, State.CLOSED]
PROGRESS_OF = {**{state: i + 1 for i, state in enumerate(PROGRESS)}, State.REHANDLING: PROGRESS.index(State.HANDLING)}
STATE_LABELS = dict(State.choices)
FORM_LABELS = dict(ConsultationForm.choices)
ACTIVITY_SERIES = {
    "inspection_research": "视察调研",
    "supervision": "民主监督",
    "consultations": "协商活动",
    "other": "会议、培训及其他",
}


@route("dashboard/", name="dashboard", roles=selectors.READ_ROLES)
def dashboard(request):
    terms = list(Term.objects.order_by("-start_year", "-number"))
    # The dashboard offers a year or a term; a free date range is the API's and the exports' business.
    params = {key: request.GET[key] for key in ("year", "term") if request.GET.get(key)}
    if "term" in params:
        params.pop("year", None)
    context = {"terms": terms, "selected_term": params.get("term", ""), "selected_year": params.get("year", "")}
    try:
        period = selectors.period_from_params(params)
    except ApplicationError as exc:
        context.update(error=exc.message, years=_year_choices(terms, None))
        return render(request, "reports/dashboard.html", context, status=400)

    term = next((t for t in terms if t.pk == int(params["term"])), None) if "term" in params else None
    year = None if term else period.start.year
    scope = {"term": term.pk} if term else {"year": year}
    context.update(
        period=period,
        year=year,
        term=term,
        years=_year_choices(terms, year),
        selected_year=str(year or ""),
        **_build(request.user, period, scope),
    )
    return render(request, "reports/dashboard.html", context)


def _year_choices(terms, year) -> list[int]:
    years = {timezone.localdate().year}
    for term in terms:
        years.update(range(term.start_year, term.end_year + 1))
    if year:
        years.add(year)
    return sorted(years, reverse=True)


def _url(name: str, **query) -> str:
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name) + ("?" + urlencode(query, doseq=True) if query else "")


def _build(user, period, scope: dict) -> dict:
    data = statistics.annual(period)
    prop = data["proposals"]
    replies, satisfaction = prop["replies"], prop["satisfaction"]

    categories = statistics.proposals_by_category(period)
    for row in categories:
        row["url"] = _url("proposals:list", category=row["id"], received="true", **scope)

    state_order = list(STATE_LABELS)
    states = [
        {
            "state": state,
            "name": STATE_LABELS.get(state, state),
            "value": n,
            "url": _url("proposals:list", state=state, **scope),
        }
        for state, n in sorted(prop["by_state"].items(), key=lambda item: state_order.index(item[0]))
    ]

    ranking = statistics.units_ranking(period)
    unit_ids = (
        dict(HandlingUnit.objects.filter(name__in=[r["unit"] for r in ranking]).values_list("name", "pk"))
        if ranking
        else {}
    )
    units = [{**row, "url": _url("proposals:list", unit=unit_ids.get(row["unit"]), **scope)} for row in ranking]
    # The chart shows up to UNITS_VISIBLE units at a time and scrolls through the rest.
    units_height = max(260, 26 * min(len(units), UNITS_VISIBLE) + 90)

    overdue, overdue_total = _overdue(user)
    key_proposals = _key_proposals(user, period)
    by_kind = statistics.participation_by_kind(period)

    charts = {
        "monthly_proposals": statistics.monthly_proposals(period),
        "monthly_activities": {
            **statistics.monthly_activities(period),
            "labels": ACTIVITY_SERIES,
        },
        "categories": categories,
        "states": states,
        "units": units,
        "results": [{"name": f"{k}类", "value": v} for k, v in replies["results"].items()],
        "satisfaction_rate": satisfaction["rate"],
        "satisfaction": [
            {"name": "满意", "value": satisfaction["satisfied"]},
            {"name": "基本满意", "value": satisfaction["basically_satisfied"]},
            {"name": "不满意", "value": satisfaction["unsatisfied"]},
        ],
        "participation": by_kind,
    }
    return {
        "data": data,
        "figures": _figures(data, scope, overdue_total),
        "charts": charts,
        "categories": categories,
        "states": states,
        "units": units,
        "units_height": units_height,
        "units_visible": UNITS_VISIBLE,
        "overdue": overdue,
        "overdue_total": overdue_total,
        "overdue_url": _url("proposals:board", overdue="true"),
        "key_proposals": key_proposals,
        "key_total": prop["key"],
        "key_url": _url("proposals:list", is_key="true", **scope),
        "participation_by_kind": by_kind,
        "progress_steps": [STATE_LABELS[s] for s in PROGRESS],
        "activity_kinds": dict(Activity.Kind.choices),
    }


def _figures(data: dict, scope: dict, overdue_total: int) -> list[dict]:
    """The key figures, in the order of the work report's sentence; sections another part of the
    system adds later (`opinions`, `assessment`) appear as soon as `annual()` carries them."""
    act, part, prop = data["activities"], data["participation"], data["proposals"]
    replies, satisfaction = prop["replies"], prop["satisfaction"]
    figures = [
        {
            "key": "inspection_research",
            "label": "视察调研",
            "icon": "bi-binoculars",
            "value": act["inspection_research"],
            "unit": "项",
            "note": f"视察 {act['inspections']} · 调研 {act['research']} · 民主监督 {act['supervision']}",
        },
        {
            "key": "consultations",
            "label": "协商活动",
            "icon": "bi-chat-square-text",
            "value": act["consultations"],
            "unit": "次",
            "note": " · ".join(f"{FORM_LABELS.get(form, form)} {n}" for form, n in act["consultations_by_form"].items())
            or "本期尚无已开展的协商活动",
        },
        {
            "key": "members",
            "label": "参与委员",
            "icon": "bi-people",
            "value": part["members"],
            "unit": "位",
            "note": f"{part['person_times']} 人次 · 其中视察调研协商 {part['core_person_times']} 人次",
        },
        {
            "key": "submitted",
            "label": "提交提案",
            "icon": "bi-file-earmark-text",
            "value": prop["submitted"],
            "unit": "件",
            "note": f"立案 {prop['filed']} 件 · 立案率 {_pct(prop['filing_rate'])}",
            "url": _url("proposals:list", **scope),
        },
        {
            "key": "filed",
            "label": "立案提案",
            "icon": "bi-journal-check",
            "value": prop["filed"],
            "unit": "件",
            "note": f"重点提案 {prop['key']} · 集体提案 {prop['collective_filed']}",
        },
        _rate_card(
            "on_time_rate",
            "按时答复率",
            "bi-alarm",
            replies["on_time_rate"],
            f"应答复 {replies['due']} · 按时 {replies['on_time']} · 超期答复 {replies['late']}",
        ),
        _rate_card(
            "satisfaction_rate",
            "满意率",
            "bi-hand-thumbs-up",
            satisfaction["rate"],
            f"评价 {satisfaction['total']} 件 · 不满意 {satisfaction['unsatisfied']} 件",
        ),
        {
            "key": "overdue",
            "label": "当前逾期",
            "icon": "bi-exclamation-triangle",
            "value": overdue_total,
            "unit": "件",
            "note": "答复或评价已过期限，点击进入督办看板",
            "url": _url("proposals:board", overdue="true"),
            "alert": overdue_total > 0,
        },
    ]
    opinions = data.get("opinions")
    if isinstance(opinions, dict) and isinstance(opinions.get("submitted"), int):
        figures.append(
            {
                "key": "opinions",
                "label": "社情民意信息",
                "icon": "bi-megaphone",
                "value": opinions["submitted"],
                "unit": "件",
                "note": " · ".join(
                    f"{label} {opinions[key]} 件"
                    for key, label in (("adopted", "采用"), ("instructed", "获批示"))
                    if isinstance(opinions.get(key), int)
                ),
            }
        )
    assessment = data.get("assessment")
    if isinstance(assessment, dict):
        assessed = _first_int(assessment, "assessed", "members", "total")
        outstanding = _first_int(assessment, "outstanding", "outstanding_members", "excellent")
        if assessed is not None or outstanding is not None:
            figures.append(
                {
                    "key": "assessment",
                    "label": "履职考核",
                    "icon": "bi-award",
                    "value": assessed if assessed is not None else outstanding,
                    "unit": "位",
                    "note": f"优秀委员 {outstanding} 位" if assessed is not None and outstanding is not None else "",
                }
            )
    return figures


def _first_int(section: dict, *keys):
    for key in keys:
        if isinstance(section.get(key), int):
            return section[key]
    return None


def _pct(rate, unit: bool = True) -> str:
    if rate is None:
        return "—"
    text = f"{rate:g}"
    return f"{text}%" if unit else text


def _rate_card(key: str, label: str, icon: str, rate, note: str) -> dict:
    """A headline card showing a rate: the figure, with "%" beside it only when there is one."""
    return {
        "key": key,
        "label": label,
        "icon": icon,
        "value": _pct(rate, unit=False),
        "unit": "%" if rate is not None else "",
        "note": note,
    }


def _lead_units(proposal) -> list[str]:
    return [a.unit.name for a in proposal.active_assignments if a.role != Assignment.Role.CO]


def _overdue(user):
    """The overdue proposals a leader should chase first: longest overdue on top."""
    earliest_reply_due = Subquery(
        Assignment.objects.filter(proposal=OuterRef("pk"), is_active=True)
        .exclude(role=Assignment.Role.CO)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    overdue = proposal_selectors.proposal_list(user=user).filter(is_overdue=True)
    rows = list(
        overdue.annotate(reply_due=earliest_reply_due)
        .annotate(overdue_since=Case(When(reply_overdue=True, then=F("reply_due")), default=F("feedback_due")))
        .order_by("overdue_since", "number", "id")[:OVERDUE_LIMIT]
    )
    today = timezone.localdate()
    for p in rows:
        p.lead_units = _lead_units(p)
        p.overdue_kind = "答复逾期" if p.reply_overdue else "评价逾期"
        p.days_overdue = (today - p.overdue_since).days if isinstance(p.overdue_since, dt.date) else None
    total = overdue.count() if len(rows) == OVERDUE_LIMIT else len(rows)
    return rows, total


def _key_proposals(user, period):
    start, end = period.datetimes
    rows = list(
        proposal_selectors.proposal_list(user=user)
        .filter(is_key=True, submitted_at__range=(start, end))
        .order_by("number", "id")[:KEY_LIMIT]
    )
    for p in rows:
        p.lead_units = _lead_units(p)
        step = PROGRESS_OF.get(p.state)
        p.progress_step = step
        p.progress = round(100 * step / len(PROGRESS)) if step else None
    return rows
