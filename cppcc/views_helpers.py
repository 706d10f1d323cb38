"""Helpers shared by the browser views."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.http import url_has_allowed_host_and_scheme

from .roles import has_role


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
