"""Writing security events. Nothing here may raise into the request: a failure is logged and skipped."""

import contextvars
import logging
import re

from django.db import transaction

from .models import SecurityEvent

logger = logging.getLogger("securitylog")

# The request being handled, set by `SecurityEventMiddleware`, so that signal receivers and services
# that do not get the request still record the address, method and path.
current_request: contextvars.ContextVar = contextvars.ContextVar("securitylog_request", default=None)

Action = SecurityEvent.Action
Outcome = SecurityEvent.Outcome


def _plain(request):
    """The Django request behind a DRF `Request` (or the request itself)."""
    return getattr(request, "_request", request)


def client_ip(request) -> str | None:
    """The client address behind the configured proxies — the helper django-axes uses too."""
    from cppcc.clientip import client_ip as resolve

    return resolve(_plain(request))


# What no database column can hold (PostgreSQL refuses NUL, UTF-8 has no lone surrogates): any
# text taken from a request is stored with these replaced, so that the event is never lost.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value):
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _object_fields(obj) -> dict:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk) if obj.pk is not None else "",
        "object_repr": str(obj)[:200],
    }


def _request_user(request):
    user = getattr(_plain(request), "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def build(
    action: str,
    *,
    request=None,
    actor=None,
    username: str | None = None,
    outcome: str = Outcome.SUCCESS,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    status_code: int | None = None,
    detail: dict | None = None,
) -> SecurityEvent:
    """An unsaved event; `record` saves one, `note_id_view`'s flush saves many at once."""
    if request is None:
        request = current_request.get()
    if actor is None:
        actor = _request_user(request)
    fields = {
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_repr": (object_repr or "")[:200],
        **_object_fields(obj),
    }
    event = SecurityEvent(
        action=action,
        outcome=outcome,
        status_code=status_code,
        actor_id=getattr(actor, "pk", None),
        actor_username=_storable(str(username if username is not None else getattr(actor, "username", "") or ""))[:150],
        detail=_storable(detail or {}),
        **_storable(fields),
    )
    if request is not None:
        plain = _plain(request)
        event.ip = client_ip(request)
        event.method = (getattr(plain, "method", "") or "")[:10]
        event.path = _storable(getattr(plain, "path", "") or "")[:500]
    return event


def record(action: str, **kwargs) -> SecurityEvent | None:
    """Record one security event. Never raises: the request it describes goes on either way.

    Inside a transaction the row is written in a savepoint, so a failed insert does not poison the
    caller's transaction; a decision recorded inside a service's transaction is rolled back with it,
    which is right — the decision did not happen.
    """
    try:
        event = build(action, **kwargs)
        with transaction.atomic():
            event.save(force_insert=True)
        return event
    except Exception:  # noqa: BLE001 - the log must never break the request
        logger.exception("could not record security event %s", action)
        return None


def note_id_view(request, member) -> None:
    """Note that `request` showed `member`'s full ID number; the middleware writes all the notes of a
    request in one insert (a member list shows many). Outside a request it is recorded at once."""
    try:
        plain = _plain(request) if request is not None else current_request.get()
        if plain is None or current_request.get() is None:
            record(Action.VIEW_ID, request=request, obj=member)
            return
        pending = plain.__dict__.setdefault("_securitylog_id_views", {})
        # The fields only, not the row: a roster export notes every member of the register.
        pending.setdefault(member.pk, _object_fields(member))
    except Exception:  # noqa: BLE001
        logger.exception("could not note an ID view")


def flush_id_views(request) -> None:
    pending = request.__dict__.pop("_securitylog_id_views", None)
    if not pending:
        return
    try:
        events = [build(Action.VIEW_ID, request=request, **fields) for fields in pending.values()]
        with transaction.atomic():
            SecurityEvent.objects.bulk_create(events, batch_size=500)
    except Exception:  # noqa: BLE001
        logger.exception("could not record %d ID views", len(pending))
