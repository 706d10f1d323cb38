"""API tokens end (issue 12): idle and absolute lifetimes, password change, logout everywhere,
lockout, revocation by their owner — and only by their owner."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import tokens
from accounts.authentication import TokenAuthentication
from accounts.models import ApiToken
from cppcc.roles import Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
MINE = "/api/v1/auth/tokens/"


def _api(key=None, **extra):
    client = APIClient(**extra)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _valid(key) -> bool:
    status = _api(key).get(MINE).status_code
    assert status in (200, 401)
    return status == 200


def _at(minutes):
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def holder(make_user):
    return make_user(Role.OFFICE, username="tok_holder")


@pytest.fixture
def key(holder):
    response = _api().post(reverse("api_token"), {"username": "tok_holder", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


# --- the table: event → is the token still valid? -----------------------------------------------------


def idle_29(holder, key, client):
    return _at(29)


def idle_31(holder, key, client):
    return _at(31)


def used_every_20_minutes_for_11h50(holder, key, client):
    for step in range(1, 36):
        with _at(20 * step):
            assert _valid(key)
    return _at(20 * 35 + 10)


def used_every_20_minutes_past_12h(holder, key, client):
    for step in range(1, 36):
        with _at(20 * step):
            assert _valid(key)
    return _at(12 * 60 + 1)


def password_change_page(holder, key, client):
    client.force_login(holder)
    new = "Ch-anged-2026!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302


def password_set_in_shell(holder, key, client):
    holder.set_password("Sh-ell-2026!x")
    holder.save()


def login_hash_upgrade_is_no_change(holder, key, client):
    holder.set_password(PASSWORD)
    holder.save(update_fields=["password"])  # what check_password does when it upgrades the hash


def logout_everywhere_api(holder, key, client):
    assert _api(key).post("/api/v1/auth/logout-everywhere/").status_code == 200


def logout_everywhere_page(holder, key, client):
    client.force_login(holder)
    response = client.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def lockout(holder, key, client):
    attacker = _api(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post(reverse("api_token"), {"username": "tok_holder", "password": "Wrong-pass-1"}, format="json")


def revoke_by_owner_api(holder, key, client):
    token = tokens.token_lookup(key)
    assert _api(key).delete(f"{MINE}{token.pk}/").status_code == 204


def revoke_by_owner_page(holder, key, client):
    client.force_login(holder)
    token = tokens.token_lookup(key)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302


def revoke_by_someone_else(holder, key, client, make_user=None):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.get(username="tok_other")
    token = tokens.token_lookup(key)
    _, other_key = tokens.token_issue(user=other)
    assert _api(other_key).delete(f"{MINE}{token.pk}/").status_code == 404
    client.force_login(other)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404


def a_second_token_is_revoked(holder, key, client):
    _, second = tokens.token_issue(user=holder)
    assert _api(key).delete(f"{MINE}{tokens.token_lookup(second).pk}/").status_code == 204
    assert not _valid(second)


@pytest.mark.parametrize(
    ("event", "valid"),
    [
        (idle_29, True),
        (idle_31, False),
        (used_every_20_minutes_for_11h50, True),
        (used_every_20_minutes_past_12h, False),
        (password_change_page, False),
        (password_set_in_shell, False),
        (login_hash_upgrade_is_no_change, True),
        (logout_everywhere_api, False),
        (logout_everywhere_page, False),
        (lockout, False),
        (revoke_by_owner_api, False),
        (revoke_by_owner_page, False),
        (revoke_by_someone_else, True),
        (a_second_token_is_revoked, True),
    ],
    ids=lambda v: v.__name__ if callable(v) else str(v),
)
def test_token_after_event(client, make_user, holder, key, event, valid):
    make_user(Role.MEMBER, username="tok_other")
    travel = event(holder, key, client)
    if travel is not None:
        with travel:
            assert _valid(key) is valid
    else:
        assert _valid(key) is valid


# --- how tokens are kept and listed -----------------------------------------------------------------


def test_tokens_are_stored_hashed_and_several_per_user(holder, key):
    _, second = tokens.token_issue(user=holder, name="script")
    assert ApiToken.objects.filter(user=holder).count() == 2
    assert not ApiToken.objects.filter(digest__in=[key, second]).exists()
    assert ApiToken.objects.filter(digest=tokens.digest(key)).exists()


def test_owner_lists_only_their_own_live_tokens(make_user, holder, key):
    other = make_user(Role.MEMBER, username="tok_other")
    tokens.token_issue(user=other)
    body = _api(key).get(MINE).json()
    assert [t["prefix"] for t in body] == [key[:8]] and body[0]["current"] is True
    assert "digest" not in body[0]


def test_token_page_lists_own_tokens(client, holder, key):
    client.force_login(holder)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert key[:8] in page and key not in page


def test_last_used_is_written_at_most_once_a_minute(holder, key, django_assert_num_queries):
    auth = TokenAuthentication()
    with _at(2):
        with django_assert_num_queries(2):  # the lookup, and moving last_used on
            auth.authenticate_credentials(key)
    with _at(2.5):
        with django_assert_num_queries(1):  # within the minute: no write
            auth.authenticate_credentials(key)
