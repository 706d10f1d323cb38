"""Password rules: complexity, when it was set, expiry, and the forced change on pages and the API."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services
from accounts.models import AccountSecurity
from accounts.tokens import token_issue
from accounts.validators import CharacterClassValidator
from cppcc.roles import Role

from .conftest import PASSWORD

User = get_user_model()


# --- complexity -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abcdefgh", False),  # one class
        ("abcd1234", False),  # two classes
        ("ABCDefgh", False),  # two classes
        ("abcd-efgh", False),  # lower + symbol
        ("abcd1234-", True),  # lower + digit + symbol
        ("Abcd1234", True),  # lower + upper + digit
        ("ABCD-1234", True),  # upper + symbol + digit
        ("Abcd-efgh", True),  # lower + upper + symbol
        ("Ab1-xxxx", True),  # all four
        ("政协委员abc123", False),  # Chinese characters are no class of their own
    ],
)
def test_character_class_validator(password, ok):
    validator = CharacterClassValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as excinfo:
            validator.validate(password)
        assert "至少包含" in excinfo.value.messages[0] and "3 类" in excinfo.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-xy", "太短"),  # minimum length 8 kept
        ("Password1", "太常见"),  # common passwords kept (3 classes, but on the list)
        ("abcdefghij", "3 类"),
        ("Zx9-qw8!er", None),
    ],
)
def test_configured_validators(password, message):
    translation.activate("zh-hans")
    if message is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert any(message in m for m in excinfo.value.messages), excinfo.value.messages


# --- recording changes ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_a_password_records_the_time_and_clears_the_flag(make_user):
    user = make_user(Role.OFFICE)
    services.require_password_change(user=user)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        user.set_password("Zx9-qw8!er")
        user.save()
    security = AccountSecurity.objects.get(user=user)
    assert security.password_changed_at == dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    assert security.must_change_password is False


@pytest.mark.django_db
def test_factory_users_are_not_flagged(make_user):
    user = make_user(Role.MEMBER)
    assert not AccountSecurity.objects.filter(user=user, must_change_password=True).exists()


# --- forced change: pages ---------------------------------------------------------------------------


@pytest.fixture
def flagged(make_user):
    user = make_user(Role.OFFICE, username="flagged")
    services.require_password_change(user=user)
    return user


def _expired(make_user, days=91):
    user = make_user(Role.OFFICE, username="expired")
    AccountSecurity.objects.create(user=user, password_changed_at=timezone.now() - dt.timedelta(days=days))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url_name", "expected"),
    [
        ("flagged", "home", "change"),
        ("flagged", "members:list", "change"),
        ("flagged", "proposals:list", "change"),
        ("flagged", "accounts:password_change", 200),
        ("expired", "home", "change"),
        ("expired", "accounts:password_change", 200),
        ("fresh", "home", 200),
        ("fresh", "members:list", 200),
    ],
)
def test_pages_send_the_user_to_the_change_page(client, make_user, flagged, who, url_name, expected):
    user = {"flagged": flagged, "expired": None, "fresh": make_user(Role.OFFICE, username="fresh")}[who]
    if who == "expired":
        user = _expired(make_user)
    client.force_login(user)
    response = client.get(reverse(url_name))
    if expected == "change":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:password_change") + "?next=")
    else:
        assert response.status_code == expected


@pytest.mark.django_db
def test_logout_and_static_files_stay_reachable(client, flagged):
    client.force_login(flagged)
    static = client.get("/static/css/app.css")
    assert static.status_code != 302  # served (or 404 without collectstatic), never sent to the change page
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_expiry_follows_the_setting(client, make_user):
    user = _expired(make_user, days=100)
    client.force_login(user)
    with override_settings(PASSWORD_MAX_AGE_DAYS=0):  # 0 = never expires; checked at login
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
    with override_settings(PASSWORD_MAX_AGE_DAYS=120):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_password_expires_while_signed_in(client, make_user):
    user = make_user(Role.OFFICE)
    AccountSecurity.objects.create(user=user, password_changed_at=timezone.now() - dt.timedelta(days=89))
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1), tick=False):
        client.force_login(user)  # a fresh login the next day (the session rules would end the old one)
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_changing_the_password_lifts_the_block(client, flagged):
    client.force_login(flagged)
    page = client.get(reverse("accounts:password_change"))
    assert "请先修改密码" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Zx9-qw8!er", "new_password2": "Zx9-qw8!er", "next": "/members/"},
    )
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert client.get(reverse("home")).status_code == 200  # same session, still signed in
    security = AccountSecurity.objects.get(user=flagged)
    assert security.must_change_password is False and security.password_changed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new", "error"),
    [
        (PASSWORD, "不能与原密码相同"),
        ("abcdefghij", "3 类"),
        ("Ab1-x", "太短"),
    ],
)
def test_change_page_refuses_weak_or_unchanged_passwords(client, flagged, new, error):
    client.force_login(flagged)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert AccountSecurity.objects.get(user=flagged).must_change_password is True


@pytest.mark.django_db
def test_offsite_next_is_ignored(client, flagged):
    client.force_login(flagged)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Zx9-qw8!er",
            "new_password2": "Zx9-qw8!er",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")


# --- forced change: API -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize(("who", "expected"), [("flagged", 403), ("expired", 403), ("fresh", 200)])
def test_api_answers_403_until_the_password_is_changed(client, api_client, make_user, flagged, auth, who, expected):
    user = {"flagged": flagged, "fresh": make_user(Role.OFFICE, username="fresh")}.get(who) or _expired(make_user)
    if auth == "session":
        client.force_login(user)
        response = client.get("/api/v1/members/")
    else:
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        response = api_client.get("/api/v1/members/")
    assert response.status_code == expected
    if expected == 403:
        assert "请先修改密码" in response.json()["message"]


@pytest.mark.django_db
def test_token_requests_cost_no_extra_query(api_client, make_user, django_assert_num_queries):
    """The security record comes with the token lookup (select_related), not a query of its own."""
    user = make_user(Role.OFFICE)
    AccountSecurity.objects.create(user=user, password_changed_at=timezone.now())
    key = token_issue(user=user)[1]
    from accounts.authentication import TokenAuthentication

    with django_assert_num_queries(1):
        assert TokenAuthentication().authenticate_credentials(key)[0] == user
