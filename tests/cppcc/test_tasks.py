import datetime as dt

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from cppcc.tasks import clear_expired_sessions


def test_clear_expired_sessions_removes_only_expired(db):
    live = SessionStore()
    live["x"] = 1
    live.create()
    expired = SessionStore()
    expired["x"] = 2
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - dt.timedelta(days=1))

    assert clear_expired_sessions.apply().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert clear_expired_sessions.apply().get() == 0
