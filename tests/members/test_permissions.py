"""Who may call what: every API endpoint and every page, for every role, as a table.

One row per (endpoint, method); one column per role. A cell is the status the caller gets.
`test_*_table_is_complete` fail when an endpoint or page is added without a row here.
"""

import pytest
from auditlog.context import disable_auditlog
from django.urls import reverse

from members import urls as member_urls
from members.models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term
from portal.urls import router

from .conftest import ROLES, TARGET_ID, make_id

# --------------------------------------------------------------------------------------------
# API: /api/v1/<resource>/ (list) and /api/v1/<resource>/<pk>/ (detail)
#
# Anonymous callers get 403, not 401: DRF answers 401 only when the *first* authentication class
# supplies a WWW-Authenticate header, and the first one here is SessionAuthentication (none).
# (docs/roles.md says 401; the settings make it 403 — this table asserts what the code does.)
# Admin and auditor accounts do no casework and are refused everything. No resource deletes (405
# for the office, who passes the permission check; 403 for everyone else, who does not).
# --------------------------------------------------------------------------------------------
API_TABLE = [
    # resource     view      method    anon member other office unit leader admin auditor
    ("members",    "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("members",    "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("members",    "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("members",    "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("members",    "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("members",    "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("terms",      "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("terms",      "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("terms",      "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("terms",      "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("terms",      "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("terms",      "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("sessions",   "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("sessions",   "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("sessions",   "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("sessions",   "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("sessions",   "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("sessions",   "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("sectors",    "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("sectors",    "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("sectors",    "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("sectors",    "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("sectors",    "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("sectors",    "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("parties",    "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("parties",    "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("parties",    "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("parties",    "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("parties",    "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("parties",    "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("committees", "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("committees", "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("committees", "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("committees", "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("committees", "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("committees", "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("groups",     "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("groups",     "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("groups",     "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("groups",     "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("groups",     "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("groups",     "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
    ("units",      "list",   "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("units",      "list",   "POST",   401, 403, 403, 201, 403, 403, 403, 403),
    ("units",      "detail", "GET",    401, 200, 200, 200, 200, 200, 403, 403),
    ("units",      "detail", "PUT",    401, 403, 403, 200, 403, 403, 403, 403),
    ("units",      "detail", "PATCH",  401, 403, 403, 200, 403, 403, 403, 403),
    ("units",      "detail", "DELETE", 401, 403, 403, 405, 403, 403, 403, 403),
]  # fmt: skip

MODELS = {
    "members": Member,
    "terms": Term,
    "sessions": Session,
    "sectors": Sector,
    "parties": Party,
    "committees": SpecialCommittee,
    "groups": MemberGroup,
    "units": HandlingUnit,
}


def _expand(table, n_keys):
    cases = []
    for row in table:
        keys, statuses = row[:n_keys], row[n_keys:]
        assert len(statuses) == len(ROLES), row
        for role, status in zip(ROLES, statuses, strict=True):
            cases.append(pytest.param(*keys, role, status, id="-".join([*map(str, keys), role])))
    return cases


@pytest.fixture
def api_objects(ref, target):
    """resource -> (existing object, POST body, PUT body, PATCH body)."""
    with disable_auditlog():
        session = Session.objects.create(term=ref.term, number=1, name="第一次会议", start_date="2024-01-10")
        unit = HandlingUnit.objects.create(name="区财政局")
    sector, party = ref.economy.pk, ref.cpc.pk
    return {
        "members": (
            target,
            {"name": "新委员", "id_number": make_id(201), "sector": sector, "party": party},
            {"name": "王五", "gender": "F", "id_number": TARGET_ID, "sector": sector, "party": party, "title": "院长"},
            {"title": "院长"},
        ),
        "terms": (
            ref.term,
            {"number": 10, "name": "第十届", "start_year": 2027, "end_year": 2031, "is_current": False},
            {"number": 9, "name": "第九届（改）", "start_year": 2022, "end_year": 2026, "is_current": True},
            {"name": "第九届（改）"},
        ),
        "sessions": (
            session,
            {"term": ref.term.pk, "number": 2, "name": "第二次会议", "start_date": "2025-01-10"},
            {"term": ref.term.pk, "number": 1, "name": "第一次会议（改）", "start_date": "2024-01-10"},
            {"name": "第一次会议（改）"},
        ),
        "sectors": (ref.economy, {"name": "新界别"}, {"name": "经济界（改）", "order": 1}, {"name": "经济界（改）"}),
        "parties": (ref.cpc, {"name": "新党派", "short_name": "新"}, {"name": "中共（改）"}, {"name": "中共（改）"}),
        "committees": (ref.committee, {"name": "新专委会"}, {"name": "提案委（改）"}, {"name": "提案委（改）"}),
        "groups": (ref.group, {"name": "新委员组"}, {"name": "第一组（改）"}, {"name": "第一组（改）"}),
        "units": (
            unit,
            {"name": "区税务局", "kind": "government"},
            {"name": "区财政局（改）"},
            {"name": "区财政局（改）"},
        ),
    }


def _snapshot(model):
    return list(model.objects.order_by("pk").values())


@pytest.mark.parametrize("resource, view, method, role, expected", _expand(API_TABLE, 3))
def test_api_permissions(api_as, api_objects, resource, view, method, role, expected):
    obj, post_body, put_body, patch_body = api_objects[resource]
    client = api_as(role)
    url = f"/api/v1/{resource}/" if view == "list" else f"/api/v1/{resource}/{obj.pk}/"
    body = {"POST": post_body, "PUT": put_body, "PATCH": patch_body}.get(method)
    model = MODELS[resource]
    before = _snapshot(model)

    call = getattr(client, method.lower())
    response = call(url, body, format="json") if body else call(url)

    assert response.status_code == expected, response.content.decode()
    if expected >= 400:
        # Refusals use the API's error format and change nothing.
        assert set(response.json()) == {"message", "errors"}
        assert _snapshot(model) == before
    elif method == "GET" and view == "list":
        assert obj.pk in [item["id"] for item in response.json()["results"]]
    elif method == "GET":
        assert response.json()["id"] == obj.pk
    elif method == "POST":
        assert model.objects.count() == len(before) + 1
    else:  # PUT / PATCH by the office
        assert _snapshot(model) != before


def test_api_table_is_complete():
    # Every endpoint of the members app on the shared router (other apps test their own).
    resources = {prefix for prefix, viewset, _ in router.registry if viewset.__module__ == "members.api"}
    assert resources == set(MODELS)
    rows = {(r, v, m) for r, v, m, *_ in API_TABLE}
    assert len(rows) == len(API_TABLE), "a row appears twice"
    expected = {
        (r, v, m)
        for r in resources
        for v, m in [("list", "GET"), ("list", "POST"), ("detail", "GET"), ("detail", "PUT"),
                     ("detail", "PATCH"), ("detail", "DELETE")]
    }  # fmt: skip
    assert rows == expected


def test_anonymous_api_caller_gets_401_with_a_token_challenge(api_client, target):
    response = api_client.get("/api/v1/members/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    body = response.json()
    assert body["errors"] == {} and body["message"]


def test_invalid_token_is_refused(api_client, target):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api_client.get("/api/v1/members/")
    assert response.status_code == 401
    assert "results" not in response.json()


# --------------------------------------------------------------------------------------------
# Pages. Anonymous visitors are sent to the login page (302); a signed-in user without the role
# gets 403. POSTs are empty forms: the office gets the form back with errors (200), nothing saved.
# --------------------------------------------------------------------------------------------
PAGE_TABLE = [
    # url name                  method  anon member other office unit leader admin auditor
    ("home",                    "GET",  302, 200, 200, 200, 200, 200, 200, 200),
    ("members:list",            "GET",  302, 200, 200, 200, 200, 200, 403, 403),
    ("members:detail",          "GET",  302, 200, 200, 200, 200, 200, 403, 403),
    ("members:create",          "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("members:create",          "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("members:edit",            "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("members:edit",            "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("members:import",          "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("members:import",          "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("members:import_template", "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    ("members:export",          "GET",  302, 403, 403, 200, 403, 403, 403, 403),
    # 按身份证号码查找 answers with a redirect (to the member, or back to the list)
    ("members:find",            "POST", 302, 403, 403, 302, 403, 403, 403, 403),
    ("audit_log",               "GET",  302, 403, 403, 200, 403, 403, 403, 200),
]  # fmt: skip

PAGES_WITH_PK = {"members:detail", "members:edit"}


@pytest.mark.parametrize("name, method, role, expected", _expand(PAGE_TABLE, 2))
def test_page_permissions(page_as, target, name, method, role, expected):
    client = page_as(role)
    url = reverse(name, args=[target.pk] if name in PAGES_WITH_PK else [])
    before = _snapshot(Member)

    response = client.get(url) if method == "GET" else client.post(url, {})

    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if method == "POST":
        assert _snapshot(Member) == before
    if expected == 200 and name == "members:detail":
        assert "王五" in response.content.decode()


def test_page_table_is_complete():
    names = {f"members:{p.name}" for p in member_urls.urlpatterns} | {"home", "audit_log"}
    assert {row[0] for row in PAGE_TABLE} == names
    rows = [(row[0], row[1]) for row in PAGE_TABLE]
    assert len(rows) == len(set(rows)), "a row appears twice"


def test_edit_page_of_unknown_member_is_404_for_office(page_as, ref):
    client = page_as("office")
    assert client.get(reverse("members:edit", args=[999999])).status_code == 404
    assert client.get(reverse("members:detail", args=[999999])).status_code == 404
