"""Session rules: idle and absolute timeouts, a new session key at login, and the cookie flags."""

import datetime as dt
import runpy
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cppcc.roles import Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE, username="sess_office")


def _login(client):
    response = client.post(reverse("login"), {"username": "sess_office", "password": PASSWORD})
    assert response.status_code == 302
    return timezone.now()


@pytest.mark.parametrize(
    ("steps_minutes", "expected"),
    [
        ([29], 200),  # idle 29 min
        ([31], "expired"),  # idle 31 min
        ([20, 20, 20], 200),  # active every 20 min: never idle 30 min
        ([20, 45], "expired"),
    ],
)
def test_idle_timeout(client, office, steps_minutes, expected):
    start = _login(client)
    elapsed = 0
    for i, minutes in enumerate(steps_minutes):
        elapsed += minutes
        with time_machine.travel(start + dt.timedelta(minutes=elapsed), tick=False):
            response = client.get(reverse("home"))
        last = i == len(steps_minutes) - 1
        if not last:
            assert response.status_code == 200
    if expected == 200:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
        assert "分钟未操作" in page.content.decode()


def test_absolute_timeout_even_when_active(client, office):
    start = _login(client)
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes for 12 hours
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"])
    assert "最长时限" in page.content.decode()


@override_settings(SESSION_IDLE_TIMEOUT=300, SESSION_ABSOLUTE_TIMEOUT=3600)
@pytest.mark.parametrize(("minutes", "expected"), [(4, 200), (6, 302)])
def test_timeouts_follow_the_settings(client, office, minutes, expected):
    start = _login(client)
    with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
        assert client.get(reverse("home")).status_code == expected


def test_api_answers_401_on_an_expired_session(client, office):
    start = _login(client)
    assert client.get("/api/v1/members/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = client.get("/api/v1/members/")
    assert response.status_code == 401
    assert "重新登录" in response.json()["message"]
    assert client.get("/api/v1/members/").status_code in (401, 403)  # signed out now


def test_session_key_changes_at_login(client, office):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    assert before
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    _login(client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=before).exists()


def _production_settings(monkeypatch, **env):
    for key in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DEBUG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(Path(settings.BASE_DIR) / "cppcc" / "settings.py"))


def test_production_settings_give_secure_httponly_samesite_cookies(monkeypatch):
    prod = _production_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 50)
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True and prod["CSRF_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert prod["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert prod["SESSION_IDLE_TIMEOUT"] == 1800 and prod["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 3600
    assert prod["PASSWORD_MAX_AGE_DAYS"] == 90
    assert prod["SESSION_COOKIE_AGE"] <= prod["SESSION_ABSOLUTE_TIMEOUT"]


def test_environment_sets_the_timeouts(monkeypatch):
    prod = _production_settings(
        monkeypatch, SESSION_IDLE_TIMEOUT="600", SESSION_ABSOLUTE_TIMEOUT="7200", PASSWORD_MAX_AGE_DAYS="0"
    )
    assert (prod["SESSION_IDLE_TIMEOUT"], prod["SESSION_ABSOLUTE_TIMEOUT"], prod["PASSWORD_MAX_AGE_DAYS"]) == (
        600,
        7200,
        0,
    )


def test_login_response_sets_cookies_with_the_production_flags(client, office, monkeypatch):
    prod = _production_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 50)
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
    ]
    with override_settings(**{name: prod[name] for name in names}):
        client.get(reverse("login"))
        response = client.post(reverse("login"), {"username": "sess_office", "password": PASSWORD}, secure=True)
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        morsel = response.cookies[name]
        assert morsel["secure"] is True, name
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] in ("Lax", "Strict"), name
