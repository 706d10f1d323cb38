"""Every read of the assessment: whose scores a user may see, the years and the awards."""

from cppcc.roles import Role, has_role
from cppcc.svc_selectors import get_or_404
from members.models import Member

from .models import AssessmentAward, AssessmentScheme

ASSESSMENT_READ_ROLES = (Role.OFFICE, Role.LEADER, Role.MEMBER)


def assessment_member_get(*, user, pk) -> Member:
    """The member whose assessment `user` may read: office and leaders any member, a member only
    themselves — another member's id answers 404."""
    if has_role(user, Role.OFFICE, Role.LEADER):
        qs = Member.objects.all()
    elif has_role(user, Role.MEMBER):
        qs = Member.objects.filter(user=user)
    else:
        qs = Member.objects.none()
    return get_or_404(qs.select_related("sector", "party", "group"), "未找到该委员。", pk=pk)


def assessment_years() -> list[int]:
    return list(AssessmentScheme.objects.order_by("-year").values_list("year", flat=True))


def assessment_awards(*, year: int):
    return AssessmentAward.objects.filter(year=year).select_related("member", "member__group", "group")
