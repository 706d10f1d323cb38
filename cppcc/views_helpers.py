"""Helpers shared by the browser views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .roles import Role, has_role


def role_required(*roles: str):
    """Anonymous users go to the login page; a signed-in user without one of `roles` gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def landing(user, *, office: str, leader: str, unit: str, member: str) -> str:
    """Where a user goes when the record they just acted on is no longer theirs to see: the list (URL
    name) of their role — the office's first, then a leader's, a unit's, a member's — else the home page."""
    for role, name in ((Role.OFFICE, office), (Role.LEADER, leader), (Role.UNIT, unit), (Role.MEMBER, member)):
        if has_role(user, role):
            return name
    return "home"


def no_member(request, member) -> bool:
    """True, with a warning on the page, when the signed-in user's account is linked to no member record
    (`member` is what `member_for_user` found)."""
    if member is None:
        messages.warning(request, "您的账号未关联委员信息，请联系机关工作人员。")
        return True
    return False


def page_view(*roles: str, methods: list[str] | None = None):
    """A browser page for users with one of `roles` (see `role_required`), never cached; with `methods`
    (e.g. `["POST"]`), any other HTTP method is answered 405 once the role is checked."""

    def decorator(view):
        if methods is not None:
            view = require_http_methods(methods)(view)
        return never_cache(role_required(*roles)(view))

    return decorator


def safe_next(request, field: str = "next") -> str:
    """The redirect target a form or link asked for (`next`, POST first), or "" unless it stays on this site.

    Every redirect built from request data goes through here: Django's check rejects other hosts, schemes
    (`javascript:`), protocol-relative and backslash forms (`//evil`, `/\\evil`, leading blanks) — a
    `startswith("/")` test lets `//evil.example` through (tests/security/test_redirects.py).
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def paginate(request, rows, size: int, params=None):
    """The page of `rows` the request asks for (`?page=`) and a copy of the query (`params`, by default
    the request's) without `page`, for the links that keep the filters."""
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    query = (params if params is not None else request.GET).copy()
    query.pop("page", None)
    return page, query


def filtered_list_page(request, filterset, results, *, templates: tuple[str, str], size: int, title: str,
                       subtitle: str, fields, state_choices, extra: dict | None = None):  # fmt: skip
    """A list page whose filter form has a `state` field: a page of `results` (the filterset's rows, ordered)
    with the filters shown; htmx asks for the table only (`templates`: the page, the table)."""
    page, query = paginate(request, results, size)
    state_selected = filterset.form["state"].value() or []
    context = {
        "title": title,
        "subtitle": subtitle,
        "page": page,
        "filter": filterset,
        "filter_fields": fields,
        "state_choices": state_choices,
        "state_selected": state_selected[0] if state_selected else "",
        "query": query.urlencode(),
        "total": page.paginator.count,
        **(extra or {}),
    }
    full, partial = templates
    return render(request, partial if request.headers.get("HX-Request") else full, context)


def stored_file_response(stored) -> FileResponse:
    """An uploaded file (`file`, `original_name`, `content_type`) as a download under its own name; the
    browser may not guess another type from its content."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
