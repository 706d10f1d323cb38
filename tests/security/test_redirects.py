"""Open redirects: every view that honours `next=` sends a hostile target back to the site, never away.

Table: hostile targets × views that take `next` (found by grepping the templates and views for `next`;
the views use cppcc.views_helpers.safe_next, Django's login and logout their own check)."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from cppcc.roles import Role
from tests.factories import UserFactory

HOSTILE = [
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "\\/\\/evil.example",
    "/%2F%2Fevil.example",
    "http:/evil.example",
    " //evil.example",
    "\t//evil.example/",
    "///evil.example",
    "https:evil.example",
]

PASSWORD = "Test-pass-2026"


def _login(world, target):
    client = Client()
    return client.post(
        "/accounts/login/", {"username": world.users["office"].username, "password": PASSWORD, "next": target}
    )


def _logout(world, target):
    client = Client()
    client.force_login(world.users["office"])
    return client.post("/accounts/logout/", {"next": target})


def _password_change(world, target):
    client = Client()
    client.force_login(UserFactory(username="redirect_pw", roles=[Role.MEMBER]))
    new = "Another-pass-2027"
    return client.post(
        "/accounts/password/change/?next=x",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new, "next": target},
    )


def _proposal_action(world, target):
    client = Client()
    client.force_login(world.users["member"])
    return client.post(f"/proposals/{world['draft'].pk}/do/submit/", {"next": target})


def _notification_read(world, target):
    client = Client()
    client.force_login(world.users["member"])
    return client.post(f"/notifications/{world['notification'].pk}/read/", {"next": target})


def _awards_save(world, target):
    client = Client()
    client.force_login(world.users["office"])
    return client.post(f"/assessment/awards/{world['year']}/", {"next": target})


VIEWS = {
    "login": _login,
    "logout": _logout,
    "password change": _password_change,
    "proposal action": _proposal_action,
    "notification read": _notification_read,
    "assessment awards": _awards_save,
}


@pytest.mark.parametrize("target", HOSTILE)
@pytest.mark.parametrize("view", list(VIEWS))
def test_hostile_next_stays_on_the_site(world, db, view, target):
    response = VIEWS[view](world, target)
    assert response.status_code == 302, (view, response.status_code)
    location = response["Location"]
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), (view, target, location)
    parts = urlsplit(location)
    assert not parts.netloc and not parts.scheme and location.startswith("/") and location[1:2] not in ("/", "\\")
    assert location != target.strip() or location.startswith("/%2F")


@pytest.mark.parametrize("view", list(VIEWS))
def test_local_next_is_followed(world, db, view):
    """The control row: an on-site target is honoured, so the table above tests the check, not a view that
    ignores `next` altogether."""
    response = VIEWS[view](world, "/notifications/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"
