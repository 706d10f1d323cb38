"""The office opens login accounts for members and handling-unit staff; Django admin adds accounts.

An account the office opens starts with a password the office has seen, so it must be changed at
first login; one added in the Django admin has no password at all until its holder sets one through
the link (tests/accounts/test_reset.py).
"""

import re
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import services
from accounts.models import AccountSecurity
from cppcc.errors import Conflict, PermissionDenied
from cppcc.roles import Role
from members.models import HandlingUnit

from ..factories import MemberFactory
from .conftest import PASSWORD

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MemberFactory(name="李华")


@pytest.fixture
def unit():
    return HandlingUnit.objects.create(name="区卫生健康局")


def _flagged(user) -> bool:
    return AccountSecurity.objects.get(user=user).must_change_password


def _roles(user):
    return set(user.groups.values_list("name", flat=True))


# --- permission table --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        ("office", 200, 200),
        ("leader", 403, 403),
        ("member", 403, 403),
        ("unit", 403, 403),
        ("admin", 403, 403),
        ("security", 403, 403),
        ("auditor", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_who_may_open_accounts(client_for, people, member, unit, who, get_status, post_status):
    client = client_for(people.get(who))
    member_url = reverse("accounts:member_open", args=[member.pk])
    unit_url = reverse("accounts:unit_open")
    assert client.get(member_url).status_code == get_status
    assert client.get(unit_url).status_code == get_status
    assert client.post(member_url, {"username": "lihua"}).status_code == post_status
    assert client.post(unit_url, {"unit": unit.pk, "username": "wsj01", "full_name": "王芳"}).status_code == post_status
    opened = User.objects.filter(username__in=["lihua", "wsj01"]).count()
    assert opened == (2 if who == "office" else 0)


@pytest.mark.parametrize("who", ["leader", "member", "unit", "admin", "security", "auditor", "norole"])
def test_services_refuse_everyone_but_the_office(people, member, unit, who):
    with pytest.raises(PermissionDenied):
        services.account_open_for_member(actor=people[who], member=member, username="lihua")
    with pytest.raises(PermissionDenied):
        services.account_open_for_unit(actor=people[who], unit=unit, username="wsj01", full_name="王芳")
    assert not User.objects.filter(username__in=["lihua", "wsj01"]).exists()


# --- the member flow ----------------------------------------------------------------------------------


def test_member_account_is_linked_flagged_and_its_password_shown_once(client_for, people, member):
    client = client_for(people["office"])
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert reverse("accounts:member_open", args=[member.pk]) in detail
    form = client.get(reverse("accounts:member_open", args=[member.pk]))
    assert form.context["form"].initial["username"] == "lihua"  # suggested from the name's pinyin
    response = client.post(reverse("accounts:member_open", args=[member.pk]), {"username": "lihua"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert escape(password) in response.content.decode()
    user = User.objects.get(username="lihua")
    member.refresh_from_db()
    assert member.user == user and user.first_name == "李华"
    assert _roles(user) == {"member"}
    assert _flagged(user) and user.check_password(password)
    assert len(password) >= 12 and password not in user.password  # hashed, not stored in clear
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "登录账号：lihua" in detail and password not in detail


def test_new_member_logs_in_and_must_change_the_initial_password(client, people, member):
    _, password = services.account_open_for_member(actor=people["office"], member=member, username="lihua")
    response = client.post(reverse("login"), {"username": "lihua", "password": password})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:password_change"))
    assert client.get("/api/v1/members/").status_code == 403
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "Li-hua-2026!", "new_password2": "Li-hua-2026!"},
    )
    assert changed.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/members/").status_code == 200
    assert not _flagged(User.objects.get(username="lihua"))


def test_member_with_an_account_gets_no_second(client_for, people, member):
    services.account_open_for_member(actor=people["office"], member=member, username="lihua")
    with pytest.raises(Conflict):
        services.account_open_for_member(actor=people["office"], member=member, username="lihua2")
    client = client_for(people["office"])
    response = client.post(reverse("accounts:member_open", args=[member.pk]), {"username": "lihua3"})
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.pk])
    assert not User.objects.filter(username__in=["lihua2", "lihua3"]).exists()


@pytest.mark.parametrize(
    ("username", "error"),
    [("p_leader", "已被使用"), ("P_LEADER", "已被使用"), ("li hua", "用户名"), ("  ", "")],
)
def test_bad_usernames_are_refused_on_the_form(client_for, people, member, username, error):
    response = client_for(people["office"]).post(
        reverse("accounts:member_open", args=[member.pk]), {"username": username}
    )
    assert response.status_code == 200 and "password" not in response.context
    errors = response.context["form"].errors["username"]
    assert errors and error in errors[0]
    member.refresh_from_db()
    assert member.user is None


def test_unknown_member_answers_404(client_for, people):
    assert client_for(people["office"]).get(reverse("accounts:member_open", args=[999999])).status_code == 404


def test_suggested_username_skips_taken_names(people, make_user):
    make_user(username="lihua")
    make_user(username="lihua2")
    assert services.suggest_username("li hua") == "lihua3"


@pytest.mark.parametrize("n", range(5))
def test_generated_passwords_pass_the_rules(n):
    from django.contrib.auth.password_validation import validate_password

    password = services.generate_password()
    validate_password(password)
    assert re.search(r"[a-z]", password) and re.search(r"[A-Z]", password) and re.search(r"[0-9]", password)


# --- the unit flow ------------------------------------------------------------------------------------


def test_unit_account(client_for, people, unit):
    client = client_for(people["office"])
    response = client.post(reverse("accounts:unit_open"), {"unit": unit.pk, "username": "wsj01", "full_name": "王芳"})
    assert response.status_code == 200
    user = User.objects.get(username="wsj01")
    assert list(unit.users.all()) == [user]
    assert _roles(user) == {"unit"} and _flagged(user) and user.first_name == "王芳"
    assert user.check_password(response.context["password"])


def test_unit_account_needs_a_name(people, unit):
    from cppcc.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.account_open_for_unit(actor=people["office"], unit=unit, username="wsj01", full_name=" ")
    assert not User.objects.filter(username="wsj01").exists()


# --- Django admin -------------------------------------------------------------------------------------


@pytest.fixture
def sysadmin(people):
    user = people["admin"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    return user


def test_admin_cannot_grant_roles_or_superuser_but_can_deactivate(client_for, sysadmin, make_user):
    from django.contrib.auth.models import Group

    target = make_user(Role.MEMBER, username="target")
    client = client_for(sysadmin)
    response = client.post(
        reverse("admin:auth_user_change", args=[target.pk]),
        {
            "username": "target",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "",  # deactivate
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name="admin").pk],
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:3]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.is_active is False
    assert (target.is_staff, target.is_superuser) == (False, False)
    assert _roles(target) == {"member"} and not target.user_permissions.exists()


def test_admin_cannot_edit_own_roles_either(client_for, sysadmin):
    client = client_for(sysadmin)
    client.post(
        reverse("admin:auth_user_change", args=[sysadmin.pk]),
        {"username": sysadmin.username, "is_active": "on", "is_superuser": "on", "groups": []},
    )
    sysadmin.refresh_from_db()
    assert _roles(sysadmin) == {"admin"} and not sysadmin.is_superuser


def test_role_groups_are_read_only_in_admin(client_for, sysadmin):
    from django.contrib.auth.models import Group

    client = client_for(sysadmin)
    office = Group.objects.get(name="office")
    assert client.post(reverse("admin:auth_group_change", args=[office.pk]), {"name": "renamed"}).status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "new"}).status_code == 403
    office.refresh_from_db()
    assert office.name == "office"


def test_admin_login_with_the_factory_password_still_works(client, sysadmin):
    assert client.post(reverse("login"), {"username": sysadmin.username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# --- first accounts of an installation -------------------------------------------------------------


@pytest.mark.parametrize(("role", "staff"), [("security", False), ("admin", True), ("auditor", False)])
def test_create_account_command(role, staff):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_account", f"first_{role}", role=role, name="张三", stdout=out)
    user = User.objects.get(username=f"first_{role}")
    password = re.search(r"初始密码：(\S+)", out.getvalue()).group(1)
    assert user.check_password(password) and _flagged(user)
    assert _roles(user) == {role} and user.is_staff is staff and not user.is_superuser


def test_create_account_command_refuses_a_taken_username(people):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="已被使用"):
        call_command("create_account", "p_office", role="security")
