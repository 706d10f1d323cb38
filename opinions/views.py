"""Browser pages for social-opinion reports. Thin: parse the request, call selectors / services,
render. Every transition goes through the lifecycle engine (`OPINION.perform`, from a page by
`run_action`) — the same path as the API — and the forms shown come from `OPINION.allowed()`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from cppcc.errors import ApplicationError
from cppcc.lifecycle import run_action
from cppcc.page_drafts import DraftFlow, form_errors
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import filtered_list_page, landing, paginate, stored_file_response
from members.models import HandlingUnit
from members.selectors import units_of_user

from . import selectors, services
from .filters import OpinionFilterSet
from .forms import OpinionEditorForm, OpinionForm
from .models import OpinionLevel, OpinionPublication, OpinionReferral, OpinionState
from .workflow import OPINION

route = Routes()

PAGE_SIZE = 20
STATE_LABELS = dict(OpinionState.choices)
EVENT_LABELS = {
    "create": "撰写",
    "update": "修改",
    "edit": "编辑修改",
    "attach": "上传附件",
    "convert": "由提案转来",
    **OPINION.labels(),
}
# The action that moves the report on is shown open; the others sit in a collapsible panel.
PRIMARY_ACTIONS = ("submit", "start_editing", "forward", "adopt", "instruct", "unit_feedback")


def _landing(user) -> str:
    return landing(user, office="opinions:queue", leader="opinions:list", unit="opinions:inbox", member="opinions:mine")


def _render_list(request, queryset, *, title, subtitle="", fields, order, state_choices=None, extra=None):
    """One list page: filters from OpinionFilterSet, 20 rows a page, htmx swaps only the table."""
    filterset = OpinionFilterSet(request.GET, queryset=queryset)
    return filtered_list_page(
        request,
        filterset,
        filterset.qs.order_by(*order),
        templates=("opinions/list.html", "opinions/_table.html"),
        size=PAGE_SIZE,
        title=title,
        subtitle=subtitle,
        fields=fields,
        state_choices=state_choices if state_choices is not None else OpinionState.choices,
        extra=extra,
    )


# --- lists ------------------------------------------------------------------------------------------


@route("mine/", name="mine", roles=(Role.MEMBER,))
def opinion_mine(request):
    queryset = selectors.opinion_list(user=request.user, own_only=True)
    counts = queryset.aggregate(
        submitted=Count("pk", filter=~Q(state__in=[OpinionState.DRAFT, OpinionState.WITHDRAWN])),
        adopted=Count("pk", filter=Q(state=OpinionState.ADOPTED)),
        instructed=Count("pk", filter=Q(instruction_count__gt=0)),
    )
    return _render_list(
        request,
        queryset,
        title="我的社情民意",
        subtitle="本人撰写或联名的社情民意信息",
        fields=("q", "state", "category", "year"),
        order=("-created_at", "-id"),
        extra={"show_create": True, "counts": counts, "mine": True, "order_note": "最近撰写的在前"},
    )


@route("", name="list", roles=(Role.OFFICE, Role.LEADER))
def opinion_list(request):
    return _render_list(
        request,
        selectors.opinion_list(user=request.user),
        title="全部社情民意",
        fields=("q", "state", "category", "level", "year", "unit", "from_proposal"),
        order=("-submitted_at", "-id"),
        extra={
            "show_create": has_role(request.user, Role.OFFICE),
            "show_submitted": True,
            "order_note": "最近提交的在前",
        },
    )


@route("queue/", name="queue", roles=(Role.OFFICE,))
def opinion_queue(request):
    waiting = (OpinionState.SUBMITTED, OpinionState.EDITING)
    queryset = selectors.opinion_list(user=request.user).filter(state__in=waiting)
    return _render_list(
        request,
        queryset,
        title="社情民意编辑队列",
        subtitle="委员已提交、等待编辑编报的信息（含编辑中的），先交的在前",
        fields=("q", "state", "category", "from_proposal"),
        order=("submitted_at", "id"),
        state_choices=[(s.value, s.label) for s in waiting],
        extra={"show_submitted": True, "show_create": True, "order_note": "先提交的在前"},
    )


@route("inbox/", name="inbox", roles=(Role.UNIT,))
def opinion_inbox(request):
    user = request.user
    my_units = list(units_of_user(user))
    mine = OpinionReferral.objects.filter(report=OuterRef("pk"), unit__users=user).order_by("passed_at", "id")
    queryset = selectors.opinion_list(user=user).annotate(
        my_passed_at=Subquery(mine.values("passed_at")[:1]),
        my_feedback_at=Subquery(mine.values("feedback_at")[:1]),
    )
    tab = request.GET.get("tab", "waiting")
    if tab == "waiting":
        queryset = queryset.filter(my_feedback_at__isnull=True)
    elif tab == "answered":
        queryset = queryset.filter(my_feedback_at__isnull=False)
    page, query = paginate(request, queryset.order_by("-my_passed_at", "-id"), PAGE_SIZE)
    counts = OpinionReferral.objects.filter(unit__users=user).aggregate(
        waiting=Count("pk", filter=Q(feedback_at__isnull=True)),
        answered=Count("pk", filter=Q(feedback_at__isnull=False)),
    )
    return render(
        request,
        "opinions/inbox.html",
        {
            "page": page,
            "query": query.urlencode(),
            "units": my_units,
            "counts": counts,
            "tab": tab,
            "tabs": [("waiting", "待反馈"), ("answered", "已反馈"), ("all", "全部")],
        },
    )


# --- writing ----------------------------------------------------------------------------------------


DRAFTS = DraftFlow(
    lifecycle=OPINION,
    create=services.opinion_create,
    update=services.opinion_update,
    form_class=OpinionForm,
    template="opinions/form.html",
    instance_name="report",
    edit_url="opinions:edit",
    detail_url="opinions:detail",
    submitted="社情民意信息“{title}”已提交，等待机关编辑。",
    saved="已保存“{title}”。",
    # The author may still correct a report waiting in the queue: saving it does not submit it again.
    submit_when=lambda report: report.state == OpinionState.DRAFT,
)


@route("new/", name="create", roles=(Role.MEMBER, Role.OFFICE), methods=("GET", "POST"))
def opinion_create(request):
    return DRAFTS.page(request, title="撰写社情民意信息")


@route("<int:pk>/edit/", name="edit", roles=(Role.MEMBER, Role.OFFICE), methods=("GET", "POST"))
def opinion_edit(request, pk):
    """The author's form (draft or waiting in the queue), or — while editing — the office editor's."""
    report = selectors.opinion_get(user=request.user, pk=pk)
    if "update" not in OPINION.allowed(request.user, report):
        if report.state == OpinionState.SUBMITTED and has_role(request.user, Role.OFFICE):
            messages.info(request, "请先开始编辑，再修改该信息。")
            return redirect("opinions:detail", pk=report.pk)
        if report.state not in (OpinionState.DRAFT, OpinionState.SUBMITTED, OpinionState.EDITING):
            messages.error(request, f"该信息当前状态为“{report.get_state_display()}”，不能修改。")
            return redirect("opinions:detail", pk=report.pk)
        raise DjangoPermissionDenied("只有作者本人或编辑中的机关工作人员可以修改。")
    if report.state == OpinionState.EDITING:
        form = OpinionEditorForm(request.POST or None, report=report)
        if request.method == "POST" and form.is_valid():
            try:
                services.opinion_update(actor=request.user, report=report, data=form.cleaned_data)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "已保存编辑修改。")
                return redirect("opinions:detail", pk=report.pk)
        return _detail_page(request, report, editor_form=form)
    return DRAFTS.page(request, title="修改社情民意信息", instance=report)


# --- detail and actions -----------------------------------------------------------------------------


def _timeline(user, report):
    events = list(selectors.opinion_events(user=user, report=report))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.from_label = STATE_LABELS.get(event.from_state, "")
        event.to_label = STATE_LABELS.get(event.to_state, "")
    return events


def _options(user, report, allowed) -> tuple[list[str], dict]:
    """The action forms to show and the choices they need; an allowed action with nothing left to do
    (every level adopted, every department passed, this unit answered) is left out."""
    options: dict = {"levels": OpinionLevel.choices, "publications": OpinionPublication.choices}
    shown = []
    for name in allowed:
        if name == "update":
            continue
        if name == "adopt":
            taken = {a.level for a in report.adoptions.all()}
            options["adopt_levels"] = [(v, label) for v, label in OpinionLevel.choices if v not in taken]
            if not options["adopt_levels"]:
                continue
        elif name == "pass_to_units":
            passed = {r.unit_id for r in report.referrals.all()}
            options["units"] = [u for u in HandlingUnit.objects.filter(is_active=True) if u.pk not in passed]
            if not options["units"]:
                continue
        elif name == "unit_feedback":
            mine = {u.pk for u in units_of_user(user)}
            options["feedback_referrals"] = [
                r for r in report.referrals.all() if r.unit_id in mine and not r.feedback_at
            ]
            if not options["feedback_referrals"]:
                continue
        shown.append(name)
    return shown, options


def _detail_page(request, report, editor_form=None):
    user = request.user
    allowed = OPINION.allowed(user, report)
    shown, options = _options(user, report, allowed)
    panels = [{"name": name, "label": OPINION[name].label} for name in shown]
    if editor_form is None and report.state == OpinionState.EDITING and "update" in allowed:
        editor_form = OpinionEditorForm(report=report)
    authors = list(report.authors.all())
    lead = next((a.member for a in authors if a.is_lead), None)
    # Entered by the office (or an information officer) on the lead author's behalf.
    on_behalf = lead is not None and not report.proposal_id and lead.user_id != report.created_by_id
    return render(
        request,
        "opinions/detail.html",
        {
            "report": report,
            "authors": authors,
            "lead": lead,
            "coauthors": [a.member for a in authors if not a.is_lead],
            "events": _timeline(user, report),
            "primary_panels": [p for p in panels if p["name"] in PRIMARY_ACTIONS],
            "secondary_panels": [p for p in panels if p["name"] not in PRIMARY_ACTIONS],
            "opt": options,
            "blocked": OPINION.blocked(user, report),
            "can_update": "update" in allowed and report.state != OpinionState.EDITING,
            "editor_form": editor_form,
            "today": timezone.localdate(),
            "on_behalf": on_behalf,
        },
    )


@route("<int:pk>/", name="detail", roles=selectors.OPINION_READ_ROLES)
def opinion_detail(request, pk):
    return _detail_page(request, selectors.opinion_get(user=request.user, pk=pk))


@route("<int:pk>/do/<str:name>/", name="action", roles=selectors.OPINION_READ_ROLES, methods=("POST",))
def opinion_action(request, pk, name):
    report = selectors.opinion_get(user=request.user, pk=pk)
    if run_action(request, OPINION, name, report):
        try:
            selectors.opinion_get(user=request.user, pk=pk)
        except Http404:
            return redirect(_landing(request.user))  # e.g. a withdrawn draft: no longer anyone's but the author's
    return redirect("opinions:detail", pk=report.pk)


@route("attachments/<int:pk>/", name="attachment", roles=selectors.OPINION_READ_ROLES)
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return stored_file_response(attachment)
