"""Every write on accounts: opening accounts, role assignment (三员分立), the password-change flag."""

import datetime as dt
import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from cppcc.roles import ADMINISTRATIVE_ROLES, Role, has_role, role_conflict
from members.models import HandlingUnit, Member
from securitylog.models import SecurityEvent
from securitylog.recorder import Action, Outcome, record

from . import tokens
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
        admin = Role.ADMIN in wanted
        if not admin:  # flags off before any other role arrives (the groups guard checks them)
            _set_admin_flags(user, admin=False)
        user.groups.set([*others, *groups])
        if admin:
            _set_admin_flags(user, admin=True)
    _forget_roles(user)


def _set_admin_flags(user, *, admin: bool) -> None:
    """`is_staff` and the Django permissions follow the system administrator role exactly: with it,
    the Django admin for the `auth` app (accounts); without it, nothing. Nobody is a superuser —
    a superuser passes every check, and 三员分立 has no such person."""
    user.is_staff = admin
    user.is_superuser = False
    user.save(update_fields=["is_staff", "is_superuser"])
    if admin:
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    else:
        user.user_permissions.clear()


def account_unlock(*, actor, user) -> int:
    """The security administrator lifts a login lockout (django-axes) before the cool-off ends —
    every lock of the account, whichever address it was locked from."""
    if not has_role(actor, Role.SECURITY):
        raise PermissionDenied("只有安全管理员可以解除锁定。")
    from axes.utils import reset

    return reset(username=user.get_username())


# --- password reset by link (三员分立: nobody but the holder learns a password) ---------------------


def _roles_of(user) -> list[str]:
    return sorted(set(user.groups.values_list("name", flat=True)) & set(Role.values))


def _reset_link(user) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    # The configured address, never the request's Host header (a forged Host would send the holder
    # a link to someone else's server).
    return settings.SITE_URL.rstrip("/") + path


def password_reset_request(*, actor, user) -> str:
    """Send `user` a one-time link to set a new password; the masked address it went to.

    `actor` is the system administrator (Django admin) or None when the holder asks for themself
    (the 忘记密码 page). The link goes to the holder through the first channel that can reach them
    (accounts/reset_channels.py) and is never shown to the actor. Every request, refused or not, is a
    security event the auditor sees — with the roles of the account, so a reset among the three
    administrators stands out.
    """
    from . import reset_channels

    requested_by = "self" if actor is None else "admin"
    detail = {"requested_by": requested_by, "target_roles": _roles_of(user)}
    detail["administrator_account"] = bool(set(detail["target_roles"]) & {r.value for r in ADMINISTRATIVE_ROLES})

    def record_failure(reason: str) -> None:
        detail_failed = {**detail, "reason": reason}
        record(Action.RESET_REQUEST, actor=actor, obj=user, outcome=Outcome.FAILURE, detail=detail_failed)

    if actor is not None and not has_role(actor, Role.ADMIN):
        record(Action.RESET_REQUEST, actor=actor, obj=user, outcome=Outcome.DENIED, detail=detail)
        raise PermissionDenied("只有系统管理员可以为他人申请重置密码。")
    if not user.is_active:
        record_failure("inactive")
        raise ApplicationError(f"账号“{user.get_username()}”已停用，不能重置密码。")
    found = reset_channels.channel_for(user)
    if found is None:
        record_failure("no_address")
        raise ApplicationError(
            f"账号“{user.get_username()}”没有登记电子邮箱等接收地址，无法把重置链接发给本人。"
            "请先在账号资料中填写本人的电子邮箱，再发送重置链接。"
        )
    channel, address = found
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    detail.update(channel=channel.name, to=channel.masked(address), expires_in_minutes=minutes)
    try:
        channel.send(user, address, _reset_link(user), minutes)
    except Exception as exc:  # noqa: BLE001 - a mail server failure is reported, not a 500
        record_failure(str(exc)[:200])
        raise ApplicationError(
            f"重置链接未能通过{channel.label}发出，请稍后再试或联系系统管理员检查邮件设置。"
        ) from None
    record(Action.RESET_REQUEST, actor=actor, obj=user, detail=detail)
    return channel.masked(address)


# The 忘记密码 page sends an account at most one link in this many seconds.
SELF_RESET_INTERVAL = 300


def password_reset_by_identifier(*, identifier: str) -> None:
    """The 忘记密码 page: the holder names their account (username or e-mail address). Whatever the
    outcome — no such account, several, no address — the page answers the same; the log knows."""

    identifier = (identifier or "").strip()[:254]
    if not identifier:
        return
    matches = list(User.objects.filter(username__iexact=identifier)[:2])
    if not matches and "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
    if len(matches) != 1:
        record(
            Action.RESET_REQUEST,
            username=identifier[:150],
            outcome=Outcome.FAILURE,
            detail={"requested_by": "self", "reason": "unknown" if not matches else "ambiguous"},
        )
        return
    user = matches[0]
    recent = timezone.now() - dt.timedelta(seconds=SELF_RESET_INTERVAL)
    if SecurityEvent.objects.filter(
        action=Action.RESET_REQUEST,
        outcome=Outcome.SUCCESS,
        object_type="auth.user",
        object_id=str(user.pk),
        at__gte=recent,
    ).exists():  # one link per few minutes: the page must not become a way to flood a mailbox
        record(
            Action.RESET_REQUEST,
            obj=user,
            outcome=Outcome.FAILURE,
            detail={"requested_by": "self", "reason": "throttled"},
        )
        return
    try:
        password_reset_request(actor=None, user=user)
    except ApplicationError:
        pass  # recorded; the page must not tell whether the account exists or has an address


def password_reset_completed(*, user) -> None:
    """The holder set a new password through a link: end their other sessions and tokens, lift a
    lockout (they proved they hold the address), and record it."""
    from axes.utils import reset

    sessions = tokens.end_sessions(user)
    revoked = tokens.revoke_all(user)
    reset(username=user.get_username())
    record(Action.PASSWORD_RESET, actor=user, obj=user, detail={"sessions_ended": sessions, "tokens_revoked": revoked})


def account_changed(*, actor, user, changes: dict, deleted: bool = False) -> None:
    """Someone changed another account's standing in Django admin (activated or deactivated it,
    renamed it, deleted it): record it, so one administrator switching off another — the security
    administrator or the auditor — shows in the log the auditor reads."""
    detail = {"changes": changes, "target_roles": _roles_of(user)}
    if deleted:
        detail["deleted"] = True
    record(Action.ACCOUNT_CHANGE, actor=actor, obj=user, detail=detail)


def account_email_changed(*, actor, user, old: str) -> None:
    """The delivery address of an account was changed by someone (Django admin): record it and tell the
    old address, so a takeover by redirecting the reset link cannot pass unnoticed."""
    from django.core.mail import send_mail

    from .reset_channels import EmailChannel

    masked = EmailChannel().masked
    record(
        Action.ACCOUNT_CHANGE,
        actor=actor,
        obj=user,
        detail={
            "field": "email",
            "from": masked(old) if old else "",
            "to": masked(user.email) if user.email else "",
            "target_roles": _roles_of(user),
        },
    )
    if old and old.lower() != (user.email or "").lower():
        try:
            send_mail(
                "【政协履职与提案管理系统】账号邮箱已变更",
                f"您的账号“{user.get_username()}”的电子邮箱已由系统管理员 {getattr(actor, 'username', '')} 修改。"
                "如非您本人要求，请立即联系安全管理员。",
                None,
                [old],
                fail_silently=True,
            )
        except Exception:  # noqa: BLE001, S110 - the notice must not undo the change
            pass


# --- API tokens and sign-outs ------------------------------------------------------------------------


def token_revoke(*, actor, token) -> None:
    """The owner revokes one of their API tokens (anyone else's answers 404 before this)."""
    if token.user_id != actor.pk:
        raise NotFound("未找到该令牌。")
    prefix = token.prefix
    token.delete()
    record(Action.TOKEN_REVOKE, actor=actor, obj=actor, detail={"why": "owner", "token": prefix})


def logout_everywhere(*, actor) -> dict:
    """End every session and every API token of `actor`, the current ones included."""

    result = {"sessions": tokens.end_sessions(actor), "tokens": tokens.revoke_all(actor)}
    record(Action.TOKEN_REVOKE, actor=actor, obj=actor, detail={"why": "logout_everywhere", **result})
    return result


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
            _set_admin_flags(user, admin=True)
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
