"""The API matrix: every operation of the OpenAPI schema (path × method, from drf-spectacular's own
generator) × every role, with an empty JSON body for the writes, compared with
tests/security/expectations.py API. Plus: the API is closed by default (no view allows anonymous
callers unless allow-listed), and lists never carry another unit's or another member's records."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from .conftest import active_roles
from .expectations import API, parse
from .routes import fill, openapi_operations
from .urlargs import API_OBJECTS

OPERATIONS = openapi_operations()
CASES = [
    pytest.param(method, path, role, id=f"{method} {path}-{role}")
    for method, path in OPERATIONS
    for role in active_roles()
]

# Views that answer without a signed-in user, on purpose: the token login itself.
ALLOW_ANONYMOUS = {"api_token"}
ANONYMOUS_OPERATIONS = {"POST /api/v1/auth/token/"}

# Records that belong to member A or unit A: outsiders must never get a 2xx on them.
SCOPED = ("proposals", "opinions", "recommendations", "consultation-outcomes", "inspections", "assessments",
          "attendance", "notifications")  # fmt: skip
NO_CASEWORK = ("admin", "auditor", "security")
# Everyone's own things, not casework: notifications, and one's API tokens and sign-outs (issue 12).
PERSONAL = ("notifications", "auth")


def api_url(path, world):
    resource = path.split("/")[3]
    if "{" not in path:
        return path
    if resource not in API_OBJECTS:
        pytest.fail(f"{path}: say which world object its id names in API_OBJECTS (tests/security/urlargs.py)")
    return fill(path, world[API_OBJECTS[resource]].pk)


@pytest.mark.parametrize("method, path, role", CASES)
def test_operation(world, api_client_for, method, path, role):
    key = f"{method} {path}"
    client = api_client_for(role)
    url = api_url(path, world)
    response = client.get(url) if method == "GET" else getattr(client, method.lower())(url, {}, format="json")
    status = response.status_code
    if key not in API:
        pytest.fail(f"operation {key!r} has no expectation in tests/security/expectations.py API ({role}: {status})")
    expected = parse(API[key])[role]
    assert str(status) == expected, f"{key} as {role}: expected {expected}, got {status} {response.content[:300]!r}"
    # The rules every row must obey, whatever the table says: no 5xx; a write is done (2xx), refused
    # (401/403/404/405), or answered for its body or state (400/409; 415 where a file upload is due).
    assert status < 500
    if method != "GET":
        assert status in (200, 201, 204, 400, 401, 403, 404, 405, 409, 415), f"{key} as {role}: {status}"
    if role == "anon" and key not in ANONYMOUS_OPERATIONS:
        assert status == 401 and response.has_header("WWW-Authenticate")
    resource = path.split("/")[3]
    if role in ("unit_b", "other_member") and resource in SCOPED and "{" in path:
        assert status >= 400, f"{role} acts on A's {resource}"
    if role in NO_CASEWORK and resource not in PERSONAL and key not in ANONYMOUS_OPERATIONS:
        assert status in (403, 404), f"{role} reaches casework operation {key}"
    if method != "GET" and 200 <= status < 300 and resource not in PERSONAL:
        assert role not in ("anon", *NO_CASEWORK), f"{role} writes through {key}"


def test_every_expectation_names_an_operation():
    stale = sorted(set(API) - {f"{m} {p}" for m, p in OPERATIONS})
    assert not stale, f"expectations for operations the schema no longer has: {stale}"


def _api_views():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern) and isinstance(getattr(p.callback, "cls", None), type):
                if issubclass(p.callback.cls, APIView):
                    yield p.name, p.callback

    return list(walk(get_resolver().url_patterns))


def test_no_api_view_lets_anonymous_callers_in_unless_allow_listed():
    views = _api_views()
    assert len(views) > 20
    for name, callback in views:
        cls = callback.cls
        classes = list(callback.initkwargs.get("permission_classes", cls.permission_classes))
        for extra in getattr(cls, "get_extra_actions", list)():
            classes += list(extra.kwargs.get("permission_classes", ()))
        open_ = not classes or any(c is AllowAny or getattr(c, "__name__", "") == "AllowAny" for c in classes)
        if name in ALLOW_ANONYMOUS:
            continue
        assert not open_, f"{name} ({cls.__module__}.{cls.__name__}) answers anonymous callers: {classes}"


def test_anonymous_api_call_answers_401_with_a_challenge(api_client_for, world):
    response = api_client_for("anon").get("/api/v1/proposals/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert set(response.json()) == {"message", "errors"}


# --- lists ---------------------------------------------------------------------------------------

LISTS = [
    # (list path, world object, who must not see it, who must (the control))
    ("/api/v1/proposals/", "proposal", "unit_b", "unit_a"),
    ("/api/v1/proposals/", "proposal", "other_member", "member"),
    ("/api/v1/proposals/", "draft", "other_member", "member"),
    ("/api/v1/proposals/", "draft", "office", "member"),
    ("/api/v1/proposals/", "draft", "leader", "member"),
    ("/api/v1/opinions/", "opinion", "unit_b", "unit_a"),
    ("/api/v1/opinions/", "opinion", "other_member", "member"),
    ("/api/v1/opinions/", "opinion_draft", "other_member", "member"),
    ("/api/v1/opinions/", "opinion_draft", "office", "member"),
    ("/api/v1/recommendations/", "recommendation", "unit_b", "unit_a"),
    ("/api/v1/recommendations/", "recommendation", "other_member", "member"),
    ("/api/v1/consultation-outcomes/", "outcome", "unit_b", "unit_a"),
    ("/api/v1/inspections/", "inspection", "other_member", "member"),
    ("/api/v1/attendance/", "attendance", "other_member", "member"),
    ("/api/v1/assessments/", "member_a", "other_member", "member"),
    ("/api/v1/notifications/", "notification", "other_member", "member"),
]


def _ids(body):
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {row["id"] if "id" in row else row["member"] for row in rows}  # assessments: one row per member


@pytest.mark.parametrize("path, key, outsider, insider", [pytest.param(*r, id=f"{r[0]}{r[1]}-{r[2]}") for r in LISTS])
def test_lists_never_carry_other_peoples_records(world, api_client_for, path, key, outsider, insider):
    pk = world[key].pk
    seen = api_client_for(insider).get(path, {"page_size": 500})
    assert seen.status_code == 200 and pk in _ids(seen.json()), f"{insider} should find {key} {pk} in {path}"
    hidden = api_client_for(outsider).get(path, {"page_size": 500})
    assert hidden.status_code == 200
    assert pk not in _ids(hidden.json()), f"{outsider} finds {key} {pk} in {path}"
