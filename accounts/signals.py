"""Login bookkeeping for the session rules, and the guard that keeps 三员分立 whatever path adds roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from cppcc.errors import ApplicationError
from cppcc.roles import role_conflict

from . import policy

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
