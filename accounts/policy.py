"""Password-age and session-lifetime rules, read from settings; the middleware and the API apply them.

The state a request needs is kept in the session (written at login), so that checking it costs no
query on every page; a token-authenticated API request reads it with the token's own query.
"""

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

SESSION_LOGIN_AT = "_accounts_login_at"
SESSION_SEEN_AT = "_accounts_seen_at"
SESSION_PASSWORD = "_accounts_password"

INITIAL = "initial"
EXPIRED = "expired"


def password_max_age_days() -> int:
    return int(getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90))


def idle_timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 30 * 60))


def absolute_timeout() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 12 * 3600))


def _security(user):
    from .models import AccountSecurity

    try:
        return user.security
    except AccountSecurity.DoesNotExist:
        return None


def password_state(user) -> dict:
    """`{"must_change": bool, "expires_at": epoch seconds or None}` — JSON-safe, kept in the session.

    A user without a record (made by a factory, the demo, or before this app existed) has not been
    told to change anything, and their password counts from the day the account was created.
    """
    security = _security(user)
    changed = (security.password_changed_at if security else None) or user.date_joined
    days = password_max_age_days()
    return {
        "must_change": bool(security and security.must_change_password),
        "expires_at": (changed + dt.timedelta(days=days)).timestamp() if days and changed else None,
    }


def change_reason(state: dict) -> str | None:
    if state.get("must_change"):
        return INITIAL
    expires_at = state.get("expires_at")
    if expires_at is not None and time.time() >= expires_at:
        return EXPIRED
    return None


def change_message(reason: str) -> str:
    if reason == EXPIRED:
        return f"您的密码已超过 {password_max_age_days()} 天未修改，请先修改密码。"
    return "您的账号正在使用他人设置的初始密码，请先修改密码。"


def expires_on(state: dict) -> dt.date | None:
    """The local date the password expires (for the change page)."""
    if state.get("expires_at") is None:
        return None
    return timezone.localtime(dt.datetime.fromtimestamp(state["expires_at"], tz=dt.UTC)).date()


def start_session(session, user) -> None:
    now = time.time()
    session[SESSION_LOGIN_AT] = now
    session[SESSION_SEEN_AT] = now
    session[SESSION_PASSWORD] = password_state(user)


def refresh_password_state(session, user) -> None:
    session[SESSION_PASSWORD] = password_state(user)
