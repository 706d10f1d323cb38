"""Every read of social-opinion reports, scoped by role:

* office and leaders see every report except other people's never-submitted ones (a draft is its
  author's until submitted);
* a member sees the reports they lead, co-author or entered — nobody else's (404 by id);
* a unit sees the reports passed to its own department;
* admin and auditor see none (the API and the pages refuse them before asking).

Lists are annotated and prefetched, so a page costs the same for 5 rows or 500.
"""

from django.db.models import OuterRef, Prefetch, Q, QuerySet

from cppcc.roles import Role, has_role
from cppcc.svc_selectors import filtered, get_or_404
from supervision.selectors import count_of

from .models import (
    OpinionAdoption,
    OpinionAuthor,
    OpinionEvent,
    OpinionInstruction,
    OpinionReferral,
    OpinionReport,
    OpinionState,
)

OPINION_READ_ROLES = (Role.MEMBER, Role.OFFICE, Role.LEADER, Role.UNIT)


def _own_q(user) -> Q:
    return Q(created_by=user) | Q(pk__in=OpinionAuthor.objects.filter(member__user=user).values("report_id"))


def _never_submitted_q() -> Q:
    return Q(state=OpinionState.DRAFT) | Q(state=OpinionState.WITHDRAWN, submitted_at__isnull=True)


def _visible(user) -> QuerySet[OpinionReport]:
    qs = OpinionReport.objects.all()
    if has_role(user, Role.OFFICE, Role.LEADER):
        return qs.filter(~_never_submitted_q() | _own_q(user))
    conditions = Q(pk__in=[])
    if has_role(user, Role.MEMBER):
        conditions |= _own_q(user)
    if has_role(user, Role.UNIT):
        conditions |= Q(pk__in=OpinionReferral.objects.filter(unit__users=user).values("report_id"))
    return qs.filter(conditions)


def _authors():
    return OpinionAuthor.objects.select_related("member").order_by("-is_lead", "id")


def opinion_list(*, user, filters=None, own_only: bool = False) -> QuerySet[OpinionReport]:
    """`own_only`: just what the user leads, co-authors or entered (“我的社情民意”)."""
    from .filters import OpinionFilterSet

    qs = (
        _visible(user)
        .select_related("category", "proposal")
        .prefetch_related(
            Prefetch("authors", queryset=_authors()),
            Prefetch("adoptions", queryset=OpinionAdoption.objects.order_by("date", "id")),
        )
        .annotate(
            instruction_count=count_of(OpinionInstruction.objects.filter(report=OuterRef("pk"))),
            referral_count=count_of(OpinionReferral.objects.filter(report=OuterRef("pk"))),
            feedback_count=count_of(OpinionReferral.objects.filter(report=OuterRef("pk"), feedback_at__isnull=False)),
        )
    )
    if own_only:
        qs = qs.filter(_own_q(user))
    return filtered(qs, OpinionFilterSet, filters)


def _unit_only(user) -> bool:
    return has_role(user, Role.UNIT) and not has_role(user, Role.OFFICE, Role.LEADER, Role.MEMBER)


def _referrals_for(user) -> QuerySet[OpinionReferral]:
    """A department sees its own referral and feedback, not the other departments'."""
    qs = OpinionReferral.objects.select_related("unit", "feedback_by").order_by("passed_at", "id")
    if _unit_only(user):
        qs = qs.filter(unit__users=user)
    return qs


def opinion_get(*, user, pk) -> OpinionReport:
    return get_or_404(
        opinion_list(user=user)
        .select_related("created_by", "editor")
        .prefetch_related(
            "attachments",
            Prefetch("instructions", queryset=OpinionInstruction.objects.order_by("date", "id")),
            Prefetch("referrals", queryset=_referrals_for(user)),
        ),
        "未找到该社情民意信息。",
        pk=pk,
    )


def opinion_events(*, user, report: OpinionReport) -> QuerySet[OpinionEvent]:
    """The timeline of a report the caller has already obtained through `opinion_get`. A department
    does not read the other departments' feedback in it, as it does not see their referrals."""
    events = report.events.select_related("actor").order_by("created_at", "id")
    if _unit_only(user):
        mine = list(OpinionReferral.objects.filter(unit__users=user).values_list("unit_id", flat=True).distinct())
        events = events.exclude(Q(action="unit_feedback") & ~Q(data__unit__in=mine))
    return events


def attachment_get(*, user, pk):
    """An attachment is visible to whoever may see its report."""
    from .models import OpinionAttachment

    return get_or_404(OpinionAttachment.objects, "未找到该附件。", pk=pk, report__in=_visible(user))
