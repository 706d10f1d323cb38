"""Roles are Django groups (created by a migration); these helpers are the one way code asks about them."""

from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "委员"
    OFFICE = "office", "机关工作人员"
    UNIT = "unit", "承办单位"
    LEADER = "leader", "领导"
    ADMIN = "admin", "系统管理员"
    AUDITOR = "auditor", "审计员"
    SECURITY = "security", "安全管理员"


# Roles that take part in casework (everything except system administration and audit).
CASEWORK_ROLES = (Role.MEMBER, Role.OFFICE, Role.UNIT, Role.LEADER)
# 三员分立: the system, security and audit administrators are three different people, and none of
# them also does casework. `accounts.services.set_roles` and a guard on User.groups enforce it.
ADMINISTRATIVE_ROLES = (Role.ADMIN, Role.SECURITY, Role.AUDITOR)


def role_conflict(roles) -> str | None:
    """Why a set of role names may not be held together (a Chinese message), or None if it may."""
    names = set(roles)
    administrative = [r for r in ADMINISTRATIVE_ROLES if r in names]
    if len(administrative) > 1:
        return "系统管理员、安全管理员、审计员（三员）须由不同人员担任，不能兼任：" + "、".join(
            Role(r).label for r in administrative
        )
    if administrative and names & set(CASEWORK_ROLES):
        casework = "、".join(Role(r).label for r in CASEWORK_ROLES if r in names)
        return f"{Role(administrative[0]).label}不得兼任业务角色（{casework}）。"
    return None


def user_roles(user) -> frozenset[str]:
    """The set of role names of a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_cppcc_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cppcc_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def role_labels(user) -> list[str]:
    names = user_roles(user)
    return [label for value, label in Role.choices if value in names]


def audience(*, user_ids=(), roles=(), unit_ids=()):
    """Active users among: these users, the holders of `roles`, and the staff of these handling units —
    the people a record may concern (a lifecycle's `Todo.audience`)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    query = Q(pk__in=[pk for pk in user_ids if pk])
    if roles:
        query |= Q(groups__name__in=list(roles))
    if unit_ids:
        query |= Q(handling_units__in=list(unit_ids))
    return get_user_model().objects.filter(query, is_active=True).distinct().order_by("pk")
