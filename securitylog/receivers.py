"""Signal receivers: logins, lockouts, password and role changes, and every workflow decision.

Every decision of every lifecycle is recorded by the lifecycle engine (`cppcc.lifecycle.record`),
which writes the timeline row and sends the domain event to `event_recorded` inside the same
transaction; `decision_recorded` turns each into a security event, so no app writes its own.
"""

from django.contrib.auth import get_user_model

from .recorder import Action, Outcome, record

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


def decision_recorded(sender, event, **kwargs):
    """One security event per domain event: the actor, the record the decision is about (the most
    specific record its timeline row names), the action and the states before and after."""
    row = event.row
    subject = event.obj
    if row is not None:
        for name in DECISION_MODELS.get(row._meta.label, ()):
            if getattr(row, f"{name}_id", None) is not None:
                subject = getattr(row, name)
                break
    actor = event.actor if getattr(event.actor, "is_authenticated", False) else None
    detail = {"event": event.action, "from_state": event.from_state, "to_state": event.to_state}
    if row is not None:
        detail.update(event_model=row._meta.label_lower, event_id=row.pk)
    record(Action.DECISION, actor=actor, username=None if actor else "", obj=subject, detail=detail)
