"""Every filter of every list, with out-of-range and malformed values: never a 5xx.

Discovered, not listed: every GET operation of the OpenAPI schema with each query parameter it documents
and each field of its view's FilterSet; every page route of the URL conf (tests/security/routes.py) with
every parameter any FilterSet declares plus the ones views read by hand. A new list, filter or page is
covered without touching this file. A bad value may answer 400 or be ignored (an empty or unfiltered
list); what it may not do is reach the database or `datetime` unchecked and answer 500."""

import functools

import django_filters
import pytest
from django.urls import resolve, reverse

from .conftest import active_roles
from .expectations import API, PAGES, parse
from .routes import page_routes
from .urlargs import PAGE_KWARGS

# Year 99999 and -1, an id beyond bigint (10**30), not a number, a date beyond datetime's range, and a
# digit str.isdigit() accepts but int() refuses. (More values cost minutes: each is a request per filter.)
BAD = ["99999", "-1", str(10**30), "abc", "99999-01-01", "²"]

# Read from request.GET by hand in some view, besides the FilterSets' fields.
HAND_READ = [
    "year", "term", "session", "page", "page_size", "q", "tab", "source", "plan", "unit", "kind", "type",
    "model", "actor", "action", "date_from", "date_to", "role", "group", "sector", "party", "grade", "order",
    "ordering", "member", "state", "category", "status", "start", "end",
]  # fmt: skip

# The office reads every list; a member reads their own. Only routes that answer the role 200 are walked
# (a refused request never reads its parameters).
ROLES = ("office", "member")
# Pages also as the auditor: the audit pages read their filters (dates, ids) by hand.
PAGE_ROLES = (*ROLES, "auditor")


def _filtersets():
    """Every FilterSet class of the project (imported with the apps' views and APIs by the URL conf)."""
    found, todo = [], [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if not sub.__module__.startswith("django_filters"):
                found.append(sub)
    return found


@functools.cache
def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def api_lists() -> dict[str, tuple[str, ...]]:
    """Query parameters of every GET collection operation: those the schema documents and the fields of
    the view's FilterSet. (An operation on one object shares its collection's FilterSet.)"""
    lists = {}
    for path, item in _schema()["paths"].items():
        if "get" not in item or "{" in path:
            continue
        names = {p["name"] for p in item["get"].get("parameters", ()) if p.get("in") == "query"}
        view = resolve(path).func
        filterset = getattr(getattr(view, "cls", None), "filterset_class", None)
        if filterset is not None:
            names |= set(filterset.base_filters)
        if names:
            lists[path] = tuple(sorted(names | {"page", "page_size"}))
    return lists


@functools.cache
def page_parameters() -> tuple[str, ...]:
    names = set(HAND_READ)
    for filterset in _filtersets():
        names |= set(filterset.base_filters)
    return tuple(sorted(names))


def test_discovery_finds_the_lists():
    """The walk reaches what it claims: the opinion list's year (the reported 500), the proposal FilterSet."""
    assert "year" in api_lists()["/api/v1/opinions/"]
    assert "unit" in api_lists()["/api/v1/proposals/"]
    assert len(api_lists()) >= 15
    assert {"year", "from_proposal", "level"} <= set(page_parameters())


@pytest.mark.parametrize("path", list(api_lists()))
def test_api_filter_with_bad_values_never_fails(world, api_client_for, path):
    failures = []
    for role in ROLES:
        if parse(API.get(f"GET {path}", " ".join(["200"] * len(active_roles()))))[role] != "200":
            continue
        client = api_client_for(role)
        for name in api_lists()[path]:
            for value in BAD:
                status = client.get(path, {name: value}).status_code
                if status >= 500:
                    failures.append(f"{path}?{name}={value!r} as {role}: {status}")
    assert not failures, failures


# The schema download regenerates the OpenAPI document per request (~1 s) and reads none of these
# parameters; the admin pages are Django's own.
SKIPPED_PAGES = {"schema"}


@pytest.mark.parametrize(
    "name", [name for name, _ in page_routes() if not name.startswith("admin:") and name not in SKIPPED_PAGES]
)
def test_page_with_bad_values_never_fails(world, page_client, name):
    """Each page once per bad value, with every known parameter set to it: pages ignore a bad filter, so
    one parameter cannot hide another's failure."""
    failures = []
    kwargs = PAGE_KWARGS[name](world.objects) if name in PAGE_KWARGS else None
    url = reverse(name, kwargs=kwargs)
    for role in PAGE_ROLES:
        if name in PAGES and parse(PAGES[name])[role] != "200":
            continue
        client = page_client(role)
        for value in BAD:
            status = client.get(url, dict.fromkeys(page_parameters(), value)).status_code
            if status >= 500:
                failures.append(f"{url} with every parameter = {value!r} as {role}: {status}")
    assert not failures, failures
