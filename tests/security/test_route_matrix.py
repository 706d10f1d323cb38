"""The page matrix: every named route of the project (tests/security/routes.py decides which) × every
role, requested with GET and compared with tests/security/expectations.py. A route without an
expectation fails by name, so does an expectation for a route that no longer exists. Lists are
checked for what they must not show: unit A's cases to unit B, member A's drafts to member B."""

import pytest
from django.urls import NoReverseMatch, reverse

from .conftest import (
    MARK_DRAFT,
    MARK_OPINION,
    MARK_OPINION_DRAFT,
    MARK_PROPOSAL,
    MARK_RECOMMENDATION,
    active_roles,
)
from .expectations import PAGES, code_of, parse
from .routes import page_routes
from .urlargs import PAGE_KWARGS

ROUTES = page_routes()
CASES = [pytest.param(name, role, id=f"{name}-{role}") for name, _ in ROUTES for role in active_roles()]


def page_url(name, world):
    try:
        return reverse(name, kwargs=PAGE_KWARGS[name](world.objects) if name in PAGE_KWARGS else None)
    except (NoReverseMatch, KeyError) as exc:
        pytest.fail(f"route {name!r} needs URL arguments: add it to PAGE_KWARGS in tests/security/urlargs.py ({exc})")


@pytest.mark.parametrize("name, role", CASES)
def test_page(world, page_client, name, role):
    response = page_client(role).get(page_url(name, world))
    actual = code_of(response)
    if name not in PAGES:
        pytest.fail(f"route {name!r} has no expectation in tests/security/expectations.py PAGES ({role}: {actual})")
    expected = parse(PAGES[name])[role]
    assert actual == expected, f"{name} as {role}: expected {expected}, got {actual}"
    assert response.status_code < 500


def test_every_expectation_names_a_route():
    stale = sorted(set(PAGES) - {name for name, _ in ROUTES})
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def test_casework_stays_out_of_reach_of_admin_and_auditor():
    """The rules of the role table, read off the expectations: the system administrator and the
    auditor open no casework page; the auditor reads only the audit pages."""
    audit_pages = {"audit_log", "securitylog:events", "securitylog:export"}
    personal = {"home", "login", "logout", "notifications:list", "notifications:read", "notifications:read_all"}
    personal |= {n for n in PAGES if n.startswith("accounts:password_change")}
    # one's own sign-ins and tokens; the 忘记密码 pages answer anyone (issue 12)
    personal |= {"accounts:tokens", "accounts:token_revoke", "accounts:logout_everywhere"}
    personal |= {n for n in PAGES if n.startswith("accounts:password_reset")}
    api_meta = {"api-root", "schema", "api_docs"}
    for name, row in PAGES.items():
        codes = parse(row)
        if name in personal or name in api_meta or name.startswith("admin:"):
            continue
        if name not in audit_pages:
            assert codes["auditor"] != "200", f"auditor opens {name}"
        if not name.startswith("accounts:"):
            assert codes["admin"] != "200", f"the system administrator opens casework page {name}"
        assert codes["anon"] in ("302", "405"), f"anonymous reaches {name}"


# --- lists: what another member and another unit must not see ------------------------------------

LEAKS = [
    # (route, role that must not see it, role that must (the control), the mark)
    ("proposals:inbox", "unit_b", "unit_a", MARK_PROPOSAL),
    ("proposals:mine", "other_member", "member", MARK_PROPOSAL),
    ("proposals:mine", "other_member", "member", MARK_DRAFT),
    ("opinions:inbox", "unit_b", "unit_a", MARK_OPINION),
    ("opinions:mine", "other_member", "member", MARK_OPINION),
    ("opinions:mine", "other_member", "member", MARK_OPINION_DRAFT),
    ("supervision:inbox", "unit_b", "unit_a", MARK_RECOMMENDATION),
    ("supervision:mine", "other_member", "member", "河道整治专题视察"),
    ("consultations:inbox", "unit_b", "unit_a", "优化营商环境"),
]


@pytest.mark.parametrize(
    "name, outsider, insider, mark",
    [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in LEAKS],
)
def test_lists_hide_other_peoples_cases(world, page_client, name, outsider, insider, mark):
    url = reverse(name)
    seen = page_client(insider).get(url)
    assert seen.status_code == 200 and mark in seen.content.decode(), f"{insider} should see {mark!r} on {name}"
    hidden = page_client(outsider).get(url)
    assert hidden.status_code == 200
    assert mark not in hidden.content.decode(), f"{outsider} sees {mark!r} on {name}"


def test_office_does_not_see_a_members_draft(world, page_client):
    """A draft is the member's own until submitted: the office's proposal and opinion lists leave it out."""
    for name, mark, control in (
        ("proposals:list", MARK_DRAFT, MARK_PROPOSAL),
        ("opinions:list", MARK_OPINION_DRAFT, MARK_OPINION),
    ):
        body = page_client("office").get(reverse(name)).content.decode()
        assert control in body, f"the office should see {control!r} on {name}"
        assert mark not in body, f"the office sees member A's draft on {name}"


DRAFT_VIEWS = [
    # (route or API path, world object)
    ("proposals:detail", "draft"),
    ("proposals:print", "draft"),
    ("opinions:detail", "opinion_draft"),
    ("/api/v1/proposals/{}/", "draft"),
    ("/api/v1/opinions/{}/", "opinion_draft"),
]
DRAFT_EXPECTED = {"member": 200, "other_member": 404, "office": 404, "unit_a": 404, "leader": 404}


@pytest.mark.parametrize("role, expected", DRAFT_EXPECTED.items())
@pytest.mark.parametrize("view, key", DRAFT_VIEWS)
def test_a_draft_is_its_authors_alone(world, page_client, api_client_for, view, key, role, expected):
    """Member A's unsubmitted drafts: by id, nobody else gets them — not another member, not the office."""
    pk = world[key].pk
    if view.startswith("/api/"):
        response = api_client_for(role).get(view.format(pk))
    else:
        response = page_client(role).get(reverse(view, kwargs={"pk": pk}))
    assert response.status_code == expected, f"{view} of A's {key} as {role}"
