"""三员分立 (issue 12): nobody but the account holder learns a password.

A reset sends the holder a one-time link (24 hours at most); the system administrator asks for it
but never sees it; the Django admin has no password form or field; every request is a security
event; the admin flags follow the system administrator role exactly.
"""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts import services, tokens
from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.roles import Role
from securitylog.models import SecurityEvent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW = "Ny-pass-2026!x"


def _sysadmin(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    return user


@pytest.fixture
def accounts(make_user):
    """The three administrators plus two casework accounts, each with their own e-mail address."""
    made = {
        "admin": _sysadmin(make_user(Role.ADMIN, username="r_admin", email="admin@example.org")),
        "admin2": _sysadmin(make_user(Role.ADMIN, username="r_admin2", email="admin2@example.org")),
        "security": make_user(Role.SECURITY, username="r_security", email="security@example.org"),
        "auditor": make_user(Role.AUDITOR, username="r_auditor", email="auditor@example.org"),
        "office": make_user(Role.OFFICE, username="r_office", email="office@example.org"),
        "member": make_user(Role.MEMBER, username="r_member", email="member@example.org"),
    }
    return made


def _link_path(message) -> str:
    url = re.search(r"https?://\S+", message.body)[0]
    return urlparse(url).path


def _events(user, **filters):
    return SecurityEvent.objects.filter(
        action=SecurityEvent.Action.RESET_REQUEST, object_type="auth.user", object_id=str(user.pk), **filters
    )


# --- who may ask for whom: actor role × target account role × path ------------------------------------

ACTORS = ["admin", "security", "auditor", "office", "member"]
TARGETS = ["admin2", "security", "auditor", "office", "member"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_reset_request_table_service(accounts, actor, target):
    """Only the system administrator asks for someone else; the link goes to the holder, and every
    request, refused or not, is in the security log with the account's roles."""
    actor_user, target_user = accounts[actor], accounts[target]
    allowed = actor == "admin"
    if allowed:
        masked = services.password_reset_request(actor=actor_user, user=target_user)
        assert [m.to for m in mail.outbox] == [[target_user.email]]
        assert target_user.email not in masked  # shown masked to the administrator
        event = _events(target_user, outcome="success").get()
    else:
        with pytest.raises(PermissionDenied):
            services.password_reset_request(actor=actor_user, user=target_user)
        assert mail.outbox == []
        event = _events(target_user, outcome="denied").get()
    assert event.actor_id == actor_user.pk
    administrative = target in ("admin2", "security", "auditor")
    assert event.detail["administrator_account"] is administrative
    assert target_user.check_password(PASSWORD)  # nobody's password changed by asking


@pytest.mark.parametrize("target", TARGETS)
def test_reset_request_table_django_admin(client_for, accounts, target):
    """The admin's action: the link reaches the holder's mailbox, never the administrator's page."""
    target_user = accounts[target]
    client = client_for(accounts["admin"])
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [target_user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[target_user.email]]
    path = _link_path(mail.outbox[0])
    token = path.rstrip("/").split("/")[-1]
    assert token not in response.content.decode() and path not in response.content.decode()
    assert _events(target_user, outcome="success", actor_id=accounts["admin"].pk).exists()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("asked_as", ["username", "email", "unknown"])
def test_forgot_password_page_answers_the_same_whoever_asks(client, accounts, target, asked_as):
    target_user = accounts[target]
    identifier = {"username": target_user.username, "email": target_user.email, "unknown": "nobody-here"}[asked_as]
    response = client.post(reverse("accounts:password_reset"), {"identifier": identifier})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    if asked_as == "unknown":
        assert mail.outbox == []
        assert SecurityEvent.objects.filter(action="reset_request", actor_username="nobody-here").exists()
    else:
        assert [m.to for m in mail.outbox] == [[target_user.email]]
        assert _events(target_user, outcome="success").get().detail["requested_by"] == "self"


def test_account_without_address_gives_the_admin_a_clear_error_and_is_logged(client_for, accounts, make_user):
    bare = make_user(Role.OFFICE, username="no_mail")
    with pytest.raises(ApplicationError, match="没有登记电子邮箱"):
        services.password_reset_request(actor=accounts["admin"], user=bare)
    response = client_for(accounts["admin"]).post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [bare.pk]},
        follow=True,
    )
    assert "没有登记电子邮箱" in response.content.decode()
    assert mail.outbox == [] and _events(bare, outcome="failure").count() == 2
    # the holder's own request says nothing more than for anyone else
    page = client_for(None).post(reverse("accounts:password_reset"), {"identifier": "no_mail"})
    assert page["Location"] == reverse("accounts:password_reset_done")


# --- the Django admin has no password form and no password field ---------------------------------------


@pytest.mark.parametrize("target", ["admin", "admin2", "security", "auditor", "office", "member"])
def test_admin_password_form_is_gone(client_for, accounts, target):
    client = client_for(accounts["admin"])
    url = f"/admin/auth/user/{accounts[target].pk}/password/"
    assert client.get(url).status_code in (403, 404)
    before = User.objects.get(pk=accounts[target].pk).password
    response = client.post(url, {"usable_password": "true", "password1": NEW, "password2": NEW})
    assert response.status_code in (403, 404)
    assert User.objects.get(pk=accounts[target].pk).password == before


def test_admin_forms_have_no_password_field(client_for, accounts):
    client = client_for(accounts["admin"])
    add = client.get(reverse("admin:auth_user_add")).content.decode()
    change = client.get(reverse("admin:auth_user_change", args=[accounts["office"].pk])).content.decode()
    for page in (add, change):
        assert not re.search(r'name="(password|password1|password2|usable_password)"', page)
        assert "/password/" not in page


def test_account_added_in_admin_has_no_known_password_and_the_holder_gets_a_link(client_for, accounts):
    client = client_for(accounts["admin"])
    response = client.post(
        reverse("admin:auth_user_add"),
        # a password sent anyway is ignored
        {"username": "newbie", "email": "newbie@example.org", "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newbie")
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["newbie@example.org"]]
    client_for(None)
    assert client.post(reverse("login"), {"username": "newbie", "password": NEW}).status_code == 200


def test_email_change_in_admin_is_logged_and_the_old_address_told(client_for, accounts):
    target = accounts["auditor"]
    client = client_for(accounts["admin"])
    response = client.post(
        reverse("admin:auth_user_change", args=[target.pk]),
        {
            "username": target.username,
            "first_name": "",
            "last_name": "",
            "email": "evil@example.org",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = SecurityEvent.objects.get(action="account_change", object_id=str(target.pk))
    assert event.actor_id == accounts["admin"].pk and event.detail["target_roles"] == ["auditor"]
    assert [m.to for m in mail.outbox] == [["auditor@example.org"]]


@pytest.mark.parametrize("target", ["security", "auditor", "admin2", "office"])
def test_deactivating_or_deleting_an_account_in_admin_is_logged(client_for, accounts, target):
    """The system administrator switching off (or deleting) another administrator's account shows in the log."""
    victim = accounts[target]
    client = client_for(accounts["admin"])
    response = client.post(
        reverse("admin:auth_user_change", args=[victim.pk]),
        {"username": victim.username, "first_name": "", "last_name": "", "email": victim.email},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    victim.refresh_from_db()
    assert not victim.is_active
    event = SecurityEvent.objects.get(action="account_change", object_id=str(victim.pk))
    assert event.actor_id == accounts["admin"].pk
    assert event.detail["changes"] == {"is_active": {"from": True, "to": False}}
    response = client.post(reverse("admin:auth_user_delete", args=[victim.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=victim.pk).exists()
    assert (
        SecurityEvent.objects.filter(action="account_change", object_id=str(victim.pk), detail__deleted=True).count()
        == 1
    )


# --- the link: works once, for 24 hours at most ------------------------------------------------------


def _use(client, path, password=NEW):
    landing = client.get(path)
    if landing.status_code != 302:
        return landing
    return client.post(landing["Location"], {"new_password1": password, "new_password2": password})


def test_link_works_once_and_ends_other_sessions_and_tokens(client, accounts):
    holder = accounts["security"]
    _, key = tokens.token_issue(user=holder)
    services.password_reset_request(actor=accounts["admin"], user=holder)
    path = _link_path(mail.outbox[0])
    done = _use(client, path)
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_complete")
    holder.refresh_from_db()
    assert holder.check_password(NEW) and tokens.token_lookup(key) is None
    assert SecurityEvent.objects.filter(action="password_reset", actor_id=holder.pk).exists()
    again = _use(client, path, "An-other-2026!")
    assert again.status_code == 200 and again.context["validlink"] is False
    holder.refresh_from_db()
    assert holder.check_password(NEW)


@pytest.mark.parametrize(("hours", "valid"), [(23.9, True), (24.1, False)])
def test_link_expires_within_a_day(client, accounts, hours, valid):
    holder = accounts["office"]
    services.password_reset_request(actor=None, user=holder)
    path = _link_path(mail.outbox[0])
    # Django's reset token counts naive local time: travel from the local aware now.
    with time_machine.travel(dt.datetime.now().astimezone() + dt.timedelta(hours=hours), tick=False):
        response = _use(client, path)
    assert (response.status_code == 302) is valid
    holder.refresh_from_db()
    assert holder.check_password(NEW) is valid


# --- the admin flags follow the system administrator role ---------------------------------------------

A, S, AU = Role.ADMIN, Role.SECURITY, Role.AUDITOR
M, O = Role.MEMBER, Role.OFFICE  # noqa: E741


@pytest.mark.parametrize(
    ("before", "superuser", "after", "staff"),
    [
        ([A], False, [O], False),  # the example of the issue: the admin becomes office staff
        ([A], True, [M], False),
        ([A], True, [], False),
        ([A], False, [S], False),
        ([O], False, [A], True),
        ([], False, [A], True),
        ([A], True, [A], True),  # kept, but nobody is a superuser
    ],
)
def test_flags_follow_roles(people, make_user, before, superuser, after, staff):
    user = make_user(*before, username="flagged")
    if A in before:
        _sysadmin(user)
    if superuser:
        User.objects.filter(pk=user.pk).update(is_superuser=True)
    services.set_roles(actor=people["security"], user=user, roles=after)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (staff, False)
    assert user.user_permissions.exists() is staff
    assert {g.name for g in user.groups.all()} == set(after)


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
@pytest.mark.parametrize("role", [M, O, S, AU])
@pytest.mark.parametrize("path", ["user.groups.add", "group.user_set.add", "save flag"])
def test_staff_account_gets_no_other_role_by_any_path(make_user, flag, role, path):
    user = make_user(*([role] if path == "save flag" else []), username="staffer")
    if path != "save flag":
        User.objects.filter(pk=user.pk).update(**{flag: True})
        user.refresh_from_db()
    group = Group.objects.get_or_create(name=role)[0]
    with pytest.raises(ApplicationError), transaction.atomic():
        if path == "user.groups.add":
            user.groups.add(group)
        elif path == "group.user_set.add":
            group.user_set.add(user)
        else:
            setattr(user, flag, True)
            user.save()
    user.refresh_from_db()
    assert getattr(user, flag) is (path != "save flag")
    assert set(user.groups.values_list("name", flat=True)) == ({role} if path == "save flag" else set())


# --- hostile input on the new doors: never a 500, never a mail ----------------------------------------

HOSTILE_IDENTIFIERS = ["\x00", "a" * 10000, "' OR '1'='1", "<script>alert(1)</script>", "%", "x@y\r\nBcc: e@evil.org"]


@pytest.mark.parametrize("identifier", HOSTILE_IDENTIFIERS, ids=range(len(HOSTILE_IDENTIFIERS)))
def test_forgot_password_page_survives_hostile_input(client, accounts, identifier):
    response = client.post(reverse("accounts:password_reset"), {"identifier": identifier})
    assert response.status_code in (200, 302)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/%00/x/",
        "/accounts/password/reset/" + "A" * 2000 + "/t-t/",
        "/accounts/password/reset/MQ/set-password/",
    ],
)
def test_reset_link_survives_hostile_paths(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response.status_code == 404 or response.context["validlink"] is False


# WSGI hands headers over decoded as latin-1: UTF-8 text arrives as its latin-1 reading.
@pytest.mark.parametrize(
    "header", ["Token " + "x" * 500, "Token " + "中文".encode().decode("latin-1"), "Token a b", "Token ", "Token \x00"]
)
def test_hostile_token_headers_answer_401(header):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_forgot_password_page_sends_one_link_per_few_minutes(client, accounts):
    url = reverse("accounts:password_reset")
    for _ in range(3):
        assert client.post(url, {"identifier": "r_member"}).status_code == 302
    assert len(mail.outbox) == 1
    assert _events(accounts["member"], outcome="failure").count() == 2
    with time_machine.travel(dt.datetime.now().astimezone() + dt.timedelta(minutes=6), tick=False):
        client.post(url, {"identifier": "r_member"})
    assert len(mail.outbox) == 2
