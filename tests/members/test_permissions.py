"""Who may call what in the members app, beyond what the security matrix already asserts.

tests/security (expectations.py, test_route_matrix.py, test_api_matrix.py) asserts the status of
every page (GET) and every API operation (empty body) for every role. What is left here is what that
matrix cannot see: the office's writes with a valid body (they are done, and change the record),
DELETE (no operation of the schema: 405 for the office, refused for everyone else, nothing deleted),
and the member pages' form POSTs.
"""

import pytest
from auditlog.context import disable_auditlog
from django.urls import reverse

from members import urls as member_urls
from members.models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term
from portal.urls import router
from tests.security.expectations import API, PAGES

from .conftest import ROLES, TARGET_ID, make_id

# --------------------------------------------------------------------------------------------
# API: /api/v1/<resource>/ (list) and /api/v1/<resource>/<pk>/ (detail). Every resource answers the
# same; GET and the refusals of writes are rows of tests/security/expectations.py API.
# Anonymous callers get 401 (token challenge). No resource deletes (405 for the office, who passes the
# permission check; 403 for everyone else, who does not).
# --------------------------------------------------------------------------------------------
RESOURCES = ["members", "terms", "sessions", "sectors", "parties", "committees", "groups", "units"]
OFFICE_WRITES = [("list", "POST", 201), ("detail", "PUT", 200), ("detail", "PATCH", 200)]
DELETE_ROW = (401, 403, 403, 405, 403, 403, 403, 403)  # anon member other office unit leader admin auditor
API_TABLE = [(resource, "detail", "DELETE", *DELETE_ROW) for resource in RESOURCES]

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


def _call(client, resource, view, method, obj, body=None):
    url = f"/api/v1/{resource}/" if view == "list" else f"/api/v1/{resource}/{obj.pk}/"
    call = getattr(client, method.lower())
    return call(url, body, format="json") if body else call(url)


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("view, method, expected", OFFICE_WRITES)
def test_office_writes_with_a_valid_body(api_as, api_objects, resource, view, method, expected):
    obj, post_body, put_body, patch_body = api_objects[resource]
    client = api_as("office")
    model = MODELS[resource]
    before = _snapshot(model)

    response = _call(client, resource, view, method, obj, {"POST": post_body, "PUT": put_body}.get(method, patch_body))

    assert response.status_code == expected, response.content.decode()
    if method == "POST":
        assert model.objects.count() == len(before) + 1
    else:
        assert _snapshot(model) != before


@pytest.mark.parametrize("resource, view, method, role, expected", _expand(API_TABLE, 3))
def test_nothing_is_deleted_through_the_api(api_as, api_objects, resource, view, method, role, expected):
    obj = api_objects[resource][0]
    client = api_as(role)  # first: a member role's user comes with a record of their own
    model = MODELS[resource]
    before = _snapshot(model)

    response = _call(client, resource, view, method, obj)

    assert response.status_code == expected, response.content.decode()
    # Refusals use the API's error format and change nothing.
    assert set(response.json()) == {"message", "errors"}
    assert _snapshot(model) == before


def test_api_table_is_complete():
    # Every endpoint of the members app on the shared router (other apps test their own), and every
    # operation of theirs has its row in the security matrix.
    resources = {prefix for prefix, viewset, _ in router.registry if viewset.__module__ == "members.api"}
    assert resources == set(MODELS) == set(RESOURCES)
    operations = {f"{m} /api/v1/{r}/{p}" for r in resources for m, p in
                  [("GET", ""), ("POST", ""), ("GET", "{id}/"), ("PUT", "{id}/"), ("PATCH", "{id}/")]}  # fmt: skip
    assert operations <= set(API)


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
# Pages: their GET for every role is a row of tests/security/expectations.py PAGES; here, their form
# POSTs. Anonymous visitors are sent to the login page (302); a signed-in user without the role gets
# 403. The POSTs are empty forms: the office gets the form back with errors (200), nothing saved.
# --------------------------------------------------------------------------------------------
PAGE_TABLE = [
    # url name                  method  anon member other office unit leader admin auditor
    ("members:create",          "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("members:edit",            "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    ("members:import",          "POST", 302, 403, 403, 200, 403, 403, 403, 403),
    # 按身份证号码查找 answers with a redirect (to the member, or back to the list)
    ("members:find",            "POST", 302, 403, 403, 302, 403, 403, 403, 403),
]  # fmt: skip

PAGES_WITH_PK = {"members:detail", "members:edit"}


@pytest.mark.parametrize("name, method, role, expected", _expand(PAGE_TABLE, 2))
def test_page_permissions(page_as, target, name, method, role, expected):
    client = page_as(role)
    url = reverse(name, args=[target.pk] if name in PAGES_WITH_PK else [])
    before = _snapshot(Member)

    response = client.post(url, {})

    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert _snapshot(Member) == before


def test_page_table_is_complete(page_as, target):
    names = {f"members:{p.name}" for p in member_urls.urlpatterns}
    assert names <= set(PAGES)  # every page's GET, for every role
    rows = [(row[0], row[1]) for row in PAGE_TABLE]
    assert len(rows) == len(set(rows)), "a row appears twice"
    # The other pages take no form: a POST by the office, who may open them all, changes nothing.
    client = page_as("office")
    for name in sorted(names - {row[0] for row in PAGE_TABLE}):
        url = reverse(name, args=[target.pk] if name in PAGES_WITH_PK else [])
        before = _snapshot(Member)
        assert client.post(url, {}).status_code in (200, 405), name
        assert _snapshot(Member) == before, name


def test_edit_page_of_unknown_member_is_404_for_office(page_as, ref):
    client = page_as("office")
    assert client.get(reverse("members:edit", args=[999999])).status_code == 404
    assert client.get(reverse("members:detail", args=[999999])).status_code == 404
