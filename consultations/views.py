"""Browser pages for consultations: the plan board, topics, activities with attendance, outcomes and
their processing chain, and the units' inbox. Thin: parse, call selectors / the lifecycles / services, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import Activity
from activities.selectors import participation
from cppcc.errors import ApplicationError
from cppcc.filters import parse_id, parse_year
from cppcc.lifecycle import run, run_action
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import stored_file_response
from members.models import HandlingUnit, Member, SpecialCommittee
from members.selectors import units_of_user
from supervision.models import Adoption
from supervision.workflow import user_unit_ids

from . import selectors, services
from .filters import QUARTERS
from .forms import ActivityForm, TopicForm
from .models import (
    ConsultationActivity,
    ConsultationPlan,
    Form,
    OutcomeState,
    PlanState,
    Source,
    TopicState,
)
from .workflow import OUTCOME, PLAN, TOPIC, my_assignments

route = Routes()

BOARD_COLUMNS = [s for s in TopicState if s != TopicState.DROPPED]
STATE_LABELS = {**dict(TopicState.choices), **dict(OutcomeState.choices), **dict(PlanState.choices)}
EVENT_LABELS = {
    "create_plan": "编制计划",
    "update_plan": "修改计划",
    "approve_plan": "审定计划",
    "create": "征集议题",
    "update": "修改议题",
    "add_activity": "增加协商活动",
    "update_activity": "修改协商活动",
    "attendance": "登记参加委员",
    "speech": "登记发言",
    "attach": "上传成果附件",
    **TOPIC.labels(),
    **OUTCOME.labels(),
}
PRIMARY_TOPIC_ACTIONS = ("shortlist", "approve", "schedule", "hold", "submit_outcome", "close")


def _timeline(events):
    events = list(events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        if event.unit_id and event.action in OUTCOME:
            event.label = f"{event.label}（{event.unit.name}）"
        event.from_label = STATE_LABELS.get(event.from_state, "")
        event.to_label = STATE_LABELS.get(event.to_state, "")
    return events


def _payload(request):
    merged = request.POST.copy()
    # An empty <input type=file> arrives as an empty string in POST; only real uploads count.
    for name in request.FILES:
        merged.pop(name, None)
    merged.pop("files", None)
    merged.update(request.FILES)
    return merged


# --- the plan board --------------------------------------------------------------------------------


def _board_year(request) -> int:
    return parse_year(request.GET.get("year"), timezone.localdate().year)


@route("", name="board", roles=(Role.OFFICE, Role.LEADER))
def board(request):
    """The year's topics as a board, one column per state (汇题 → 定题 → … → 办结)."""
    user = request.user
    year = _board_year(request)
    plan = ConsultationPlan.objects.filter(year=year).first()
    columns, dropped, counted, activity_count = [], [], {}, 0
    source = request.GET.get("source", "")
    if plan:
        topics = selectors.topic_list(user=user).filter(plan=plan)
        if source in Source.values:
            topics = topics.filter(source=source)
        by_state: dict[str, list] = {}
        for topic in topics:
            by_state.setdefault(topic.state, []).append(topic)
        columns = [{"state": s, "label": s.label, "topics": by_state.get(s, [])} for s in BOARD_COLUMNS]
        dropped = by_state.get(TopicState.DROPPED, [])
        activities = Activity.objects.filter(consultation__topic__plan=plan)
        counted = participation(activities=activities)
        activity_count = activities.count()
    years = list(ConsultationPlan.objects.order_by("-year").values_list("year", flat=True))
    return render(
        request,
        "consultations/board.html",
        {
            "year": year,
            "plan": plan,
            "plan_actions": PLAN.allowed(user, plan) if plan else [],
            "blocked": PLAN.blocked(user, plan) if plan else [],
            "columns": columns,
            "dropped": dropped,
            "years": years,
            "sources": Source.choices,
            "current_source": source,
            "participation": counted,
            "activity_count": activity_count,
            "can_create_plan": has_role(user, Role.OFFICE) and plan is None,
        },
    )


@route("plans/new/", name="plan_create", roles=(Role.OFFICE,), methods=("POST",))
def plan_create(request):
    year = request.POST.get("year", "")
    try:
        plan = services.plan_create(actor=request.user, year=parse_year(year) or 0, title=request.POST.get("title", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('consultations:board')}?year={year}")
    messages.success(request, f"已创建{plan.title}，可以开始征集议题。")
    return redirect(f"{reverse('consultations:board')}?year={plan.year}")


@route("plans/<int:pk>/do/<str:name>/", name="plan_action", roles=(Role.OFFICE, Role.LEADER), methods=("POST",))
def plan_action(request, pk, name):
    plan = selectors.plan_get(user=request.user, pk=pk)
    run_action(request, PLAN, name, plan)
    return redirect(f"{reverse('consultations:board')}?year={plan.year}")


# --- topics ----------------------------------------------------------------------------------------


@route("topics/new/", name="topic_create", roles=(Role.OFFICE, Role.MEMBER), methods=("GET", "POST"))
def topic_create(request):
    office = has_role(request.user, Role.OFFICE)
    initial = {"source": Source.LEADERS}
    plan_id = parse_id(request.GET.get("plan"))
    if plan_id:
        initial["plan"] = plan_id
    else:
        current = ConsultationPlan.objects.filter(state=PlanState.DRAFT).order_by("-year").first()
        if current:
            initial["plan"] = current.pk
    form = TopicForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(actor=request.user, data=form.service_data())
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已提交议题“{topic.title}”。")
            return redirect("consultations:topic", pk=topic.pk)
    mine = []
    if not office:
        mine = selectors.topic_list(user=request.user).filter(Q(created_by=request.user) | Q(member__user=request.user))
    return render(
        request,
        "consultations/topic_form.html",
        {"form": form, "title": "提出协商议题" if not office else "录入协商议题", "mine": mine,
         "no_plan": not form.fields["plan"].queryset.exists()},
    )  # fmt: skip


def _form_errors(form, exc: ApplicationError) -> None:
    placed = False
    for field, errors in exc.errors.items():
        if field in form.fields:
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(field, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@route("topics/<int:pk>/edit/", name="topic_edit", roles=(Role.OFFICE, Role.MEMBER), methods=("GET", "POST"))
def topic_edit(request, pk):
    topic = selectors.topic_get(user=request.user, pk=pk)
    if "update" not in TOPIC.allowed(request.user, topic):
        messages.error(request, f"议题当前状态为“{topic.get_state_display()}”，您不能修改。")
        return redirect("consultations:topic", pk=topic.pk)
    office = has_role(request.user, Role.OFFICE)
    initial = {
        "title": topic.title,
        "description": topic.description,
        "source": topic.source,
        "suggested_by": topic.suggested_by,
        "member": topic.member_id,
        "proposal": topic.proposal_id,
        "form": topic.form,
        "lead_committee": topic.lead_committee_id,
        "planned_quarter": topic.planned_quarter,
    }
    form = TopicForm(request.POST or None, office=office, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(actor=request.user, topic=topic, data=form.service_data())
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存议题。")
            return redirect("consultations:topic", pk=topic.pk)
    return render(request, "consultations/topic_form.html", {"form": form, "title": "修改议题", "topic": topic})


@route("topics/<int:pk>/", name="topic", roles=selectors.TOPIC_READ_ROLES)
def topic_detail(request, pk):
    user = request.user
    topic = selectors.topic_get(user=user, pk=pk)
    allowed = TOPIC.allowed(user, topic)
    office = has_role(user, Role.OFFICE)
    more_activities = office and topic.state in (TopicState.SCHEDULED, TopicState.HELD)
    outcome = None
    if topic.outcome_pk and has_role(user, *selectors.OUTCOME_READ_ROLES):
        outcome = selectors.outcome_get(user=user, pk=topic.outcome_pk)
    return render(
        request,
        "consultations/topic_detail.html",
        {
            "topic": topic,
            "outcome": outcome,
            "can_edit": "update" in allowed,
            "primary": [a for a in allowed if a in PRIMARY_TOPIC_ACTIONS],
            "secondary": [a for a in allowed if a in TOPIC and a not in PRIMARY_TOPIC_ACTIONS],
            "labels": TOPIC.labels(),
            "blocked": TOPIC.blocked(user, topic),
            "events": _timeline(selectors.topic_events(user=user, pk=pk)),
            "forms": Form.choices,
            "committees": SpecialCommittee.objects.filter(is_active=True) if office else [],
            "quarters": QUARTERS,
            "units": HandlingUnit.objects.filter(is_active=True) if office else [],
            "activity_form": ActivityForm() if more_activities else None,
            "today": timezone.localdate(),
        },
    )  # fmt: skip


@route("topics/<int:pk>/do/<str:name>/", name="topic_action", roles=selectors.TOPIC_READ_ROLES, methods=("POST",))
def topic_action(request, pk, name):
    topic = selectors.topic_get(user=request.user, pk=pk)
    ok = run_action(request, TOPIC, name, topic, data=_payload(request))
    if ok and name == "schedule":
        # The next thing to do is to record who takes part.
        latest = ConsultationActivity.objects.filter(topic=topic).order_by("-id").first()
        return redirect("consultations:attendance", pk=latest.pk)
    return redirect("consultations:topic", pk=topic.pk)


# --- activities -------------------------------------------------------------------------------------


@route("topics/<int:pk>/activities/new/", name="activity_add", roles=(Role.OFFICE,), methods=("POST",))
def activity_add(request, pk):
    topic = selectors.topic_get(user=request.user, pk=pk)
    form = ActivityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "活动信息有误：" + "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("consultations:topic", pk=topic.pk)
    holder = {}

    def add():
        holder["activity"] = services.activity_add(actor=request.user, topic=topic, data=dict(form.cleaned_data))

    if run(request, add, "已增加协商活动，请登记参加委员。"):
        return redirect("consultations:attendance", pk=holder["activity"].pk)
    return redirect("consultations:topic", pk=topic.pk)


@route("activities/<int:pk>/", name="activity", roles=selectors.ACTIVITY_READ_ROLES)
def activity_detail(request, pk):
    user = request.user
    consultation = selectors.activity_get(user=user, pk=pk)
    office = has_role(user, Role.OFFICE)
    return render(
        request,
        "consultations/activity_detail.html",
        {
            "c": consultation,
            "activity": consultation.activity,
            "topic": consultation.topic,
            "counts": attendance.summary(consultation.activity),
            "can_edit": office and consultation.topic.state not in (TopicState.CLOSED, TopicState.DROPPED),
            "members": Member.objects.filter(status=Member.Status.ACTIVE).order_by("name_pinyin") if office else [],
            "units": HandlingUnit.objects.filter(is_active=True) if office else [],
            "can_see_topic": has_role(user, *selectors.TOPIC_READ_ROLES)
            and selectors.topic_list(user=user).filter(pk=consultation.topic_id).exists(),
        },
    )


@route("activities/<int:pk>/summary/", name="activity_update", roles=(Role.OFFICE,), methods=("POST",))
def activity_update(request, pk):
    consultation = selectors.activity_get(user=request.user, pk=pk)
    data = {"summary": request.POST.get("summary", "")}
    run(
        request,
        lambda: services.activity_update(actor=request.user, consultation=consultation, data=data),
        "已保存会议纪要。",
    )
    return redirect("consultations:activity", pk=consultation.pk)


@route("activities/<int:pk>/speeches/new/", name="speech_add", roles=(Role.OFFICE,), methods=("POST",))
def speech_add(request, pk):
    consultation = selectors.activity_get(user=request.user, pk=pk)
    member = Member.objects.filter(pk=parse_id(request.POST.get("member"))).first()
    unit = HandlingUnit.objects.filter(pk=parse_id(request.POST.get("unit"))).first()
    run(
        request,
        lambda: services.speech_add(
            actor=request.user,
            consultation=consultation,
            member=member,
            speaker=request.POST.get("speaker", ""),
            unit=unit,
            title=request.POST.get("title", ""),
            summary=request.POST.get("summary", ""),
        ),
        "已登记发言。",
    )
    return redirect(f"{reverse('consultations:activity', args=[consultation.pk])}#speeches")


@route("activities/<int:pk>/attendance/", name="attendance", roles=(Role.OFFICE, Role.LEADER), methods=("GET", "POST"))
def activity_attendance(request, pk):
    consultation = selectors.activity_get(user=request.user, pk=pk)
    return attendance.attendance_page(
        request,
        activity=consultation.activity,
        context={"heading": consultation.activity.title, "consultation": consultation},
        record=lambda entries: services.activity_attendance(
            actor=request.user, consultation=consultation, entries=entries
        ),
        back_url=reverse("consultations:topic", args=[consultation.topic_id]),
    )


# --- outcomes -----------------------------------------------------------------------------------------


@route("outcomes/<int:pk>/", name="outcome", roles=selectors.OUTCOME_READ_ROLES)
def outcome_detail(request, pk):
    user = request.user
    outcome = selectors.outcome_get(user=user, pk=pk)
    allowed = OUTCOME.allowed(user, outcome)
    mine = my_assignments(user, outcome) if has_role(user, Role.UNIT) else []
    return render(
        request,
        "consultations/outcome_detail.html",
        {
            "outcome": outcome,
            "topic": outcome.topic,
            "assignments": outcome.assignment_rows,
            "actions": allowed,
            "labels": OUTCOME.labels(),
            "blocked": OUTCOME.blocked(user, outcome),
            "events": _timeline(selectors.outcome_events(user=user, pk=pk)),
            "units": HandlingUnit.objects.filter(is_active=True) if "assign" in allowed else [],
            "open_assignments": [a for a in outcome.assignment_rows if not a.fed_back_at],
            "to_accept": [a for a in mine if not a.accepted_at],
            "to_answer": [a for a in mine if a.accepted_at and not a.fed_back_at],
            "adoptions": Adoption.choices,
            "today": timezone.localdate(),
            "can_read_topic": has_role(user, *selectors.TOPIC_READ_ROLES),
            "can_upload": has_role(user, Role.OFFICE),
        },
    )


@route("outcomes/<int:pk>/do/<str:name>/", name="outcome_action", roles=selectors.OUTCOME_READ_ROLES, methods=("POST",))
def outcome_action(request, pk, name):
    outcome = selectors.outcome_get(user=request.user, pk=pk)
    run_action(request, OUTCOME, name, outcome)
    return redirect("consultations:outcome", pk=outcome.pk)


@route("outcomes/<int:pk>/files/", name="outcome_upload", roles=(Role.OFFICE,), methods=("POST",))
def outcome_upload(request, pk):
    outcome = selectors.outcome_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        run(
            request,
            lambda: services.outcome_file_add(actor=request.user, outcome=outcome, upload=upload),
            "已上传附件。",
        )
    return redirect("consultations:outcome", pk=outcome.pk)


@route("outcome-files/<int:pk>/", name="outcome_file", roles=selectors.OUTCOME_READ_ROLES)
def outcome_file(request, pk):
    stored = selectors.outcome_file_get(user=request.user, pk=pk)
    return stored_file_response(stored)


INBOX_TABS = [
    ("waiting", "待签收"),
    ("handling", "承办中"),
    ("done", "已反馈"),
    ("all", "全部"),
]


@route("inbox/", name="inbox", roles=(Role.UNIT,))
def inbox(request):
    """The outcomes assigned to the user's own units, one row per assignment."""
    user = request.user
    tab = request.GET.get("tab", "open")
    rows = selectors.assignment_inbox(user=user)
    counts = rows.aggregate(
        waiting=Count("pk", filter=Q(accepted_at__isnull=True)),
        handling=Count("pk", filter=Q(accepted_at__isnull=False, fed_back_at__isnull=True)),
        done=Count("pk", filter=Q(fed_back_at__isnull=False)),
        overdue=Count("pk", filter=Q(fed_back_at__isnull=True, due_date__lt=timezone.localdate())),
    )
    if tab == "waiting":
        rows = rows.filter(accepted_at__isnull=True)
    elif tab == "handling":
        rows = rows.filter(accepted_at__isnull=False, fed_back_at__isnull=True)
    elif tab == "done":
        rows = rows.filter(fed_back_at__isnull=False)
    elif tab != "all":
        tab = "open"
        rows = rows.filter(fed_back_at__isnull=True)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/inbox.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [("open", "待办"), *INBOX_TABS],
            "counts": counts,
            "units": list(units_of_user(user)),
            "query": f"tab={tab}",
            "today": timezone.localdate(),
            "unit_ids": user_unit_ids(user),
        },
    )
