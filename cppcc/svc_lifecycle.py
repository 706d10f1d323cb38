"""The frame every lifecycle service runs its transition in."""

import contextlib

from django.db import transaction

from .audit import acting


@contextlib.contextmanager
def lifecycle_step(lifecycle, name: str, actor, obj, lock):
    """Acting as `actor`, in one transaction: the row locked by `lock(obj)` and checked for the transition
    `name` (role → scope → state, `Lifecycle.check`); the block gets the locked row."""
    with acting(actor), transaction.atomic():
        obj = lock(obj)
        lifecycle.check(actor, obj, name)
        yield obj
