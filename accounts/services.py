"""Every write on accounts: opening accounts, role assignment (三员分立), the password-change flag."""

import secrets
import string

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role, has_role, role_conflict
from members.models import HandlingUnit, Member

from .models import AccountSecurity

User = get_user_model()

# No look-alikes (0/O, 1/l/I) in passwords that are read off a screen and typed in.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "@#$%*+-=?"


def generate_password(length: int = 12) -> str:
    """A random initial password with all four character classes that passes the configured validators."""
    alphabet = _LOWER + _UPPER + _DIGITS + _SYMBOLS
    while True:
        chars = [secrets.choice(group) for group in (_LOWER, _UPPER, _DIGITS, _SYMBOLS)]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            password_validation.validate_password(password)
        except ValidationError:
            continue
        return password


def require_password_change(*, user) -> None:
    """Flag an account whose password someone else has just set (initial password, reset)."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"must_change_password": True})


def _forget_roles(user) -> None:
    user.__dict__.pop("_cppcc_roles", None)


def set_roles(*, actor, user, roles) -> None:
    """The security administrator gives `user` exactly `roles` (names from `Role`).

    Refused: an actor who is not a security administrator, editing one's own roles, unknown names,
    and combinations that break 三员分立 (see `cppcc.roles.role_conflict`). Groups that are not roles
    are left as they are.
    """
    if not has_role(actor, Role.SECURITY):
        raise PermissionDenied("只有安全管理员可以分配角色。")
    if actor.pk == user.pk:
        raise PermissionDenied("不能修改自己的角色和权限。")
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        message = "未知的角色：" + "、".join(sorted(unknown))
        raise ApplicationError(message, {"roles": [message]})
    conflict = role_conflict(wanted)
    if conflict:
        raise ApplicationError(conflict, {"roles": [conflict]})
    with acting(actor), transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        groups = [Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
        others = list(user.groups.exclude(name__in=Role.values))
        user.groups.set([*others, *groups])
    _forget_roles(user)


def account_unlock(*, actor, user) -> int:
    """The security administrator lifts a login lockout (django-axes) before the cool-off ends."""
    if not has_role(actor, Role.SECURITY):
        raise PermissionDenied("只有安全管理员可以解除锁定。")
    from axes.utils import reset

    return reset(username=user.get_username())


def _check_username(username: str) -> str:
    username = (username or "").strip()
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.run_validators(username)
        if not username:
            raise ValidationError("请填写用户名。")
    except ValidationError as exc:
        raise ApplicationError("用户名不符合要求：" + exc.messages[0], {"username": exc.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        message = f"用户名“{username}”已被使用，请换一个。"
        raise Conflict(message, {"username": [message]})
    return username


def _create_account(*, username: str, full_name: str, role: str) -> tuple[User, str]:
    password = generate_password()
    user = User(username=_check_username(username), first_name=full_name[:150])
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    require_password_change(user=user)
    return user, password


def account_create_from_console(*, username: str, full_name: str, role: str) -> tuple[User, str]:
    """First accounts of a fresh installation (`manage.py create_account`): whoever runs it has the
    server, so there is no actor to check. The system administrator also gets the Django admin."""
    if role not in Role.values:
        raise ApplicationError(f"未知的角色：{role}")
    with transaction.atomic():
        user, password = _create_account(username=username, full_name=full_name, role=role)
        if role == Role.ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    return user, password


def suggest_username(name_pinyin: str) -> str:
    """`zhang ming` → `zhangming`, then `zhangming2`, … until free."""
    base = "".join(ch for ch in name_pinyin.lower() if ch in string.ascii_lowercase + string.digits)[:30] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def account_open_for_member(*, actor, member: Member, username: str) -> tuple[User, str]:
    """The office opens a login account for a member: role 委员, a generated initial password that is
    returned once (shown to the office, never stored in clear) and must be changed at first login."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以为委员开通账号。")
    with acting(actor), transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.user_id is not None:
            raise Conflict(f"{member.name}已有登录账号。")
        user, password = _create_account(username=username, full_name=member.name, role=Role.MEMBER)
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    return user, password


def account_open_for_unit(*, actor, unit: HandlingUnit, username: str, full_name: str) -> tuple[User, str]:
    """The office opens a login account for a handling unit's staff member (role 承办单位)."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以为承办单位开通账号。")
    full_name = (full_name or "").strip()
    if not full_name:
        raise ApplicationError("请填写使用人姓名。", {"full_name": ["请填写使用人姓名。"]})
    with acting(actor), transaction.atomic():
        user, password = _create_account(username=username, full_name=full_name, role=Role.UNIT)
        unit.users.add(user)
    return user, password
