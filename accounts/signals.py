"""Login bookkeeping for the session rules, and the guard that keeps 三员分立 whatever path adds roles."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from cppcc.errors import ApplicationError
from cppcc.roles import Role, role_conflict

from . import policy, tokens

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="accounts.start_session")
def start_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        policy.start_session(request.session, user)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.guard_role_separation")
def guard_role_separation(sender, instance, action, reverse, pk_set, **kwargs):
    """Refuse any group addition that would give one user two of the three administrator roles, or
    an administrator role together with a casework role — from the admin, a service or the shell.
    (A raw bulk_create on the through table sends no signal; only the demo seeder does that.)"""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(*users)
        held: dict[int, set[str]] = {pk: {instance.name} for pk in pk_set}
        for user_id, name in sender.objects.filter(user_id__in=pk_set).values_list("user_id", "group__name"):
            held[user_id].add(name)
        combinations = held.values()
    else:  # user.groups.add(*groups)
        names = set(instance.groups.values_list("name", flat=True))
        names |= set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        combinations = [names]
    for names in combinations:
        conflict = role_conflict(names)
        if conflict:
            raise ApplicationError(conflict, {"roles": [conflict]})
    # Account administration (the Django admin flags) goes with the system administrator role only.
    added = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)) if not reverse else {instance.name}
    if added & NOT_ADMIN_ROLES:
        flagged = User.objects.filter(pk__in=pk_set) if reverse else [instance]
        if any(user.is_staff or user.is_superuser for user in flagged):
            raise ApplicationError(STAFF_CONFLICT, {"roles": [STAFF_CONFLICT]})


NOT_ADMIN_ROLES = set(Role.values) - {Role.ADMIN}
STAFF_CONFLICT = (
    "具有系统管理后台权限（is_staff/is_superuser）的账号不能兼任其他角色；请先由安全管理员撤销其系统管理员角色。"
)


@receiver(pre_save, sender=User, dispatch_uid="accounts.guard_staff_flags")
def guard_staff_flags(sender, instance, update_fields=None, raw=False, **kwargs):
    """No path turns on the admin flags of an account that holds a role other than system administrator."""
    if raw or instance.pk is None or not (instance.is_staff or instance.is_superuser):
        return
    if update_fields is not None and not {"is_staff", "is_superuser"} & set(update_fields):
        return
    if instance.groups.filter(name__in=NOT_ADMIN_ROLES).exists():
        raise ApplicationError(STAFF_CONFLICT, {"roles": [STAFF_CONFLICT]})


@receiver(pre_save, sender=User, dispatch_uid="accounts.revoke_on_password_change")
def note_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    # `set_password` keeps the raw password in `_password` until the next save; a save of the password
    # alone is `check_password` upgrading the hash at login, not a change (as in securitylog).
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and set(update_fields) == {"password"}:
        return
    instance._accounts_password_changed = True


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance, created, **kwargs):
    """A new password ends every API token (sessions end by Django's session hash check)."""
    if instance.__dict__.pop("_accounts_password_changed", False):
        tokens.revoke_all(instance)


@receiver(user_locked_out, dispatch_uid="accounts.revoke_tokens_on_lockout")
def revoke_tokens_on_lockout(sender, request=None, username=None, **kwargs):
    """A lockout (someone is guessing the password) also ends the account's API tokens."""
    tokens.revoke_for_username(str(username or ""))
