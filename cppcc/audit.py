"""Audit-log helpers on top of django-auditlog."""

import contextlib

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def acting(actor):
    """Record `actor` on the audit entries written inside the block.

    Services pass the actor explicitly because token-authenticated API requests are authenticated
    after the audit middleware has run. Inside a request the client's address from the
    middleware's context is carried over, and the middleware's context is put back afterwards so
    that the middleware disconnects its own signal receiver when the request ends (auditlog's
    `set_actor` leaves its own context behind, which would leak one receiver per request).
    """
    current = auditlog_value.get(None)
    extra = {key: current.get(key) for key in ("remote_addr", "remote_port")} if current else {}
    try:
        with set_actor(actor, **extra):
            yield
    finally:
        if current is not None:
            auditlog_value.set(current)
