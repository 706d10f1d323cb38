"""Audit-log helpers on top of django-auditlog."""

import contextlib

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def acting(actor):
    """Record `actor` on the audit entries written inside the block.

    Inside a request the middleware has already opened an audit context with the client's
    address; the actor is set on that context (and put back afterwards) so the address is kept
    and no second signal receiver is connected. Outside a request (Celery, shell) a context of
    its own is opened. Services pass the actor explicitly because token-authenticated API
    requests are authenticated after the middleware has run.
    """
    try:
        current = auditlog_value.get()
    except LookupError:
        current = None
    if current is None:
        with set_actor(actor):
            yield
        return
    previous = current.get("actor")
    current["actor"] = actor
    try:
        yield
    finally:
        current["actor"] = previous
