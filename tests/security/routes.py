"""What the matrices walk: every named URL pattern of the project and every operation of the OpenAPI
schema, discovered from the code at collection time — so a new route is a new failing case."""

import functools
import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve

# Django admin: every view of the admin site goes through the same `admin_site.admin_view` staff
# check, so the matrix takes the index and the model lists (one per registered model — a newly
# registered model shows up here); add/change/delete/history pages of those models are left out.
ADMIN_TAKEN = re.compile(r"^admin:(index|.*_changelist)$")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


@functools.cache
def openapi_operations() -> tuple[tuple[str, str], ...]:
    """(method, path) of every operation the OpenAPI schema documents, e.g. ("POST", "/api/v1/proposals/{id}/file/")."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                ops.append((method.upper(), path))
    return tuple(sorted(ops))


def fill(path: str, value="1") -> str:
    """An OpenAPI path with its parameters filled in: /api/v1/proposals/{id}/ → /api/v1/proposals/1/."""
    return re.sub(r"{[^}]+}", str(value), path)


@functools.cache
def api_route_names() -> frozenset:
    """The URL names of the routes the OpenAPI schema documents (the API matrix covers them)."""
    return frozenset(resolve(fill(path)).view_name for _method, path in openapi_operations())


@functools.cache
def page_routes() -> tuple[tuple[str, str], ...]:
    """(name, pattern) of every route the page matrix requests: all named routes except the API
    operations (the API matrix covers those), the format-suffix twins and the admin pages left out above."""
    api = api_route_names()
    seen = {}
    for name, pattern, _p in _walk(get_resolver().url_patterns):
        if name is None or name in seen:
            continue  # the admin's catch-all and redirects; a route's `.json` twin
        if name in api:
            continue
        if name.startswith("admin:") and not ADMIN_TAKEN.match(name):
            continue
        seen[name] = pattern
    return tuple(seen.items())
