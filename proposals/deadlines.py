"""The proposal deadlines the reminder scan watches: unit replies, the return window, member feedback."""

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse

from notifications.registry import Deadline, register

from .models import Assignment, Proposal, Reply, State


def _title(proposal, suffix):
    head = proposal.number_display or "提案"
    return f"{head}《{proposal.title}》{suffix}"


def _assignments():
    return (
        Assignment.objects.filter(is_active=True)
        .select_related("unit", "proposal", "proposal__key_leader", "proposal__supervisor")
        .prefetch_related(Prefetch("unit__users"))
    )


@register("proposal_reply", "提案答复期限")
def reply_deadlines(today):
    approved = Reply.objects.filter(
        assignment=OuterRef("pk"), status=Reply.Status.APPROVED, round=OuterRef("proposal__rehandle_count") + 1
    )
    open_assignments = (
        _assignments()
        .filter(proposal__state__in=[State.ASSIGNED, State.HANDLING, State.REHANDLING])
        .exclude(role=Assignment.Role.CO)
        .annotate(done=Exists(approved))
        .filter(done=False)
    )
    for a in open_assignments:
        p = a.proposal
        yield Deadline(
            obj=a,
            due=a.due_date,
            title=_title(p, f"（{a.unit.name}）答复"),
            url=reverse("proposals:detail", args=[p.pk]),
            recipients=list(a.unit.users.all()),
            senior=[u for u in (p.key_leader, p.supervisor) if u is not None] if (p.is_key or p.supervisor_id) else [],
        )


@register("proposal_return_window", "提案签收/退回期限")
def return_windows(today):
    waiting = _assignments().filter(
        proposal__state=State.ASSIGNED, accepted_at__isnull=True, return_deadline__gte=today
    )
    for a in waiting:
        yield Deadline(
            obj=a,
            due=a.return_deadline,
            title=_title(a.proposal, f"（{a.unit.name}）签收，逾期不能退回"),
            url=reverse("proposals:detail", args=[a.proposal_id]),
            recipients=list(a.unit.users.all()),
            remind_overdue=False,
        )


@register("proposal_feedback", "提案评价期限")
def feedback_deadlines(today):
    replied = Proposal.objects.filter(state=State.REPLIED, feedback_due__isnull=False).select_related(
        "lead_proposer__user", "created_by"
    )
    for p in replied:
        proposer = p.lead_proposer.user if p.lead_proposer_id and p.lead_proposer.user_id else p.created_by
        yield Deadline(
            obj=p,
            due=p.feedback_due,
            title=_title(p, "办理答复评价"),
            url=reverse("proposals:detail", args=[p.pk]),
            recipients=[proposer],
        )
