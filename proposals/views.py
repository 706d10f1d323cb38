"""Browser pages for proposals. Thin: parse the request, call selectors / services, render.

Every transition goes through the lifecycle engine (`run_action` → `PROPOSAL.perform`, the same path
as the API) and the detail page's buttons are `PROPOSAL.allowed()`, so the pages and the API can
never disagree about who may do what.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import BooleanField, Case, OuterRef, Subquery, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cppcc.lifecycle import run_action
from cppcc.page_drafts import DraftFlow
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import filtered_list_page, landing, safe_next, stored_file_response
from cppcc.xlsx_stream import xlsx_response
from members.models import HandlingUnit, Session
from members.selectors import units_of_user

from . import selectors, services, workflow
from .filters import ProposalFilterSet
from .forms import ProposalForm
from .models import (
    NUMBERED_STATES,
    OPEN_STATES,
    Assignment,
    RejectReason,
    Reply,
    Satisfaction,
    State,
)
from .workflow import PROPOSAL

route = Routes()

PAGE_SIZE = 20
# A unit's open work: to sign for, to answer (again).
UNIT_OPEN_STATES = (State.ASSIGNED, State.HANDLING, State.REHANDLING)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The action that moves a proposal on in its state is shown first and open; the rest (refusals,
# withdrawals, corrections) sit in a collapsible panel.
PRIMARY_ACTIONS = (
    "update", "submit", "cosign", "file", "assign", "accept", "reply", "approve_reply", "decide_extension", "feedback",
)  # fmt: skip
EVENT_LABELS = {
    "create": "创建草稿",
    "update": "修改草稿",
    "attach": "上传附件",
    **PROPOSAL.labels(),
}


# --- helpers --------------------------------------------------------------------------------------


def _landing(user) -> str:
    """Where a user goes when the proposal they just acted on is no longer theirs to see."""
    return landing(
        user, office="proposals:review", leader="proposals:list", unit="proposals:inbox", member="proposals:mine"
    )


def _render_list(
    request,
    queryset,
    *,
    title: str,
    fields: tuple[str, ...],
    order: tuple[str, ...] | None = None,
    state_choices=None,
    fixed: dict | None = None,
    extra: dict | None = None,
    subtitle: str = "",
):
    """One list page: filters from ProposalFilterSet, 20 rows a page, htmx swaps only the table."""
    filterset = ProposalFilterSet(request.GET, queryset=queryset)
    form = filterset.form
    form.fields["session"].queryset = Session.objects.select_related("term")
    # The table shows neither 案由 nor 建议: leave the long texts in the database.
    results = filterset.qs.defer("background", "suggestions")
    if order and not request.GET.get("ordering"):
        results = results.order_by(*order)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    for key, values in (fixed or {}).items():
        if not export_query.getlist(key):
            export_query.setlist(key, list(values))
    return filtered_list_page(
        request,
        filterset,
        results,
        templates=("proposals/proposal_list.html", "proposals/_proposal_table.html"),
        size=PAGE_SIZE,
        title=title,
        subtitle=subtitle,
        fields=fields,
        state_choices=state_choices if state_choices is not None else State.choices,
        extra={
            "export_query": export_query.urlencode(),
            "can_export": has_role(request.user, Role.OFFICE, Role.LEADER),
            "my_unit_ids": set(),
            **(extra or {}),
        },
    )


# --- lists ------------------------------------------------------------------------------------------


@route("mine/", name="mine", roles=(Role.MEMBER,))
def proposal_mine(request):
    return _render_list(
        request,
        selectors.proposal_list(user=request.user, own_only=True),
        title="我的提案",
        subtitle="本人提出或附议的提案",
        fields=("q", "state", "category"),
        extra={
            "invitations": selectors.cosign_invitations(user=request.user),
            "show_create": True,
            "order_note": "最近创建的在前",
        },
    )


@route("", name="list", roles=(Role.OFFICE, Role.LEADER))
def proposal_list(request):
    office = has_role(request.user, Role.OFFICE)
    # Replies waiting for the office's review: a filter and a mark in the state column.
    queryset = selectors.proposal_list(user=request.user, mark_reply_pending=office)
    fields = ("q", "state", "category", "term", "session", "year", "unit", "kind", "is_key", "overdue")
    if office:
        fields = (*fields, "reply_pending")
    return _render_list(
        request,
        queryset,
        title="全部提案",
        fields=fields,
        extra={"show_create": office, "order_note": "最近创建的在前"},
    )


@route("review/", name="review", roles=(Role.OFFICE,))
def proposal_review(request):
    queryset = selectors.proposal_list(user=request.user).filter(state=State.SUBMITTED)
    return _render_list(
        request,
        queryset,
        title="审查队列",
        subtitle="委员已提交、等待审查立案的提案",
        fields=("q", "category", "session", "kind"),
        order=("submitted_at", "id"),
        fixed={"state": [State.SUBMITTED]},
        extra={"show_submitted": True, "order_note": "提交早的在前"},
    )


def _next_due():
    """The earliest due date among a proposal's active lead/split assignments."""
    return Subquery(
        Assignment.objects.filter(proposal=OuterRef("pk"), is_active=True)
        .exclude(role=Assignment.Role.CO)
        .order_by("due_date")
        .values("due_date")[:1]
    )


@route("board/", name="board", roles=(Role.OFFICE, Role.LEADER))
def proposal_board(request):
    queryset = selectors.proposal_list(user=request.user).filter(state__in=OPEN_STATES).annotate(next_due=_next_due())
    return _render_list(
        request,
        queryset,
        title="督办看板",
        subtitle="立案后尚未办结的提案，逾期的排在最前",
        fields=("q", "state", "category", "unit", "is_key", "overdue"),
        order=("-is_overdue", "-is_key", "next_due", "number"),
        state_choices=[(s.value, s.label) for s in OPEN_STATES],
        fixed={"state": [s.value for s in OPEN_STATES]},
        extra={"order_note": "逾期的在前，再按重点提案、答复期限早晚"},
    )


@route("inbox/", name="inbox", roles=(Role.UNIT,))
def proposal_inbox(request):
    user = request.user
    my_units = list(units_of_user(user))
    my_due = Subquery(
        Assignment.objects.filter(proposal=OuterRef("pk"), is_active=True, unit__users=user)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    # Open work first, the earliest deadline first; what the unit has finished (replied, closed…) only
    # with 显示已办结 or a state filter.
    is_open = Case(
        When(state__in=UNIT_OPEN_STATES, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    queryset = selectors.proposal_list(user=user).annotate(my_due=my_due, is_open=is_open)
    show_finished = request.GET.get("finished") == "1" or bool(request.GET.get("state"))
    if not show_finished:
        queryset = queryset.filter(state__in=UNIT_OPEN_STATES)
    return _render_list(
        request,
        queryset,
        title="待办提案",
        subtitle="交本单位办理的提案：" + "、".join(u.name for u in my_units) if my_units else "",
        fields=("q", "state", "category", "overdue"),
        order=("-is_open", "-is_overdue", "my_due", "-id"),
        extra={
            "my_unit_ids": {u.pk for u in my_units},
            "finished_toggle": True,
            "show_finished": show_finished,
            "order_note": "待办在前，逾期的、答复期限早的在前",
        },
    )


# --- drafting ---------------------------------------------------------------------------------------


DRAFTS = DraftFlow(
    lifecycle=PROPOSAL,
    create=services.proposal_create,
    update=services.proposal_update,
    form_class=ProposalForm,
    template="proposals/proposal_form.html",
    instance_name="proposal",
    edit_url="proposals:edit",
    detail_url="proposals:detail",
    submitted="提案“{title}”已提交，等待提案委员会审查。",
    saved="已保存草稿“{title}”。",
)


@route("new/", name="create", roles=(Role.MEMBER, Role.OFFICE), methods=("GET", "POST"))
def proposal_create(request):
    return DRAFTS.page(request, title="撰写提案")


@route("<int:pk>/edit/", name="edit", roles=(Role.MEMBER, Role.OFFICE), methods=("GET", "POST"))
def proposal_edit(request, pk):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    if proposal.state != State.DRAFT:
        messages.error(request, f"提案当前状态为“{proposal.get_state_display()}”，只有草稿可以修改。")
        return redirect("proposals:detail", pk=proposal.pk)
    if "update" not in PROPOSAL.allowed(request.user, proposal):
        raise DjangoPermissionDenied("只有提案人本人可以修改提案。")
    return DRAFTS.page(request, title="修改提案草稿", instance=proposal)


# --- detail and actions -----------------------------------------------------------------------------


def _action_options(user, proposal, allowed) -> dict:
    """What the forms of the allowed actions need: the units a unit acts for, the replies waiting for
    review, the choices of the selects."""
    options: dict = {}
    for name in allowed:
        if name in ("accept", "return"):
            options["unsigned"] = workflow.unsigned_assignments(user, proposal)
        elif name == "reply":
            options["reply_units"] = workflow.replying_assignments(user, proposal)
            options["results"] = Reply.Result.choices
        elif name == "approve_reply":
            options["pending_replies"] = workflow.pending_replies(proposal)
            options["results"] = Reply.Result.choices
        elif name == "extend":
            options["extend_units"] = workflow.active_assignments(proposal)
        elif name == "request_extension":
            options["extension_units"] = workflow.extension_requestable(user, proposal)
        elif name == "decide_extension":
            options["extension_requests"] = workflow.extension_requests(proposal)
        elif name == "reject":
            options["reject_reasons"] = RejectReason.choices
        elif name == "merge":
            options["merge_targets"] = (
                selectors.proposal_list(user=user)
                .prefetch_related(None)
                .filter(term_id=proposal.term_id, state__in=NUMBERED_STATES)
                .exclude(pk=proposal.pk)
                .order_by("number")
            )
        elif name == "assign":
            options["units"] = HandlingUnit.objects.filter(is_active=True)
        elif name == "feedback":
            options["satisfactions"] = Satisfaction.choices
        elif name == "flags":
            options["leaders"] = (
                get_user_model().objects.filter(groups__name=Role.LEADER).order_by("username").distinct()
            )
    return options


@route("<int:pk>/", name="detail", roles=selectors.READ_ROLES)
def proposal_detail(request, pk):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    events = list(selectors.proposal_events(proposal=proposal))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.from_label, event.to_label = event.get_from_state_display(), event.get_to_state_display()
    allowed = PROPOSAL.allowed(request.user, proposal)
    options = _action_options(request.user, proposal, allowed)
    panels = [{"name": name, "label": EVENT_LABELS.get(name, name)} for name in allowed]
    # Active assignments first, the lead and split units before the co-units.
    assignments = sorted(
        proposal.all_assignments, key=lambda a: (not a.is_active, a.role == Assignment.Role.CO, a.assigned_at, a.pk)
    )
    primary = [p for p in panels if p["name"] in PRIMARY_ACTIONS]
    secondary = [p for p in panels if p["name"] not in PRIMARY_ACTIONS]
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "assignments": assignments,
            "events": events,
            "primary_panels": primary,
            "secondary_panels": secondary,
            "blocked": PROPOSAL.blocked(request.user, proposal),
            "opt": options,
            "current_round": proposal.rehandle_count + 1,
            "today": timezone.localdate(),
            "contact_phone": selectors.contact_phone_for(user=request.user, proposal=proposal),
        },
    )


def _payload(request):
    merged = request.POST.copy()
    merged.update(request.FILES)
    return merged


def _success_message(name: str, request):
    """The messages that name the outcome; the others are the transition's own."""
    if name == "file":
        return lambda proposal: f"已立案，提案号为{proposal.number_display}。"
    if name == "approve_reply":
        approved = request.POST.get("approve", "true").lower() not in ("false", "0", "")
        return "答复已审核通过。" if approved else "答复已退回承办单位修改。"
    return None


@route("<int:pk>/do/<str:name>/", name="action", roles=selectors.READ_ROLES, methods=("POST",))
def proposal_action(request, pk, name):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    if run_action(request, PROPOSAL, name, proposal, data=_payload(request), success=_success_message(name, request)):
        try:
            selectors.proposal_get(user=request.user, pk=pk)
        except Http404:
            # E.g. returned for revision (a draft again) or returned by the unit: no longer in view.
            return redirect(_landing(request.user))
    return redirect(safe_next(request) or reverse("proposals:detail", args=[proposal.pk]))


# --- downloads ---------------------------------------------------------------------------------------


def _exports():
    """`proposals/exports.py` is written separately; until it exists the buttons answer with a message."""
    try:
        from . import exports
    except ModuleNotFoundError as exc:
        if exc.name != "proposals.exports":
            raise
        return None
    return exports


@route("export.xlsx", name="export", roles=(Role.OFFICE, Role.LEADER))
def proposal_export(request):
    exports = _exports()
    if exports is None:
        messages.error(request, "导出功能尚未启用。")
        return redirect("proposals:list")
    proposals = selectors.proposal_list(user=request.user, filters=request.GET)
    out = exports.proposals_xlsx(user=request.user, proposals=proposals)
    return xlsx_response(out, f"提案列表_{timezone.localdate():%Y%m%d}.xlsx")


@route("<int:pk>/print.docx", name="print", roles=selectors.READ_ROLES)
def proposal_print(request, pk):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    exports = _exports()
    if exports is None:
        messages.error(request, "打印功能尚未启用。")
        return redirect("proposals:detail", pk=proposal.pk)
    out = exports.proposal_docx(proposal, user=request.user)
    filename = f"提案_{proposal.number_display or proposal.pk}.docx"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=DOCX)


@route("attachments/<int:pk>/", name="attachment", roles=selectors.READ_ROLES)
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return stored_file_response(attachment)
