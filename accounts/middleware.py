"""Session lifetime and forced password change, applied to every request of a signed-in user."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import policy

API_PREFIX = "/api/"
# Last activity is written to the session at most this often, not on every request.
ACTIVITY_RESOLUTION = 60


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _is_static(request) -> bool:
    return bool(settings.STATIC_URL) and request.path.startswith(settings.STATIC_URL)


class _SignedInMiddleware:
    """Runs `_check` on every request of a signed-in user with a session; a response it returns answers
    the request instead of the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        raise NotImplementedError


class SessionTimeoutMiddleware(_SignedInMiddleware):
    """Ends a session idle for SESSION_IDLE_TIMEOUT seconds or older than SESSION_ABSOLUTE_TIMEOUT.

    Pages go to the login page with a message; the API answers 401 with the usual error body.
    """

    def _check(self, request):
        session, now = request.session, time.time()
        login_at = session.get(policy.SESSION_LOGIN_AT)
        if login_at is None:  # a session opened before these rules: it starts counting now
            policy.start_session(session, request.user)
            return None
        seen_at = session.get(policy.SESSION_SEEN_AT, login_at)
        absolute, idle = policy.absolute_timeout(), policy.idle_timeout()
        if absolute and now - login_at > absolute:
            message = "本次登录已到最长时限，为保障安全请重新登录。"
        elif idle and now - seen_at > idle:
            message = f"您已超过 {max(1, idle // 60)} 分钟未操作，登录已失效，请重新登录。"
        else:
            if now - seen_at >= ACTIVITY_RESOLUTION:
                session[policy.SESSION_SEEN_AT] = now
            return None
        logout(request)
        if is_api(request):
            return JsonResponse({"message": message, "errors": {}}, status=401)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path())


class PasswordPolicyMiddleware(_SignedInMiddleware):
    """Sends a user with an initial or expired password to the change page until they change it.

    Logout, the change page itself and static files stay reachable; the API answers 403.
    """

    EXEMPT_URL_NAMES = {"logout", "login", "accounts:password_change", "accounts:password_change_done"}

    def _exempt(self, request) -> bool:
        if _is_static(request):
            return True
        exempt_paths = {reverse(name) for name in self.EXEMPT_URL_NAMES}
        return request.path in exempt_paths

    def _check(self, request):
        state = request.session.get(policy.SESSION_PASSWORD)
        if state is None:
            state = policy.password_state(request.user)
            request.session[policy.SESSION_PASSWORD] = state
        reason = policy.change_reason(state)
        if reason is None or self._exempt(request):
            return None
        message = policy.change_message(reason)
        if is_api(request):
            return JsonResponse({"message": message, "errors": {}}, status=403)
        messages.warning(request, message)
        target = reverse("accounts:password_change")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
