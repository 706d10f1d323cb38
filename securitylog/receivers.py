"""Signal receivers: logins, lockouts, password and role changes, and every workflow decision.

The apps write one event row per decision (`ProposalEvent`, `ConsultationEvent`, `InspectionEvent`,
`OpinionEvent`); listening to their creation records every decision without touching the services.
"""

from django.contrib.auth import get_user_model

from .recorder import Action, Outcome, current_request, record

# The event models of the casework apps and, for each, the objects it is about (most specific first).
DECISION_MODELS = {
    "proposals.ProposalEvent": ("proposal",),
    "consultations.ConsultationEvent": ("outcome", "topic", "plan"),
    "supervision.InspectionEvent": ("recommendation", "inspection"),
    "opinions.OpinionEvent": ("report",),
}


def logged_in(sender, request, user, **kwargs):
    record(Action.LOGIN, request=request, actor=user, detail={"via": "password"})


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, request=request, actor=user)


def login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is kept.
    username = str((credentials or {}).get("username") or "")
    record(Action.LOGIN_FAILED, request=request, username=username, outcome=Outcome.FAILURE)


def locked_out(sender, request, username, ip_address, **kwargs):
    record(
        Action.LOCKED_OUT,
        request=request,
        username=str(username or ""),
        outcome=Outcome.DENIED,
        detail={"ip_address": ip_address},
    )


def password_saved(sender, instance, created, update_fields=None, **kwargs):
    # `set_password` leaves the raw password in `_password` until the save after it; a save of the
    # password field alone is `check_password` upgrading the hash at login, not a change.
    if created or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and set(update_fields) == {"password"}:
        return
    record(Action.PASSWORD_CHANGE, obj=instance)


def groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    change = {"post_add": "added", "post_remove": "removed", "pre_clear": "cleared"}[action]
    User = get_user_model()
    if reverse:  # group.user_set.add(...): one event per user
        for user in User.objects.filter(pk__in=pk_set or ()):
            record(Action.ROLE_CHANGE, obj=user, detail={change: [instance.name]})
        return
    if action == "pre_clear":
        names = list(instance.groups.values_list("name", flat=True))
    else:
        names = sorted(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    if names:
        record(Action.ROLE_CHANGE, obj=instance, detail={change: names})


def _actor_of(event):
    if event.actor_id is None:
        return None
    request = current_request.get()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk == event.actor_id:
        return user
    return get_user_model().objects.filter(pk=event.actor_id).first()


def decision_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    subject = None
    for name in DECISION_MODELS.get(sender._meta.label, ()):
        if getattr(instance, f"{name}_id", None) is not None:
            subject = getattr(instance, name)
            break
    actor = _actor_of(instance)
    record(
        Action.DECISION,
        actor=actor,
        username=None if actor else "",
        obj=subject,
        detail={
            "event": instance.action,
            "from_state": instance.from_state,
            "to_state": instance.to_state,
            "event_model": sender._meta.label_lower,
            "event_id": instance.pk,
        },
    )
