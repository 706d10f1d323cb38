"""Browser pages for inspections, research and democratic supervision. Thin: parse the request, call
selectors / actions / services, render. Transitions go through `actions.perform`, the same path as
the API."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import Activity, Attendance
from activities.selectors import participation
from cppcc.errors import ApplicationError
from cppcc.filters import parse_id, parse_year
from cppcc.lifecycle import run, run_action
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import no_member, paginate
from members.models import HandlingUnit
from members.selectors import member_for_user, units_of_user

from . import selectors, services
from .filters import InspectionFilterSet, RecommendationFilterSet
from .forms import InspectionForm
from .models import Adoption, Kind, Recommendation, State
from .workflow import INSPECTION, RECOMMENDATION

route = Routes()

PAGE_SIZE = 20
STATE_LABELS = {**dict(State.choices), **dict(Recommendation.State.choices)}
EVENT_LABELS = {
    "create": "登记活动",
    "update": "修改活动信息",
    "attendance": "登记参加委员",
    "recommend": "提出建议",
    "update_recommendation": "修改建议",
    **INSPECTION.labels(),
    **RECOMMENDATION.labels(prefix="建议"),
}


# --- helpers ----------------------------------------------------------------------------------------


def timeline(events):
    events = list(events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.from_label = STATE_LABELS.get(event.from_state, "")
        event.to_label = STATE_LABELS.get(event.to_state, "")
    return events


# --- inspections ------------------------------------------------------------------------------------


@route("", name="list", roles=(Role.OFFICE, Role.LEADER))
def inspection_list(request):
    filterset = InspectionFilterSet(request.GET, queryset=selectors.inspection_list(user=request.user))
    results = filterset.qs.order_by("-activity__start_date", "-id")
    page, query = paginate(request, results, PAGE_SIZE)
    tab_query = query.copy()
    tab_query.pop("type", None)
    counted = participation(activities=Activity.objects.filter(pk__in=filterset.qs.values("activity_id")))
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "page": page,
            "filter": filterset,
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
            "tabs": [("", "全部"), *Kind.choices],
            "current_type": request.GET.get("type", ""),
            "total": page.paginator.count,
            "participation": counted,
        },
    )


@route("new/", name="create", roles=(Role.OFFICE,), methods=("GET", "POST"))
def inspection_create(request):
    form = InspectionForm(request.POST or None, initial={"kind": request.GET.get("type") or Kind.INSPECTION})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(actor=request.user, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记“{inspection.activity.title}”。请登记参加委员。")
            return redirect("supervision:detail", pk=inspection.pk)
    return render(request, "supervision/inspection_form.html", {"form": form, "title": "登记视察调研活动"})


@route("<int:pk>/edit/", name="edit", roles=(Role.OFFICE,), methods=("GET", "POST"))
def inspection_edit(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = InspectionForm(request.POST or None, initial=InspectionForm.initial_from(inspection))
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(actor=request.user, inspection=inspection, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存活动信息。")
            return redirect("supervision:detail", pk=inspection.pk)
    return render(
        request,
        "supervision/inspection_form.html",
        {"form": form, "title": "修改活动信息", "inspection": inspection},
    )


@route("<int:pk>/", name="detail", roles=selectors.INSPECTION_READ_ROLES)
def inspection_detail(request, pk):
    user = request.user
    inspection = selectors.inspection_get(user=user, pk=pk)
    recommendations = inspection.recommendation_rows
    for r in recommendations:
        r.actions = RECOMMENDATION.allowed(user, r)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "activity": inspection.activity,
            "recommendations": recommendations,
            "actions": INSPECTION.allowed(user, inspection),
            "blocked": INSPECTION.blocked(user, inspection),
            "events": timeline(selectors.inspection_events(user=user, pk=pk)),
            "counts": attendance.summary(inspection.activity),
            "units": HandlingUnit.objects.filter(is_active=True) if has_role(user, Role.OFFICE) else [],
            "adoptions": Adoption.choices,
            "today": timezone.localdate(),
            "can_edit": has_role(user, Role.OFFICE) and inspection.state != State.CLOSED,
            "can_recommend": has_role(user, Role.OFFICE) and inspection.state == State.HELD,
        },
    )


@route("<int:pk>/do/<str:name>/", name="action", roles=selectors.INSPECTION_READ_ROLES, methods=("POST",))
def inspection_action(request, pk, name):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    run_action(request, INSPECTION, name, inspection)
    return redirect("supervision:detail", pk=inspection.pk)


@route("<int:pk>/attendance/", name="attendance", roles=(Role.OFFICE, Role.LEADER), methods=("GET", "POST"))
def inspection_attendance(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return attendance.attendance_page(
        request,
        activity=inspection.activity,
        context={"heading": inspection.activity.title, "inspection": inspection},
        record=lambda entries: services.inspection_attendance(
            actor=request.user, inspection=inspection, entries=entries
        ),
        back_url=inspection_url(inspection),
    )


def inspection_url(inspection) -> str:
    return reverse("supervision:detail", args=[inspection.pk])


@route("<int:pk>/recommendations/new/", name="recommendation_add", roles=(Role.OFFICE,), methods=("POST",))
def recommendation_add(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    unit = HandlingUnit.objects.filter(pk=parse_id(request.POST.get("unit"))).first()
    run(
        request,
        lambda: services.recommendation_add(
            actor=request.user, inspection=inspection, text=request.POST.get("text", ""), unit=unit
        ),
        "已添加建议。",
    )
    return redirect(f"{inspection_url(inspection)}#recommendations")


# --- recommendations --------------------------------------------------------------------------------


@route("recommendations/<int:pk>/", name="recommendation", roles=selectors.RECOMMENDATION_READ_ROLES)
def recommendation_detail(request, pk):
    user = request.user
    recommendation = selectors.recommendation_get(user=user, pk=pk)
    inspection = recommendation.inspection
    can_see_inspection = has_role(user, Role.OFFICE, Role.LEADER) or (
        has_role(user, Role.MEMBER)
        and Attendance.objects.filter(activity_id=inspection.activity_id, member__user=user).exists()
    )
    return render(
        request,
        "supervision/recommendation_detail.html",
        {
            "r": recommendation,
            "inspection": inspection,
            "can_see_inspection": can_see_inspection,
            "actions": RECOMMENDATION.allowed(user, recommendation),
            "blocked": RECOMMENDATION.blocked(user, recommendation),
            "events": timeline(selectors.recommendation_events(user=user, pk=pk)),
            "units": HandlingUnit.objects.filter(is_active=True) if has_role(user, Role.OFFICE) else [],
            "adoptions": Adoption.choices,
            "today": timezone.localdate(),
        },
    )


@route(
    "recommendations/<int:pk>/do/<str:name>/",
    name="recommendation_action",
    roles=selectors.RECOMMENDATION_READ_ROLES,
    methods=("POST",),
)
def recommendation_action(request, pk, name):
    recommendation = selectors.recommendation_get(user=request.user, pk=pk)
    run_action(request, RECOMMENDATION, name, recommendation)
    target = request.POST.get("next")
    if target == "inspection" and has_role(request.user, Role.OFFICE):
        return redirect(f"{inspection_url(recommendation.inspection)}#recommendations")
    return redirect("supervision:recommendation", pk=recommendation.pk)


@route("inbox/", name="inbox", roles=(Role.UNIT,))
def recommendation_inbox(request):
    user = request.user
    params = request.GET.copy()
    if "state" not in params:
        params["state"] = Recommendation.State.SENT
    filterset = RecommendationFilterSet(params, queryset=selectors.recommendation_list(user=user))
    results = filterset.qs.order_by("state", "due_date", "id")
    page, query = paginate(request, results, PAGE_SIZE, params=params)
    counts = selectors.recommendation_list(user=user).aggregate(
        waiting=Count("pk", filter=Q(state=Recommendation.State.SENT)),
        overdue=Count("pk", filter=Q(state=Recommendation.State.SENT, due_date__lt=timezone.localdate())),
        answered=Count("pk", filter=Q(state=Recommendation.State.RESPONDED)),
    )
    return render(
        request,
        "supervision/recommendation_inbox.html",
        {
            "page": page,
            "filter": filterset,
            "query": query.urlencode(),
            "units": list(units_of_user(user)),
            "counts": counts,
            "today": timezone.localdate(),
            "state_choices": [
                ("", "全部"),
                (Recommendation.State.SENT, "待反馈"),
                (Recommendation.State.RESPONDED, "已反馈"),
            ],
            "current_state": params.get("state", ""),
        },
    )


# --- members' own record ----------------------------------------------------------------------------


@route("mine/", name="mine", roles=(Role.MEMBER,))
def my_activities(request):
    """我的履职活动: every activity the member is recorded for, with links to the casework behind it."""
    member = member_for_user(request.user)
    if no_member(request, member):
        rows, totals = [], {}
    else:
        year = parse_year(request.GET.get("year"))
        rows = Attendance.objects.filter(member=member).select_related(
            "activity", "activity__consultation", "activity__inspection"
        )
        if year:
            rows = rows.filter(activity__start_date__year=year)
        rows = rows.order_by("-activity__start_date", "-id")
        totals = rows.aggregate(
            attended=Count("pk", filter=Q(status=Attendance.Status.ATTENDED)),
            excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            signed_up=Count("pk", filter=Q(status=Attendance.Status.SIGNED_UP)),
        )
    years = (
        Attendance.objects.filter(member=member).dates("activity__start_date", "year", order="DESC") if member else []
    )
    page, query = paginate(request, rows, 50)
    return render(
        request,
        "supervision/my_activities.html",
        {
            "member": member,
            "page": page,
            "totals": totals,
            "years": [d.year for d in years],
            "current_year": request.GET.get("year", ""),
            "query": query.urlencode(),
        },
    )
