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


# --- issue 12: nobody keeps an account locked from afar; the address behind the proxy ----------------

A_ADDR, B_ADDR, PROXY = "198.51.100.7", "203.0.113.5", "10.0.0.2"


def _login_from(client, password, addr, forwarded=None):
    extra = {"REMOTE_ADDR": addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": "victim", "password": password}, **extra)


@pytest.mark.parametrize("endpoint", ["page", "token"])
def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, api_client, victim, endpoint):
    for _ in range(5):
        _login_from(client, WRONG, A_ADDR)
    assert _login_from(client, PASSWORD, A_ADDR).status_code == 429
    if endpoint == "page":
        assert _login_from(client, PASSWORD, B_ADDR).status_code == 302
    else:
        response = api_client.post(
            reverse("api_token"), {"username": "victim", "password": PASSWORD}, format="json", REMOTE_ADDR=B_ADDR
        )
        assert response.status_code == 200


def test_failures_during_a_lock_do_not_extend_it(client, victim):
    for _ in range(5):
        _login_from(client, WRONG, A_ADDR)
    for minutes in (10, 20, 29):
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False):
            assert _login_from(client, WRONG, A_ADDR).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        assert _login_from(client, PASSWORD, A_ADDR).status_code == 302


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(client, victim, settings):
    from securitylog.models import SecurityEvent

    settings.TRUSTED_PROXIES = []
    # a new forged address on every try changes nothing: the peer is what counts
    for i in range(5):
        _login_from(client, WRONG, A_ADDR, forwarded=f"192.0.2.{i + 1}")
    assert _login_from(client, PASSWORD, A_ADDR, forwarded=B_ADDR).status_code == 429
    failed = SecurityEvent.objects.filter(action="login_failed", actor_username="victim")
    assert set(failed.values_list("ip", flat=True)) == {A_ADDR}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {A_ADDR}


def test_forwarded_address_is_used_behind_a_trusted_proxy(client, victim, settings):
    from securitylog.models import SecurityEvent

    settings.TRUSTED_PROXIES = [PROXY]
    # the proxy appends the address it saw; whatever the client wrote further left is not believed
    for _ in range(5):
        _login_from(client, WRONG, PROXY, forwarded=f"192.0.2.99, {A_ADDR}")
    assert _login_from(client, PASSWORD, PROXY, forwarded=A_ADDR).status_code == 429
    assert _login_from(client, PASSWORD, PROXY, forwarded=B_ADDR).status_code == 302
    failed = SecurityEvent.objects.filter(action="login_failed", actor_username="victim")
    assert set(failed.values_list("ip", flat=True)) == {A_ADDR}
    assert SecurityEvent.objects.filter(action="login", ip=B_ADDR).exists()


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        (A_ADDR, None, [], A_ADDR),
        (A_ADDR, B_ADDR, [], A_ADDR),  # untrusted peer: the header is ignored
        (PROXY, B_ADDR, [], PROXY),
        (PROXY, B_ADDR, [PROXY], B_ADDR),
        (PROXY, f"192.0.2.1, {B_ADDR}", [PROXY], B_ADDR),  # rightmost untrusted entry
        (PROXY, f"{B_ADDR}, 10.0.0.3", ["10.0.0.0/8"], B_ADDR),  # a chain of trusted proxies
        (PROXY, "not-an-address", [PROXY], PROXY),
        (PROXY, "", [PROXY], PROXY),
    ],
)
def test_client_ip_helper(rf, settings, peer, forwarded, trusted, expected):
    from axes.helpers import get_client_ip_address

    from cppcc.clientip import client_ip
    from securitylog.recorder import client_ip as logged_ip

    settings.TRUSTED_PROXIES = trusted
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = rf.get("/", **extra)
    assert client_ip(request) == get_client_ip_address(request) == logged_ip(request) == expected
