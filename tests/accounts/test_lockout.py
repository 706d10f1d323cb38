"""Five failed logins lock an account for 30 minutes — on the login page and on the token endpoint."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Wrong-pass-1"


@pytest.fixture
def victim(make_user):
    from cppcc.roles import Role

    return make_user(Role.OFFICE, username="victim")


def _page_login(client, password):
    return client.post(reverse("login"), {"username": "victim", "password": password})


def _token_login(api_client, password):
    return api_client.post(reverse("api_token"), {"username": "victim", "password": password}, format="json")


def test_four_failures_do_not_lock_the_page_login(client, victim):
    for _ in range(4):
        assert _page_login(client, WRONG).status_code == 200
    response = _page_login(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_fifth_failure_locks_the_page_login_even_for_the_right_password(client, victim):
    for _ in range(4):
        _page_login(client, WRONG)
    fifth = _page_login(client, WRONG)
    assert fifth.status_code == 429
    assert "账号已暂时锁定" in fifth.content.decode()
    right = _page_login(client, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_token_endpoint_locks_after_five_failures_even_for_the_right_password(api_client, victim):
    for _ in range(4):
        assert _token_login(api_client, WRONG).status_code == 400
    assert _token_login(api_client, WRONG).status_code == 429
    response = _token_login(api_client, PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.json()["message"]
    assert "token" not in response.json()


def test_failures_on_page_and_token_endpoint_add_up(client, api_client, victim):
    for _ in range(3):
        _page_login(client, WRONG)
    for _ in range(2):
        _token_login(api_client, WRONG)
    assert _page_login(client, PASSWORD).status_code == 429
    assert _token_login(api_client, PASSWORD).status_code == 429


def test_lock_is_per_account_not_per_address(client, make_user, victim):
    from cppcc.roles import Role

    make_user(Role.OFFICE, username="colleague")
    for _ in range(5):
        _page_login(client, WRONG)
    colleague = client.post(reverse("login"), {"username": "colleague", "password": PASSWORD})
    assert colleague.status_code == 302


@pytest.mark.parametrize(
    ("minutes_later", "page_status", "token_status"),
    [(29, 429, 429), (31, 302, 200)],
)
def test_lock_ends_after_thirty_minutes(client, api_client, victim, minutes_later, page_status, token_status):
    for _ in range(5):
        _page_login(client, WRONG)
    assert AccessAttempt.objects.filter(username="victim").exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes_later), tick=False):
        assert _token_login(api_client, PASSWORD).status_code == token_status
        assert _page_login(client, PASSWORD).status_code == page_status


def test_successful_login_resets_the_failure_count(client, victim):
    for _ in range(4):
        _page_login(client, WRONG)
    assert _page_login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _page_login(client, WRONG)
    assert _page_login(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(("who", "expected"), [("security", 302), ("admin", 403), ("office", 403), ("auditor", 403)])
def test_security_admin_lifts_a_lock(client, client_for, people, victim, who, expected):
    for _ in range(5):
        _page_login(client, WRONG)
    admin_client = client_for(people[who])
    if who == "security":
        listing = admin_client.get(reverse("accounts:users"), {"q": "victim"})
        assert "已锁定" in listing.content.decode()
    response = admin_client.post(reverse("accounts:user_unlock", args=[victim.pk]))
    assert response.status_code == expected
    client.logout()
    assert _page_login(client, PASSWORD).status_code == (302 if who == "security" else 429)
