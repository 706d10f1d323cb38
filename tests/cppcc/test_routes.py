"""`cppcc.routes.Routes`: a page declared with its URL, roles and methods is registered in declaration
order and guarded as declared (anonymous → login, other role → 403, other method → 405, never cached)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path, resolve

from cppcc.roles import Role
from cppcc.routes import Routes

route = Routes()


@route("open/<int:pk>/", name="open")
def open_page(request, pk):
    return HttpResponse(f"open {pk}")


@route("office/", name="office", roles=(Role.OFFICE,), methods=("POST",))
def office_page(request):
    return HttpResponse("office")


# The login page the anonymous user is sent to (settings.LOGIN_URL names it).
urlpatterns = [*route.urlpatterns, path("accounts/login/", lambda request: HttpResponse(), name="login")]


def test_patterns_in_declaration_order_with_names():
    assert [(str(p.pattern), p.name) for p in route.urlpatterns] == [("open/<int:pk>/", "open"), ("office/", "office")]
    # The decorated function stays the plain view: the module can still call it.
    assert open_page(RequestFactory().get("/"), 3).content == b"open 3"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "who, method, expected",
    [
        ("anonymous", "post", 302),
        ("leader", "post", 403),
        ("office", "get", 405),
        ("office", "post", 200),
    ],
)
def test_guarded_page(make_user, who, method, expected):
    request = getattr(RequestFactory(), method)("/office/")
    request.user = AnonymousUser() if who == "anonymous" else make_user(Role.OFFICE if who == "office" else Role.LEADER)
    view = resolve("/office/").func
    try:
        response = view(request)
    except PermissionDenied:
        status = 403
    else:
        status = response.status_code
        if who == "anonymous":
            assert response.url.startswith("/accounts/login/")
        if status == 200:
            assert "no-cache" in response["Cache-Control"]
    assert status == expected


@pytest.mark.urls(__name__)
def test_open_page_is_not_guarded():
    request = RequestFactory().get("/open/5/")
    request.user = AnonymousUser()
    match = resolve("/open/5/")
    assert match.func(request, **match.kwargs).content == b"open 5"
