"""Security audit trail: `record(...)` is the one way anything writes a security event."""


def record(*args, **kwargs):
    from .recorder import record as _record

    return _record(*args, **kwargs)


def note_id_view(*args, **kwargs):
    from .recorder import note_id_view as _note

    return _note(*args, **kwargs)
