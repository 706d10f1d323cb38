import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from rest_framework.test import APIClient

from cppcc.roles import Role

from .factories import HandlingUnitFactory, MemberFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Applied before anything else in the session, so the live server's middleware sees it too."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Pages render without a collectstatic manifest; production keeps whitenoise's hashed names.
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        # The test server speaks plain HTTP; production serves HTTPS with these on.
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture
def make_user(db):
    def make(*roles, username=None, **kwargs):
        if username:
            kwargs["username"] = username
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def office_user(make_user):
    return make_user(Role.OFFICE, username="office1")


@pytest.fixture
def leader_user(make_user):
    return make_user(Role.LEADER, username="leader1")


@pytest.fixture
def admin_user_role(make_user):
    return make_user(Role.ADMIN, username="sysadmin1")


@pytest.fixture
def auditor_user(make_user):
    return make_user(Role.AUDITOR, username="auditor1")


@pytest.fixture
def unit_user(make_user):
    user = make_user(Role.UNIT, username="unit_a")
    HandlingUnitFactory(name="区教育局").users.add(user)
    return user


@pytest.fixture
def member_user(make_user):
    user = make_user(Role.MEMBER, username="m_self")
    MemberFactory(user=user, name="张明")
    return user


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(client):
    """A Django test client logged in as the given user (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def eager():
    """Celery tasks run in the test process when queued, as the worker would run them (no worker here)."""
    from cppcc.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
