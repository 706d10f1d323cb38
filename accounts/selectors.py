"""Reads for the account pages; each one checks the reader's role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q, QuerySet

from cppcc.errors import PermissionDenied
from cppcc.roles import Role, has_role
from cppcc.svc_selectors import get_or_404

User = get_user_model()


def _require_security(actor) -> None:
    if not has_role(actor, Role.SECURITY):
        raise PermissionDenied("只有安全管理员可以管理角色。")


def user_list(*, actor, query: str = "", role: str = "") -> QuerySet:
    """Every account with its role groups, for the security administrator; `query` searches the
    username, the name and the linked member's or unit's name; `role` filters by one role."""
    _require_security(actor)
    qs = (
        User.objects.select_related("security", "member")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.filter(name__in=Role.values).order_by("name")),
            "handling_units",
        )
        .order_by("username")
    )
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(member__name__icontains=query)
            | Q(handling_units__name__icontains=query)
        ).distinct()
    if role == "none":
        qs = qs.exclude(groups__name__in=Role.values)
    elif role in Role.values:
        qs = qs.filter(groups__name=role)
    return qs


def user_get(*, actor, pk) -> User:
    _require_security(actor)
    return get_or_404(user_list(actor=actor), "未找到该账号。", pk=pk)


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts django-axes currently locks (one query)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    attempts = AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return set(attempts.values_list("username", flat=True))


def role_names(user) -> list[str]:
    """Role names of a user from a `user_list` row (prefetched groups, no query)."""
    return [g.name for g in user.groups.all() if g.name in Role.values]
