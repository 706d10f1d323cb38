"""Every read of proposals: scoped by role, annotated so that a list costs the same for 10 or 100 rows."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cppcc.roles import Role, has_role
from cppcc.svc_selectors import filtered, get_or_404
from members.selectors import phone_for

from .models import Assignment, CoSigner, Proposal, Reply, State

READ_ROLES = (Role.MEMBER, Role.OFFICE, Role.UNIT, Role.LEADER)


def _own_q(user) -> Q:
    """Written, led or co-signed by the user — flat (no join that repeats rows), so it combines
    with other conditions in one WHERE clause instead of a `pk IN (subquery)` semi-join."""
    return (
        Q(created_by=user)
        | Q(lead_proposer__user=user)
        | Exists(CoSigner.objects.filter(proposal=OuterRef("pk"), member__user=user))
    )


def _visible(user) -> QuerySet[Proposal]:
    qs = Proposal.objects.all()
    if has_role(user, Role.OFFICE, Role.LEADER):
        # Everything except other people's drafts: a draft is its author's until submitted.
        return qs.filter(~Q(state=State.DRAFT) | _own_q(user))
    conditions = Q(pk__in=[])
    if has_role(user, Role.MEMBER):
        conditions |= _own_q(user)
    if has_role(user, Role.UNIT):
        conditions |= Exists(
            Assignment.objects.filter(proposal=OuterRef("pk"), unit__users=user).filter(
                Q(is_active=True) | Q(replies__isnull=False)
            )
        )
    return qs.filter(conditions)


OPEN_STATES = [State.ASSIGNED, State.HANDLING, State.REHANDLING]


def annotate_overdue(qs: QuerySet[Proposal], today=None) -> QuerySet[Proposal]:
    """`reply_overdue`: a required reply of the current round is past its due date;
    `feedback_overdue`: the proposer's feedback is past due; `is_overdue`: either."""
    today = today or timezone.localdate()
    approved_reply = Reply.objects.filter(
        assignment=OuterRef("pk"),
        status=Reply.Status.APPROVED,
        round=OuterRef("proposal__rehandle_count") + 1,
    )
    late_assignment = (
        Assignment.objects.filter(
            proposal=OuterRef("pk"),
            # Only open proposals can be overdue; saying so here keeps the subquery off the
            # history's closed assignments (bench/README.md).
            proposal__state__in=OPEN_STATES,
            is_active=True,
            due_date__lt=today,
        )
        .exclude(role=Assignment.Role.CO)
        .annotate(done=Exists(approved_reply))
        .filter(done=False)
    )
    return qs.annotate(
        reply_overdue=ExpressionWrapper(
            Q(state__in=OPEN_STATES) & Exists(late_assignment),
            output_field=BooleanField(),
        ),
        feedback_overdue=ExpressionWrapper(Q(state=State.REPLIED, feedback_due__lt=today), output_field=BooleanField()),
    ).annotate(
        is_overdue=ExpressionWrapper(Q(reply_overdue=True) | Q(feedback_overdue=True), output_field=BooleanField())
    )


def _collective_name():
    from members.models import MemberGroup, Party, Sector, SpecialCommittee

    def name(model, field):
        return Subquery(model.objects.filter(pk=OuterRef(field)).values("name")[:1])

    return Coalesce(
        name(Party, "collective_party_id"),
        name(Sector, "collective_sector_id"),
        name(MemberGroup, "collective_group_id"),
        name(SpecialCommittee, "collective_committee_id"),
    )


def reply_pending() -> Exists:
    """A reply of the proposal's current round waits for the office's review (待审核答复)."""
    return Exists(
        Reply.objects.filter(
            assignment__proposal=OuterRef("pk"),
            assignment__is_active=True,
            status=Reply.Status.PENDING,
            round=OuterRef("rehandle_count") + 1,
        )
    )


def proposal_list(
    *, user, filters=None, own_only: bool = False, mark_reply_pending: bool = False
) -> QuerySet[Proposal]:
    """`own_only`: just what the user wrote, leads or co-signs (“我的提案”), whatever else their roles see;
    `mark_reply_pending`: each row's `reply_pending` (待审核答复, for the office's list)."""
    from .filters import ProposalFilterSet

    active_assignments = Assignment.objects.filter(is_active=True).select_related("unit").order_by("role", "id")
    qs = annotate_overdue(
        _visible(user)
        # Only what every list row shows is joined: each further join costs PostgreSQL planning
        # time on every request (bench/README.md). A collective proposal's body is named by a
        # scalar subquery instead (read by `Proposal.proposer_display`).
        .select_related("category", "lead_proposer")
        .annotate(collective_name=_collective_name())
        .prefetch_related(Prefetch("assignments", queryset=active_assignments, to_attr="active_assignments"))
    )
    if own_only:
        qs = qs.filter(_own_q(user))
    if mark_reply_pending:
        qs = qs.annotate(reply_pending=reply_pending())
    return filtered(qs, ProposalFilterSet, filters)


def cosign_invitations(*, user) -> QuerySet[CoSigner]:
    """Co-sign invitations waiting for the user's confirmation."""
    from .workflow import PROPOSAL

    return (
        CoSigner.objects.filter(
            member__user=user,
            confirmed_at__isnull=True,
            declined_at__isnull=True,
            proposal__state__in=PROPOSAL["cosign"].sources,
        )
        .select_related("proposal", "proposal__lead_proposer", "proposal__category")
        .order_by("-invited_at", "-id")
    )


def proposal_get(*, user, pk) -> Proposal:
    return get_or_404(
        proposal_list(user=user)
        .select_related("term", "session__term")
        .prefetch_related(
            Prefetch("cosigners", queryset=CoSigner.objects.select_related("member")),
            "attachments",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("unit").prefetch_related(
                    Prefetch("replies", queryset=Reply.objects.select_related("attachment"))
                ),
                to_attr="all_assignments",
            ),
        )
        .select_related("merged_into", "key_leader", "supervisor", "created_by"),
        "未找到该提案。",
        pk=pk,
    )


def contact_phone_for(*, user, proposal: Proposal) -> str:
    """The proposal's contact phone as `user` may see it, by the registry's rule for a member's mobile
    (docs/roles.md): in full to the office and to the proposal's own author and lead proposer; masked
    (139****5678) to everyone else who sees the proposal — leaders, units, co-signers."""
    phone = proposal.contact_phone
    return phone_for(user=user, phone=phone, own=bool(phone) and proposal.is_owned_by(user))


def proposal_events(*, proposal: Proposal):
    """The timeline of a proposal the caller has already obtained through `proposal_get`."""
    return proposal.events.select_related("actor").order_by("created_at", "id")


def attachment_get(*, user, pk):
    """An attachment is visible to whoever may see its proposal."""
    from .models import Attachment

    return get_or_404(Attachment.objects, "未找到该附件。", pk=pk, proposal__in=_visible(user))
