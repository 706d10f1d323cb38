"""What the demo modules share: the moving clock their services run on, moments in the demo's days
and the demo accounts that `seed_registry` creates."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone


@contextmanager
def moving_clock(start: dt.datetime):
    """Patch django.utils.timezone.now so services and auto timestamps see the demo's dates."""
    clock = {"now": start}
    with mock.patch("django.utils.timezone.now", lambda: clock["now"]):
        yield clock


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """`day` at `hour:minute` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def demo_users(*usernames: str) -> list:
    """The demo accounts with these usernames, in the order asked."""
    User = get_user_model()
    return [User.objects.get(username=username) for username in usernames]


def quiet(seeder):
    """A demo seeder writes history, not work arriving now: no hand-off notices while it runs. Outermost
    decorator: the seeder's own transaction must commit inside it."""
    from functools import wraps

    from notifications.handoff import suppressed

    @wraps(seeder)
    def run(*args, **kwargs):
        with suppressed():
            return seeder(*args, **kwargs)

    return run
